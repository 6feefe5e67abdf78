"""One lifecycle for Verbale's background jobs: report builds, exports of replies, and whatever
else a worker does for a row that people watch (see ``docs/architecture.md``).

A job's life
============

A job is a row (a model built on :class:`Job`) whose ``status`` moves queued → running →
succeeded or failed. Its kind (:class:`JobKind`, registered with :func:`register`) names the
Celery task that runs it and the policy the watchdog applies.

* **queue** — :func:`enqueue` sends the task once the row is committed, under the task id kept on
  the row (``celery_task_id``); ``sent_at`` says when.
* **claim** — the task calls :func:`claim`: the row is locked and marked running for a new
  attempt, unless it is done already or the message is one the watchdog has since replaced (a
  different task id). A message retried by Celery after a database error (more retries than when
  it claimed) carries on with the same attempt; the same message delivered again because its
  worker died is a new attempt, and after ``max_attempts`` the job fails.
* **heartbeat** — while the work runs, :func:`heartbeat` keeps ``heartbeat_at`` fresh from a
  thread (for work that holds its thread, like WeasyPrint), or the work beats itself through
  :func:`running` (an export records its progress). A failed beat is logged and the next one
  tries again: only the end of the work stops the heartbeat.
* **finish** — the result is recorded with an update on :func:`running`, which matches only the
  attempt still in charge, so an attempt the watchdog replaced records nothing.
* **watchdog** — :func:`reap` (for one kind) and :func:`reap_all` (the ``portal.jobs_watchdog``
  beat task, every minute) fail a job that ran past its hard time limit, queue again (or fail,
  once the attempts are used up) a running job whose heartbeat went silent, fail a job no worker
  started within the queue timeout, and send again the message of a job still queued after the
  resend delay (the broker may have lost it). A dead worker is thus noticed within the silence
  threshold plus the watchdog's period.
* **reuse** is the kind's own business (a build of an unchanged snapshot, an export of unchanged
  data, point to the earlier files) and happens before anything is queued.

What happened on the way (attempts stopped, messages sent again) goes to the job's ``notes``,
which later attempts keep.

This module is at the bottom of ``portal``: it knows no app. Each app declares its kinds (with
their settings, read through ``django.conf.settings``) and registers them when it is ready.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from celery import current_app
from django.db import Error, InterfaceError, OperationalError, connection, models, transaction
from django.db.models import QuerySet
from django.utils import timezone

logger = logging.getLogger(__name__)

QUEUED, RUNNING, SUCCEEDED, FAILED = "queued", "running", "succeeded", "failed"

# What a database that restarts or drops a connection raises. Tasks retry on them and the
# retried message carries on with the same attempt (:func:`claim`): a database blip is not a
# worker's death and uses up no attempt. InterfaceError ("connection already closed") is not a
# DatabaseError, hence both.
TRANSIENT_DATABASE_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)


def database_retry(*, backoff_max: int = 60, max_retries: int = 3) -> dict[str, Any]:
    """Celery options of a task that is tried again after a database blip (5 s, then doubling up
    to ``backoff_max``). Every task of Verbale that touches rows declares its retries with it."""
    return {
        "autoretry_for": TRANSIENT_DATABASE_ERRORS,
        "retry_backoff": 5,
        "retry_backoff_max": backoff_max,
        "retry_jitter": False,
        "max_retries": max_retries,
    }


class Job(models.Model):
    """The fields of the lifecycle, shared by every kind of job (abstract)."""

    class Status(models.TextChoices):
        QUEUED = QUEUED, "Queued"
        RUNNING = RUNNING, "Running"
        SUCCEEDED = SUCCEEDED, "Succeeded"
        FAILED = FAILED, "Failed"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True, default="")
    queued_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(
        null=True, blank=True, help_text="When its task message was last sent to the broker."
    )
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last sign of life of the worker on it."
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    task_retries = models.PositiveSmallIntegerField(
        default=0,
        help_text="How often Celery had retried the task message that runs the current attempt "
        "(a message retried after a database error carries on with the attempt).",
    )
    notes = models.JSONField(
        default=list,
        blank=True,
        help_text="What happened on the way, oldest first: attempts stopped, messages sent "
        "again. Each note is {'at': ISO time, 'text': ...}.",
    )
    celery_task_id = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        abstract = True

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def is_done(self) -> bool:
        return self.status in (SUCCEEDED, FAILED)

    def add_note(self, text: str, *, at: datetime | None = None) -> None:
        """Append to the job's history (saved by the caller, under the row's lock): a later
        attempt must not wipe what the page says about an earlier one."""
        self.notes = [*self.notes, {"at": (at or timezone.now()).isoformat(), "text": text}]

    @property
    def history(self) -> list[tuple[datetime, str]]:
        """The notes with their times as datetimes, for the job's page."""
        return [(datetime.fromisoformat(note["at"]), note["text"]) for note in self.notes]


J = TypeVar("J", bound=Job)


def _never() -> timedelta | None:
    return None


def _no_queue() -> str:
    return ""


def _no_changes(job: Any, now: datetime) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class JobKind:
    """What the lifecycle needs to know of one kind of job.

    The settings are read when asked (callables), so that a test or an operator changing them
    is heard at once. Texts name the job with ``noun`` ("build", "export"); the three texts of a
    failure that the user reads are the kind's own (``ran_too_long`` with ``{minutes}``,
    ``went_silent`` with ``{silent}``, ``{attempt}`` and ``{max_attempts}``, ``never_started``
    with ``{minutes}``).
    """

    name: str
    model: type[Job]
    task: str  # the Celery task that runs a job, sent by name with the job's id
    noun: str
    time_limit: int  # the task's hard time limit, in seconds
    max_attempts: int
    stale_after: Callable[[], timedelta]
    queue_timeout: Callable[[], timedelta]
    # Whether silence is looked at: not when the web process is the worker (eager Celery).
    watched: Callable[[], bool]
    ran_too_long: str
    went_silent: str
    never_started: str = (
        "No worker started the {noun} within {minutes} minutes: is a Celery worker running?"
    )
    heartbeat_seconds: Callable[[], float] = field(default=lambda: 0.0)
    resend_after: Callable[[], timedelta | None] = _never
    queue: Callable[[], str] = _no_queue
    select_related: tuple[str, ...] = ()
    # Field changes to save with a failure (e.g. the duration), called under the row lock;
    # it may also arrange clean-up on commit (files the attempts wrote).
    on_fail: Callable[[Any, datetime], dict[str, Any]] = _no_changes


_KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    """Make the watchdog look after ``kind`` (called when its app is ready; idempotent)."""
    _KINDS[kind.name] = kind
    return kind


def kinds() -> list[JobKind]:
    return list(_KINDS.values())


# Messages that are not jobs of their own (an e-mail, a file's text to read) but whose task
# message a broker restart can lose too: each sweep sends such messages again once, then gives
# up on them with the reason, and is run by the same watchdog as the jobs.
_SWEEPS: dict[str, Callable[[datetime], dict[str, list[int]]]] = {}


def register_sweep(name: str, sweep: Callable[[datetime], dict[str, list[int]]]) -> None:
    """Make the watchdog run ``sweep(now)`` every minute (idempotent)."""
    _SWEEPS[name] = sweep


# --- queue ---------------------------------------------------------------------------------


def new_task_id() -> str:
    return str(uuid.uuid4())


def enqueue(kind: JobKind, job: Job) -> None:
    """Send the job's task once its row is committed (so the worker can read it), under the
    task id kept on the row. A broker that is down is logged: the job stays queued and the
    watchdog sends it again (``resend_after``), so it is delayed rather than lost."""
    job_id, task_id, queue = job.pk, job.celery_task_id, kind.queue()

    def send() -> None:
        options: dict[str, Any] = {"task_id": task_id or None}
        if queue:
            options["queue"] = queue
        try:
            current_app.signature(kind.task).apply_async(args=[job_id], **options)
        except Exception:
            logger.exception(
                "Could not queue %s %s; the watchdog will send it again", kind.noun, job_id
            )

    transaction.on_commit(send)


def send_again(kind: JobKind, job: Job, now: datetime, *, note: str, **changes: Any) -> None:
    """A new message for the job, under a new task id (a late copy of the old message is then
    recognised and ignored), with ``note`` added to its history and ``changes`` saved."""
    for name, value in changes.items():
        setattr(job, name, value)
    job.add_note(note, at=now)
    job.celery_task_id = new_task_id()
    job.sent_at = now
    job.save(update_fields=["celery_task_id", "sent_at", "notes", *changes])
    enqueue(kind, job)


# --- claim, heartbeat, finish ----------------------------------------------------------------


def _attempts(count: int) -> str:
    return f"{count} attempt" if count == 1 else f"{count} attempts"


def claim(kind: JobKind, job_id: int, task_id: str | None, retries: int = 0) -> Any:
    """Mark the job running for this attempt, or return None when it is not ours to run.

    ``retries`` is how often Celery has retried this task message. A job already running under
    the same message either had that message retried after a database error (more retries than
    when it claimed the job: the attempt goes on, counting nothing), or had it delivered again
    because its worker died (same retries: a new attempt).
    """
    with transaction.atomic():
        rows = kind.model.objects.select_for_update()
        if kind.select_related:
            rows = rows.select_related(*kind.select_related)
        job = rows.filter(pk=job_id).first()
        if job is None or job.is_done:
            return None  # removed, or already done: a duplicate delivery
        if task_id and job.celery_task_id and task_id != job.celery_task_id:
            return None  # a message of an attempt the watchdog has since replaced
        now = timezone.now()
        if job.status == RUNNING:
            if task_id and retries > job.task_retries:
                job.add_note(
                    f"Attempt {job.attempts} was interrupted by a database error and went on.",
                    at=now,
                )
                job.task_retries = retries
                job.heartbeat_at = now
                job.save(update_fields=["task_retries", "heartbeat_at", "notes"])
                return job
            job.add_note(
                f"Attempt {job.attempts} stopped: its worker was lost before finishing.", at=now
            )
        if job.attempts >= kind.max_attempts:
            fail(
                kind,
                job,
                f"Gave up after {_attempts(job.attempts)}; the worker stopped each time.",
            )
            return None
        job.status = RUNNING
        job.attempts += 1
        job.task_retries = retries
        job.started_at = now
        job.heartbeat_at = now
        if task_id and not job.celery_task_id:
            job.celery_task_id = task_id
        job.save(
            update_fields=[
                "status",
                "attempts",
                "task_retries",
                "started_at",
                "heartbeat_at",
                "notes",
                "celery_task_id",
            ]
        )
        return job


def running(kind: JobKind, job: Job) -> QuerySet[Any]:
    """The job's row while the attempt ``job`` holds is still the one in charge: every write of
    a worker goes through it, so an attempt the watchdog replaced or gave up on writes nothing."""
    return kind.model.objects.filter(pk=job.pk, status=RUNNING, attempts=job.attempts)


def beat(kind: JobKind, job: Job) -> int:
    """One sign of life; only the attempt that is running may give it."""
    return running(kind, job).update(heartbeat_at=timezone.now())


@contextmanager
def heartbeat(kind: JobKind, job: Job, send: Callable[[], int] | None = None) -> Iterator[None]:
    """Keep ``heartbeat_at`` fresh from a thread while the body runs (``send`` gives one beat;
    :func:`beat` by default).

    Work that holds its thread (WeasyPrint's layout) cannot beat itself; when the worker process
    dies the heartbeat stops with it, which is what the watchdog looks for. Nothing else may stop
    it before the work ends: a heartbeat that gave up at the first failed beat (PostgreSQL
    restarting) had the watchdog queue a build that was still rendering, and two renders ran at
    once. With no interval (``heartbeat_seconds`` 0: the web process is the worker) no thread is
    started, which also spares SQLite a second writer.
    """
    interval = kind.heartbeat_seconds()
    if interval <= 0:
        yield
        return
    stop = threading.Event()
    give_one = send or (lambda: beat(kind, job))

    def beating() -> None:
        try:
            while not stop.wait(interval):
                try:
                    give_one()
                except Exception:
                    logger.warning(
                        "Heartbeat of %s %s failed; trying again in %s s",
                        kind.noun,
                        job.pk,
                        interval,
                        exc_info=True,
                    )
                    # A broken connection stays broken: drop it (it is this thread's own), the
                    # next beat opens a new one.
                    with suppress(Error):
                        connection.close()
        finally:
            connection.close()

    thread = threading.Thread(target=beating, name=f"{kind.name}-{job.pk}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=interval + 5)


def fail(kind: JobKind, job: Job, message: str) -> None:
    """Fail the job (the caller holds its row lock), with the reason people will read."""
    now = timezone.now()
    changes = {"status": FAILED, "error": message, "finished_at": now, **kind.on_fail(job, now)}
    for name, value in changes.items():
        setattr(job, name, value)
    job.save(update_fields=[*changes, "notes"])


def finish_failed(kind: JobKind, job: Job, message: str) -> bool:
    """Record the attempt's failure unless the watchdog already moved the job on."""
    with transaction.atomic():
        locked = running(kind, job).select_for_update().first()
        if locked is None:
            return False
        fail(kind, locked, message)
        return True


# --- watchdog --------------------------------------------------------------------------------


def reap(kind: JobKind) -> dict[str, list[int]]:
    """Fail, queue again or send again the jobs of ``kind`` nobody is working on any more.

    * running for longer than the task's hard time limit: failed;
    * running, the heartbeat silent for longer than ``stale_after``: the worker died; queued
      again while attempts remain, else failed;
    * queued for longer than ``queue_timeout``: failed (no worker is taking these jobs);
    * queued, its message sent longer than ``resend_after`` ago: sent again.

    Rows another watchdog holds are skipped (``skip_locked``); what happened is added to notes.
    """
    with transaction.atomic():
        return _reap(kind)


def _reap(kind: JobKind) -> dict[str, list[int]]:
    now = timezone.now()
    result: dict[str, list[int]] = {"requeued": [], "failed": [], "resent": []}
    watched = kind.watched()
    rows = kind.model.objects.select_for_update(skip_locked=True)
    if kind.select_related:
        rows = rows.select_related(*kind.select_related)
    too_long = now - timedelta(seconds=kind.time_limit + 60)
    for job in rows.filter(status=RUNNING):
        if job.started_at and job.started_at < too_long:
            fail(kind, job, kind.ran_too_long.format(minutes=kind.time_limit // 60))
            result["failed"].append(job.pk)
            continue
        last_sign = job.heartbeat_at or job.started_at or _created(job)
        if not watched or last_sign >= now - kind.stale_after():
            continue
        silent = int((now - last_sign).total_seconds())
        attempt = max(job.attempts, 1)  # a running job has begun at least one attempt
        if attempt < kind.max_attempts:
            send_again(
                kind,
                job,
                now,
                note=f"Attempt {attempt} stopped: its worker was silent for {silent} s. "
                "Queued again.",
                status=QUEUED,
                queued_at=now,
            )
            result["requeued"].append(job.pk)
        else:
            fail(
                kind,
                job,
                kind.went_silent.format(
                    silent=silent, attempt=attempt, max_attempts=kind.max_attempts
                ),
            )
            result["failed"].append(job.pk)
    timeout = kind.queue_timeout()
    resend = kind.resend_after()
    for job in rows.filter(status=QUEUED):
        queued_at = job.queued_at or _created(job)
        if queued_at < now - timeout:
            minutes = int(timeout.total_seconds() // 60)
            fail(kind, job, kind.never_started.format(noun=kind.noun, minutes=minutes))
            result["failed"].append(job.pk)
            continue
        last_sent = job.sent_at or queued_at
        if not watched or resend is None or last_sent >= now - resend:
            continue
        waited = int((now - last_sent).total_seconds())
        note = f"No worker took the {kind.noun} for {waited} s: sent again."
        send_again(kind, job, now, note=note)
        result["resent"].append(job.pk)
    return result


def _created(job: Job) -> datetime:
    return getattr(job, "created_at", None) or timezone.now()


def reap_all() -> dict[str, dict[str, list[int]]]:
    """The watchdog of every registered kind (``portal.jobs_watchdog``, every minute). One kind
    failing (its table locked, a bug) does not keep the others from being looked after."""
    results: dict[str, dict[str, list[int]]] = {}
    for kind in kinds():
        try:
            results[kind.name] = reap(kind)
        except Exception:
            logger.exception("The watchdog of %s jobs failed", kind.noun)
    now = timezone.now()
    for name, sweep in list(_SWEEPS.items()):
        try:
            results[name] = sweep(now)
        except Exception:
            logger.exception("The watchdog's sweep of %s failed", name)
    return results
