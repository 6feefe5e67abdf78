"""Real `celery worker` processes for integration tests, on the test database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from django.db import connection

from reports.models import Build

ROOT = Path(__file__).resolve().parents[1]
T = TypeVar("T")


def database_url() -> str:
    """The URL of the test database, which pytest-django created under another name."""
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def start_worker(
    name: str, log: Path, env: dict[str, str], *, queue: str | None = None
) -> subprocess.Popen:
    """A solo-pool worker named ``name@host`` on the test database; ``env`` adds to (or
    overrides) this process's environment. Its output goes to ``log``."""
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo"]
    command += ["-Q", queue] if queue else []
    command += ["--without-heartbeat", "--without-gossip", "--without-mingle", "-n", f"{name}@%h"]
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        **env,
    }
    with log.open("w") as output:
        return subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT
        )


def stop_process(process: subprocess.Popen) -> None:
    """Ask a process of the test (a worker, a private Redis) to finish; kill it if it won't."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def wait_until(condition: Callable[[], T], what: str, *, seconds: float = 60) -> T:
    """Ask ``condition`` again and again until it answers something true, and return that;
    fail the test, naming ``what``, after ``seconds``. The test goes on as soon as the condition
    holds: the short pause between two asks only spares the database and the CPU."""
    deadline = time.monotonic() + seconds
    while not (result := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"Gave up waiting {seconds:g} s for {what}")
        time.sleep(0.2)
    return result


def wait_for_build(build: Build, statuses: set[str], seconds: float = 90) -> Build:
    """Wait until the build reaches one of ``statuses`` (it is refreshed in place)."""

    def reached() -> bool:
        build.refresh_from_db()
        return build.status in statuses

    wait_until(reached, f"build {build.pk} to be {' or '.join(sorted(statuses))}", seconds=seconds)
    return build
