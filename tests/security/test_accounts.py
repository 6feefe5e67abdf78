"""Threats to accounts: someone who has a person's password but not their phone, and an API
token that outlives what it was given for.

The half-signed-in session: the password was right, the code not given. Every address but the
code page (with its recovery codes) and signing out must refuse; the set-up page must not
let a second authenticator be added (or the password alone would be enough); the token
endpoint must want a code of the authenticator the person already had.

Token lifecycle: a token must stop working when its owner's password changes, when it is
revoked, and when its lifetime is over. The revocation endpoint and the lifetime setting are
those of the ``sec-accounts`` work (django-rest-knox): ``GET /api/v1/auth/tokens/`` lists
one's tokens (``id``), ``DELETE /api/v1/auth/tokens/<id>/`` revokes one, and
``API_TOKEN_LIFETIME_DAYS`` (30 days by default) is how long a token lasts.
"""

from __future__ import annotations

import base64
import datetime
import re
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import ReviewerFactory, SecretariatFactory

from . import routes
from .conftest import Live, Visitor, code
from .world import PASSWORD

# Where a half-signed-in person may still go: the code page, signing out, and what anyone may
# open before signing in.
OPEN_BEFORE_THE_CODE = routes.PUBLIC | {"two-factor-verify", "logout", "admin:logout"}
PROBED = [r for r in routes.all_routes() if r.name not in OPEN_BEFORE_THE_CODE]


@pytest.fixture
def half_signed_in(live: Live) -> tuple[Visitor, Any, TOTPDevice]:
    """A secretariat member with an authenticator, who has given the password only."""
    person = SecretariatFactory()
    device = TOTPDevice.objects.create(user=person, name="Phone", confirmed=True)
    visitor = live.visitor("half")
    signed = visitor.sign_in(person.email)
    assert signed.status_code == 302, signed.text[:300]
    return visitor, person, device


def test_with_the_password_alone_every_address_refuses_but_the_code_page(
    half_signed_in: tuple[Visitor, Any, TOTPDevice], route_values: dict[str, Any]
):
    visitor, _, _ = half_signed_in
    let_through = []
    for route in PROBED:
        url = routes.url_for(route, route_values) + routes.QUERY_BY_NAME.get(route.name, "")
        response = visitor.get(url)
        status, location = response.status_code, response.headers.get("Location", "")
        refused = (
            status in (401, 403)
            if route.is_api
            else status == 302
            and location.startswith(("/accounts/two-factor/verify/", "/admin/login/"))
        )
        if not refused:
            let_through.append(f"{url}: {status} {location}")
    assert not let_through, "With the password alone:\n" + "\n".join(let_through)


def _enrol_another_authenticator(visitor: Visitor) -> str | None:
    """What someone with the password would try: open the set-up page, read its key, and
    confirm it with a code computed from that key. Returns the key, if the page showed one."""
    page = visitor.get("/accounts/two-factor/")
    found = re.search(r"Key:\s*<code>([A-Z2-7]+)</code>", page.text)
    if found is None:
        return None
    key = base64.b32decode(found.group(1))
    digits = f"{totp(key, step=30, t0=0, digits=6):06d}"
    visitor.post(
        "/accounts/two-factor/",
        data={"token": digits, "next": "/", "csrfmiddlewaretoken": visitor.csrf_token()},
    )
    return found.group(1)


def test_with_the_password_alone_no_second_authenticator_can_be_added(
    half_signed_in: tuple[Visitor, Any, TOTPDevice],
):
    visitor, person, device = half_signed_in
    _enrol_another_authenticator(visitor)
    confirmed = list(TOTPDevice.objects.filter(user=person, confirmed=True))
    assert confirmed == [device], "a second authenticator was added with the password alone"
    home = visitor.get("/")
    assert home.status_code == 302 and home.headers["Location"].startswith(
        "/accounts/two-factor/verify/"
    ), "the session counts as signed in without the code"


def test_the_token_endpoint_wants_a_code_of_the_authenticator_the_person_already_had(
    half_signed_in: tuple[Visitor, Any, TOTPDevice], live: Live
):
    visitor, person, device = half_signed_in
    key = _enrol_another_authenticator(visitor)
    client = live.visitor()
    if key is not None:
        other = f"{totp(base64.b32decode(key), step=30, t0=0, digits=6, drift=1):06d}"
        refused = client.post(
            "/api/v1/auth/token/",
            json={"username": person.email, "password": PASSWORD, "otp_token": other},
        )
        assert refused.status_code in (400, 401, 403), "a token for the new authenticator's code"
        assert "token" not in refused.json()
    without = client.post(
        "/api/v1/auth/token/", json={"username": person.email, "password": PASSWORD}
    )
    assert without.status_code in (400, 401, 403) and "token" not in without.json()
    granted = client.post(
        "/api/v1/auth/token/",
        json={"username": person.email, "password": PASSWORD, "otp_token": code(device)},
    )
    assert granted.status_code == 200, granted.text[:300]
    assert granted.json()["token"]


# --- tokens ---------------------------------------------------------------------------------


def _token(live: Live, person: Any) -> str:
    response = live.visitor().post(
        "/api/v1/auth/token/", json={"username": person.email, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text[:300]
    return response.json()["token"]


def _works(live: Live, token: str) -> bool:
    response = live.visitor().get("/api/v1/replies/", headers={"Authorization": f"Token {token}"})
    assert response.status_code in (200, 401, 403), response.status_code
    return response.status_code == 200


def test_a_token_stops_working_when_its_owner_changes_the_password(live: Live):
    person = ReviewerFactory()
    token = _token(live, person)
    assert _works(live, token)
    browser = live.visitor()
    browser.sign_in(person.email)
    changed = browser.post(
        "/accounts/password_change/",
        data={
            "old_password": PASSWORD,
            "new_password1": "a-new-and-long-passphrase",
            "new_password2": "a-new-and-long-passphrase",
            "csrfmiddlewaretoken": browser.csrf_token(),
        },
    )
    assert changed.status_code == 302, changed.text[:500]
    assert not _works(live, token), "the token still works after the password changed"


def test_a_revoked_token_stops_working(live: Live):
    person = ReviewerFactory()
    token = _token(live, person)
    other = _token(live, person)  # a second token of the same person, not revoked
    auth = {"Authorization": f"Token {token}"}
    listed = live.visitor().get("/api/v1/auth/tokens/", headers=auth)
    assert listed.status_code == 200, f"no list of one's tokens: {listed.status_code}"
    rows = listed.json()
    rows = rows.get("results", rows) if isinstance(rows, dict) else rows
    current = [row["id"] for row in rows if row.get("current")]
    assert len(current) == 1, rows
    revoked = live.visitor().request("DELETE", f"/api/v1/auth/tokens/{current[0]}/", headers=auth)
    assert revoked.status_code == 204, revoked.text[:300]
    assert not _works(live, token), "the revoked token still works"
    assert _works(live, other), "revoking one token ended another"


def test_a_token_stops_working_when_its_lifetime_is_over(
    live: Live, monkeypatch: pytest.MonkeyPatch
):
    """The clock is moved forward (the live server runs in this process): a day before the
    end of its lifetime the token works, a day after it does not."""
    lifetime = datetime.timedelta(days=getattr(settings, "API_TOKEN_LIFETIME_DAYS", 30))
    token = _token(live, ReviewerFactory())
    issued = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: issued + lifetime - datetime.timedelta(days=1))
    assert _works(live, token), "the token ended before its lifetime"
    monkeypatch.setattr(timezone, "now", lambda: issued + lifetime + datetime.timedelta(days=1))
    assert not _works(live, token), f"the token still works after {lifetime.days} days"
