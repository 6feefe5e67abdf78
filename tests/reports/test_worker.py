"""Builds through real Celery workers on Redis and PostgreSQL (run by .ci/run)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from portal.celery import app as celery_app
from reports import services
from reports.models import Build
from tests.reports.factories import report_with_replies

# Like every test that commits: the database is emptied afterwards and refilled before the next
# one from the copy taken at the start (a flush that re-creates content types instead would
# clash with that copy in the next test that uses it).
pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT = Path(__file__).resolve().parents[2]


def _wait_for(build: Build, statuses: set[str], seconds: float = 90) -> Build:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        build.refresh_from_db()
        if build.status in statuses:
            return build
        time.sleep(0.3)
    raise AssertionError(f"Build {build.pk} stayed {build.status}: {build.error}")


def test_a_build_runs_in_a_real_worker_and_records_its_pdf(celery_worker):
    report = report_with_replies()
    build = services.start_build(report=report)
    assert build.status == Build.Status.QUEUED
    build = _wait_for(build, {Build.Status.SUCCEEDED, Build.Status.FAILED})
    assert build.status == Build.Status.SUCCEEDED, build.error
    assert build.page_count >= 2 and build.pdf_size > 1000 and build.attempts == 1
    assert build.pdf.name.endswith(".pdf") and build.docx.name.endswith(".docx")
    assert build.heartbeat_at is not None and build.finished_at >= build.started_at


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db.get('USER') or 'postgres'}{password}@{db.get('HOST') or '127.0.0.1'}:"
        f"{db.get('PORT') or 5432}/{db['NAME']}"
    )


def test_a_build_whose_worker_is_killed_is_requeued_by_the_watchdog_and_finishes(
    celery_worker, settings, tmp_path
):
    queue = f"reports-kill-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "slow-worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "tests.reports.slow_worker_settings",
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    with log.open("w") as output:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--pool=solo",
                "-Q",
                queue,
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"{queue}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while not celery_app.control.ping(
            destination=[f"{queue}@{os.uname().nodename}"], timeout=1
        ):
            assert worker.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
        settings.REPORTS_BUILD_QUEUE = queue
        build = services.start_build(report=report_with_replies())
        build = _wait_for(build, {Build.Status.RUNNING}, seconds=60)
        time.sleep(2)  # inside the (slow) rendering, heartbeat ticking
        build.refresh_from_db()
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
    time.sleep(4)
    assert services.reap_stalled_builds() == {"requeued": [build.pk], "failed": [], "resent": []}
    build.refresh_from_db()
    assert build.status in (Build.Status.QUEUED, Build.Status.RUNNING, Build.Status.SUCCEEDED)
    assert "silent for" in build.error or build.status != Build.Status.QUEUED
    # The regular worker picks the re-queued build up and finishes it.
    build = _wait_for(build, {Build.Status.SUCCEEDED, Build.Status.FAILED})
    assert build.status == Build.Status.SUCCEEDED, build.error
    assert build.attempts == 2
