"""Clearance (issue 18, items 1 and 2): the focal point reads the whole reply as it will be
sent before submitting it, with what changed since the last submission marked; an expert
hands the draft over ("ready for clearance", the focal points get an e-mail) and a focal
point may send it back with a comment. Only the reply's own people take part."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from surveys.models import EmailLog, Handoff, Reply, Respondent
from surveys.replies import selectors
from surveys.replies import services as replies
from tests.factories import (
    MembershipFactory,
    ReviewerFactory,
    SecretariatFactory,
    build_questionnaire,
    question,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reply():  # type: ignore[no-untyped-def]
    salvador = Respondent.objects.get(code="SLV")
    estonia = Respondent.objects.get(code="EST")
    questionnaire = build_questionnaire(dispatch_to=[salvador, estonia])
    return Reply.objects.get(questionnaire=questionnaire, respondent=salvador)


@pytest.fixture
def people(reply):  # type: ignore[no-untyped-def]
    estonia = Respondent.objects.get(code="EST")
    return {
        "focal_point": MembershipFactory(
            respondent=reply.respondent, role="focal_point", user__full_name="Ana Morales"
        ).user,
        "expert": MembershipFactory(
            respondent=reply.respondent, role="expert", user__full_name="Luis Rivas"
        ).user,
        "observer": MembershipFactory(respondent=reply.respondent, role="observer").user,
        "other_state": MembershipFactory(respondent=estonia, role="focal_point").user,
        "reviewer": ReviewerFactory(),
        "secretariat": SecretariatFactory(),
    }


def answer(reply, user, number, value):  # type: ignore[no-untyped-def]
    q = question(reply.questionnaire, number)
    current = reply.answers.filter(question=q).first()
    replies.save_answer(
        reply=reply,
        question_id=q.pk,
        user=user,
        value=value,
        expected_version=current.version if current else 0,
    )


def fill(reply, user):  # type: ignore[no-untyped-def]
    answer(reply, user, "1", "yes")
    answer(reply, user, "1 (a)", "2004")
    answer(reply, user, "2", "Trafficking is an offence under article 3 of the Penal Code.")
    answer(reply, user, "5", {"2005": {"investigated": 12}})


def clearance(client, user, reply):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client.get(reverse("surveys:reply-submit", kwargs={"pk": reply.pk}))


# --- the clearance view -------------------------------------------------------------------


def test_the_clearance_page_shows_every_answer_read_only_and_submits_from_there(
    client, reply, people
):
    fill(reply, people["expert"])
    response = clearance(client, people["focal_point"], reply)
    html = response.content.decode()
    assert response.status_code == 200
    assert "The reply as it will be sent" in html
    assert "Trafficking is an offence under article 3 of the Penal Code." in html
    assert "2004" in html and "12" in html  # the number and the table's figure
    assert "No answer" in html  # question 3, unanswered, is listed too
    assert '<textarea name="value"' not in html  # read only
    assert "Clear and submit" in html
    assert "Changed since" not in html  # nothing submitted before
    response = client.post(reverse("surveys:reply-submit", kwargs={"pk": reply.pk}))
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.status == "submitted"


def test_the_clearance_page_lists_the_files_attached(client, reply, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
    replies.attach_file(
        reply=reply,
        question_id=question(reply.questionnaire, "6").pk,
        user=people["expert"],
        upload=SimpleUploadedFile("penal-code-art-3.pdf", pdf, "application/pdf"),
    )
    html = clearance(client, people["focal_point"], reply).content.decode()
    assert "penal-code-art-3.pdf" in html


def test_changes_since_the_last_submission_are_marked(client, reply, people):
    focal = people["focal_point"]
    fill(reply, focal)
    replies.submit_reply(reply=reply, user=focal)
    replies.reopen_reply(reply=reply, user=focal)
    answer(reply, focal, "2", "Trafficking is a serious offence under article 3 of the Penal Code.")
    answer(reply, focal, "3", "adopted")
    html = clearance(client, focal, reply).content.decode()
    assert "2 questions changed" in html and "since revision 1" in html
    assert html.count("Changed since revision 1") == 1  # question 2
    assert html.count("New since revision 1") == 1  # question 3
    assert re.search(r"<ins><span class=\"visually-hidden\">\[added: </span>[^<]*serious", html)
    assert reverse("surveys:revision-pdf", kwargs={"pk": reply.pk, "number": 1}) in html


@pytest.mark.parametrize("role", ["other_state", "reviewer"])
def test_another_states_people_and_reviewers_never_see_the_clearance_page(
    client, reply, people, role
):
    fill(reply, people["expert"])
    assert clearance(client, people[role], reply).status_code == 404


# --- ready for clearance, sent back -------------------------------------------------------


def post(client, user, reply, name, comment=""):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client.post(reverse(name, kwargs={"pk": reply.pk}), {"comment": comment})


def test_an_expert_marks_the_draft_ready_and_the_focal_points_are_told(client, reply, people):
    fill(reply, people["expert"])
    response = post(
        client, people["expert"], reply, "surveys:reply-ready", "Please check the table."
    )
    assert response.status_code == 302
    handoff = Handoff.objects.get(reply=reply)
    assert (handoff.kind, handoff.by, handoff.comment) == (
        "ready",
        people["expert"],
        "Please check the table.",
    )
    mail = EmailLog.objects.get(kind="handoff")
    assert mail.to == people["focal_point"].email
    assert "ready for clearance" in mail.body and "Please check the table." in mail.body
    assert reverse("surveys:reply-submit", kwargs={"pk": reply.pk}) in mail.body
    # both pages show who, when and the note
    for page in ("surveys:reply-form", "surveys:reply-submit"):
        client.force_login(people["focal_point"])
        html = client.get(reverse(page, kwargs={"pk": reply.pk})).content.decode()
        assert "Ready for clearance" in html
        assert "Luis Rivas" in html and "Please check the table." in html


def test_a_focal_point_sends_the_draft_back_with_a_comment(client, reply, people):
    replies.mark_ready_for_clearance(reply=reply, user=people["expert"])
    refused = post(client, people["focal_point"], reply, "surveys:reply-send-back", "  ")
    assert refused.status_code == 302
    assert Handoff.objects.filter(kind="returned").count() == 0  # a comment is required
    post(
        client,
        people["focal_point"],
        reply,
        "surveys:reply-send-back",
        "Question 5: the 2006 figures are missing.",
    )
    assert selectors.current_handoff(reply).kind == "returned"
    mail = EmailLog.objects.filter(kind="handoff", to=people["expert"].email).get()
    assert "the 2006 figures are missing" in mail.body
    client.force_login(people["expert"])
    html = client.get(reverse("surveys:reply-form", kwargs={"pk": reply.pk})).content.decode()
    assert "Sent back before clearance" in html
    assert "Ana Morales" in html and "the 2006 figures are missing." in html


def test_a_submission_ends_the_hand_off(reply, people):
    fill(reply, people["expert"])
    replies.mark_ready_for_clearance(reply=reply, user=people["expert"])
    replies.submit_reply(reply=reply, user=people["focal_point"])
    assert selectors.current_handoff(reply) is None


@pytest.mark.parametrize(
    ("role", "name", "status"),
    [
        ("focal_point", "surveys:reply-ready", 403),
        ("observer", "surveys:reply-ready", 403),
        ("secretariat", "surveys:reply-ready", 403),
        ("other_state", "surveys:reply-ready", 404),
        ("reviewer", "surveys:reply-ready", 404),
        ("expert", "surveys:reply-send-back", 403),
        ("observer", "surveys:reply-send-back", 403),
        ("secretariat", "surveys:reply-send-back", 403),
        ("other_state", "surveys:reply-send-back", 404),
        ("reviewer", "surveys:reply-send-back", 404),
    ],
)
def test_only_the_replys_own_people_hand_off_and_send_back(
    client, reply, people, role, name, status
):
    replies.mark_ready_for_clearance(reply=reply, user=people["expert"])
    before = Handoff.objects.count()
    assert post(client, people[role], reply, name, "Forged").status_code == status
    assert Handoff.objects.count() == before


def test_a_submitted_reply_cannot_be_handed_off(client, reply, people):
    fill(reply, people["expert"])
    replies.submit_reply(reply=reply, user=people["focal_point"])
    post(client, people["expert"], reply, "surveys:reply-ready")
    assert not Handoff.objects.exists()


def test_an_answer_left_empty_is_no_change_since_the_last_submission(client, reply, people):
    """An answer saved empty (choices all unticked, a table whose figures were all refused)
    reads "No answer", as the revision's missing entry does: it is not marked as changed."""
    focal = people["focal_point"]
    fill(reply, focal)
    replies.submit_reply(reply=reply, user=focal)
    replies.reopen_reply(reply=reply, user=focal)
    replies.save_answer_cells(
        reply=reply,
        question_id=question(reply.questionnaire, "4").pk,
        user=focal,
        value=[],
        expected_version=0,
    )
    html = clearance(client, focal, reply).content.decode()
    assert "Nothing has changed since revision 1" in html


def test_the_workspace_list_shows_the_hand_off(client, reply, people):
    replies.mark_ready_for_clearance(reply=reply, user=people["expert"])
    client.force_login(people["focal_point"])
    html = client.get(reverse("surveys:workspace")).content.decode()
    assert "Ready for clearance" in html and "by Luis Rivas" in html
    client.force_login(people["other_state"])
    assert "Ready for clearance" not in client.get(reverse("surveys:workspace")).content.decode()
