"""A live Verbale server for the whole security package, the data it serves, and a browser-less
visitor per role that signs in through the real sign-in pages.

The server is Django's live-server thread (the one pytest-django's ``live_server`` runs) on the
per-run SQLite test file (or the PostgreSQL test database under ``.ci/run``). pytest-django's
``live_server`` fixture would make every test transactional, flushing the database after each
one; the world these probes need takes seconds to build (a PDF build among it), so it is built
once for the package, committed, and removed at the end the way a transactional test leaves
the database: flushed. (pytest-django runs live-server tests with the transactional ones, after
every test that reads the migrated data in a rolled-back transaction; a later transactional
test with ``serialized_rollback`` loads that data into the empty database itself, and would
fail on rows left behind.)
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.live_server_helper import LiveServer

from .world import PASSWORD, ROLES, World, build_world

MD5 = "django.contrib.auth.hashers.MD5PasswordHasher"


@pytest.fixture(autouse=True)
def _live_server_helper() -> None:
    """Replaces pytest-django's helper, which makes every test that uses ``live_server``
    transactional: the database would be flushed after each probe, and the world with it."""


@pytest.fixture(autouse=True)
def _media_in_tmp() -> None:
    """Replaces the suite's per-test media folder: the live server serves the files the world
    stored once, in the package's folder (see ``live``)."""


def code(device: TOTPDevice, *, step_offset: int = 0) -> str:
    """The six digits the person's authenticator app shows (``step_offset`` steps later)."""
    t0 = device.t0 - step_offset * device.step
    return f"{totp(device.bin_key, step=device.step, t0=t0, digits=device.digits):06d}"


class Visitor:
    """One person's browser, reduced to its cookies: real HTTP to the live server."""

    def __init__(self, base_url: str, role: str) -> None:
        self.base_url = base_url
        self.role = role
        self.http = requests.Session()

    def request(
        self, method: str, path: str, *, csrf: bool = True, **kwargs: Any
    ) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        token = self.http.cookies.get("csrftoken")
        if csrf and token and method.upper() not in ("GET", "HEAD", "OPTIONS"):
            headers["X-CSRFToken"] = token
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 120)
        return self.http.request(method, self.base_url + path, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def csrf_token(self) -> str:
        """The CSRF cookie, fetched from the sign-in page when there is none yet."""
        if "csrftoken" not in self.http.cookies:
            self.get("/accounts/login/")
        return self.http.cookies["csrftoken"]

    def sign_in(self, email: str, password: str = PASSWORD) -> requests.Response:
        """The password step, through the sign-in form."""
        token = self.csrf_token()
        return self.post(
            "/accounts/login/",
            data={"username": email, "password": password, "csrfmiddlewaretoken": token},
        )

    def give_code(self, digits: str) -> requests.Response:
        return self.post(
            "/accounts/two-factor/verify/",
            data={"token": digits, "next": "/", "csrfmiddlewaretoken": self.csrf_token()},
        )


@dataclass
class Live:
    url: str
    world: World
    media: Path

    def visitor(self, role: str = "anonymous") -> Visitor:
        return Visitor(self.url, role)


def _registry_loaded() -> None:
    """The registry the migrations loaded, put back if a test before this package left the
    database flushed (a transactional test with ``serialized_rollback`` restores the registry
    when the next such test begins, not when it ends)."""
    from django.contrib.contenttypes.models import ContentType

    from surveys.models import Respondent, RespondentName
    from surveys.respondents.reference_data import read_reference_rows
    from surveys.respondents.services import load_reference_respondents

    # Content types a flush removed may still be cached under ids that are gone.
    ContentType.objects.clear_cache()
    if not Respondent.objects.exists():
        load_reference_respondents(
            read_reference_rows(), respondent_model=Respondent, name_model=RespondentName
        )


@pytest.fixture(scope="package")
def live(
    live_server: LiveServer,
    django_db_setup: None,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Live]:
    """The world, committed, and the live server that serves it (which asking for
    ``live_server`` also makes pytest-django create the test database for)."""
    media = tmp_path_factory.mktemp("security-media")
    with django_db_blocker.unblock():
        assert connection.settings_dict["NAME"] == connection.settings_dict["TEST"]["NAME"] or (
            "test" in str(connection.settings_dict["NAME"])
        ), "not the test database: refusing to write to it"
        _registry_loaded()
        overrides = override_settings(PASSWORD_HASHERS=[MD5], MEDIA_ROOT=media)
        overrides.enable()
        live_server._live_server_modified_settings.enable()
        try:
            yield Live(url=live_server.url, world=build_world(), media=media)
        finally:
            live_server._live_server_modified_settings.disable()
            overrides.disable()
            # As a transactional test leaves the database.
            call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)


@pytest.fixture(scope="package")
def visitors(live: Live) -> dict[str, Visitor]:
    """Everyone of ROLES, signed in once for the package (the secretariat with its code)."""
    people: dict[str, Visitor] = {"anonymous": live.visitor()}
    for role in ROLES[1:]:
        visitor = live.visitor(role)
        response = visitor.sign_in(live.world.users[role].email)
        assert response.status_code == 302, (role, response.status_code, response.text[:500])
        people[role] = visitor
    verified = people["secretariat"].give_code(code(live.world.secretariat_device))
    assert verified.status_code == 302, verified.text[:500]
    for role, visitor in people.items():
        home = visitor.get("/")
        expected = 302 if role == "anonymous" else 200
        assert home.status_code == expected, (role, home.status_code, home.headers)
    # One failed sign-in, so the admin's pages of failed attempts have a row to name.
    live.visitor().sign_in(live.world.users["b_focal"].email, "not-the-password")
    return people


class RouteValues(dict):
    """World objects by name; ``first_row:app.model`` names the first row of a model (for the
    admin's pages of logs and tokens), looked up when a route asks for it."""

    def __missing__(self, key: str) -> Any:
        if not key.startswith("first_row:"):
            raise KeyError(key)
        model = apps.get_model(key.removeprefix("first_row:"))
        first = model.objects.order_by("pk").first()
        assert first is not None, f"no {model._meta.label} row for the admin's pages to name"
        return first


@pytest.fixture(scope="package")
def route_values(live: Live, visitors: dict[str, Visitor]) -> RouteValues:
    """What fills each route parameter (see routes.object_key), State A's objects first."""
    world = live.world
    # An API token of A's focal point, asked for as a client would; its id (as the token list
    # names it, where there is one) fills the routes that revoke a token.
    token = live.visitor().post(
        "/api/v1/auth/token/",
        json={"username": world.users["a_focal"].email, "password": PASSWORD},
    )
    assert token.status_code == 200, token.text[:300]
    key = token.json()["token"]
    listed = live.visitor().get("/api/v1/auth/tokens/", headers={"Authorization": f"Token {key}"})
    rows = listed.json() if listed.status_code == 200 else []
    rows = rows.get("results", []) if isinstance(rows, dict) else rows
    return RouteValues(
        {
            **world.objects,
            "format": "json",
            "build_kind": "pdf",
            "a_focal_user": world.users["a_focal"],
            "a_focal_token_id": rows[0]["id"] if rows else key[:8],
            "app_label": "surveys",
            "admin_catch_all": "no-such-page/",
        }
    )


# --- the state of the database, to show that a refused request changed nothing ---------------

# Rows that change when someone merely signs in or reads: sessions, sign-in logs, the audit
# trail of sign-ins, last sign-in times, and authenticator throttling.
IGNORED_MODELS = {
    "sessions.session",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
}
IGNORED_FIELDS = {
    "last_login",
    "last_t",
    "throttling_failure_timestamp",
    "throttling_failure_count",
}


def database_state() -> dict[str, str]:
    """A digest of every row of every model, by model: equal digests, nothing changed."""
    state = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in IGNORED_MODELS or model._meta.proxy:
            continue
        names = [f.attname for f in model._meta.concrete_fields if f.attname not in IGNORED_FIELDS]
        rows = model.objects.order_by("pk").values_list(*names)
        digest = hashlib.sha256()
        for row in rows:
            digest.update(json.dumps(row, default=str, sort_keys=True).encode())
        state[label] = digest.hexdigest()
    return state


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(label for label in after if before.get(label) != after[label])


# --- a canary: a local HTTP server that records every request it gets -------------------------


class Canary:
    """Records every request made to it; a PDF build that fetches anything is caught here."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        canary = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                canary.hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/css")
                self.end_headers()
                self.wfile.write(b"body { background: red; }")

            do_POST = do_GET  # noqa: N815

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def canary() -> Iterator[Canary]:
    server = Canary()
    yield server
    server.stop()
