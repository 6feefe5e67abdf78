"""Celery tasks of reports: thin, they take ids and call ``reports.services``."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import coding, services

logger = logging.getLogger(__name__)


# A database restarting or dropping connections: tried again after 5, 10, 20, then every 30 s,
# for about three minutes, and the retried message carries on with the same attempt (it counts
# as no worker death). The pause stays under the watchdog's 60 s threshold of silence, so the
# watchdog does not queue the build a second time meanwhile.
@shared_task(
    name=services.BUILD_TASK,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=services.TRANSIENT_DATABASE_ERRORS,
    retry_backoff=5,
    retry_backoff_max=30,
    retry_jitter=False,
    max_retries=8,
    soft_time_limit=services.BUILD_SOFT_TIME_LIMIT,
    time_limit=services.BUILD_TIME_LIMIT,
    ignore_result=True,
)
def build_report(self, build_id: int) -> str:  # type: ignore[no-untyped-def]
    """Render one queued build; a duplicate or superseded message does nothing."""
    return services.run_build(
        build_id=build_id, task_id=self.request.id, retries=self.request.retries or 0
    ).status


@shared_task(
    name="reports.watchdog",
    acks_late=True,
    time_limit=60,
    soft_time_limit=50,
    ignore_result=True,
)
def watchdog() -> dict[str, list[int]]:
    """Fail or re-queue builds whose worker died or ran too long (scheduled every minute)."""
    return services.reap_stalled_builds()


@shared_task(
    name="reports.refresh_coding",
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    max_retries=3,
    time_limit=120,
    soft_time_limit=100,
    ignore_result=True,
)
def refresh_coding(reply_id: int) -> int:
    """Re-apply the rule-based sets of the reports on a reply's questionnaire (idempotent)."""
    return coding.refresh_after_submission(reply_id=reply_id)


def queue_coding_refresh(reply_id: int) -> None:
    """Called when a reply is submitted (``surveys.events.reply_submitted``): a failure to
    queue must not undo the submission (the coding page can sync on demand)."""
    try:
        refresh_coding.delay(reply_id)
    except Exception:
        logger.exception("Could not queue the coding refresh of reply %s", reply_id)
