"""Replies through the services: autosave, conflicts, roles, submission, revisions, files."""

from __future__ import annotations

import contextlib
import datetime
import logging
import threading

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from portal.errors import NotAllowedError, ServiceError, StaleAnswerError
from surveys import events
from surveys.models import Answer, EmailLog, Reply, Respondent, Revision
from surveys.questionnaires import dispatch
from surveys.replies import services as replies
from tests.factories import (
    MembershipFactory,
    ReviewerFactory,
    SecretariatFactory,
    build_questionnaire,
    question,
)

PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"

pytestmark = pytest.mark.django_db


@pytest.fixture
def salvador():
    return Respondent.objects.get(code="SLV")


@pytest.fixture
def questionnaire(salvador):
    return build_questionnaire(dispatch_to=[salvador, Respondent.objects.get(code="EST")])


@pytest.fixture
def reply(questionnaire, salvador):
    return Reply.objects.get(questionnaire=questionnaire, respondent=salvador)


@pytest.fixture
def focal(salvador):
    return MembershipFactory(respondent=salvador, role="focal_point").user


@pytest.fixture
def expert(salvador):
    return MembershipFactory(respondent=salvador, role="expert").user


def fill_required(reply, user):  # type: ignore[no-untyped-def]
    q = reply.questionnaire
    replies.save_answer(
        reply=reply, question_id=question(q, "1").pk, user=user, value="yes", expected_version=0
    )
    replies.save_answer(
        reply=reply,
        question_id=question(q, "1 (a)").pk,
        user=user,
        value="2004",
        expected_version=0,
    )
    replies.save_answer(
        reply=reply,
        question_id=question(q, "2").pk,
        user=user,
        state="not_known",
        expected_version=0,
    )


def test_dispatch_opens_one_reply_per_recipient_and_freezes_questions(questionnaire):
    assert questionnaire.status == "dispatched"
    assert questionnaire.replies.count() == 2
    assert set(questionnaire.replies.values_list("status", flat=True)) == {"not_started"}


def test_autosave_stores_the_answer_and_moves_the_reply_to_draft(reply, expert):
    q2 = question(reply.questionnaire, "2")
    answer = replies.save_answer(
        reply=reply, question_id=q2.pk, user=expert, value="Article 367 ter.", expected_version=0
    )
    assert answer.version == 1
    reply.refresh_from_db()
    assert reply.status == "draft"
    assert reply.last_activity_at is not None


def test_a_stale_save_is_refused_and_shows_what_is_stored(reply, focal, expert):
    q2 = question(reply.questionnaire, "2")
    replies.save_answer(
        reply=reply, question_id=q2.pk, user=focal, value="Focal text", expected_version=0
    )
    with pytest.raises(StaleAnswerError) as refused:
        replies.save_answer(
            reply=reply, question_id=q2.pk, user=expert, value="Expert text", expected_version=0
        )
    assert refused.value.current["value"] == "Focal text"
    assert refused.value.current["version"] == 1
    assert "saved a different answer to question 2" in refused.value.message
    assert Answer.objects.get(reply=reply, question=q2).value == "Focal text"


def test_an_invalid_answer_gets_a_message_and_changes_nothing(reply, focal):
    q1a = question(reply.questionnaire, "1 (a)")
    replies.save_answer(
        reply=reply, question_id=q1a.pk, user=focal, value="2004", expected_version=0
    )
    with pytest.raises(ServiceError, match="at most 2008"):
        replies.save_answer(
            reply=reply, question_id=q1a.pk, user=focal, value="2030", expected_version=1
        )
    assert Answer.objects.get(reply=reply, question=q1a).value == 2004


def test_a_question_of_another_questionnaire_is_refused(reply, focal):
    other = build_questionnaire(title="Another")
    with pytest.raises(ServiceError, match="not part of the questionnaire"):
        replies.save_answer(
            reply=reply,
            question_id=question(other, "2").pk,
            user=focal,
            value="x",
            expected_version=0,
        )


@pytest.mark.parametrize("role", ["observer", None, "other_state", "reviewer"])
def test_only_focal_points_and_experts_of_the_state_draft(reply, role):
    if role == "observer":
        user = MembershipFactory(respondent=reply.respondent, role="observer").user
    elif role == "other_state":
        user = MembershipFactory(respondent=Respondent.objects.get(code="EST")).user
    elif role == "reviewer":
        user = ReviewerFactory()
    else:
        user = MembershipFactory(respondent=reply.respondent, is_active=False).user
    with pytest.raises(NotAllowedError):
        replies.save_answer(
            reply=reply,
            question_id=question(reply.questionnaire, "2").pk,
            user=user,
            value="x",
            expected_version=0,
        )
    assert not Answer.objects.exists()


def test_submission_needs_every_visible_required_answer(reply, focal):
    q = reply.questionnaire
    replies.save_answer(
        reply=reply, question_id=question(q, "1").pk, user=focal, value="yes", expected_version=0
    )
    with pytest.raises(ServiceError, match=r"required questions before submitting: 1 \(a\), 2"):
        replies.submit_reply(reply=reply, user=focal)
    assert not Revision.objects.exists()


def test_a_conditional_question_hidden_by_the_answer_is_not_required(reply, focal):
    q = reply.questionnaire
    replies.save_answer(
        reply=reply, question_id=question(q, "1").pk, user=focal, value="no", expected_version=0
    )
    replies.save_answer(
        reply=reply,
        question_id=question(q, "2").pk,
        user=focal,
        state="not_applicable",
        expected_version=0,
    )
    revision = replies.submit_reply(reply=reply, user=focal)
    assert str(question(q, "1 (a)").pk) not in revision.answers


def test_only_a_focal_point_submits(reply, expert):
    fill_required(reply, expert)
    with pytest.raises(NotAllowedError, match="Only a focal point"):
        replies.submit_reply(reply=reply, user=expert)


def test_submission_writes_a_revision_and_acknowledges_receipt(
    reply, focal, expert, django_capture_on_commit_callbacks
):
    fill_required(reply, expert)
    with django_capture_on_commit_callbacks(execute=True):
        revision = replies.submit_reply(reply=reply, user=focal)
    reply.refresh_from_db()
    assert reply.status == "submitted" and reply.review_state == "received"
    assert reply.received_on == revision.received_on
    assert revision.number == 1 and revision.channel == "portal" and not revision.on_behalf
    assert revision.answers[str(question(reply.questionnaire, "1 (a)").pk)]["value"] == 2004
    log = EmailLog.objects.get(kind="acknowledgement")
    assert log.to == focal.email
    assert [m.to for m in mail.outbox] == [[focal.email]]


def test_revisions_are_immutable(reply, focal):
    fill_required(reply, focal)
    revision = replies.submit_reply(reply=reply, user=focal)
    revision.answers = {}
    with pytest.raises(ValueError, match="immutable"):
        revision.save()
    with pytest.raises(ValueError, match="immutable"):
        revision.delete()


def test_a_submitted_reply_is_read_only_until_amended(reply, focal):
    fill_required(reply, focal)
    replies.submit_reply(reply=reply, user=focal)
    q2 = question(reply.questionnaire, "2")
    with pytest.raises(ServiceError, match="Amend the reply"):
        replies.save_answer(
            reply=reply, question_id=q2.pk, user=focal, value="x", expected_version=1
        )
    replies.reopen_reply(reply=reply, user=focal)
    replies.save_answer(
        reply=reply, question_id=q2.pk, user=focal, value="Amended text", expected_version=1
    )
    second = replies.submit_reply(reply=reply, user=focal)
    assert second.number == 2
    assert second.answers[str(q2.pk)]["value"] == "Amended text"
    first = reply.revisions.get(number=1)
    assert first.answers[str(q2.pk)]["state"] == "not_known"


def test_amending_is_refused_once_the_questionnaire_is_closed(reply, focal):
    fill_required(reply, focal)
    replies.submit_reply(reply=reply, user=focal)
    dispatch.close_questionnaire(questionnaire=reply.questionnaire, by=SecretariatFactory())
    reply.refresh_from_db()
    with pytest.raises(ServiceError, match="closed"):
        replies.reopen_reply(reply=reply, user=focal)


def test_secretariat_enters_a_reply_received_by_note_verbale(reply):
    secretariat = SecretariatFactory()
    fill_required(reply, secretariat)
    revision = replies.submit_reply(
        reply=reply,
        user=secretariat,
        channel="note_verbale",
        received_on=datetime.date(2008, 1, 10),
    )
    reply.refresh_from_db()
    assert revision.on_behalf and revision.channel == "note_verbale"
    assert reply.received_on == datetime.date(2008, 1, 10)
    assert reply.is_late  # deadline 15 December 2007
    assert reply.in_report  # cut-off 24 January 2008


def test_a_reply_after_the_cutoff_is_outside_the_report_unless_included(reply):
    secretariat = SecretariatFactory()
    fill_required(reply, secretariat)
    replies.submit_reply(
        reply=reply, user=secretariat, channel="email", received_on=datetime.date(2008, 2, 1)
    )
    reply.refresh_from_db()
    assert reply.is_late and not reply.in_report
    replies.set_included_after_cutoff(reply=reply, user=secretariat, include=True)
    reply.refresh_from_db()
    assert reply.in_report


def test_a_portal_submission_cannot_claim_another_channel(reply, focal):
    fill_required(reply, focal)
    with pytest.raises(ServiceError, match="how the reply was received"):
        replies.submit_reply(reply=reply, user=focal, channel="note_verbale")


def test_a_future_date_received_is_refused(reply):
    secretariat = SecretariatFactory()
    fill_required(reply, secretariat)
    with pytest.raises(ServiceError, match="future"):
        replies.submit_reply(
            reply=reply, user=secretariat, channel="email", received_on=datetime.date(2999, 1, 1)
        )


def test_a_pdf_is_attached_with_its_checksum(reply, focal):
    q6 = question(reply.questionnaire, "6")
    attachment = replies.attach_file(
        reply=reply, question_id=q6.pk, user=focal, upload=SimpleUploadedFile("law.pdf", PDF)
    )
    assert attachment.content_type == "application/pdf"
    assert len(attachment.sha256) == 64
    assert Answer.objects.get(reply=reply, question=q6).value == [attachment.pk]
    replies.remove_attachment(attachment=attachment, user=focal)
    assert Answer.objects.get(reply=reply, question=q6).value is None
    attachment.refresh_from_db()
    assert attachment.deleted_at is not None and attachment.file.storage.exists(
        attachment.file.name
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("law.pdf", b"<!doctype html><html><script>alert(1)</script></html>"),
        ("law.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200),
        ("law.docx", b"#!/bin/sh\nrm -rf /\n"),
    ],
)
def test_a_disguised_upload_is_refused(reply, focal, name, content):
    with pytest.raises(ServiceError, match="not one of the accepted document types"):
        replies.attach_file(
            reply=reply,
            question_id=question(reply.questionnaire, "6").pk,
            user=focal,
            upload=SimpleUploadedFile(name, content),
        )
    assert not reply.attachments.exists()


def test_an_oversized_upload_is_refused(reply, focal, settings):
    settings.MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ServiceError, match="larger than"):
        replies.attach_file(
            reply=reply,
            question_id=question(reply.questionnaire, "6").pk,
            user=focal,
            upload=SimpleUploadedFile("big.pdf", PDF + b"0" * 2048),
        )
    assert not reply.attachments.exists()


def test_files_go_only_to_file_questions(reply, focal):
    with pytest.raises(ServiceError, match="does not take files"):
        replies.attach_file(
            reply=reply,
            question_id=question(reply.questionnaire, "2").pk,
            user=focal,
            upload=SimpleUploadedFile("law.pdf", PDF),
        )


def test_restricted_answers_and_review_state_are_secretariat_only(reply, focal):
    fill_required(reply, focal)
    replies.submit_reply(reply=reply, user=focal)
    answer = reply.answers.first()
    with pytest.raises(NotAllowedError):
        replies.set_restricted(answer=answer, user=focal, restricted=True)
    replies.set_restricted(answer=answer, user=SecretariatFactory(), restricted=True)
    answer.refresh_from_db()
    assert answer.restricted
    replies.set_review_state(reply=reply, user=SecretariatFactory(), state="accepted")
    reply.refresh_from_db()
    assert reply.review_state == "accepted"


def test_clarification_thread_keeps_every_message(reply, focal):
    fill_required(reply, focal)
    replies.submit_reply(reply=reply, user=focal)
    q2 = question(reply.questionnaire, "2")
    replies.post_clarification(
        reply=reply,
        question_id=q2.pk,
        user=SecretariatFactory(),
        text="Which article covers forced labour?",
    )
    replies.post_clarification(
        reply=reply, question_id=q2.pk, user=focal, text="Article 367 B of the Penal Code."
    )
    reply.refresh_from_db()
    assert reply.review_state == "clarification"
    assert [m.text for m in reply.clarifications.all()] == [
        "Which article covers forced labour?",
        "Article 367 B of the Penal Code.",
    ]
    assert EmailLog.objects.filter(kind="clarification", to=focal.email).count() == 1
    with pytest.raises(NotAllowedError):
        replies.post_clarification(
            reply=reply, question_id=q2.pk, user=ReviewerFactory(), text="Hello"
        )


def test_progress_counts_visible_answered_and_required(reply, focal):
    replies.save_answer(
        reply=reply,
        question_id=question(reply.questionnaire, "1").pk,
        user=focal,
        value="yes",
        expected_version=0,
    )
    answered, required, missing = replies.progress(reply)
    assert (answered, required) == (1, 3)
    assert [q.number for q in missing] == ["1 (a)", "2"]


def test_a_file_question_switches_back_from_not_applicable_to_its_files(reply, focal):
    q6 = question(reply.questionnaire, "6")
    attachment = replies.attach_file(
        reply=reply, question_id=q6.pk, user=focal, upload=SimpleUploadedFile("law.pdf", PDF)
    )
    replies.save_answer(
        reply=reply, question_id=q6.pk, user=focal, state="not_applicable", expected_version=1
    )
    answer = replies.save_answer(
        reply=reply, question_id=q6.pk, user=focal, state="answered", expected_version=2
    )
    assert answer.value == [attachment.pk]
    with pytest.raises(ServiceError, match="upload button"):
        replies.save_answer(
            reply=reply, question_id=q6.pk, user=focal, value=[999], expected_version=3
        )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_people_saving_at_the_same_moment_are_both_saved(reply, focal, expert, monkeypatch):
    """Two autosaves of one reply reach the server together (two threads, two connections).

    Each has read the reply when the other starts writing: on SQLite a transaction that reads
    first and writes later is refused at once ("database is locked") unless it takes the write
    lock when it begins; on PostgreSQL the second waits for the first's row lock."""
    together = threading.Barrier(2)
    question_of = replies._question_of

    def meet_then_look_up(reply_, question_id):  # type: ignore[no-untyped-def]
        # Both inside their transaction, if the database lets them; if the other one is
        # waiting for the lock, go on alone.
        with contextlib.suppress(threading.BrokenBarrierError):
            together.wait(timeout=2)
        return question_of(reply_, question_id)

    monkeypatch.setattr(replies, "_question_of", meet_then_look_up)
    numbers = {"2": (focal, "Article 3 of the Penal Code."), "1 (a)": (expert, 2004)}
    ids = {number: question(reply.questionnaire, number).pk for number in numbers}
    errors: list[Exception] = []

    def save(number: str) -> None:
        user, value = numbers[number]
        try:
            replies.save_answer(
                reply=reply, question_id=ids[number], user=user, value=value, expected_version=0
            )
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(number,)) for number in numbers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    stored = dict(Answer.objects.filter(reply=reply).values_list("question_id", "value"))
    assert stored == {ids[n]: value for n, (_, value) in numbers.items()}


# --- what the services announce (surveys.events) -------------------------------------------


@pytest.fixture
def heard():
    """Every reply_submitted announcement, as the kwargs it carried."""
    received: list[dict] = []

    def listener(sender, **kwargs):  # type: ignore[no-untyped-def]
        received.append(kwargs)

    events.reply_submitted.connect(listener)
    yield received
    events.reply_submitted.disconnect(listener)


def test_a_submission_is_announced_once_and_only_after_commit(
    reply, focal, heard, django_capture_on_commit_callbacks
):
    fill_required(reply, focal)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        replies.submit_reply(reply=reply, user=focal)
    assert heard == []  # nothing is announced inside the transaction
    for callback in callbacks:
        callback()
    assert heard == [{"signal": events.reply_submitted, "reply_id": reply.pk}]


def test_a_listener_that_fails_does_not_undo_or_fail_the_submission(
    reply, focal, django_capture_on_commit_callbacks, caplog
):
    def broken(sender, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("broker down")

    events.reply_submitted.connect(broken)
    try:
        fill_required(reply, focal)
        with (
            caplog.at_level(logging.ERROR, logger="surveys.events"),
            django_capture_on_commit_callbacks(execute=True),
        ):
            revision = replies.submit_reply(reply=reply, user=focal)
    finally:
        events.reply_submitted.disconnect(broken)
    reply.refresh_from_db()
    assert reply.status == "submitted" and revision.number == 1
    assert "broken failed" in caplog.text and "broker down" in caplog.text
