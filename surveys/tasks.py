"""Celery tasks of the surveys app: thin, safe to run twice."""

from celery import shared_task
from django.utils import timezone

from .questionnaires import dispatch


@shared_task(name="surveys.send_due_reminders", acks_late=True, time_limit=600, soft_time_limit=570)
def send_due_reminders() -> int:
    """Scheduled by beat: reminders N days before each open questionnaire's deadline.

    Skips recipients already reminded since their reminder day, so running it twice sends
    nothing twice."""
    return dispatch.send_due_reminders(today=timezone.localdate())


# The reviewer workspace's tasks live in their own module; importing it here registers them with
# workers, which discover ``surveys.tasks`` only.
from .review import tasks as review_tasks  # noqa: E402, F401
