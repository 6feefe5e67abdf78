"""Two-factor sign-in: required for the secretariat, available to all, also for API tokens."""

from __future__ import annotations

import re

import pytest
from auditlog.models import LogEntry
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

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


def shown_codes(response) -> list[str]:  # type: ignore[no-untyped-def]
    """The recovery codes on a page, as stored (the page shows them in two halves)."""
    return [
        a + b for a, b in re.findall(r"<code>(\w{4}) (\w{4})</code>", response.content.decode())
    ]


def enrol(client, user) -> tuple[TOTPDevice, list[str]]:  # type: ignore[no-untyped-def]
    """Sign in with the password and set up a first authenticator: its device and the recovery
    codes shown."""
    sign_in(client, user)
    client.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    codes = shown_codes(client.post("/accounts/two-factor/", {"token": code(device)}))
    device.refresh_from_db()
    return device, codes


def signed_in_with_code(client, user) -> TOTPDevice:  # type: ignore[no-untyped-def]
    device = TOTPDevice.objects.create(user=user, confirmed=True)
    sign_in(client, user)
    verified = client.post("/accounts/two-factor/verify/", {"token": code(device), "next": "/"})
    assert verified["Location"] == "/"
    return device


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
    assert done.status_code == 200
    assert len(shown_codes(done)) == 10
    assert sorted(shown_codes(done)) == sorted(
        StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    )
    assert 'href="/questionnaires/"' in done.content.decode()
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
    assert granted.status_code == 200 and re.fullmatch(r"[0-9a-f]{64}", granted.json()["token"])


def test_reviewer_without_two_factor_gets_a_token_with_a_password(client):
    user = ReviewerFactory()
    response = client.post("/api/v1/auth/token/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 200


def test_a_password_alone_cannot_enrol_a_new_authenticator(client, settings):
    """The attack: signed in with the password only, add an authenticator of one's own, pass
    the second factor with it, then get an API token with it."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the rogue code's failure must not delay the right one
    user = SecretariatFactory()
    original = TOTPDevice.objects.create(user=user, confirmed=True)
    sign_in(client, user)
    page = client.get("/accounts/two-factor/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/two-factor/verify/")
    rogue = TOTPDevice.objects.create(user=user, confirmed=False)
    posted = client.post("/accounts/two-factor/", {"token": code(rogue), "next": "/"})
    assert posted.status_code == 302
    assert posted["Location"].startswith("/accounts/two-factor/verify/")
    rogue.refresh_from_db()
    assert not rogue.confirmed
    assert client.get("/")["Location"].startswith("/accounts/two-factor/verify/")
    credentials = {"username": user.email, "password": PASSWORD}
    with_rogue = client.post("/api/v1/auth/token/", {**credentials, "otp_token": code(rogue)})
    assert with_rogue.status_code in (400, 401, 403)
    assert (
        client.post("/api/v1/auth/token/", {**credentials, "otp_token": code(original)}).status_code
        == 200
    )


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/questionnaires/",
        "/audit/",
        "/admin/",
        "/accounts/login/",
        "/accounts/password_change/",
        "/accounts/two-factor/",
        "/accounts/two-factor/recovery-codes/",
        "/accounts/two-factor/people/",
        "/no-such-page/",
    ],
)
def test_a_half_signed_in_session_is_sent_to_the_code_page_from_every_page(client, path):
    user = SecretariatFactory()
    TOTPDevice.objects.create(user=user, confirmed=True)
    sign_in(client, user)
    for response in (client.get(path), client.post(path, {"token": "000000"})):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/two-factor/verify/?next=")


def test_a_half_signed_in_session_gets_nothing_from_the_api(client):
    user = MembershipFactory().user
    TOTPDevice.objects.create(user=user, confirmed=True)
    sign_in(client, user)
    for path in ("/api/v1/questionnaires/", "/api/v1/replies/", "/api/v1/no-such-endpoint/"):
        assert client.get(path).status_code == 403


def test_first_enrolment_opens_only_the_set_up_page(client):
    user = SecretariatFactory()
    sign_in(client, user)
    assert client.get("/accounts/two-factor/").status_code == 200
    assert client.get("/accounts/two-factor/recovery-codes/")["Location"].startswith(
        "/accounts/two-factor/?next="
    )
    assert client.get("/audit/")["Location"].startswith("/accounts/two-factor/?next=")


def test_a_recovery_code_replaces_the_six_digits_once(client):
    user = SecretariatFactory()
    _, codes = enrol(client, user)
    client.post("/accounts/logout/")
    sign_in(client, user)
    typed = f"{codes[3][:4].upper()} {codes[3][4:].upper()}"  # as read from a printout
    used = client.post("/accounts/two-factor/verify/", {"token": typed, "next": "/audit/"})
    assert used["Location"] == "/audit/"
    assert client.get("/audit/").status_code == 200
    assert StaticToken.objects.filter(device__user=user).count() == 9
    client.post("/accounts/logout/")
    sign_in(client, user)
    again = client.post("/accounts/two-factor/verify/", {"token": codes[3], "next": "/"})
    assert "does not match" in again.content.decode()
    assert client.get("/")["Location"].startswith("/accounts/two-factor/verify/")


def test_a_recovery_code_gets_an_api_token_once(client):
    user = SecretariatFactory()
    _, codes = enrol(client, user)
    client.post("/accounts/logout/")
    request = {"username": user.email, "password": PASSWORD, "otp_token": codes[0]}
    assert client.post("/api/v1/auth/token/", request).status_code == 200
    assert client.post("/api/v1/auth/token/", request).status_code in (400, 401, 403)


def test_a_recovery_code_lets_a_person_replace_a_lost_authenticator(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = SecretariatFactory()
    lost, codes = enrol(client, user)
    client.post("/accounts/logout/")
    sign_in(client, user)
    client.post("/accounts/two-factor/verify/", {"token": codes[0]})
    assert client.get("/accounts/two-factor/").status_code == 200
    new = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post("/accounts/two-factor/", {"token": code(new)})
    new_codes = shown_codes(done)
    assert len(new_codes) == 10 and not set(new_codes) & set(codes)
    assert list(TOTPDevice.objects.filter(user=user)) == [new]
    client.post("/accounts/logout/")
    sign_in(client, user)
    lost_code = client.post("/accounts/two-factor/verify/", {"token": code(lost)})
    assert "does not match" in lost_code.content.decode()
    old_recovery = client.post("/accounts/two-factor/verify/", {"token": codes[1]})
    assert "does not match" in old_recovery.content.decode()
    assert client.get("/")["Location"].startswith("/accounts/two-factor/verify/")


def test_new_recovery_codes_need_the_second_factor(client):
    user = SecretariatFactory()
    _, codes = enrol(client, user)
    client.post("/accounts/logout/")
    sign_in(client, user)

    def stored() -> list[str]:
        return sorted(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))

    refused = client.post("/accounts/two-factor/recovery-codes/")
    assert refused["Location"].startswith("/accounts/two-factor/verify/")
    assert stored() == sorted(codes)
    client.post("/accounts/two-factor/verify/", {"token": codes[0]})
    assert (
        "9 unused recovery codes"
        in client.get("/accounts/two-factor/recovery-codes/").content.decode()
    )
    renewed = shown_codes(client.post("/accounts/two-factor/recovery-codes/"))
    assert len(renewed) == 10 and stored() == sorted(renewed)
    assert not set(renewed) & set(codes)
    assert client.get("/").status_code == 200  # still verified: the session's device was kept


def test_secretariat_resets_a_lost_authenticator_with_an_audit_entry(client):
    colleague = SecretariatFactory()
    focal_point = MembershipFactory().user
    for person in (colleague, focal_point):
        TOTPDevice.objects.create(user=person, confirmed=True)
        StaticDevice.objects.create(user=person, name="Recovery codes", confirmed=True)
    secretariat = SecretariatFactory()
    signed_in_with_code(client, secretariat)
    listed = client.get("/accounts/two-factor/people/").content.decode()
    assert colleague.email in listed and focal_point.email in listed
    response = client.post(
        f"/accounts/two-factor/people/{colleague.pk}/reset/",
        {"next": "/accounts/two-factor/people/"},
    )
    assert response["Location"] == "/accounts/two-factor/people/"
    assert not TOTPDevice.objects.filter(user=colleague).exists()
    assert not StaticDevice.objects.filter(user=colleague).exists()
    assert TOTPDevice.objects.filter(user=focal_point).exists()
    entry = LogEntry.objects.get_for_object(colleague).get()
    assert entry.actor == secretariat
    assert entry.changes_dict == {"two-factor sign-in": ["on", "reset by the secretariat"]}
    trail = client.get("/audit/").content.decode()
    assert "reset by the secretariat" in trail and colleague.email in trail
    client.post("/accounts/logout/")
    # The colleague enrols again at the next sign-in, with the password.
    sign_in(client, colleague)
    assert client.get("/")["Location"].startswith("/accounts/two-factor/?next=")
    assert client.get("/accounts/two-factor/").status_code == 200


def test_nominations_page_offers_the_reset_for_members_who_use_two_factor(client):
    membership = MembershipFactory()
    other = MembershipFactory(respondent=membership.respondent)
    TOTPDevice.objects.create(user=membership.user, confirmed=True)
    signed_in_with_code(client, SecretariatFactory())
    page = client.get(f"/respondents/{membership.respondent_id}/nominations/")
    html = page.content.decode()
    assert f"/accounts/two-factor/people/{membership.user_id}/reset/" in html
    assert f"/accounts/two-factor/people/{other.user_id}/reset/" not in html


@pytest.mark.parametrize(
    "make_actor",
    [
        lambda target: ReviewerFactory(),
        lambda target: MembershipFactory().user,
        lambda target: MembershipFactory(respondent=target.memberships.get().respondent).user,
    ],
    ids=["reviewer", "focal-point-of-another-state", "focal-point-of-the-same-state"],
)
def test_only_the_secretariat_may_reset_two_factor_sign_in(client, make_actor):
    target = MembershipFactory().user
    TOTPDevice.objects.create(user=target, confirmed=True)
    actor = make_actor(target)
    sign_in(client, actor)
    assert client.post(f"/accounts/two-factor/people/{target.pk}/reset/").status_code == 403
    assert client.get("/accounts/two-factor/people/").status_code == 403
    assert TOTPDevice.objects.filter(user=target, confirmed=True).exists()
    assert not LogEntry.objects.get_for_object(target).exists()


def test_the_administration_shows_no_authenticator_keys_or_recovery_codes(client):
    staff = SecretariatFactory(is_staff=True, is_superuser=True)
    signed_in_with_code(client, staff)
    assert client.get("/admin/").status_code == 200
    for path in ("/admin/otp_totp/totpdevice/", "/admin/otp_static/staticdevice/"):
        assert client.get(path).status_code == 404


def test_giving_the_code_changes_the_session_key(client):
    user = SecretariatFactory()
    device = TOTPDevice.objects.create(user=user, confirmed=True)
    sign_in(client, user)
    half = client.session.session_key
    client.post("/accounts/two-factor/verify/", {"token": code(device)})
    assert client.session.session_key != half
    assert client.get("/").status_code == 200


def test_api_tokens_end_when_an_authenticator_is_reset_or_set_up(client, settings):
    """A token obtained with a lost phone (or with the password alone, before enrolment) must
    not outlive the reset or the new authenticator."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    colleague = SecretariatFactory()
    TOTPDevice.objects.create(user=colleague, confirmed=True)
    _, lost_token = AuthToken.objects.create(user=colleague)
    headers = {"HTTP_AUTHORIZATION": f"Token {lost_token}"}
    assert client.get("/api/v1/respondents/", **headers).status_code == 200
    signed_in_with_code(client, SecretariatFactory())
    client.post(f"/accounts/two-factor/people/{colleague.pk}/reset/")
    client.post("/accounts/logout/")
    assert client.get("/api/v1/respondents/", **headers).status_code in (401, 403)

    _, early_token = AuthToken.objects.create(user=colleague)
    enrol(client, colleague)
    client.post("/accounts/logout/")
    refused = client.get("/api/v1/respondents/", HTTP_AUTHORIZATION=f"Token {early_token}")
    assert refused.status_code in (401, 403)
    assert not AuthToken.objects.filter(user=colleague).exists()
