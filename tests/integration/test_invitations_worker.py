"""Invitations and reminders through a real Celery worker: dispatch and the reminder page only
queue the messages; the worker sends them, tries again when the mail server hangs up, and the
e-mail log and the status board show the outcome."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import reverse

from portal.celery import app as celery_app
from surveys.models import EmailLog, Respondent
from tests.factories import MembershipFactory, SecretariatFactory, build_questionnaire
from tests.workers import ROOT, start_worker, stop_process, wait_until

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
QUEUE = "invitations-test"
SITE = "https://verbale.example.org"


@contextmanager
def _mail_worker(name: str, settings, mail_env: dict[str, str]) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """A worker of this test's own queue (no other worker of the session takes these
    messages), whose mail backend is one of the test's; retries after a second."""
    if not celery_app.conf.broker_url or celery_app.conf.task_always_eager:
        pytest.fail("Run with CELERY_BROKER_URL=redis://… (make test-integration)")
    settings.EMAIL_QUEUE = QUEUE
    log_file = ROOT / "var" / f"{name}.log"
    log_file.parent.mkdir(exist_ok=True)
    worker = start_worker(
        name,
        log_file,
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "EMAIL_RETRY_BACKOFF_SECONDS": "1",
            **mail_env,
        },
        queue=QUEUE,
    )
    try:
        yield
    finally:
        stop_process(worker)


@pytest.fixture
def flaky_worker(django_db_blocker, settings, tmp_path: Path) -> Iterator[Path]:  # type: ignore[no-untyped-def]
    settings.SITE_URL = SITE
    env = {
        "EMAIL_BACKEND": "tests.integration.flaky_mail.FlakyBackend",
        "FLAKY_MAIL_DIR": str(tmp_path),
        "EMAIL_MAX_RETRIES": "3",
    }
    with django_db_blocker.unblock(), _mail_worker("test-invitations-worker", settings, env):
        yield tmp_path


def _delivered(folder: Path) -> list[dict]:
    path = folder / "delivered.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_invitation_and_reminder_are_delivered_by_the_worker_after_a_refusal(flaky_worker, client):
    secretariat = SecretariatFactory()
    niger = Respondent.objects.get(code="NER")
    focal = MembershipFactory(respondent=niger, user__email="focal@niger.example").user
    with transaction.atomic():
        q = build_questionnaire(by=secretariat, dispatch_to=[niger])
    reply = q.replies.get()
    invitation = EmailLog.objects.get(kind=EmailLog.Kind.INVITATION)
    assert invitation.to == focal.email
    wait_until(
        lambda: EmailLog.objects.filter(pk=invitation.pk, status="sent").exists(),
        "the worker to deliver the invitation",
    )
    invitation.refresh_from_db()
    assert invitation.attempts == 2  # refused once, taken when tried again
    [sent] = _delivered(flaky_worker)
    assert f"{SITE}/replies/{reply.pk}/" in sent["body"]

    client.force_login(secretariat)
    response = client.post(
        reverse("surveys:questionnaire-reminders", args=[q.pk]),
        {"action": "send", "scope": "chosen", "respondent_ids": [niger.pk]},
        follow=True,
    )
    assert "1 reminder queued for sending" in response.content.decode()
    reminder = EmailLog.objects.get(kind=EmailLog.Kind.REMINDER)
    wait_until(
        lambda: EmailLog.objects.filter(pk=reminder.pk, status="sent").exists(),
        "the worker to deliver the reminder",
    )
    reminder.refresh_from_db()
    assert reminder.attempts == 2 and reminder.reply_id == reply.pk
    assert [m["subject"] for m in _delivered(flaky_worker)][1].startswith("Reminder: ")


def test_a_message_that_keeps_failing_shows_on_the_log_and_on_the_board(
    django_db_blocker, settings, tmp_path: Path, client
):
    attempts = tmp_path / "attempts"
    attempts.touch()
    env = {
        "EMAIL_BACKEND": "tests.integration.refusing_mail.RefusingBackend",
        "REFUSING_MAIL_LOG": str(attempts),
        "EMAIL_MAX_RETRIES": "1",
    }
    with django_db_blocker.unblock(), _mail_worker("test-invitations-refusing", settings, env):
        secretariat = SecretariatFactory()
        niger = Respondent.objects.get(code="NER")
        MembershipFactory(respondent=niger)
        with transaction.atomic():
            q = build_questionnaire(by=secretariat, dispatch_to=[niger])
        wait_until(
            lambda: EmailLog.objects.filter(status=EmailLog.Status.FAILED).exists(),
            "the worker to give up on the invitation",
        )
    assert attempts.read_text().count("attempt") == 2
    client.force_login(secretariat)
    board = client.get(reverse("surveys:questionnaire-status", args=[q.pk])).content.decode()
    assert "1 with an e-mail that failed" in board
    assert "1 e-mail failed" in board
    log = client.get(reverse("surveys:email-log") + "?status=failed").content.decode()
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in log
