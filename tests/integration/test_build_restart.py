"""PostgreSQL restarts while a long build renders: a real worker, its connections dropped.

The shared PostgreSQL server is never restarted; what a restart does to a worker is done to
this worker alone: every connection it has (the task's and the heartbeat thread's, recognised
by their application_name) is ended with pg_terminate_backend.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection

from portal.celery import app as celery_app
from reports import services
from reports.models import Build
from tests.reports.factories import report_with_replies
from tests.workers import database_url, start_worker, stop_process, wait_for_build

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _until(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"Gave up waiting: {what}"
        time.sleep(0.2)


def _terminate_connections_of(application_name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = %s",
            [application_name],
        )
        return cursor.fetchone()[0]


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in Path(root).rglob("*") if p.is_file())


def test_a_build_whose_database_connections_drop_mid_render_finishes_once_in_one_attempt(
    settings, tmp_path
):
    name = f"build-restart-{uuid.uuid4().hex[:8]}"
    gate = tmp_path / "render-may-finish"
    log = tmp_path / "worker.log"
    worker = start_worker(
        name,
        log,
        {
            "DJANGO_SETTINGS_MODULE": "tests.integration.restart_worker_settings",
            "DATABASE_URL": f"{database_url()}?application_name={name}",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "REPORTS_TEST_RENDER_GATE": str(gate),
        },
        queue=name,
    )
    try:
        _until(
            lambda: (
                worker.poll() is None
                and bool(celery_app.control.ping(destination=[f"{name}@{os.uname().nodename}"]))
            ),
            "the worker to start",
        )
        settings.REPORTS_BUILD_QUEUE = name
        build = services.start_build(report=report_with_replies())
        build = wait_for_build(build, {Build.Status.RUNNING}, seconds=60)

        def beaten_since(moment) -> bool:  # type: ignore[no-untyped-def]
            build.refresh_from_db()
            return build.heartbeat_at > moment

        _until(lambda: beaten_since(build.started_at), "the heartbeat to start")

        # PostgreSQL goes away under the rendering worker, and comes back at once.
        dropped = build.heartbeat_at
        assert _terminate_connections_of(name) >= 2  # the task's and the heartbeat's
        # The heartbeat beats again on a new connection (or the watchdog would queue a second
        # render of a build that is still running).
        _until(lambda: beaten_since(dropped), "a heartbeat after the connections dropped")

        gate.touch()  # the render finishes; recording it meets the dropped connection
        build = wait_for_build(build, {Build.Status.SUCCEEDED, Build.Status.FAILED}, seconds=120)
    finally:
        settings.REPORTS_BUILD_QUEUE = ""
        stop_process(worker)
    assert build.status == Build.Status.SUCCEEDED, f"{build.error}\n{log.read_text()[-3000:]}"
    # The database error was retried as the same attempt, and said so.
    assert build.attempts == 1
    assert [note["text"] for note in build.notes] == [
        "Attempt 1 was interrupted by a database error and went on."
    ]
    # One PDF and one DOCX: the ones the build names.
    assert _files(settings.MEDIA_ROOT) == sorted([build.pdf.name, build.docx.name])
