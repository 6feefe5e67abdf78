"""E-mail goes through the ``surveys.send_email`` task: queued on commit, tried again when the
mail server refuses, and the e-mail log says whether each message was sent or failed, and why.
Tasks run in-process here (eager), retries included; a failing mail backend stands in for an
SMTP server that is down."""

from __future__ import annotations

import smtplib
from typing import Any, ClassVar

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.urls import reverse

from portal.celery import app as celery_app
from surveys.models import EmailLog, Respondent
from surveys.questionnaires import dispatch
from tests.factories import SecretariatFactory

pytestmark = pytest.mark.django_db
HERE = "tests.surveys.questionnaires.test_email_delivery"


class RefusingBackend(BaseEmailBackend):
    """A mail server that hangs up on every message."""

    calls: ClassVar[int] = 0

    def send_messages(self, email_messages: Any) -> int:
        RefusingBackend.calls += 1
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class FlakyBackend(LocmemBackend):
    """A mail server that is down for the first attempt only."""

    calls: ClassVar[int] = 0

    def send_messages(self, email_messages: Any) -> int:
        FlakyBackend.calls += 1
        if FlakyBackend.calls == 1:
            raise ConnectionRefusedError(111, "Connection refused")
        return super().send_messages(email_messages)


@pytest.fixture(autouse=True)
def _task_retries_run_in_process():  # type: ignore[no-untyped-def]
    """The task runs in-process with the retry policy of its decorator (an eager task that
    propagates errors would raise Celery's Retry instead of running again)."""
    propagates = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = propagates


def _send(capture: Any, **fields: Any) -> EmailLog:
    with capture(execute=True):
        log = dispatch.send_email(
            kind=EmailLog.Kind.OTHER,
            to="focal@niger.example",
            subject="Your nomination",
            template="surveys/email/reminder.txt",
            context={
                "questionnaire": None,
                "respondent": Respondent.objects.get(code="NER"),
                "user": None,
            },
            **fields,
        )
    log.refresh_from_db()
    return log


def test_a_message_is_queued_with_the_change_and_sent_by_the_task_once_it_commits(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        log = dispatch.send_email(
            kind=EmailLog.Kind.OTHER,
            to="focal@niger.example",
            subject="Your nomination",
            template="surveys/email/reminder.txt",
            context={"questionnaire": None, "respondent": None, "user": None},
        )
    # Nothing goes out while the change that asks for it may still roll back.
    log.refresh_from_db()
    assert (log.status, log.attempts, len(mail.outbox)) == (EmailLog.Status.QUEUED, 0, 0)
    for callback in callbacks:
        callback()
    log.refresh_from_db()
    assert (log.status, log.attempts, log.error) == (EmailLog.Status.SENT, 1, "")
    assert log.delivered_at is not None
    assert [m.to for m in mail.outbox] == [["focal@niger.example"]]


def test_a_message_the_server_keeps_refusing_is_tried_again_then_failed_with_the_reason(
    settings, client, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{HERE}.RefusingBackend"
    RefusingBackend.calls = 0
    log = _send(django_capture_on_commit_callbacks)
    tries = django_settings.EMAIL_MAX_RETRIES + 1
    assert RefusingBackend.calls == tries
    assert (log.status, log.attempts) == (EmailLog.Status.FAILED, tries)
    assert log.error == "SMTPServerDisconnected: Connection unexpectedly closed"
    # The secretariat reads it on the e-mail log.
    client.force_login(SecretariatFactory())
    page = client.get(reverse("surveys:email-log")).content.decode()
    assert "Failed" in page and "SMTPServerDisconnected: Connection unexpectedly closed" in page


def test_a_message_sent_on_the_second_try_is_logged_sent_with_no_error(
    settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{HERE}.FlakyBackend"
    FlakyBackend.calls = 0
    log = _send(django_capture_on_commit_callbacks)
    assert (log.status, log.attempts, log.error) == (EmailLog.Status.SENT, 2, "")
    assert len(mail.outbox) == 1


def test_a_message_already_sent_is_not_sent_again_by_a_duplicate_delivery(
    django_capture_on_commit_callbacks,
):
    log = _send(django_capture_on_commit_callbacks)
    from surveys.tasks import send_email

    send_email.delay(log.pk)
    log.refresh_from_db()
    assert (log.status, log.attempts, len(mail.outbox)) == (EmailLog.Status.SENT, 1, 1)


def test_a_message_that_cannot_be_queued_is_logged_failed_and_the_change_stands(
    monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr("celery.canvas.Signature.apply_async", broker_down)
    log = _send(django_capture_on_commit_callbacks)
    assert log.status == EmailLog.Status.FAILED
    assert log.error.startswith("Could not be queued for sending:")
    assert mail.outbox == []


def test_with_errors_propagated_in_process_a_refused_message_is_logged_failed_with_the_reason(
    settings, django_capture_on_commit_callbacks
):
    """The embedded set-up (no broker: tasks run in the web process, errors propagated) still
    answers the request and tells the secretariat why the message did not go."""
    celery_app.conf.task_eager_propagates = True
    settings.EMAIL_BACKEND = f"{HERE}.RefusingBackend"
    log = _send(django_capture_on_commit_callbacks)
    assert (log.status, log.attempts) == (EmailLog.Status.FAILED, 1)
    assert log.error == "SMTPServerDisconnected: Connection unexpectedly closed"
