"""Builds when the database blips or a worker goes silent in the middle: one result recorded,
no file left without its row, no attempt used up by a database error, and a history kept."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone

from portal.celery import app as celery_app
from reports import services
from reports.models import Build
from tests.factories import SecretariatFactory
from tests.reports.factories import report_with_replies


def _files(root: Path) -> list[str]:
    """Every file under MEDIA_ROOT, relative to it."""
    root = Path(root)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@contextmanager
def _first_statement_fails(matches: Callable[[str], bool]) -> Iterator[list[str]]:
    """The first SQL statement ``matches`` picks fails as when PostgreSQL restarts under it."""
    failed: list[str] = []

    def wrapper(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        if not failed and matches(sql):
            failed.append(sql)
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield failed


def _recording(sql: str) -> bool:
    """The statement that records a finished build (its files and status)."""
    return sql.startswith('UPDATE "reports_build"') and '"pdf_sha256"' in sql


def _build_through_the_task(report: Any, django_capture_on_commit_callbacks: Any) -> Build:
    """Queue the build; the task runs in-process, with the retry policy of its decorator (an
    eager task that propagates errors would raise Celery's Retry instead of running again)."""
    propagates = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    try:
        with django_capture_on_commit_callbacks(execute=True):
            build = services.start_build(report=report)
    finally:
        celery_app.conf.task_eager_propagates = propagates
    build.refresh_from_db()
    return build


@pytest.mark.django_db
def test_files_of_a_build_whose_recording_failed_are_deleted_and_the_retry_stores_one_of_each(
    settings, django_capture_on_commit_callbacks
):
    with _first_statement_fails(_recording) as failed:
        build = _build_through_the_task(report_with_replies(), django_capture_on_commit_callbacks)
    assert failed, "the recording never ran"
    assert build.status == Build.Status.SUCCEEDED, build.error
    # The files of the run whose recording failed are gone; the retry wrote one PDF and one
    # DOCX, and they are the ones the build names.
    assert _files(settings.MEDIA_ROOT) == sorted([build.pdf.name, build.docx.name])
    assert build.pdf.name.endswith(".pdf") and build.docx.name.endswith(".docx")


@pytest.mark.django_db
def test_files_are_deleted_when_recording_the_build_fails(settings):
    """Even with no retry to come (retries used up, or a worker stopping): no file without a row."""
    build = services.start_build(report=report_with_replies(), enqueue=False)
    claimed = services._claim(build.pk, build.celery_task_id)
    with _first_statement_fails(_recording), pytest.raises(OperationalError):
        services._store(claimed, _compiled("first"), seconds=1)
    assert _files(settings.MEDIA_ROOT) == []
    build.refresh_from_db()
    assert (build.status, build.pdf.name) == (Build.Status.RUNNING, "")


@pytest.mark.django_db
def test_a_database_error_while_recording_is_retried_without_using_up_an_attempt(
    django_capture_on_commit_callbacks,
):
    with _first_statement_fails(_recording):
        build = _build_through_the_task(report_with_replies(), django_capture_on_commit_callbacks)
    assert build.status == Build.Status.SUCCEEDED, build.error
    assert build.attempts == 1
    assert [note["text"] for note in build.notes] == [
        "Attempt 1 was interrupted by a database error and went on."
    ]


@pytest.mark.django_db
def test_a_database_error_while_claiming_is_retried_without_using_up_an_attempt(
    django_capture_on_commit_callbacks,
):
    def claiming(sql: str) -> bool:
        return sql.startswith('UPDATE "reports_build" SET "status"') and '"attempts"' in sql

    with _first_statement_fails(claiming) as failed:
        build = _build_through_the_task(report_with_replies(), django_capture_on_commit_callbacks)
    assert failed, "the claim never ran"
    assert (build.status, build.attempts) == (Build.Status.SUCCEEDED, 1)


@pytest.mark.django_db
def test_a_message_delivered_again_after_its_worker_died_is_a_new_attempt():
    """acks_late + reject_on_worker_lost: the broker hands the same message (same retries) to
    another worker; that counts, so a build that kills its worker cannot loop for ever."""
    build = services.start_build(report=report_with_replies(), enqueue=False)
    services._claim(build.pk, build.celery_task_id)
    again = services._claim(build.pk, build.celery_task_id)
    assert again is not None and again.attempts == 2
    assert [note["text"] for note in again.notes] == [
        "Attempt 1 stopped: its worker was lost before finishing."
    ]


@pytest.mark.django_db
def test_a_build_whose_worker_dies_every_time_fails_after_the_last_attempt():
    build = services.start_build(report=report_with_replies(), enqueue=False)
    for _ in range(services.MAX_ATTEMPTS):
        assert services._claim(build.pk, build.celery_task_id) is not None
    assert services._claim(build.pk, build.celery_task_id) is None
    build.refresh_from_db()
    assert build.status == Build.Status.FAILED and "Gave up after 3 attempts" in build.error


def _compiled(label: str) -> services.Compiled:
    return services.Compiled(
        pdf=f"%PDF {label}".encode(), docx=f"DOCX {label}".encode(), page_count=1, html=""
    )


@pytest.mark.django_db
def test_an_attempt_the_watchdog_replaced_records_nothing_and_keeps_nothing(settings):
    """The old attempt's worker was only slow (its heartbeat failed): it finishes while the
    attempt that replaced it is still rendering. Only the new attempt's result is recorded."""
    settings.REPORTS_BUILD_HEARTBEAT_SECONDS = 10
    build = services.start_build(report=report_with_replies(), enqueue=False)
    old = services._claim(build.pk, build.celery_task_id)
    assert old is not None
    past = timezone.now() - timedelta(minutes=5)
    Build.objects.filter(pk=build.pk).update(heartbeat_at=past)
    assert services.reap_stalled_builds()["requeued"] == [build.pk]
    build.refresh_from_db()
    new = services._claim(build.pk, build.celery_task_id)
    assert new is not None and new.attempts == 2

    assert services._beat(old) == 0  # the old attempt cannot keep the build alive either
    services._store(old, _compiled("old"), seconds=1)
    build.refresh_from_db()
    assert (build.status, build.pdf.name) == (Build.Status.RUNNING, "")
    assert _files(settings.MEDIA_ROOT) == []

    services._store(new, _compiled("new"), seconds=1)
    build.refresh_from_db()
    assert build.status == Build.Status.SUCCEEDED and build.attempts == 2
    assert build.pdf.read() == b"%PDF new"
    assert _files(settings.MEDIA_ROOT) == sorted([build.pdf.name, build.docx.name])


@pytest.mark.django_db
def test_an_attempt_the_watchdog_replaced_finishing_last_leaves_the_recorded_files_alone(settings):
    settings.REPORTS_BUILD_HEARTBEAT_SECONDS = 10
    build = services.start_build(report=report_with_replies(), enqueue=False)
    old = services._claim(build.pk, build.celery_task_id)
    past = timezone.now() - timedelta(minutes=5)
    Build.objects.filter(pk=build.pk).update(heartbeat_at=past)
    assert services.reap_stalled_builds()["requeued"] == [build.pk]
    build.refresh_from_db()
    new = services._claim(build.pk, build.celery_task_id)

    services._store(new, _compiled("new"), seconds=1)
    services._store(old, _compiled("old"), seconds=1)
    build.refresh_from_db()
    assert (build.status, build.attempts) == (Build.Status.SUCCEEDED, 2)
    assert build.pdf.read() == b"%PDF new" and build.docx.read() == b"DOCX new"
    assert _files(settings.MEDIA_ROOT) == sorted([build.pdf.name, build.docx.name])


@pytest.mark.django_db
def test_files_an_earlier_attempt_wrote_without_recording_are_deleted_when_one_succeeds(
    settings, django_capture_on_commit_callbacks
):
    """Attempt 1's worker died between writing its files and recording them."""
    build = services.start_build(report=report_with_replies(), enqueue=False)
    services._claim(build.pk, build.celery_task_id)
    build.refresh_from_db()
    for name in services._file_names(build, 1):
        services.default_storage.save(name, services.ContentFile(b"written, never recorded"))
    assert len(_files(settings.MEDIA_ROOT)) == 2
    second = services._claim(build.pk, build.celery_task_id)  # delivered again
    with django_capture_on_commit_callbacks(execute=True):
        services._store(second, _compiled("second"), seconds=1)
    build.refresh_from_db()
    assert build.status == Build.Status.SUCCEEDED and build.attempts == 2
    assert _files(settings.MEDIA_ROOT) == sorted([build.pdf.name, build.docx.name])


@pytest.mark.django_db
def test_the_note_of_an_earlier_attempt_stays_on_the_build_page_after_the_next_one(
    client, settings
):
    settings.REPORTS_BUILD_HEARTBEAT_SECONDS = 10
    report = report_with_replies()
    build = services.start_build(report=report, enqueue=False)
    services._claim(build.pk, build.celery_task_id)
    past = timezone.now() - timedelta(seconds=300)
    Build.objects.filter(pk=build.pk).update(heartbeat_at=past)
    assert services.reap_stalled_builds()["requeued"] == [build.pk]
    build.refresh_from_db()
    settings.REPORTS_BUILD_HEARTBEAT_SECONDS = 0  # the next attempt runs here, without a thread
    build = services.run_build(build_id=build.pk, task_id=build.celery_task_id)
    assert (build.status, build.attempts) == (Build.Status.SUCCEEDED, 2)
    note = "Attempt 1 stopped: its worker was silent for 300 s. Queued again."
    client.force_login(SecretariatFactory())
    page = client.get(reverse("reports:build-list", args=[report.pk])).content.decode()
    assert note in page
    row = client.get(reverse("reports:build-status", args=[build.pk])).content.decode()
    assert note in row
    assert [n["text"] for n in build.notes] == [note]


@pytest.mark.django_db
def test_the_silence_threshold_is_never_less_than_three_heartbeats(settings):
    settings.REPORTS_BUILD_HEARTBEAT_SECONDS = 30
    settings.REPORTS_BUILD_STALE_SECONDS = 60
    assert services.stale_after() == timedelta(seconds=90)
    settings.REPORTS_BUILD_HEARTBEAT_SECONDS = 10
    assert services.stale_after() == timedelta(seconds=60)


# The heartbeat runs in a thread with its own connection: the build row must be committed.
# serialized_rollback, like every test that commits (see tests/reports/test_worker.py).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_heartbeat_goes_on_after_a_failed_beat_until_the_build_ends(settings, monkeypatch):
    settings.REPORTS_BUILD_HEARTBEAT_SECONDS = 0.05
    build = services.start_build(report=report_with_replies(), enqueue=False)
    beat, compile_snapshot = services._beat, services.compile_snapshot
    failed, alive_again = threading.Event(), threading.Event()

    def first_beat_fails(build_: Build) -> int:
        if not failed.is_set():
            failed.set()
            raise OperationalError("the database system is shutting down")
        updated = beat(build_)
        if updated:
            alive_again.set()
        return updated

    def render_while_watched(snapshot: dict[str, Any]) -> services.Compiled:
        # The render lasts until the heartbeat has beaten again after its failure (or gives up).
        alive_again.wait(timeout=30)
        return compile_snapshot(snapshot)

    monkeypatch.setattr(services, "_beat", first_beat_fails)
    monkeypatch.setattr(services, "compile_snapshot", render_while_watched)
    build = services.run_build(build_id=build.pk, task_id=build.celery_task_id)

    assert failed.is_set()
    assert alive_again.is_set(), "the heartbeat stopped at its first failure"
    assert build.status == Build.Status.SUCCEEDED, build.error
    assert build.heartbeat_at > build.started_at


@pytest.mark.django_db
def test_files_an_earlier_attempt_left_are_deleted_when_the_build_fails(
    settings, django_capture_on_commit_callbacks
):
    build = services.start_build(report=report_with_replies(), enqueue=False)
    services._claim(build.pk, build.celery_task_id)
    build.refresh_from_db()
    for name in services._file_names(build, 1):
        services.default_storage.save(name, services.ContentFile(b"written, never recorded"))
    second = services._claim(build.pk, build.celery_task_id)  # delivered again
    with django_capture_on_commit_callbacks(execute=True):
        services._finish_failed(second, "The report has 1 problem(s) to fix.")
    build.refresh_from_db()
    assert build.status == Build.Status.FAILED
    assert _files(settings.MEDIA_ROOT) == []
