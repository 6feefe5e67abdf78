"""The health check on real PostgreSQL and Redis: a connection the server dropped is not taken
for a working database, and a stopped server is reported (run by .ci/run)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from django.db import connection

from tests.integration.test_faults import _terminate

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _backend_pid() -> int:
    connection.ensure_connection()
    return connection.connection.info.backend_pid


@pytest.fixture
def server_stopped() -> Iterator[None]:
    """As if PostgreSQL were stopped: the held connection is killed by the server and new ones
    are refused (the port is one nothing listens on) until the fixture ends."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    port = connection.settings_dict["PORT"]
    _terminate(_backend_pid())
    connection.settings_dict["PORT"] = closed_port
    try:
        yield
    finally:
        connection.settings_dict["PORT"] = port
        connection.close()


def test_health_check_is_503_while_the_database_server_is_down(client, server_stopped):
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_health_check_answers_from_a_fresh_connection_after_the_server_dropped_the_held_one(
    client,
):
    """A restarted server drops every connection: the check reconnects and says "ok" because
    a query was answered on the new connection, not because an object was still held."""
    assert client.get("/health/").status_code == 200
    held = _backend_pid()
    _terminate(held)

    response = client.get("/health/")

    assert response.status_code == 200
    assert _backend_pid() != held


def test_health_check_pings_the_real_broker(client, settings):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
