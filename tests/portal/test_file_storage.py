"""Where files are kept is chosen from the environment: the local disk by default, an
S3-compatible object store (private, never overwritten) with STORAGE_URL or the AWS_* variables;
and the orphan sweep works through the storage API on either (moto's in-process S3 here; the
integration run uses a real S3 server process, tests/integration/test_object_storage.py)."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import boto3
import pytest
import yaml
from botocore.exceptions import ClientError
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage, storages
from moto import mock_aws

from portal import storage
from portal.settings.files import default_storage_from_env
from reports.models import Build
from tests.portal import test_file_sweep
from tests.portal.test_file_sweep import attach
from tests.reports.factories import report_with_replies

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "verbale-files"
draft = test_file_sweep.draft  # a reply of Niger and its focal point


def test_with_no_variable_files_stay_on_the_local_disk():
    assert default_storage_from_env({}) == {"BACKEND": "portal.storage.MediaStorage"}
    assert default_storage_from_env({"STORAGE_URL": " ", "AWS_ACCESS_KEY_ID": "k"}) == {
        "BACKEND": "portal.storage.MediaStorage"
    }


def test_storage_url_chooses_a_private_object_store():
    chosen = default_storage_from_env(
        {"STORAGE_URL": f"s3://{BUCKET}/verbale?endpoint_url=http://minio:9000&region=eu-west-1"}
    )
    assert chosen["BACKEND"] == "storages.backends.s3.S3Storage"
    options = chosen["OPTIONS"]
    assert options["bucket_name"] == BUCKET
    assert options["endpoint_url"] == "http://minio:9000"
    assert options["region_name"] == "eu-west-1"
    assert options["location"] == "verbale"
    assert options["addressing_style"] == "path"  # one host name for every bucket (MinIO)
    # private: no ACL written, any URL signed and short-lived, no file replaced by another
    assert options["default_acl"] is None
    assert options["querystring_auth"] is True
    assert options["querystring_expire"] <= 300
    assert options["file_overwrite"] is False
    assert "access_key" not in options  # boto3 reads AWS_ACCESS_KEY_ID or the instance role


def test_storage_url_may_carry_the_keys():
    options = default_storage_from_env({"STORAGE_URL": "s3://AK%2B1:s%2Fcret@files"})["OPTIONS"]
    assert (options["access_key"], options["secret_key"]) == ("AK+1", "s/cret")
    assert options["bucket_name"] == "files" and options["location"] == ""
    assert "endpoint_url" not in options and "addressing_style" not in options  # AWS itself


def test_the_usual_aws_variables_choose_the_object_store_too():
    options = default_storage_from_env(
        {
            "AWS_STORAGE_BUCKET_NAME": BUCKET,
            "AWS_S3_ENDPOINT_URL": "https://objects.example.org",
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_ACCESS_KEY_ID": "key",
        }
    )["OPTIONS"]
    assert options["bucket_name"] == BUCKET
    assert options["endpoint_url"] == "https://objects.example.org"
    assert options["region_name"] == "us-east-1"
    assert options["default_acl"] is None and options["file_overwrite"] is False


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///srv/media", "leave STORAGE_URL unset and set MEDIA_ROOT"),
        ("gs://bucket", "must start with s3://"),
        ("s3://", "names no bucket"),
        ("s3://bucket?endpoint=http://x", "unknown option(s) endpoint"),
        ("s3://bucket?addressing_style=sideways", "path or virtual"),
    ],
)
def test_a_wrong_storage_url_stops_with_a_clear_message(url, message):
    with pytest.raises(ImproperlyConfigured, match=message.replace("(", r"\(").replace(")", r"\)")):
        default_storage_from_env({"STORAGE_URL": url})


def _storages_of_a_fresh_process(env: dict[str, str]) -> dict[str, object]:
    code = "import json; from django.conf import settings; print(json.dumps(settings.STORAGES))"
    environment = {
        key: value
        for key, value in os.environ.items()
        if key != "STORAGE_URL" and not key.startswith("AWS_")
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout)["default"]


def test_the_settings_read_the_storage_from_the_environment():
    assert _storages_of_a_fresh_process({}) == {"BACKEND": "portal.storage.MediaStorage"}
    chosen = _storages_of_a_fresh_process({"STORAGE_URL": f"s3://{BUCKET}?region=eu-west-1"})
    assert chosen["BACKEND"] == "storages.backends.s3.S3Storage"
    assert chosen["OPTIONS"]["bucket_name"] == BUCKET


# --- the same rules in an object store (moto in this process) --------------------------------


@pytest.fixture
def object_store(settings, monkeypatch) -> Iterator[None]:  # type: ignore[no-untyped-def]
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=BUCKET)
        settings.STORAGES = {
            **settings.STORAGES,
            "default": default_storage_from_env({"STORAGE_URL": f"s3://{BUCKET}?region=us-east-1"}),
        }
        yield


def _keys() -> list[str]:
    listed = boto3.client("s3", region_name="us-east-1").list_objects_v2(Bucket=BUCKET)
    return sorted(item["Key"] for item in listed.get("Contents", []))


def test_files_go_to_the_object_store_and_none_to_the_local_disk(object_store, settings, draft):
    reply, focal = draft
    attachment = attach(reply, focal)
    assert _keys() == [attachment.file.name]
    with attachment.file.open("rb") as handle:
        assert handle.read().startswith(b"%PDF")
    assert not Path(settings.MEDIA_ROOT).exists()


def test_two_files_of_one_name_are_both_kept_in_the_object_store(object_store):
    first = default_storage.save("exports/1/replies.csv", ContentFile(b"first"))
    second = default_storage.save("exports/1/replies.csv", ContentFile(b"second"))
    assert first != second
    with default_storage.open(first) as one, default_storage.open(second) as two:
        assert (one.read(), two.read()) == (b"first", b"second")


def test_the_sweep_removes_old_orphans_from_the_object_store_and_keeps_the_rest(
    object_store, draft, monkeypatch
):
    reply, focal = draft
    referenced = [attach(reply, focal).file.name for _ in range(3)]
    build = Build.objects.create(report=report_with_replies(), snapshot={})
    build.pdf.save("report.pdf", ContentFile(b"%PDF-1.4"), save=True)
    referenced.append(build.pdf.name)
    orphan = default_storage.save("attachments/9/9/cut-off-upload", ContentFile(b"left"))

    # Just written: too young to be swept, whether or not a row points to it.
    assert storage.sweep_orphans(older_than=timedelta(hours=1)) == {"media": 0, "uploads": 0}
    assert orphan in _keys()

    two_hours_later = time.time() + 2 * 60 * 60
    monkeypatch.setattr(storage.time, "time", lambda: two_hours_later)
    assert storage.sweep_orphans(older_than=timedelta(hours=1)) == {"media": 1, "uploads": 0}
    assert _keys() == sorted(referenced)


def test_the_sweep_stops_when_most_objects_have_no_row(object_store, db, monkeypatch):
    unknown = [default_storage.save(f"attachments/1/1/f{n}", ContentFile(b"x")) for n in range(12)]
    two_hours_later = time.time() + 2 * 60 * 60
    monkeypatch.setattr(storage.time, "time", lambda: two_hours_later)
    assert storage.sweep_orphans(older_than=timedelta(hours=1)) == {"media": 0, "uploads": 0}
    assert _keys() == sorted(unknown)


def test_where_a_file_is_stored_is_told_without_a_local_path(object_store):
    assert storage.where_stored("reports/1/a.pdf") == f"s3://{BUCKET}/reports/1/a.pdf"
    assert storage.where_stored() == f"s3://{BUCKET}"


# --- docker-compose: the media volume by default, MinIO when asked ----------------------------


def _interpolated(value: str, env: dict[str, str]) -> str:
    """What docker compose makes of ``${VAR:-default}``, ``${VAR-default}`` and ``${VAR}``."""

    def one(match: re.Match[str]) -> str:
        name, colon, default = match["name"], match["colon"], match["default"]
        if default is None:
            return env.get(name, "")
        if name not in env or (colon and env[name] == ""):
            return default
        return env[name]

    pattern = r"\$\{(?P<name>\w+)(?:(?P<colon>:?)-(?P<default>[^}]*))?\}"
    return re.sub(pattern, one, value)


def _storage_of_compose_service(service: str, env: dict[str, str]) -> dict[str, object]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    variables = (
        compose["services"][service].get("environment") or compose["x-verbale"]["environment"]
    )
    return default_storage_from_env(
        {key: _interpolated(str(value), env) for key, value in variables.items()}
    )


@pytest.mark.parametrize("service", ["web", "worker", "beat", "migrate"])
def test_compose_keeps_files_in_the_volume_unless_an_object_store_is_set(service):
    assert _storage_of_compose_service(service, {}) == {"BACKEND": "portal.storage.MediaStorage"}
    chosen = _storage_of_compose_service(
        service,
        {
            "AWS_STORAGE_BUCKET_NAME": "verbale",
            "AWS_ACCESS_KEY_ID": "verbale",
            "AWS_SECRET_ACCESS_KEY": "long-enough",
        },
    )
    assert chosen["OPTIONS"]["bucket_name"] == "verbale"
    assert chosen["OPTIONS"]["endpoint_url"] == "http://minio:9000"  # the MinIO service
    elsewhere = _storage_of_compose_service(
        service, {"AWS_STORAGE_BUCKET_NAME": "verbale", "AWS_S3_ENDPOINT_URL": ""}
    )
    assert "endpoint_url" not in elsewhere["OPTIONS"]  # AWS S3 itself


def test_compose_minio_makes_a_private_bucket_with_verbales_keys():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    minio, bucket = compose["services"]["minio"], compose["services"]["minio-bucket"]
    assert minio["image"].startswith("minio/minio") and minio["command"] == ["server", "/data"]
    assert minio["healthcheck"]["test"]
    assert bucket["image"].startswith("minio/mc")
    assert bucket["depends_on"]["minio"]["condition"] == "service_healthy"
    script = " ".join(bucket["command"])
    assert "mc mb --ignore-existing" in script and "mc anonymous set none" in script
    verbale = compose["x-verbale"]["environment"]
    for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        assert (
            variable
            in minio["environment"]["MINIO_ROOT_USER"] + minio["environment"]["MINIO_ROOT_PASSWORD"]
        )
        assert variable in verbale[variable]
    assert "AWS_STORAGE_BUCKET_NAME" in bucket["environment"]["BUCKET"]
    assert minio["profiles"] == bucket["profiles"] == ["s3"]  # optional: not started by default


def test_a_clean_up_the_object_store_refuses_leaves_the_error_that_caused_it(
    object_store, db, monkeypatch, caplog
):
    """The store failing to delete a file (the sweep finds it later) must not hide why the
    write was undone."""
    build = Build.objects.create(report=report_with_replies(), snapshot={})

    def refused(name: str) -> None:
        raise ClientError({"Error": {"Code": "SlowDown", "Message": "busy"}}, "DeleteObject")

    monkeypatch.setattr(storages["default"], "delete", refused)
    with (
        pytest.raises(RuntimeError, match="the row could not be written"),
        storage.deleted_unless_committed() as stored,
    ):
        build.pdf.save("report.pdf", ContentFile(b"%PDF-1.4"), save=False)
        stored.append(build.pdf)
        raise RuntimeError("the row could not be written")
    assert f"Could not remove {build.pdf.name}" in caplog.text


class _BrokenAfter(io.BytesIO):
    """A file whose reading fails past ``limit`` bytes (the upload stream cut off)."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(b"x" * size)
        self.limit = limit

    def read(self, size: int | None = -1) -> bytes:
        if self.tell() >= self.limit:
            raise OSError("connection reset while reading the upload")
        return super().read(size)


@pytest.mark.parametrize("megabytes", [1, 12], ids=["one-request", "multipart"])
def test_a_write_cut_off_leaves_no_object_in_the_store(object_store, megabytes):
    size = megabytes * 1024 * 1024
    with pytest.raises(OSError, match="connection reset"):
        default_storage.save("exports/1/cut.zip", File(_BrokenAfter(size, size // 2)))
    client = boto3.client("s3", region_name="us-east-1")
    assert _keys() == []
    assert client.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []


def test_the_sweep_removes_object_store_downloads_a_stopped_process_left_in_the_spool(
    settings, tmp_path, db
):
    """Large objects read from the store are spooled to FILE_UPLOAD_TEMP_DIR (tmpXXXX.S3File)
    while they are served; a process killed meanwhile leaves them there."""
    spool = tmp_path / "uploads"
    settings.FILE_UPLOAD_TEMP_DIR = spool
    left = test_file_sweep.write(spool, "tmp3kq9x.S3File", seconds_old=2 * 60 * 60)
    being_served = test_file_sweep.write(spool, "tmp8zr2m.S3File", seconds_old=5)
    assert storage.sweep_orphans() == {"media": 0, "uploads": 1}
    assert not left.exists() and being_served.exists()
