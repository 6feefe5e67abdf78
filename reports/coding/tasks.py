"""Celery tasks of coding: thin, they take ids and call ``reports.coding.services``."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

logger = logging.getLogger(__name__)


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
    return services.refresh_after_submission(reply_id=reply_id)


def queue_coding_refresh(reply_id: int) -> None:
    """Called when a reply is submitted (``surveys.events.reply_submitted``): a failure to
    queue must not undo the submission (the coding page can sync on demand)."""
    try:
        refresh_coding.delay(reply_id)
    except Exception:
        logger.exception("Could not queue the coding refresh of reply %s", reply_id)
