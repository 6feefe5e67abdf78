"""Search as a person types: the last word matches its beginning."""

from __future__ import annotations

import pytest

from surveys.models import Reply, Respondent
from surveys.replies import services as replies
from surveys.review import search
from tests.factories import MembershipFactory, ReviewerFactory, build_questionnaire, question

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    estonia = Respondent.objects.get(code="EST")
    q = build_questionnaire(dispatch_to=[estonia])
    reply = Reply.objects.get(questionnaire=q, respondent=estonia)
    focal = MembershipFactory(respondent=estonia).user
    with django_capture_on_commit_callbacks(execute=True):
        for number, value, state in (
            ("1", "no", "answered"),
            ("2", "An information hotline answers calls.", "answered"),
        ):
            replies.save_answer(
                reply=reply,
                question_id=question(q, number).pk,
                user=focal,
                value=value,
                state=state,
                expected_version=0,
            )
        replies.submit_reply(reply=reply, user=focal)
    return reply


@pytest.mark.parametrize("typed", ["hot", "hotline", "information hot", "HOTL"])
def test_the_beginning_of_a_word_finds_it(submitted, typed):
    hits = search.matching_entries(user=ReviewerFactory(), query=typed)
    assert [e.reply_id for e in hits] == [submitted.pk]


@pytest.mark.parametrize("typed", ["'&|!:*()", "hot & ", "\\", "-hotline", '"hot"'])
def test_odd_input_never_breaks_the_search(submitted, typed):
    list(search.matching_entries(user=ReviewerFactory(), query=typed))


def test_the_search_page_updates_as_a_person_types(client, submitted):
    client.force_login(ReviewerFactory())
    page = client.get("/review/search/?q=hot", headers={"HX-Request": "true"})
    assert page.status_code == 200
    assert 'id="search-results"' in page.content.decode()
    assert "Estonia" in page.content.decode()
