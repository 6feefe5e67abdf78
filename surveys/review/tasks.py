"""Celery tasks of the reviewer workspace: thin, they take ids and call a service; safe to run
twice. Queued with ``transaction.on_commit`` so that a worker never reads uncommitted rows."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from portal import jobs

from ..models import Attachment
from ..replies import extraction
from . import exports, search

logger = logging.getLogger(__name__)

# A database restarting: tried again after 5, 10, 20 s (portal.jobs.database_retry).
RETRY = jobs.database_retry()


@shared_task(
    name="surveys.index_reply",
    acks_late=True,
    time_limit=120,
    soft_time_limit=100,
    ignore_result=True,
    **RETRY,
)
def index_reply(reply_id: int) -> int:
    """Rebuild a reply's search entries from what is published now."""
    return search.index_reply(reply_id=reply_id)


# The document is read in a child process bounded by EXTRACTION_SECONDS and
# EXTRACTION_MEMORY_MB (surveys.replies.extraction.read_in_child); these limits are the backstop for
# the rest (opening the file, the database): past the soft limit the attachment is marked.
EXTRACTION_SOFT_TIME_LIMIT = settings.EXTRACTION_SECONDS + 60
EXTRACTION_TIME_LIMIT = EXTRACTION_SOFT_TIME_LIMIT + 30


@shared_task(
    name="surveys.extract_attachment_text",
    acks_late=True,
    time_limit=EXTRACTION_TIME_LIMIT,
    soft_time_limit=EXTRACTION_SOFT_TIME_LIMIT,
    ignore_result=True,
    **RETRY,
)
def extract_attachment_text(attachment_id: int) -> int:
    """Read an attached document's text, store it and index it when it is published."""
    try:
        attachment = extraction.extract_attachment(attachment_id=attachment_id)
    except SoftTimeLimitExceeded:
        extraction.mark_failed(
            attachment_id=attachment_id,
            problem="The text could not be extracted: it took longer than "
            f"{EXTRACTION_SOFT_TIME_LIMIT} s.",
        )
        return 0
    if attachment is None:
        return 0  # removed since: nothing to do
    search.index_attachment(attachment_id=attachment.pk)
    return len(attachment.extracted_text)


@shared_task(
    name=exports.EXPORT_TASK,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=exports.EXPORT_SOFT_TIME_LIMIT,
    time_limit=exports.EXPORT_TIME_LIMIT,
    ignore_result=True,
    **RETRY,
)
def run_export(self, job_id: int) -> str:  # type: ignore[no-untyped-def]
    """Make one queued export; a duplicate message of a started or finished job does nothing."""
    return exports.run_export(
        job_id=job_id, task_id=self.request.id, retries=self.request.retries or 0
    ).status


@shared_task(
    name="surveys.export_watchdog",
    acks_late=True,
    time_limit=60,
    soft_time_limit=50,
    ignore_result=True,
)
def export_watchdog() -> dict[str, list[int]]:
    """Fail exports whose worker died, ran past the time limit or never started (on demand; beat
    runs ``portal.jobs_watchdog``, which looks after every kind of job)."""
    return exports.reap_stalled_exports()


# The two hooks below run after the reply services have committed: the submission or the upload
# has happened whatever becomes of the index, so a broker that is down (or, with tasks run
# in-process, an indexing error) is logged rather than shown to the focal point as a failure.
# ``search.rebuild_index`` puts a missed reply right.


def queue_reply_index(reply_id: int) -> None:
    """Called on commit after a submission or a change of restriction (``surveys.events``)."""
    try:
        index_reply.delay(reply_id)
    except Exception:
        logger.exception("Could not index reply %s for search", reply_id)


def resend_lost_extractions(now: datetime) -> dict[str, list[int]]:
    """The watchdog's sweep of text extraction (``portal.jobs``): a file still waiting for its
    text after ``MESSAGE_RESEND_SECONDS`` has its task sent again once (its message was probably
    lost by the broker); still waiting after as long again, it is marked "text could not be
    extracted" with the reason. Extracting twice does no harm."""
    wait = timedelta(seconds=settings.MESSAGE_RESEND_SECONDS)
    pending = Attachment.objects.filter(
        text_status=Attachment.TextStatus.PENDING, deleted_at__isnull=True
    )
    given_up = list(
        pending.filter(extraction_resent_at__lt=now - wait).values_list("pk", flat=True)
    )
    pending.filter(pk__in=given_up).update(
        text_status=Attachment.TextStatus.FAILED,
        text_problem="No worker read this file (its task was probably lost while the message "
        "queue restarted).",
    )
    resent = list(
        pending.filter(extraction_resent_at__isnull=True, uploaded_at__lt=now - wait).values_list(
            "pk", flat=True
        )
    )
    for attachment_id in resent:
        if Attachment.objects.filter(pk=attachment_id, extraction_resent_at__isnull=True).update(
            extraction_resent_at=now
        ):
            queue_text_extraction(attachment_id)
    return {"failed": given_up, "sent again": resent}


def queue_text_extraction(attachment_id: int) -> None:
    """Called on commit after a file is attached (``surveys.events``)."""
    try:
        extract_attachment_text.delay(attachment_id)
    except Exception:
        logger.exception("Could not queue text extraction of attachment %s", attachment_id)
