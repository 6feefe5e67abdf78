"""The health check answers for the database and the broker from a real query and a real
connection, and says which one is down."""

from __future__ import annotations

import socket

import pytest
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the probe is closed


def test_health_check_is_503_when_the_database_does_not_answer_a_query(client):
    """Django holds a connection object: the check must not take it for a working database."""
    connection.ensure_connection()

    def refuse(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        raise OperationalError("server closed the connection unexpectedly")

    with connection.execute_wrapper(refuse):
        response = client.get("/health/")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable", "broker": "ok"}


def test_health_check_is_503_when_the_broker_does_not_answer(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "broker": "unavailable"}


def test_health_check_does_not_show_the_error_to_whoever_asks(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    body = client.get("/health/").content.decode()
    assert "127.0.0.1" not in body and "refused" not in body.lower()


def test_health_check_without_a_broker_checks_the_database_only(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
