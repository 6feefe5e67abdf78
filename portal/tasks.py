"""Tasks of the portal itself."""

from celery import shared_task
from django.db import connection

from . import jobs, storage
from .models import User


@shared_task(name="portal.ping", acks_late=True, time_limit=30, soft_time_limit=25)
def ping() -> dict[str, object]:
    """Answer from a worker with what it sees of the database: proves broker, worker and
    database are wired together (used by the health check tests and operators)."""
    return {"database": connection.vendor, "users": User.objects.count()}


@shared_task(
    name="portal.sweep_orphan_files",
    acks_late=True,
    time_limit=15 * 60,
    soft_time_limit=14 * 60,
    ignore_result=True,
)
def sweep_orphan_files() -> dict[str, int]:
    """Remove stored files no row points to and abandoned spooled uploads (from beat)."""
    return storage.sweep_orphans()


@shared_task(
    name="portal.jobs_watchdog",
    acks_late=True,
    time_limit=60,
    soft_time_limit=50,
    ignore_result=True,
)
def jobs_watchdog() -> dict[str, dict[str, list[int]]]:
    """Fail, queue again or send again the background jobs of every registered kind whose
    worker went silent, ran too long or never started (from beat, every minute)."""
    return jobs.reap_all()
