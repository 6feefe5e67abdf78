"""Celery tasks of the surveys app: thin, safe to run twice."""

from typing import Any

from celery import Task, shared_task
from django.conf import settings
from django.utils import timezone

from portal import jobs

from .questionnaires import dispatch


@shared_task(name="surveys.send_due_reminders", acks_late=True, time_limit=600, soft_time_limit=570)
def send_due_reminders() -> int:
    """Scheduled by beat: reminders N days before each open questionnaire's deadline.

    Skips recipients already reminded since their reminder day, so running it twice sends
    nothing twice."""
    return dispatch.send_due_reminders(today=timezone.localdate())


class _EmailTask(Task):
    """Records on the e-mail log what became of each attempt."""

    def on_retry(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        dispatch.record_email_error(log_id=args[0], error=exc, final=False)

    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        dispatch.record_email_error(log_id=args[0], error=exc, final=True)


# An SMTP server that refuses or cannot be reached (or the database restarting) is tried again
# EMAIL_MAX_RETRIES times, after EMAIL_RETRY_BACKOFF_SECONDS, then twice as long each time up
# to an hour; then the message is marked failed with the reason.
@shared_task(
    base=_EmailTask,
    name=dispatch.EMAIL_TASK,
    acks_late=True,
    autoretry_for=(*dispatch.EMAIL_ERRORS, *jobs.TRANSIENT_DATABASE_ERRORS),
    retry_backoff=settings.EMAIL_RETRY_BACKOFF_SECONDS,
    retry_backoff_max=60 * 60,
    retry_jitter=False,
    max_retries=settings.EMAIL_MAX_RETRIES,
    time_limit=120,
    soft_time_limit=100,
    ignore_result=True,
)
def send_email(log_id: int, body: str | None = None) -> str:
    """Send one message of the e-mail log; a message already sent is not sent again."""
    log = dispatch.deliver_email(log_id=log_id, body=body)
    return log.status if log is not None else "gone"


# The reviewer workspace's tasks live in their own module; importing it here registers them with
# workers, which discover ``surveys.tasks`` only.
from .review import tasks as review_tasks  # noqa: E402, F401
