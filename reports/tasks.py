"""Celery tasks of reports: thin, they take ids and call ``reports.services``."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services


@shared_task(
    name="reports.build",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=60,
    max_retries=2,
    soft_time_limit=services.BUILD_SOFT_TIME_LIMIT,
    time_limit=services.BUILD_TIME_LIMIT,
    ignore_result=True,
)
def build_report(self, build_id: int) -> str:  # type: ignore[no-untyped-def]
    """Render one queued build; a duplicate or superseded message does nothing."""
    return services.run_build(build_id=build_id, task_id=self.request.id).status


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
