"""Tasks of the portal itself."""

from celery import shared_task
from django.db import connection

from .models import User


@shared_task(name="portal.ping", acks_late=True, time_limit=30, soft_time_limit=25)
def ping() -> dict[str, object]:
    """Answer from a worker with what it sees of the database: proves broker, worker and
    database are wired together (used by the health check tests and operators)."""
    return {"database": connection.vendor, "users": User.objects.count()}
