"""Writes of the reviewer area: asking for an export.

The export itself is made by a worker (``tasks.run_export`` calling ``exports.run_export``); this
module creates the job and queues it through ``portal.jobs`` (the task is sent by name), so
views → services → tasks → exports point one way.
"""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from portal import jobs

from ..models import ExportJob
from . import exports
from .exports import export_replies, fingerprint


def request_export(*, user: Any, options: dict[str, Any], export_format: str) -> ExportJob:
    """Queue an export of the browse filter, or reuse the last file of unchanged data."""
    if export_format not in ExportJob.Format.values:
        raise ValueError(f"Unknown export format {export_format!r}.")
    replies = export_replies(user, options)
    stamp = fingerprint(replies, export_format=export_format, options=options)
    previous = (
        ExportJob.objects.filter(
            format=export_format, fingerprint=stamp, status=ExportJob.Status.SUCCEEDED
        )
        .exclude(file="")
        .order_by("-finished_at")
        .first()
    )
    if previous is not None and default_storage.exists(previous.file.name):
        now = timezone.now()
        return ExportJob.objects.create(
            format=export_format,
            options=options,
            requested_by=user,
            status=ExportJob.Status.SUCCEEDED,
            progress=100,
            row_count=previous.row_count,
            fingerprint=stamp,
            file=previous.file.name,
            file_name=previous.file_name,
            reused_from=previous.reused_from or previous,
            started_at=now,
            finished_at=now,
        )
    with transaction.atomic():
        now = timezone.now()
        job = ExportJob.objects.create(
            format=export_format,
            options=options,
            requested_by=user,
            fingerprint=stamp,
            queued_at=now,
            sent_at=now,
            celery_task_id=jobs.new_task_id(),
        )
        jobs.enqueue(exports.EXPORTS, job)  # on commit, so that the worker finds the row
    return job
