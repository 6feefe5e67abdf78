"""E-mail through a real Celery worker: the request only queues the message; the worker tries a
mail server that refuses it again after a pause, then marks the message failed with the reason."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.db import transaction

from portal.celery import app as celery_app
from surveys.models import EmailLog
from surveys.questionnaires import dispatch
from tests.workers import ROOT, start_worker, stop_process

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
QUEUE = "email-test"


def _wait_for(condition, what: str, seconds: float = 90) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Gave up waiting for {what}")
        time.sleep(0.2)


def test_a_refused_message_is_tried_again_by_the_worker_then_failed_with_the_reason(
    django_db_blocker, settings, tmp_path: Path
):
    if not celery_app.conf.broker_url or celery_app.conf.task_always_eager:
        pytest.fail("Run with CELERY_BROKER_URL=redis://… (make test-integration)")
    attempts = tmp_path / "attempts"
    attempts.touch()
    log_file = ROOT / "var" / "test-email-worker.log"
    log_file.parent.mkdir(exist_ok=True)
    # Its own queue, so that no other worker of the session takes the messages.
    settings.EMAIL_QUEUE = QUEUE
    with django_db_blocker.unblock():
        worker = start_worker(
            "test-email-worker",
            log_file,
            {
                "DJANGO_SETTINGS_MODULE": "portal.settings",
                "EMAIL_BACKEND": "tests.integration.refusing_mail.RefusingBackend",
                "REFUSING_MAIL_LOG": str(attempts),
                "EMAIL_MAX_RETRIES": "2",
                "EMAIL_RETRY_BACKOFF_SECONDS": "1",
            },
            queue=QUEUE,
        )
    try:
        with transaction.atomic():
            log = dispatch.send_email(
                kind=EmailLog.Kind.OTHER,
                to="focal@niger.example",
                subject="Your nomination",
                template="surveys/email/reminder.txt",
                context={"questionnaire": None, "respondent": None, "user": None},
            )
        # The request has returned: the message is queued, the worker sends it.
        _wait_for(
            lambda: EmailLog.objects.filter(pk=log.pk, status=EmailLog.Status.FAILED).exists(),
            "the worker to give up on the message",
        )
    finally:
        stop_process(worker)
    log.refresh_from_db()
    assert attempts.read_text().count("attempt") == 3  # the first try and two retries
    assert log.attempts == 3
    assert log.error == "SMTPServerDisconnected: Connection unexpectedly closed"
