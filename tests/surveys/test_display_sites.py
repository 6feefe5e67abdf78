"""Every page, print copy and export that shows a question and its answer reads it through the
one builder, ``surveys.questionnaires.display.answer_display``.

A spy stands in for the builder (it calls the real one and notes the question): a page with a
copy of its own would show the answer without the spy hearing of it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reports.coding import selectors as report_selectors
from surveys.models import Reply, Respondent
from surveys.questionnaires import display
from surveys.replies import services as replies
from surveys.review import exports
from tests.factories import (
    MembershipFactory,
    ReviewerFactory,
    SecretariatFactory,
    build_questionnaire,
    question,
    save_answer,
)

pytestmark = pytest.mark.django_db

UNITS = "Specialized police"  # the label of the choice the focal point picks
OFFENCES = "Trafficking is an offence under article 3."


@pytest.fixture
def spy(monkeypatch):  # type: ignore[no-untyped-def]
    seen: list[tuple[int, str]] = []
    real = display.answer_display

    def spying(question, entry, language="en", **kwargs):  # type: ignore[no-untyped-def]
        shown = real(question, entry, language, **kwargs)
        seen.append((question.number, shown.line))
        return shown

    monkeypatch.setattr(display, "answer_display", spying)
    return seen


@pytest.fixture
def filed():  # type: ignore[no-untyped-def]
    salvador = Respondent.objects.get(code="SLV")
    questionnaire = build_questionnaire(dispatch_to=[salvador])
    reply = Reply.objects.get(questionnaire=questionnaire, respondent=salvador)
    focal = MembershipFactory(respondent=salvador, role="focal_point").user
    save_answer(reply, focal, "1", "yes")
    save_answer(reply, focal, "1 (a)", 2004)
    save_answer(reply, focal, "2", OFFENCES)
    save_answer(reply, focal, "4", ["police"])
    replies.submit_reply(reply=reply, user=focal)
    return {
        "reply": reply,
        "questionnaire": questionnaire,
        "focal": focal,
        "secretariat": SecretariatFactory(),
        "reviewer": ReviewerFactory(),
    }


def _page(client, user, name, **kwargs):  # type: ignore[no-untyped-def]
    client.force_login(user)
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200, name
    return response.content.decode()


def _shown(seen, number="4"):  # type: ignore[no-untyped-def]
    return [line for n, line in seen if n == number]


def test_the_secretariat_preview_reads_blank_questions_through_the_builder(client, filed, spy):
    html = _page(
        client, filed["secretariat"], "surveys:questionnaire-preview", pk=filed["questionnaire"].pk
    )
    assert _shown(spy) == [""]  # the blank question
    assert UNITS in html and "Border unit" in html  # every option listed


@pytest.mark.parametrize(
    ("who", "name", "kwargs"),
    [
        (
            "secretariat",
            "surveys:secretariat-reply",
            lambda f: {"q": f["questionnaire"].pk, "reply": f["reply"].pk},
        ),
        (
            "secretariat",
            "surveys:secretariat-reply-revision",
            lambda f: {"q": f["questionnaire"].pk, "reply": f["reply"].pk, "number": 1},
        ),
        ("focal", "surveys:reply-form", lambda f: {"pk": f["reply"].pk}),
        ("focal", "surveys:revision-detail", lambda f: {"pk": f["reply"].pk, "number": 1}),
        ("focal", "surveys:revision-print", lambda f: {"pk": f["reply"].pk, "number": 1}),
        ("reviewer", "surveys:review-reply", lambda f: {"pk": f["reply"].pk}),
    ],
)
def test_each_reply_page_reads_the_answer_through_the_builder(
    client, filed, spy, who, name, kwargs
):
    html = _page(client, filed[who], name, **kwargs(filed))
    assert _shown(spy) == [UNITS]
    assert _shown(spy, "2") == [OFFENCES]
    assert UNITS in html and OFFENCES in html


def test_the_revision_comparison_reads_both_revisions_through_the_builder(client, filed, spy):
    reply, focal = filed["reply"], filed["focal"]
    replies.reopen_reply(reply=reply, user=focal)
    save_answer(reply, focal, "4", ["border"])
    replies.submit_reply(reply=reply, user=focal)
    client.force_login(focal)
    response = client.get(
        reverse("surveys:revision-compare", kwargs={"pk": reply.pk}), {"older": 1, "newer": 2}
    )
    assert response.status_code == 200
    assert sorted(_shown(spy)) == ["Border unit", UNITS]


def test_the_conflict_answer_of_an_autosave_is_written_by_the_builder(client, filed, spy):
    reply, focal = filed["reply"], filed["focal"]
    replies.reopen_reply(reply=reply, user=focal)
    client.force_login(focal)
    q4 = question(reply.questionnaire, "4")
    response = client.post(
        reverse("surveys:answer-save", kwargs={"pk": reply.pk}),
        {"question": q4.pk, "version": 0, "state": "answered", "value": "border"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 409
    assert response.json()["current"]["display"] == UNITS
    assert _shown(spy) == [UNITS]


def test_exports_comparisons_and_report_evidence_write_answers_through_the_builder(filed, spy):
    reviewer, questionnaire = filed["reviewer"], filed["questionnaire"]
    rows = list(exports.answer_rows(exports.published_replies(Reply.objects.all())))
    assert [r["value"] for r in rows if r["question"] == "4"] == [UNITS]
    spy.clear()
    comparison = exports.compare_across_respondents(
        Reply.objects.all(), questionnaire, [question(questionnaire, "4").pk]
    )
    assert [c.text for row in comparison.rows for c in row.cells] == [UNITS]
    assert _shown(spy) == [UNITS]
    spy.clear()
    revision = filed["reply"].revisions.get()
    q4 = question(questionnaire, "4")
    assert report_selectors.answer_text(q4, revision.answers[str(q4.pk)]) == UNITS
    assert _shown(spy) == [UNITS]
    del reviewer
