"""The reviewer workspace through a real Celery worker on Redis and PostgreSQL: indexing on
submission, text extraction of an attached file, an export job made, polled, downloaded and
reused, and the export watchdog (run by .ci/run)."""

from __future__ import annotations

import contextlib
import csv
import io
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.settings import base
from surveys.models import Attachment, ExportJob, Reply, Respondent, SearchEntry
from tests.factories import ReviewerFactory, build_questionnaire
from tests.surveys.review.support import file_reply, pdf_with_text

# serialized_rollback: the flush after each transactional test would wipe the registry
# loaded by migrations; this restores it.
pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def no_capture(execute: bool = True) -> contextlib.AbstractContextManager[None]:
    """Transactional tests commit for real: on-commit hooks queue tasks to the worker."""
    return contextlib.nullcontext()


def wait_for(condition: Callable[[], Any], *, seconds: float = 60, what: str = "") -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.25)
    pytest.fail(f"Timed out waiting for {what}")


@pytest.fixture
def shared_media(settings):  # type: ignore[no-untyped-def]
    """The worker process stores and reads files under the configured MEDIA_ROOT, not under
    the test's temporary one."""
    settings.MEDIA_ROOT = base.MEDIA_ROOT
    yield
    for job in ExportJob.objects.exclude(file=""):
        job.file.storage.delete(job.file.name)
    for attachment in Attachment.objects.all():
        attachment.file.storage.delete(attachment.file.name)


def test_submission_is_indexed_and_an_export_is_made_by_the_worker_then_reused(
    celery_worker, shared_media, client
):
    q = build_questionnaire(dispatch_to=list(Respondent.objects.filter(code__in=["SLV", "EST"])))
    salvador = Reply.objects.get(questionnaire=q, respondent__code="SLV")
    estonia = Reply.objects.get(questionnaire=q, respondent__code="EST")
    file_reply(
        salvador,
        text="Specialized police units.",
        capture=no_capture,
        table={"2006": {"investigated": 7}},
        attachment=("law.pdf", pdf_with_text("Tribunal of first instance")),
    )
    file_reply(estonia, text="Shelters for victims.", capture=no_capture)

    attachment = Attachment.objects.get(reply=salvador)
    wait_for(
        lambda: SearchEntry.objects.filter(attachment=attachment).exists(),
        what="the worker to extract and index the attached file",
    )
    wait_for(
        lambda: SearchEntry.objects.filter(reply=estonia).exists(),
        what="the worker to index Estonia's reply",
    )
    client.force_login(ReviewerFactory())
    found = client.get(reverse("surveys:review-search"), {"q": "tribunal"})
    assert [h.respondent_name for h in found.context["hits"]] == ["El Salvador"]

    response = client.post(reverse("surveys:review-export-start"), {"format": "csv"})
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("surveys:review-export", args=[job.pk])
    status_url = reverse("surveys:review-export", args=[job.pk])
    wait_for(
        lambda: "Download" in client.get(status_url, HTTP_HX_REQUEST="true").content.decode(),
        what="the export job to finish",
    )
    job.refresh_from_db()
    assert job.status == "succeeded" and job.progress == 100 and job.celery_task_id
    download = client.get(reverse("surveys:review-export-download", args=[job.pk]))
    rows = list(
        csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig")))
    )
    assert {r["respondent"] for r in rows} == {"El Salvador", "Estonia"}
    cell = next(
        r for r in rows if r["question"] == "5" and r["row"] == "2006" and r["value"] == "7"
    )
    assert cell["column"] == "Cases investigated"

    client.post(reverse("surveys:review-export-start"), {"format": "csv"})
    again = ExportJob.objects.latest("pk")
    assert again.status == "succeeded" and again.reused_from_id == job.pk


def test_the_watchdog_fails_a_job_left_running_by_a_dead_worker(celery_worker, shared_media):
    from surveys.review import exports
    from surveys.review.tasks import export_watchdog

    stuck = ExportJob.objects.create(
        format="csv",
        requested_by=ReviewerFactory(),
        status="running",
        started_at=timezone.now() - timedelta(seconds=exports.EXPORT_TIME_LIMIT + 120),
        heartbeat_at=timezone.now() - timedelta(seconds=exports.EXPORT_TIME_LIMIT + 120),
    )
    export_watchdog.delay()
    wait_for(
        lambda: ExportJob.objects.filter(pk=stuck.pk, status="failed").exists(),
        what="the watchdog to fail the stuck export",
    )
    stuck.refresh_from_db()
    assert "was stopped" in stuck.error
