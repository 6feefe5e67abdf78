"""Shared fixtures: fast passwords, eager Celery for unit tests, a real worker for integration."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from portal.celery import app as celery_app
from tests.workers import start_worker, stop_process

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _fast_passwords(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_api_rate_counts() -> None:
    """API rate limits count in the cache: each test starts with none used, whatever the
    tests before it sent from the same process."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_content_types() -> None:
    """A transactional test's flush recreates content types under new ids: forget the ids
    cached by an earlier test, or the audit trail would point at rows that are gone."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def _celery_mode(request: pytest.FixtureRequest) -> Iterator[None]:
    """Unit tests run tasks in-process; `integration` tests send them to the real broker."""
    eager = request.node.get_closest_marker("integration") is None
    celery_app.set_current()  # a test may have made its own Celery app current
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager or not settings.CELERY_BROKER_URL
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker) -> Iterator[subprocess.Popen]:  # type: ignore[no-untyped-def]
    """A real `celery worker` process on the configured broker and the test database."""
    if not settings.CELERY_BROKER_URL or connection.vendor != "postgresql":
        pytest.fail(
            "Integration tests need CELERY_BROKER_URL=redis://… and DATABASE_URL=postgres://… "
            "(run them with `make test-integration` or .ci/run)."
        )
    celery_app.control.purge()
    log = (ROOT / "var").joinpath("test-worker.log")
    log.parent.mkdir(exist_ok=True)
    with django_db_blocker.unblock():
        process = start_worker(
            f"test-worker-{os.getpid()}", log, {"DJANGO_SETTINGS_MODULE": "portal.settings"}
        )
    deadline = time.monotonic() + 60
    while not celery_app.control.ping(timeout=1):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"The Celery worker did not start; see {log}:\n{log.read_text()[-3000:]}")
    yield process
    stop_process(process)
