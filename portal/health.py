"""What the health check asks: does the database answer a query, does the broker answer?

``connection.ensure_connection()`` only checks that Django holds a connection object: with
persistent connections (``CONN_MAX_AGE``) that object outlives a stopped PostgreSQL, and the
check said "ok" for a minute. Here the database must answer ``SELECT 1``; a connection the server
dropped is replaced once, so a database that is back is reported as such.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2


def _select_one() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def database_problem() -> str:
    """Empty when the database answers a query, else what went wrong."""
    try:
        _select_one()
        return ""
    except (OperationalError, InterfaceError) as error:
        if connection.in_atomic_block:  # never inside a request; a reconnect would hide it
            return str(error).strip() or type(error).__name__
        logger.warning("Health check: the held database connection failed (%s)", error)
    connection.close()  # dropped by the server: a fresh one tells whether it is really down
    try:
        _select_one()
        return ""
    except (OperationalError, InterfaceError) as error:
        return str(error).strip() or type(error).__name__


def broker_problem() -> str:
    """Empty when no broker is configured (tasks run in-process) or it answers, else the error."""
    url = settings.CELERY_BROKER_URL
    if not url:
        return ""
    from kombu import Connection

    timeout = BROKER_TIMEOUT_SECONDS
    options = {"socket_timeout": timeout, "socket_connect_timeout": timeout}
    try:
        # Connecting to Redis sends a PING (kombu's channel does on opening).
        with Connection(url, connect_timeout=timeout, transport_options=options) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, timeout=timeout)
    except Exception as error:  # any failure to reach it is the answer
        return str(error).strip() or type(error).__name__
    return ""


def problems() -> dict[str, str]:
    """The parts that do not answer, with why (empty when all do)."""
    found = {"database": database_problem(), "broker": broker_problem()}
    return {part: problem for part, problem in found.items() if problem}
