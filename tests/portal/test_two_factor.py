"""Two-factor sign-in: required for the secretariat, available to all, also for API tokens."""

from __future__ import annotations

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import MembershipFactory, ReviewerFactory, SecretariatFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _required(settings):  # type: ignore[no-untyped-def]
    settings.SECRETARIAT_TWO_FACTOR = True


def code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(client, user):  # type: ignore[no-untyped-def]
    return client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})


def test_secretariat_must_set_up_a_second_factor_before_anything_else(client):
    user = SecretariatFactory()
    sign_in(client, user)
    response = client.get("/questionnaires/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/?next=")
    assert client.get("/api/v1/questionnaires/").status_code == 403
    page = client.get("/accounts/two-factor/").content.decode()
    assert "<svg" in page and "Key:" in page
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = client.post("/accounts/two-factor/", {"token": "000000", "next": "/questionnaires/"})
    assert "does not match" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    done = client.post("/accounts/two-factor/", {"token": code(device), "next": "/questionnaires/"})
    assert done.status_code == 302 and done["Location"] == "/questionnaires/"
    assert client.get("/questionnaires/").status_code == 200


def test_next_sign_in_asks_for_the_code(client):
    user = SecretariatFactory()
    device = TOTPDevice.objects.create(user=user, confirmed=True)
    sign_in(client, user)
    response = client.get("/")
    assert response["Location"].startswith("/accounts/two-factor/verify/")
    client.post("/accounts/two-factor/verify/", {"token": code(device), "next": "/"})
    assert client.get("/").status_code == 200


def test_wrong_codes_slow_down_further_tries(client):
    user = SecretariatFactory()
    device = TOTPDevice.objects.create(user=user, confirmed=True)
    sign_in(client, user)
    wrong = client.post("/accounts/two-factor/verify/", {"token": "000000"}).content.decode()
    assert "does not match" in wrong
    throttled = client.post("/accounts/two-factor/verify/", {"token": code(device)})
    assert "Too many wrong codes" in throttled.content.decode()
    assert client.get("/").status_code == 302


def test_an_outside_next_address_is_ignored(client):
    user = SecretariatFactory()
    device = TOTPDevice.objects.create(user=user, confirmed=True)
    sign_in(client, user)
    response = client.post(
        "/accounts/two-factor/verify/", {"token": code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


@pytest.mark.parametrize("make_user", [ReviewerFactory, lambda: MembershipFactory().user])
def test_others_sign_in_with_a_password_until_they_choose_two_factor(client, make_user):
    user = make_user()
    sign_in(client, user)
    assert client.get("/").status_code == 200
    client.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=user)
    client.post("/accounts/two-factor/", {"token": code(device)})
    client.post("/accounts/logout/")
    sign_in(client, user)
    assert client.get("/")["Location"].startswith("/accounts/two-factor/verify/")


def test_api_token_needs_the_code_once_two_factor_is_on(client):
    user = SecretariatFactory()
    refused = client.post("/api/v1/auth/token/", {"username": user.email, "password": PASSWORD})
    assert refused.status_code in (401, 403)
    assert "otp_token" in refused.content.decode()
    device = TOTPDevice.objects.create(user=user, confirmed=True)
    granted = client.post(
        "/api/v1/auth/token/",
        {"username": user.email, "password": PASSWORD, "otp_token": code(device)},
    )
    assert granted.status_code == 200 and re.fullmatch(r"[0-9a-f]{40}", granted.json()["token"])


def test_reviewer_without_two_factor_gets_a_token_with_a_password(client):
    user = ReviewerFactory()
    response = client.post("/api/v1/auth/token/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 200
