"""Verbale on several machines: every file goes to an S3-compatible object store (a real S3 API
server process, moto's, here; MinIO in docker-compose), so a worker process writes a report PDF
or an export that the web process serves, and an upload the web process stores is read by the
worker. Downloads keep their permission checks, and nothing is written to the local MEDIA_ROOT
(run by .ci/run)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from portal.celery import app
from portal.settings.files import default_storage_from_env
from reports import services as reports
from reports.models import Build
from surveys.models import Attachment, ExportJob, Reply, Respondent
from surveys.replies import services as replies
from tests.factories import (
    MembershipFactory,
    ReviewerFactory,
    SecretariatFactory,
    build_questionnaire,
    question,
)
from tests.integration.test_faults import _forget_connections, _free_port, _private_redis
from tests.reports.factories import report_with_replies
from tests.surveys.review.support import pdf_with_text, save
from tests.workers import start_worker, stop_process, wait_for_build

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BUCKET = "verbale-shared"
KEYS = {"AWS_ACCESS_KEY_ID": "verbale-test", "AWS_SECRET_ACCESS_KEY": "verbale-test-secret"}


def wait_for(condition: Callable[[], Any], *, seconds: float = 90, what: str = "") -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.25)
    pytest.fail(f"Timed out waiting for {what}")


def files_under(root: Path) -> list[str]:
    return sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture(scope="module")
def object_store(tmp_path_factory) -> Iterator[dict[str, str]]:  # type: ignore[no-untyped-def]
    """moto's S3 server as a process of its own, with an empty private bucket; yields the
    environment that points Verbale at it."""
    port = _free_port()
    log = tmp_path_factory.mktemp("s3") / "moto.log"
    endpoint = f"http://127.0.0.1:{port}"
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        s3 = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id=KEYS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=KEYS["AWS_SECRET_ACCESS_KEY"],
        )

        def answering() -> bool:
            assert server.poll() is None, log.read_text()
            try:
                s3.list_buckets()
            except Exception:  # not listening yet
                return False
            return True

        wait_for(answering, seconds=60, what="the S3 server to answer")
        s3.create_bucket(Bucket=BUCKET)
        yield {
            "STORAGE_URL": f"s3://{BUCKET}?endpoint_url={endpoint}&region=us-east-1",
            **KEYS,
        }
    finally:
        stop_process(server)


def _s3(env: dict[str, str]) -> Any:
    options = default_storage_from_env(env)["OPTIONS"]
    return boto3.client(
        "s3",
        endpoint_url=options["endpoint_url"],
        region_name="us-east-1",
        aws_access_key_id=KEYS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=KEYS["AWS_SECRET_ACCESS_KEY"],
    )


def stored_object(env: dict[str, str], key: str) -> bytes:
    return _s3(env).get_object(Bucket=BUCKET, Key=key)["Body"].read()


@pytest.fixture(scope="module")
def worker_media(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    """The worker's MEDIA_ROOT: it must stay empty, files go to the object store."""
    return tmp_path_factory.mktemp("worker") / "media"


@pytest.fixture(scope="module")
def shared_broker(tmp_path_factory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A Redis of this module only, so that no other worker (with files on its own disk) takes
    these tasks."""
    port = _free_port()
    with _private_redis(port, tmp_path_factory.mktemp("redis"), persistent=False):
        yield f"redis://127.0.0.1:{port}/0"


@pytest.fixture(scope="module")
def s3_worker(  # type: ignore[no-untyped-def]
    django_db_setup, django_db_blocker, object_store, shared_broker, worker_media, tmp_path_factory
) -> Iterator[None]:
    """A Celery worker process, "another machine": it shares the database, the broker and the
    object store with the test, not its disk."""
    log = tmp_path_factory.mktemp("worker-log") / "worker.log"
    name = f"s3-{os.getpid()}-{time.monotonic_ns()}"
    env = {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "CELERY_BROKER_URL": shared_broker,
        "CELERY_RESULT_BACKEND": shared_broker,
        "MEDIA_ROOT": str(worker_media),
        **object_store,
    }
    with django_db_blocker.unblock():
        worker = start_worker(name, log, env)
    try:
        yield
    finally:
        stop_process(worker)
        assert files_under(worker_media) == [], "the worker wrote files to its local disk"


@pytest.fixture
def on_shared_storage(settings, monkeypatch, object_store, shared_broker, s3_worker):  # type: ignore[no-untyped-def]
    """The test process plays the web machine: same object store, same broker as the worker."""
    for name, value in object_store.items():
        if name.startswith("AWS_"):
            monkeypatch.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, "default": default_storage_from_env(object_store)}
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)  # Celery prefers it to conf
    monkeypatch.setattr(app.conf, "broker_url", shared_broker)
    _forget_connections(app)
    yield object_store
    _forget_connections(app)
    assert files_under(Path(settings.MEDIA_ROOT)) == [], "the web process wrote to local disk"


def _downloaded(response: Any) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def _as(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_upload_is_stored_in_the_object_store_and_served_only_to_whom_may_read_it(
    on_shared_storage,
):
    salvador = Respondent.objects.get(code="SLV")
    q = build_questionnaire(dispatch_to=[salvador, Respondent.objects.get(code="EST")])
    reply = Reply.objects.get(questionnaire=q, respondent=salvador)
    focal = MembershipFactory(respondent=salvador, role="focal_point").user
    data = pdf_with_text("Tribunal of first instance")

    page = _as(focal).post(
        reverse("surveys:attachment-upload", kwargs={"pk": reply.pk}),
        {"question": question(q, "6").pk, "file": SimpleUploadedFile("law.pdf", data)},
        HTTP_X_VERBALE_PARTIAL="1",
    )
    assert page.status_code == 200
    attachment = Attachment.objects.get(reply=reply)
    assert stored_object(on_shared_storage, attachment.file.name) == data

    download = reverse("surveys:attachment-download", args=[attachment.pk])
    assert _downloaded(_as(focal).get(download)) == data
    # The draft is the State's own: no reviewer, no other State's focal point.
    other_state = MembershipFactory(
        respondent=Respondent.objects.get(code="EST"), role="focal_point"
    ).user
    reviewer = ReviewerFactory()
    for outsider in (reviewer, other_state):
        assert _as(outsider).get(download).status_code in (403, 404)
    in_review = reverse("surveys:review-attachment", args=[reply.pk, attachment.pk])
    assert _as(reviewer).get(in_review).status_code in (403, 404)

    # The worker, on "another machine", reads the file from the store to extract its text.
    wait_for(
        lambda: Attachment.objects.filter(pk=attachment.pk, text_status="extracted").exists(),
        what="the worker to read the uploaded file",
    )
    attachment.refresh_from_db()
    assert "Tribunal" in attachment.extracted_text


def test_a_report_built_by_the_worker_is_downloaded_through_the_web_view(on_shared_storage):
    build = reports.start_build(report=report_with_replies())
    build = wait_for_build(build, {Build.Status.SUCCEEDED, Build.Status.FAILED}, seconds=180)
    assert build.status == Build.Status.SUCCEEDED, build.error

    secretariat = _as(SecretariatFactory())
    pdf = _downloaded(secretariat.get(reverse("reports:build-download", args=[build.pk, "pdf"])))
    assert pdf.startswith(b"%PDF") and pdf == stored_object(on_shared_storage, build.pdf.name)
    docx = secretariat.get(reverse("reports:build-download", args=[build.pk, "docx"]))
    assert _downloaded(docx) == stored_object(on_shared_storage, build.docx.name)
    outsider = _as(ReviewerFactory())
    assert (
        outsider.get(reverse("reports:build-download", args=[build.pk, "pdf"])).status_code == 403
    )


def test_an_export_zip_made_by_the_worker_holds_the_files_of_the_store(on_shared_storage):
    salvador = Respondent.objects.get(code="SLV")
    q = build_questionnaire(dispatch_to=[salvador])
    reply = Reply.objects.get(questionnaire=q, respondent=salvador)
    focal = MembershipFactory(respondent=salvador, role="focal_point").user
    for number, value in (
        ("1", "yes"),
        ("1 (a)", "2004"),
        ("2", "See the annex."),
        ("3", "adopted"),
        ("4", ["police"]),
    ):
        save(reply, focal, number, value)
    data = pdf_with_text("Specialized police units")
    replies.attach_file(
        reply=reply,
        question_id=question(q, "6").pk,
        user=focal,
        upload=SimpleUploadedFile("law.pdf", data),
    )
    replies.submit_reply(reply=reply, user=focal)

    reviewer = _as(ReviewerFactory())
    reviewer.post(reverse("surveys:review-export-start"), {"format": "zip"})
    job = ExportJob.objects.get()
    wait_for(
        lambda: ExportJob.objects.filter(pk=job.pk, status__in=["succeeded", "failed"]).exists(),
        what="the worker to make the export",
    )
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    archive = _downloaded(reviewer.get(reverse("surveys:review-export-download", args=[job.pk])))
    assert archive == stored_object(on_shared_storage, job.file.name)
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        pdfs = [name for name in opened.namelist() if name.endswith(".pdf")]
        assert [opened.read(name) for name in pdfs] == [data]
    # An export is its requester's: another reviewer and a focal point get nothing.
    for outsider in (ReviewerFactory(), focal):
        response = _as(outsider).get(reverse("surveys:review-export-download", args=[job.pk]))
        assert response.status_code in (403, 404)
