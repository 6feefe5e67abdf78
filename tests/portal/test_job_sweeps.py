"""The watchdog's sweeps of messages that are not jobs of their own: an e-mail or a file's text
whose task message the broker lost is sent again once, then given up with the reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from portal import jobs
from surveys.models import Attachment, EmailLog, Reply, Respondent
from surveys.replies import extraction
from tests.factories import MembershipFactory, build_questionnaire, question

pytestmark = pytest.mark.django_db

LONG_AGO = timedelta(minutes=10)


def _email(kind: str = EmailLog.Kind.REMINDER, *, age: timedelta = LONG_AGO, **fields) -> EmailLog:  # type: ignore[no-untyped-def]
    fields.setdefault("body", "The deadline for replies is 15 December 2007.")
    return EmailLog.objects.create(
        kind=kind,
        to="focal.point@example.org",
        subject="Reminder: the questionnaire on trafficking in persons",
        sent_at=timezone.now() - age,
        status=EmailLog.Status.QUEUED,
        **fields,
    )


def test_an_email_no_worker_tried_is_sent_again_once_by_the_watchdog(settings):
    settings.MESSAGE_RESEND_SECONDS = 300
    lost = _email()
    fresh = _email(age=timedelta(minutes=1))
    retrying = _email(attempts=1)  # a worker has it: its retries are under way

    result = jobs.reap_all()["e-mail"]

    assert result["sent again"] == [lost.pk]
    lost.refresh_from_db()
    assert lost.status == EmailLog.Status.SENT and lost.resent_at is not None
    assert [message.subject for message in mail.outbox] == [lost.subject]
    for untouched in (fresh, retrying):
        untouched.refresh_from_db()
        assert untouched.status == EmailLog.Status.QUEUED and untouched.resent_at is None


def test_an_email_still_untried_after_being_sent_again_is_marked_failed_with_the_reason():
    still_lost = _email(resent_at=timezone.now() - LONG_AGO)

    assert jobs.reap_all()["e-mail"]["failed"] == [still_lost.pk]
    still_lost.refresh_from_db()
    assert still_lost.status == EmailLog.Status.FAILED
    assert "No worker sent this message" in still_lost.error
    assert mail.outbox == []


def test_a_lost_activation_email_is_failed_not_sent_again_since_its_link_is_kept_nowhere():
    activation = _email(EmailLog.Kind.ACTIVATION, body="[activation link removed]")

    result = jobs.reap_all()["e-mail"]

    assert result == {"failed": [activation.pk], "sent again": []}
    activation.refresh_from_db()
    assert activation.status == EmailLog.Status.FAILED
    assert "Send it again" in activation.error
    assert mail.outbox == []


@pytest.fixture
def pending_file(tmp_path):  # type: ignore[no-untyped-def]
    salvador = Respondent.objects.get(code="SLV")
    questionnaire = build_questionnaire(dispatch_to=[salvador])
    reply = Reply.objects.get(questionnaire=questionnaire, respondent=salvador)
    focal = MembershipFactory(respondent=salvador, role="focal_point").user

    def make(**fields):  # type: ignore[no-untyped-def]
        return Attachment.objects.create(
            reply=reply,
            question=question(questionnaire, "6"),
            file="attachments/law.txt",
            original_name="law.txt",
            content_type="text/plain",
            size=1,
            sha256="0" * 64,
            uploaded_by=focal,
            **fields,
        )

    return make


def test_a_file_whose_extraction_was_lost_is_read_again_once(pending_file, monkeypatch):
    read: list[int] = []

    def extract(*, attachment_id: int):  # type: ignore[no-untyped-def]
        read.append(attachment_id)
        Attachment.objects.filter(pk=attachment_id).update(
            text_status=Attachment.TextStatus.EXTRACTED, extracted_text="Article 3"
        )
        return Attachment.objects.get(pk=attachment_id)

    monkeypatch.setattr(extraction, "extract_attachment", extract)
    lost = pending_file(uploaded_at=timezone.now() - LONG_AGO)
    fresh = pending_file()

    result = jobs.reap_all()["text extraction"]

    assert result == {"failed": [], "sent again": [lost.pk]}
    assert read == [lost.pk]
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.text_status == Attachment.TextStatus.EXTRACTED
    assert lost.extraction_resent_at is not None
    assert fresh.text_status == Attachment.TextStatus.PENDING


def test_a_file_still_unread_after_being_sent_again_is_marked_with_the_reason(pending_file):
    still_lost = pending_file(
        uploaded_at=timezone.now() - 2 * LONG_AGO, extraction_resent_at=timezone.now() - LONG_AGO
    )

    assert jobs.reap_all()["text extraction"]["failed"] == [still_lost.pk]
    still_lost.refresh_from_db()
    assert still_lost.text_status == Attachment.TextStatus.FAILED
    assert "No worker read this file" in still_lost.text_problem


def test_one_failing_sweep_does_not_stop_the_others(monkeypatch):
    def broken(now):  # type: ignore[no-untyped-def]
        raise RuntimeError("table locked")

    monkeypatch.setitem(jobs._SWEEPS, "broken", broken)
    lost = _email()

    results = jobs.reap_all()

    assert "broken" not in results
    assert results["e-mail"]["sent again"] == [lost.pk]
