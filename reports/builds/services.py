"""Builds of a report, from queue to PDF and DOCX.

Every function here is what pages, the API, management commands and Celery tasks call; each
write is atomic and sends side effects (queuing a build) only after commit.  Editing lives in
``reports.editor.services``, coding in ``reports.coding.services``.

Every function here is what pages, the API, the admin, management commands and Celery tasks
call; each write is atomic and sends side effects (queuing a build) only after commit.

A build's life
==============

:func:`start_build` freezes the report into a snapshot.  If the last good build printed the very
same snapshot, the new build reuses its files at once; otherwise it is queued and a Celery task
calls :func:`run_build`, which claims the build, renders it while a heartbeat thread keeps
``heartbeat_at`` fresh, and records the result.  The watchdog (``portal.jobs_watchdog``, every
minute; :func:`reap_stalled_builds` for builds alone) fails or re-queues a build whose worker went
silent or ran past the time limit, so no build stays "running" once nobody is building it. The
lifecycle (claim, heartbeat, watchdog, resend) is that of every background job, in
``portal/jobs.py``; this module declares the build's kind (``BUILDS``) and what is its own:
rendering, the files, reuse.  A database
error (PostgreSQL restarting) is retried by the task as the same attempt; only one attempt ever
records a result, and no file is left that no row names.  What happened on the way (attempts
stopped, messages sent again) is kept in the build's notes and shown on the build page.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from celery import current_app
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import (
    transaction,
)
from django.utils import timezone

from portal import jobs
from portal.errors import ConflictError, ServiceError

from .. import rendering, selectors
from ..coding import consistency
from ..coding import selectors as coding_selectors
from ..models import (
    Build,
    Report,
)
from ..snapshot import ReportSnapshot, as_snapshot
from . import docx, pdf

logger = logging.getLogger(__name__)

# Policy of the build task, also used by the watchdog to tell "slow" from "gone".
BUILD_TASK = "reports.build"  # reports.builds.tasks.build_report
BUILD_SOFT_TIME_LIMIT = 8 * 60
BUILD_TIME_LIMIT = 9 * 60
MAX_ATTEMPTS = 3
# What a database that restarts or drops a connection raises: the build task retries on them
# and the retried message carries on with the same attempt (``portal.jobs.claim``).
TRANSIENT_DATABASE_ERRORS = jobs.TRANSIENT_DATABASE_ERRORS


def heartbeat_seconds() -> float:
    """How often a running build says it is alive; 0 when builds run in the web process.

    ``REPORTS_BUILD_HEARTBEAT_SECONDS`` sets it; unset, it is 10 s, or 0 with eager Celery (the
    embedded default): the web process is then the worker, so there is no separate worker to
    lose and no thread is started, which also spares SQLite a second writer.
    """
    value = settings.REPORTS_BUILD_HEARTBEAT_SECONDS
    if value is None:
        return 0 if current_app.conf.task_always_eager else 10
    return float(value)


def stale_after() -> timedelta:
    """Silence after which a running build's worker is taken for dead.

    ``REPORTS_BUILD_STALE_SECONDS``, but never less than three heartbeats: a threshold that one
    late beat could cross would have the watchdog queue a live build again.
    """
    return timedelta(seconds=max(settings.REPORTS_BUILD_STALE_SECONDS, 3 * heartbeat_seconds()))


def queue_timeout() -> timedelta:
    return timedelta(seconds=settings.REPORTS_BUILD_QUEUE_TIMEOUT_SECONDS)


def resend_after() -> timedelta:
    """How long a build may wait queued before the watchdog sends its message again.

    A message can be lost: a broker restarted without persistence, or down when the build was
    queued. The new message carries a new task id, so the old one, if it still turns up, is
    ignored (``_claim``); a build is never run twice at once.
    """
    return timedelta(seconds=settings.REPORTS_BUILD_RESEND_SECONDS)


class BuildError(ServiceError):
    """A build cannot print: the message is for the editor (recorded on the build)."""


class WarningsNotAcknowledgedError(ConflictError):
    """The consistency report has warnings the person asking for a build has not acknowledged."""

    def __init__(self, warnings: Sequence[Any]) -> None:
        self.warnings = list(warnings)
        super().__init__(
            f"The consistency report has {len(self.warnings)} warning(s) to acknowledge before "
            f"building: {consistency.summary(self.warnings)}."
        )


# --- Builds ------------------------------------------------------------------------------------


def _enqueue(build: Build) -> None:
    """Queue the task once the build row is committed, so the worker can read it.

    Sent by name (``BUILD_TASK``): the tasks module is an interface on top of this one (as views
    are), so this module never imports it."""
    jobs.enqueue(BUILDS, build)


@transaction.atomic
def start_build(
    *,
    report: Report,
    requested_by: Any = None,
    enqueue: bool = True,
    acknowledge_warnings: bool = False,
) -> Build:
    """Freeze the report and queue its build, or reuse the last good build of the same snapshot.

    The consistency report runs first (``reports.coding.consistency``): its warnings must be
    acknowledged (``acknowledge_warnings``, recorded on the build) or nothing is built; with
    blocking findings the build fails at once with the reason, and the last good PDF stays.
    ``enqueue=False`` leaves the build queued for the caller to run (``compile_report``).
    """
    Report.objects.select_for_update().filter(pk=report.pk).first()  # one start at a time
    snapshot = selectors.report_snapshot(report)
    gate = coding_selectors.consistency_gate(report, snapshot)
    if gate.warnings and not acknowledge_warnings:
        raise WarningsNotAcknowledgedError(gate.warnings)
    acknowledged = [str(f) for f in gate.warnings]
    digest = selectors.snapshot_sha256(snapshot)
    stored = snapshot.to_json()  # the JSON the digest is of
    now = timezone.now()
    if gate.blocking:
        return Build.objects.create(
            report=report,
            snapshot=stored,
            snapshot_sha256=digest,
            status=Build.Status.FAILED,
            error=f"The report has {len(gate.blocking)} problem(s) to fix: "
            f"{consistency.summary(gate.blocking)}.",
            queued_at=now,
            finished_at=now,
            requested_by=requested_by,
            acknowledged_warnings=acknowledged,
        )
    previous = selectors.reusable_build(report, digest)
    if previous is not None:
        return Build.objects.create(
            report=report,
            snapshot=stored,
            snapshot_sha256=digest,
            status=Build.Status.SUCCEEDED,
            queued_at=now,
            started_at=now,
            finished_at=now,
            duration=timedelta(0),
            page_count=previous.page_count,
            pdf_size=previous.pdf_size,
            pdf_sha256=previous.pdf_sha256,
            pdf=previous.pdf.name,
            docx=previous.docx.name,
            reused_from=previous.reused_from or previous,
            requested_by=requested_by,
            acknowledged_warnings=acknowledged,
        )
    build = Build.objects.create(
        report=report,
        snapshot=stored,
        snapshot_sha256=digest,
        status=Build.Status.QUEUED,
        queued_at=now,
        sent_at=now,
        requested_by=requested_by,
        celery_task_id=jobs.new_task_id(),
        acknowledged_warnings=acknowledged,
    )
    if enqueue:
        _enqueue(build)
    return build


def compile_now(
    *, report: Report, requested_by: Any = None, acknowledge_warnings: bool = False
) -> Build:
    """Build the report in this process (no worker), e.g. for a management command."""
    build = start_build(
        report=report,
        requested_by=requested_by,
        enqueue=False,
        acknowledge_warnings=acknowledge_warnings,
    )
    if build.status == Build.Status.QUEUED:
        build = run_build(build_id=build.pk)
    return build


def _test_pause() -> None:
    """Tests only: hold the build in the middle of rendering, so that a test can kill its worker
    or drop its database connections there. Waits ``REPORTS_TEST_RENDER_DELAY_SECONDS`` at
    most, less once the file ``REPORTS_TEST_RENDER_GATE`` exists."""
    delay = settings.REPORTS_TEST_RENDER_DELAY_SECONDS
    if not delay:
        return
    gate = settings.REPORTS_TEST_RENDER_GATE
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline and not (gate and os.path.exists(gate)):
        time.sleep(0.1)


@dataclass(frozen=True)
class Compiled:
    pdf: bytes
    docx: bytes
    page_count: int
    html: str


def compile_snapshot(snapshot: ReportSnapshot | dict[str, Any]) -> Compiled:
    """Snapshot → HTML → checked PDF and DOCX; raises :class:`BuildError` for the editor.

    A build's stored JSON is read as a ``ReportSnapshot`` (``ReportSnapshot.from_json``)."""
    snapshot = as_snapshot(snapshot)
    rendered = rendering.render_print_html(snapshot)
    # Warnings (a member without a reply) were acknowledged when the build was asked for.
    problems = [p for p in rendered.composition.problems if p.blocking]
    if problems:
        shown = "; ".join(str(p) for p in problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        raise BuildError(f"The report has {len(problems)} problem(s) to fix: {shown}{more}.")
    _test_pause()
    # pandoc is a separate process: let it make the DOCX while WeasyPrint lays out the PDF.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="docx") as pool:
        word_future = pool.submit(docx.render_docx, rendered.composition)
        try:
            result = pdf.html_to_pdf(
                rendered.html,
                base_url=str(settings.BASE_DIR),
                footnote_ids=rendering.footnote_ids(
                    rendered.composition, with_agenda=rendering.has_agenda_note(snapshot)
                ),
            )
        except pdf.PdfCheckError as error:
            raise BuildError(str(error)) from error
        try:
            word = word_future.result()
        except (OSError, RuntimeError) as error:
            raise BuildError(f"The Word version could not be made: {error}") from error
    return Compiled(pdf=result.pdf, docx=word, page_count=result.page_count, html=rendered.html)


def _file_names(build: Build, attempt: int) -> tuple[str, str]:
    """Where an attempt stores its PDF and DOCX.

    The same names each time the attempt runs, so a run retried after a database error replaces
    its files instead of leaving them beside new ones; other names for another attempt, so that
    an attempt the watchdog has superseded, cleaning up after itself, never deletes the files of
    the attempt that replaced it.
    """
    symbol = re.sub(r"[^A-Za-z0-9]+", "-", build.report.symbol).strip("-") or "report"
    stem = f"reports/{build.report_id}/builds/{build.pk}/{symbol}-build-{build.pk}-{attempt}"
    return f"{stem}.pdf", f"{stem}.docx"


def _delete_files(names: Sequence[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:  # a leftover file is harmless; hiding the build's outcome is not
            logger.exception("Could not delete %s", name)


def _delete_attempt_files(build: Build, attempts: Sequence[int]) -> None:
    """Once the transaction commits, delete the files these attempts may have written: files no
    row names (an attempt whose worker died between writing and recording leaves some)."""
    names = [name for attempt in attempts for name in _file_names(build, attempt)]
    # robust: a failing clean-up must not look like a failure of what was committed.
    transaction.on_commit(lambda: _delete_files(names), robust=True)


def _claim(build_id: int, task_id: str | None, retries: int = 0) -> Build | None:
    """Mark the build running for this attempt, or None when it is not ours to run (see
    ``portal.jobs.claim``: a message retried after a database error goes on with the attempt,
    one delivered again after its worker died is a new attempt, up to ``MAX_ATTEMPTS``)."""
    return jobs.claim(BUILDS, build_id, task_id, retries)


def _on_fail(build: Build, now: datetime) -> dict[str, Any]:
    """A failed build names no file, so whatever its attempts wrote goes (once committed)."""
    _delete_attempt_files(build, range(1, build.attempts + 1))
    return {"duration": now - build.started_at if build.started_at else None}


def _fail(build: Build, message: str) -> None:
    """Fail the build (under its row lock)."""
    jobs.fail(BUILDS, build, message)


def _finish_failed(build: Build, message: str) -> None:
    """Record a failure unless the watchdog already moved the build on."""
    jobs.finish_failed(BUILDS, build, message)


def _beat(build: Build) -> int:
    """One sign of life; only the attempt that is running may give it."""
    return jobs.beat(BUILDS, build)


def _heartbeat(build: Build) -> Any:
    """Keep ``heartbeat_at`` fresh from a thread while the build renders (``portal.jobs``):
    WeasyPrint holds the task's thread for the whole layout."""
    return jobs.heartbeat(BUILDS, build, lambda: _beat(build))


def run_build(*, build_id: int, task_id: str | None = None, retries: int = 0) -> Build:
    """Build a queued build (called by the task, or directly by ``compile_report``).

    Safe to run twice: a finished build, or a message of a superseded attempt, is left alone.
    A transient database error propagates, with no file left behind, for the task to retry
    (``retries`` is how often it has; see :func:`_claim`).
    """
    build = _claim(build_id, task_id, retries)
    if build is None:
        return Build.objects.get(pk=build_id)
    started = time.monotonic()
    try:
        with _heartbeat(build):
            compiled = compile_snapshot(build.snapshot)
    except BuildError as error:
        _finish_failed(build, str(error))
        return Build.objects.get(pk=build_id)
    except SoftTimeLimitExceeded:
        _finish_failed(
            build, f"The build took longer than {BUILD_SOFT_TIME_LIMIT // 60} minutes and stopped."
        )
        return Build.objects.get(pk=build_id)
    except TRANSIENT_DATABASE_ERRORS:
        raise  # see below
    except Exception as error:  # anything else is a bug: record it rather than hang
        _finish_unexpected(build, error)
        return Build.objects.get(pk=build_id)
    try:
        _store(build, compiled, seconds=time.monotonic() - started)
    except TRANSIENT_DATABASE_ERRORS:
        # The row is left running, untouched (the database may well be unreachable): the
        # retried message carries on with this attempt, or the watchdog notices the silence.
        raise
    except OSError as error:
        # A full disk: retrying will not help until someone frees space. Fail with the reason;
        # the last good build (and its PDF) is untouched.
        logger.exception("Build %s could not be stored", build_id)
        _finish_failed(
            build,
            f"The PDF could not be stored on the server ({error.strerror or error}). "
            "The last good PDF is still available.",
        )
    except Exception as error:
        _finish_unexpected(build, error)
    return Build.objects.get(pk=build_id)


def _finish_unexpected(build: Build, error: Exception) -> None:
    logger.exception("Build %s failed", build.pk)
    _finish_failed(build, f"Unexpected error while building: {type(error).__name__}: {error}")


def _store(build: Build, compiled: Compiled, *, seconds: float) -> None:
    """Save the files, then record them. When either fails (a full disk: OSError; the database:
    DatabaseError) the files written are deleted before the error goes on, so no file is left
    that no row names."""
    written: list[str] = []
    try:
        names = _file_names(build, build.attempts)
        for name, data in zip(names, (compiled.pdf, compiled.docx), strict=True):
            default_storage.delete(name)  # left by an earlier run of this attempt, if any
            written.append(default_storage.save(name, ContentFile(data)))
        pdf_name, docx_name = written
        now = timezone.now()
        with transaction.atomic():
            updated = Build.objects.filter(
                pk=build.pk, status=Build.Status.RUNNING, attempts=build.attempts
            ).update(
                status=Build.Status.SUCCEEDED,
                finished_at=now,
                duration=timedelta(seconds=seconds),
                page_count=compiled.page_count,
                pdf_size=len(compiled.pdf),
                pdf_sha256=hashlib.sha256(compiled.pdf).hexdigest(),
                pdf=pdf_name,
                docx=docx_name,
            )
            if updated:
                _delete_attempt_files(build, range(1, build.attempts))
    except BaseException:
        _delete_files(written)
        raise
    if not updated:
        # The watchdog queued this build again (another attempt now has it) or gave up on it:
        # its verdict stands, and only one attempt ever records a result.
        _delete_files(written)


def reap_stalled_builds() -> dict[str, list[int]]:
    """Fail or re-queue builds nobody is building any more (``portal.jobs.reap``): silent for
    longer than :func:`stale_after` (queued again while attempts remain), running past the
    task's hard time limit, queued longer than :func:`queue_timeout`, or sent longer than
    :func:`resend_after` ago (sent again). What happened is added to the build's notes."""
    return jobs.reap(BUILDS)


BUILDS = jobs.register(
    jobs.JobKind(
        name="build",
        model=Build,
        task=BUILD_TASK,
        noun="build",
        time_limit=BUILD_TIME_LIMIT,
        max_attempts=MAX_ATTEMPTS,
        heartbeat_seconds=heartbeat_seconds,
        stale_after=stale_after,
        queue_timeout=queue_timeout,
        resend_after=resend_after,
        watched=lambda: heartbeat_seconds() > 0,
        queue=lambda: settings.REPORTS_BUILD_QUEUE,
        select_related=("report",),
        on_fail=_on_fail,
        ran_too_long="The build ran for more than {minutes} minutes and was stopped. "
        "The last good PDF is still available.",
        went_silent="The worker building this report stopped responding (silent for {silent} s, "
        "attempt {attempt} of {max_attempts}). The last good PDF is still available.",
    )
)
