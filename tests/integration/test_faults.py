"""Faults in the last days before a deadline: the broker restarts, the database connection
drops, the disk fills. Real processes on Redis and PostgreSQL (run by .ci/run)."""

from __future__ import annotations

import errno
import hashlib
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import kombu.pools
import psycopg2
import pytest
import redis
from celery import Celery
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from portal.storage import PARTIAL_PREFIX, MediaStorage
from reports import selectors as report_selectors
from reports import services
from reports.models import Build, Report
from surveys.models import Answer, Attachment, Reply, Respondent
from surveys.replies import services as replies
from tests.factories import MembershipFactory, build_questionnaire, question
from tests.reports.factories import report_with_replies
from tests.surveys.replies.test_replies import PDF
from tests.workers import start_worker, stop_process, wait_for_build

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

JSON = "application/json"


# --- (a) the broker restarts while a build is queued ---------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def _private_redis(port: int, directory: Path, *, persistent: bool) -> Iterator[None]:
    """A redis-server of this test only (the shared one is never restarted)."""
    args = [
        "redis-server",
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        str(directory),
        "--save",
        "",
        "--appendonly",
        "yes" if persistent else "no",
        "--appendfsync",
        "always",
    ]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        client = redis.Redis(port=port)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert process.poll() is None and time.monotonic() < deadline
                time.sleep(0.1)
        yield
    finally:
        stop_process(process)


@contextmanager
def _private_worker(broker: str, media_root: Path, log: Path) -> Iterator[None]:
    env = {
        "DJANGO_SETTINGS_MODULE": "tests.integration.fault_worker_settings",
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": broker,
        "MEDIA_ROOT": str(media_root),
    }
    worker = start_worker(f"faults-{os.getpid()}-{time.monotonic_ns()}", log, env)
    try:
        yield
    finally:
        stop_process(worker)


@pytest.mark.parametrize("persistent", [True, False], ids=["appendonly", "no-persistence"])
def test_a_build_queued_when_the_broker_restarts_is_built_once_it_is_back(
    settings, tmp_path, monkeypatch, persistent
):
    """With Redis persisting its data (appendonly, as docker-compose runs it) the message
    survives the restart; without, it is lost and the watchdog sends it again."""
    monkeypatch.delenv("CELERY_BROKER_URL")  # Celery prefers it to the URL given below
    port = _free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    private = Celery("verbale-faults", broker=broker, set_as_current=False)
    report = report_with_replies()
    build = services.start_build(report=report, enqueue=False)
    assert build.status == Build.Status.QUEUED
    (tmp_path / "redis").mkdir()
    with _private_redis(port, tmp_path / "redis", persistent=persistent):
        private.send_task("reports.build", args=[build.pk], task_id=build.celery_task_id)
        assert redis.Redis(port=port).llen("celery") == 1
    private.close()
    private = Celery("verbale-faults", broker=broker, set_as_current=False)
    with (
        _private_redis(port, tmp_path / "redis", persistent=persistent),
        _private_worker(broker, settings.MEDIA_ROOT, tmp_path / "worker.log"),
    ):
        assert redis.Redis(port=port).llen("celery") in ((1, 0) if persistent else (0,))
        if not persistent:
            # The message is gone: the build would wait for ever. The watchdog (from beat,
            # every minute) sends it again once it has waited longer than the resend delay.
            time.sleep(1.5)
            private.send_task("reports.watchdog")
        build = wait_for_build(build, {Build.Status.SUCCEEDED, Build.Status.FAILED}, seconds=120)
    log = (tmp_path / "worker.log").read_text()
    assert build.status == Build.Status.SUCCEEDED, f"{build.error}\n{log[-3000:]}"
    assert build.attempts == 1
    assert default_storage.exists(build.pdf.name)


def _forget_connections(app: Any) -> None:
    """Drop every pooled broker connection and producer, so the next use connects afresh to
    whatever broker_url says."""
    app._pool = None
    app.amqp._producer_pool = None
    kombu.pools.reset()  # kombu keeps pools per connection: forget them all


def test_a_build_queued_while_the_broker_is_down_is_kept_for_the_watchdog(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    """The secretariat asks for a build while Redis is unreachable: the build is recorded as
    queued (no error page) and the watchdog sends it once the broker is back."""
    from portal.celery import app

    report = report_with_replies()
    monkeypatch.delenv("CELERY_BROKER_URL")  # Celery prefers it to conf.broker_url
    previous = app.conf.broker_url, app.conf.broker_connection_max_retries
    app.conf.broker_url = f"redis://127.0.0.1:{_free_port()}/0"  # nobody listens there
    app.conf.broker_connection_max_retries = 0
    _forget_connections(app)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            build = services.start_build(report=report)
    finally:
        # Later tests (and the session's worker fixture) must reach the real broker again.
        app.conf.broker_url, app.conf.broker_connection_max_retries = previous
        _forget_connections(app)
    build.refresh_from_db()
    assert build.status == Build.Status.QUEUED
    settings.REPORTS_BUILD_RESEND_SECONDS = 0
    old_task = build.celery_task_id
    with django_capture_on_commit_callbacks(execute=False):
        assert services.reap_stalled_builds()["resent"] == [build.pk]
    build.refresh_from_db()
    assert build.status == Build.Status.QUEUED and build.celery_task_id != old_task


# --- (b) the database connection drops in the middle of an autosave --------------------------


def _terminate(pid: int) -> None:
    db = connection.settings_dict
    other = psycopg2.connect(
        dbname=db["NAME"],
        user=db.get("USER") or "postgres",
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
    )
    try:
        other.autocommit = True
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


def test_an_autosave_whose_database_connection_drops_is_refused_whole_and_saved_on_retry(
    client, monkeypatch
):
    niger = Respondent.objects.get(code="NER")
    q = build_questionnaire(dispatch_to=[niger])
    reply = Reply.objects.get(questionnaire=q, respondent=niger)
    focal = MembershipFactory(respondent=niger, role="focal_point").user
    offences = question(q, "2")
    url = f"/api/v1/replies/{reply.pk}/answers/{offences.pk}/"
    client.force_login(focal)
    first = client.put(url, {"value": "Articles 181 and 182.", "version": 0}, content_type=JSON)
    assert first.status_code == 200 and first.json()["version"] == 1

    touch = replies._touch
    dropped: list[int] = []

    def drop_then_touch(reply_: Any) -> None:
        # The answer row is written; the reply row is next. The server goes away in between.
        if not dropped:
            pid = connection.connection.info.backend_pid
            dropped.append(pid)
            _terminate(pid)
        touch(reply_)

    monkeypatch.setattr(replies, "_touch", drop_then_touch)
    sent = {"value": "Articles 181, 182 and 182 bis.", "version": 1}
    refused = client.put(url, sent, content_type=JSON)
    assert dropped, "the save never reached the point where the connection drops"
    assert refused.status_code == 503
    assert "Nothing was saved" in refused.json()["detail"]
    assert refused["Retry-After"]

    # Nothing half-written: the answer is the one saved before, at its version.
    connection.close()
    stored = Answer.objects.get(reply=reply, question=offences)
    assert (stored.version, stored.value) == (1, "Articles 181 and 182.")

    # The client sends the same save again, on the version it knew, and it goes through.
    retried = client.put(url, sent, content_type=JSON)
    assert retried.status_code == 200, retried.content
    assert retried.json()["version"] == 2
    stored.refresh_from_db()
    assert (stored.version, stored.value) == (2, sent["value"])
    reply.refresh_from_db()
    assert reply.status == Reply.Status.DRAFT


# --- (c) the disk fills while a PDF or an upload is written ----------------------------------


class FullDiskStorage(MediaStorage):
    """Writes half of what it is given, then the disk is full."""

    def _write(self, out: Any, content: Any) -> None:
        data = b"".join(c if isinstance(c, bytes) else c.encode() for c in content.chunks())
        out.write(data[: len(data) // 2])
        out.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


FULL_DISK = {
    "default": {"BACKEND": f"{__name__}.FullDiskStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_full_disk_fails_the_build_with_the_reason_and_keeps_the_last_good_pdf(settings):
    report = report_with_replies()
    good = services.compile_now(report=report)
    assert good.status == Build.Status.SUCCEEDED, good.error
    good_pdf = default_storage.open(good.pdf.name).read()
    assert hashlib.sha256(good_pdf).hexdigest() == good.pdf_sha256
    before = _files(Path(settings.MEDIA_ROOT))

    Report.objects.filter(pk=report.pk).update(title="Trafficking in persons: revised draft")
    report.refresh_from_db()
    settings.STORAGES = FULL_DISK
    failed = services.compile_now(report=report)

    assert failed.status == Build.Status.FAILED
    assert "could not be stored" in failed.error
    assert os.strerror(errno.ENOSPC) in failed.error
    assert "last good PDF is still available" in failed.error
    assert not failed.pdf and not failed.docx and failed.finished_at is not None
    # Nothing half-written, and the last good PDF is the one offered, byte for byte.
    assert _files(Path(settings.MEDIA_ROOT)) == before
    assert not [p for p in before if p.name.startswith(PARTIAL_PREFIX)]
    assert report_selectors.last_good_build(report) == good
    assert default_storage.open(good.pdf.name).read() == good_pdf


def test_a_full_disk_refuses_an_upload_with_a_message_and_keeps_nothing(client, settings):
    niger = Respondent.objects.get(code="NER")
    q = build_questionnaire(dispatch_to=[niger])
    reply = Reply.objects.get(questionnaire=q, respondent=niger)
    focal = MembershipFactory(respondent=niger, role="focal_point").user
    legislation = question(q, "6")
    client.force_login(focal)
    url = f"/api/v1/replies/{reply.pk}/attachments/"

    def upload() -> Any:
        return client.post(
            url,
            {
                "question": legislation.pk,
                "file": SimpleUploadedFile("penal-code.pdf", PDF, "application/pdf"),
            },
        )

    settings.STORAGES = FULL_DISK
    refused = upload()
    assert refused.status_code == 503
    assert "could not be stored" in refused.json()["detail"]
    assert "Nothing was attached" in refused.json()["detail"]
    assert not Attachment.objects.exists()
    assert not Answer.objects.filter(reply=reply, question=legislation).exists()
    assert _files(Path(settings.MEDIA_ROOT)) == []

    # The same page, with the script: the question is redrawn with the message.
    page = client.post(
        f"/replies/{reply.pk}/attachments/",
        {
            "question": legislation.pk,
            "file": SimpleUploadedFile("penal-code.pdf", PDF, "application/pdf"),
        },
        headers={"X-Verbale-Partial": "1"},
    )
    assert page.status_code == 503
    assert "could not be stored" in page.content.decode()
    assert not Attachment.objects.exists() and _files(Path(settings.MEDIA_ROOT)) == []

    # Space freed: the same upload goes through, whole.
    settings.STORAGES = {**FULL_DISK, "default": {"BACKEND": "portal.storage.MediaStorage"}}
    stored = upload()
    assert stored.status_code == 201, stored.content
    attachment = Attachment.objects.get()
    assert default_storage.open(attachment.file.name).read() == PDF
    assert [p.name for p in _files(Path(settings.MEDIA_ROOT))] == [Path(attachment.file.name).name]
