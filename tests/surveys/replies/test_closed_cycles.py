"""Closed cycles are closed (issue 17, item 10): a focal point activated today sees a past
questionnaire as closed, with what their State submitted (read only) or "no reply", never
"Start the reply" or "Late: 6926 days past the deadline"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from surveys.models import Reply, Respondent
from surveys.questionnaires import dispatch
from surveys.replies import services as replies
from tests.factories import MembershipFactory, SecretariatFactory, build_questionnaire, question

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle():  # type: ignore[no-untyped-def]
    """The 2007 questionnaire, closed: El Salvador replied, Estonia did not."""
    salvador = Respondent.objects.get(code="SLV")
    estonia = Respondent.objects.get(code="EST")
    questionnaire = build_questionnaire(dispatch_to=[salvador, estonia])
    focal = MembershipFactory(respondent=salvador, role="focal_point").user
    reply = Reply.objects.get(questionnaire=questionnaire, respondent=salvador)
    for number, value in (("1", "yes"), ("1 (a)", "2004"), ("2", "Article 3 of the Penal Code.")):
        replies.save_answer(
            reply=reply,
            question_id=question(questionnaire, number).pk,
            user=focal,
            value=value,
            expected_version=0,
        )
    replies.submit_reply(reply=reply, user=focal)
    dispatch.close_questionnaire(questionnaire=questionnaire, by=SecretariatFactory())
    return {
        "q": questionnaire,
        "replied": reply,
        "silent": Reply.objects.get(questionnaire=questionnaire, respondent=estonia),
        # activated today, long after the cycle closed
        "salvador_new": MembershipFactory(respondent=salvador, role="focal_point").user,
        "estonia_new": MembershipFactory(respondent=estonia, role="focal_point").user,
    }


def workspace_html(client, user):  # type: ignore[no-untyped-def]
    client.force_login(user)
    response = client.get(reverse("surveys:workspace"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_closed_cycle_shows_what_the_state_submitted_read_only(client, cycle):
    html = workspace_html(client, cycle["salvador_new"])
    assert "Closed" in html
    assert "Submitted on" in html and "(revision 1)" in html
    revision = reverse("surveys:revision-detail", kwargs={"pk": cycle["replied"].pk, "number": 1})
    assert revision in html
    assert "Start the reply" not in html and "Continue the reply" not in html
    assert "Late:" not in html and "past the deadline" not in html
    assert client.get(revision).status_code == 200


def test_a_closed_cycle_without_a_reply_says_no_reply_and_offers_no_start(client, cycle):
    html = workspace_html(client, cycle["estonia_new"])
    assert "No reply" in html
    assert "closed without a reply from Estonia" in html
    assert "Start the reply" not in html
    assert "Late:" not in html and "past the deadline" not in html
    assert reverse("surveys:reply-form", kwargs={"pk": cycle["silent"].pk}) not in html


def test_the_reply_page_of_a_closed_cycle_is_read_only_and_never_late(client, cycle):
    client.force_login(cycle["estonia_new"])
    response = client.get(reverse("surveys:reply-form", kwargs={"pk": cycle["silent"].pk}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "This questionnaire is closed" in html
    assert "sent no reply to this questionnaire before it closed" in html
    assert "Late:" not in html
    assert '<textarea name="value"' not in html
    assert "Review and submit" not in html


def test_another_states_focal_point_sees_nothing_of_the_closed_reply(client, cycle):
    html = workspace_html(client, cycle["estonia_new"])
    assert "El Salvador" not in html
    client.force_login(cycle["estonia_new"])
    revision = reverse("surveys:revision-detail", kwargs={"pk": cycle["replied"].pk, "number": 1})
    assert client.get(revision).status_code == 404


def test_an_open_questionnaire_past_its_deadline_is_still_late(client, cycle):
    """Only the closing makes the difference: an open one still says it is late."""
    other = build_questionnaire(dispatch_to=[Respondent.objects.get(code="EST")])
    assert other.status == "dispatched"
    html = workspace_html(client, cycle["estonia_new"])
    assert "Late:" in html and "Start the reply" in html
