"""Builds through real Celery workers on Redis and PostgreSQL (run by .ci/run)."""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections.abc import Callable

import pytest

from portal.celery import app as celery_app
from reports import services
from reports.models import Build
from tests.reports.factories import report_with_replies
from tests.workers import start_worker, wait_for_build

# Like every test that commits: the database is emptied afterwards and refilled before the next
# one from the copy taken at the start (a flush that re-creates content types instead would
# clash with that copy in the next test that uses it).
pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_build_runs_in_a_real_worker_and_records_its_pdf(celery_worker):
    report = report_with_replies()
    build = services.start_build(report=report)
    assert build.status == Build.Status.QUEUED
    build = wait_for_build(build, {Build.Status.SUCCEEDED, Build.Status.FAILED})
    assert build.status == Build.Status.SUCCEEDED, build.error
    assert build.page_count >= 2 and build.pdf_size > 1000 and build.attempts == 1
    assert build.pdf.name.endswith(".pdf") and build.docx.name.endswith(".docx")
    assert build.heartbeat_at is not None and build.finished_at >= build.started_at


def test_a_build_whose_worker_is_killed_is_requeued_by_the_watchdog_and_finishes(
    celery_worker, settings, tmp_path
):
    queue = f"reports-kill-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "slow-worker.log"
    worker = start_worker(
        queue,
        log,
        {"DJANGO_SETTINGS_MODULE": "tests.reports.slow_worker_settings"},
        queue=queue,
    )
    try:
        deadline = time.monotonic() + 60
        while not celery_app.control.ping(
            destination=[f"{queue}@{os.uname().nodename}"], timeout=1
        ):
            assert worker.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
        settings.REPORTS_BUILD_QUEUE = queue
        build = services.start_build(report=report_with_replies())
        build = wait_for_build(build, {Build.Status.RUNNING}, seconds=60)
        started = build.started_at
        _until(lambda: _refreshed(build).heartbeat_at > started, "the heartbeat to tick")
        assert build.status == Build.Status.RUNNING and build.attempts == 1
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    # The worker is gone: the build is still "running" until the watchdog looks at it.
    settings.REPORTS_BUILD_QUEUE = None
    settings.REPORTS_BUILD_HEARTBEAT_SECONDS = 1
    settings.REPORTS_BUILD_STALE_SECONDS = 3
    reaped: list[dict[str, list[int]]] = []
    _until(
        lambda: reaped.append(services.reap_stalled_builds()) or reaped[-1]["requeued"],
        "the watchdog to notice the silence",
    )
    assert reaped[-1] == {"requeued": [build.pk], "failed": [], "resent": []}
    build.refresh_from_db()
    assert build.status in (Build.Status.QUEUED, Build.Status.RUNNING, Build.Status.SUCCEEDED)
    assert "Attempt 1 stopped: its worker was silent for" in build.notes[0]["text"]
    # The regular worker picks the re-queued build up and finishes it.
    build = wait_for_build(build, {Build.Status.SUCCEEDED, Build.Status.FAILED})
    assert build.status == Build.Status.SUCCEEDED, build.error
    assert build.attempts == 2
    # The next attempt kept the note: the build page still says what happened to the first.
    assert "Attempt 1 stopped" in build.notes[0]["text"]


def _refreshed(build: Build) -> Build:
    build.refresh_from_db()
    return build


def _until(condition: Callable[[], object], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"Gave up waiting: {what}"
        time.sleep(0.2)
