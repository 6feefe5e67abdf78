"""One lifecycle for background jobs (``portal.jobs``): builds and exports are claimed, watched
and sent again by the same code, and one watchdog task looks after every kind."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from portal import jobs
from portal.tasks import jobs_watchdog
from reports import services
from reports.models import Build
from surveys.models import ExportJob
from surveys.review import exports
from tests.factories import ReviewerFactory
from tests.reports.factories import report_with_replies

pytestmark = pytest.mark.django_db


def _stalled_build(settings: Any) -> Build:
    settings.REPORTS_BUILD_HEARTBEAT_SECONDS = 10
    build = services.start_build(report=report_with_replies(), enqueue=False)
    assert services._claim(build.pk, build.celery_task_id) is not None
    Build.objects.filter(pk=build.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=300))
    return build


def _export() -> ExportJob:
    return ExportJob.objects.create(
        format="csv",
        requested_by=ReviewerFactory(),
        queued_at=timezone.now(),
        sent_at=timezone.now(),
        celery_task_id=jobs.new_task_id(),
    )


def _stalled_export() -> ExportJob:
    job = _export()
    assert jobs.claim(exports.EXPORTS, job.pk, job.celery_task_id) is not None
    ExportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=10))
    return job


def test_builds_and_exports_are_registered_kinds_of_job():
    assert {"build", "export"} <= {kind.name for kind in jobs.kinds()}
    assert services.BUILDS.model is Build and exports.EXPORTS.model is ExportJob


def test_one_watchdog_reaps_a_stalled_build_and_a_stalled_export_through_the_same_code(
    settings, monkeypatch
):
    build, job = _stalled_build(settings), _stalled_export()
    reaped: list[str] = []
    reap = jobs._reap

    def spy(kind: jobs.JobKind) -> dict[str, list[int]]:
        reaped.append(kind.name)
        return reap(kind)

    monkeypatch.setattr(jobs, "_reap", spy)
    result = jobs_watchdog.delay().get()

    assert {"build", "export"} <= set(reaped)
    # A build has attempts left: queued again, with a note. An export has one attempt: failed.
    assert result["build"]["requeued"] == [build.pk]
    assert result["export"]["failed"] == [job.pk]
    build.refresh_from_db()
    job.refresh_from_db()
    assert build.status == Build.Status.QUEUED
    assert [n["text"] for n in build.notes] == [
        "Attempt 1 stopped: its worker was silent for 300 s. Queued again."
    ]
    assert job.status == ExportJob.Status.FAILED
    assert job.error.startswith("The worker making this export stopped responding (silent for")
    # The per-kind entry points are the same code.
    assert (
        services.reap_stalled_builds()
        == exports.reap_stalled_exports()
        == {
            "requeued": [],
            "failed": [],
            "resent": [],
        }
    )


def test_the_watchdog_looks_after_the_other_kinds_when_one_fails(settings, monkeypatch):
    build = _stalled_build(settings)

    def broken() -> timedelta:
        raise RuntimeError("a bug in one kind")

    kind = jobs.JobKind(
        name="broken",
        model=ExportJob,
        task="tests.nothing",
        noun="thing",
        time_limit=60,
        max_attempts=1,
        stale_after=broken,
        queue_timeout=broken,
        watched=lambda: True,
        ran_too_long="",
        went_silent="",
    )
    _stalled_export()
    monkeypatch.setattr(jobs, "_KINDS", {"broken": kind, **jobs._KINDS})
    result = jobs.reap_all()
    assert "broken" not in result
    assert result["build"]["requeued"] == [build.pk]


def test_an_export_retried_after_a_database_error_goes_on_with_the_same_attempt():
    job = _export()
    first = jobs.claim(exports.EXPORTS, job.pk, job.celery_task_id, retries=0)
    again = jobs.claim(exports.EXPORTS, job.pk, job.celery_task_id, retries=1)
    assert first is not None and again is not None
    assert (again.status, again.attempts) == (ExportJob.Status.RUNNING, 1)
    assert [n["text"] for n in again.notes] == [
        "Attempt 1 was interrupted by a database error and went on."
    ]


def test_an_export_whose_worker_died_is_failed_when_its_message_comes_again():
    """One attempt: the person is told, rather than the export being tried behind their back."""
    job = _export()
    assert jobs.claim(exports.EXPORTS, job.pk, job.celery_task_id) is not None
    assert jobs.claim(exports.EXPORTS, job.pk, job.celery_task_id) is None
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert job.error == "Gave up after 1 attempt; the worker stopped each time."


def test_a_message_the_watchdog_replaced_does_not_run_the_export():
    job = _export()
    assert jobs.claim(exports.EXPORTS, job.pk, jobs.new_task_id()) is None
    job.refresh_from_db()
    assert (job.status, job.attempts) == (ExportJob.Status.QUEUED, 0)


def test_an_export_left_queued_has_its_message_sent_again(
    settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_RESEND_SECONDS = 60
    job = _export()
    long_ago = timezone.now() - timedelta(seconds=120)
    ExportJob.objects.filter(pk=job.pk).update(queued_at=long_ago, sent_at=long_ago)
    old_task = job.celery_task_id
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert exports.reap_stalled_exports()["resent"] == [job.pk]
    job.refresh_from_db()
    assert job.status == ExportJob.Status.QUEUED and job.celery_task_id != old_task
    assert [n["text"] for n in job.notes] == ["No worker took the export for 120 s: sent again."]
    assert len(callbacks) == 1
