"""Two-factor authentication: time-based codes from an authenticator app (django-otp's TOTP
devices) and one-time recovery codes (django-otp's static devices).

Required for secretariat accounts when ``SECRETARIAT_TWO_FACTOR`` is on (always in production);
available to everyone else. A person with a confirmed device must give a code at every sign-in
and to obtain an API token.

A session that has given the password but not yet the code ("half signed in") may only give the
code or sign out (``portal.middleware.TwoFactorMiddleware``). Setting up an authenticator is
open to it only while the account has no confirmed device at all (first enrolment); once one
exists, adding or replacing one needs a session verified with the current code or a recovery
code. Otherwise the password alone would be enough to enrol an attacker's phone.
"""

from __future__ import annotations

import re
from typing import Any

import qrcode
import qrcode.image.svg
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .accounts import services as accounts
from .errors import InvalidError, ServiceError

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "Recovery codes"
_SIX_DIGITS = re.compile(r"\d{6}")


def with_confirmed_device() -> Q:
    """Condition on people: an authenticator app or recovery codes is on."""
    return Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)) | Exists(
        StaticDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    )


def has_confirmed_device(user: Any) -> bool:
    """From then on, a code is needed to sign in. One query (the middleware asks on every
    request of a person without two-factor sign-in)."""
    return bool(
        user.is_authenticated
        and get_user_model().objects.filter(with_confirmed_device(), pk=user.pk).exists()
    )


def required_for(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and (
            (user.is_secretariat and settings.SECRETARIAT_TWO_FACTOR) or has_confirmed_device(user)
        )
    )


def may_set_up(user: Any) -> bool:
    """First enrolment (no confirmed device yet), or a session that gave the second factor."""
    return bool(user.is_authenticated and (user.is_verified() or not has_confirmed_device(user)))


def pending_device(user: Any) -> TOTPDevice:
    """The unconfirmed device being set up (made once, so the code shown stays the same)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def _normalised(token: str) -> str:
    """Codes as people type them: spaces and dashes are only for reading."""
    return re.sub(r"[\s-]", "", token or "").lower()


@transaction.atomic
def confirm_device(*, request: Any, token: str) -> list[str]:
    """Turn on the pending authenticator; it replaces any earlier one (a lost phone must stop
    working), and a fresh set of recovery codes replaces the old. Returns the new codes, which
    are shown once.

    A wrong code here is not counted towards the pause after wrong tries (the error rolls the
    count back): the page shows the key, so there is nothing to guess."""
    if not may_set_up(request.user):
        raise InvalidError(
            "Give the code of your current authenticator app, or a recovery code, first.",
            field_errors={"token": "Verify first"},
        )
    device = pending_device(request.user)
    if not device.verify_token(_normalised(token)):
        raise InvalidError(
            "That code does not match. Check the time on your phone and type "
            "the six digits the app shows now.",
            field_errors={"token": "Wrong"},
        )
    device.confirmed = True
    device.save()
    TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
    # API tokens obtained before were given for the password alone, or with the authenticator
    # this one replaces (perhaps a lost phone): none of them may outlive the change.
    accounts.revoke_all_tokens(user=request.user, reason="authenticator set up")
    codes = _issue_recovery_codes(request.user)
    otp_login(request, device)
    return codes


def _issue_recovery_codes(user: Any) -> list[str]:
    """Ten new one-time codes; the earlier ones stop working. The static device itself is kept,
    so that a session verified with one of its codes stays verified."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return sorted(codes)


@transaction.atomic
def regenerate_recovery_codes(*, request: Any) -> list[str]:
    """New recovery codes for someone whose session gave the second factor."""
    if not request.user.is_verified():
        raise InvalidError("Give your two-factor code first.")
    if not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        raise InvalidError("Turn on two-factor sign-in with an authenticator app first.")
    return _issue_recovery_codes(request.user)


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _match(user: Any, token: str) -> Device | None:
    """The confirmed device this code belongs to (a recovery code is used up by matching).

    Six digits are an authenticator code; anything else is tried as a recovery code. Raises
    ServiceError while wrong tries have paused that kind of device."""
    token = _normalised(token)
    if not token:
        return None
    kind = TOTPDevice if _SIX_DIGITS.fullmatch(token) else StaticDevice
    # The row lock makes using one recovery code from two requests at once fail for one of them.
    devices = list(
        kind.objects.devices_for_user(user, confirmed=True).select_for_update().order_by("pk")
    )
    if devices and not any(device.verify_is_allowed()[0] for device in devices):
        raise InvalidError(
            "Too many wrong codes in a row: wait a few seconds, then try again.",
            field_errors={"token": "Wait"},
        )
    for device in devices:
        if device.verify_token(token):
            return device
    return None


def verify(*, request: Any, token: str) -> Device:
    # The error is raised after the transaction, which keeps the count of wrong tries.
    with transaction.atomic():
        device = _match(request.user, token)
    if device is None:
        raise InvalidError(
            "That code does not match. Type the six digits your authenticator app shows now, "
            "or one of your recovery codes.",
            field_errors={"token": "Wrong"},
        )
    # A new session key, as at password sign-in: the session now opens everything.
    request.session.cycle_key()
    otp_login(request, device)
    return device


@transaction.atomic
def token_matches(user: Any, token: str) -> bool:
    """For API token requests: a code from one of the person's confirmed devices, or one of
    their recovery codes (used up)."""
    try:
        return _match(user, token) is not None
    except ServiceError:
        return False


@transaction.atomic
def reset(*, user: Any, by: Any) -> bool:
    """The secretariat removes a person's authenticators and recovery codes (a lost phone).

    The person then sets up a new authenticator at their next sign-in, with their password
    alone: that is the accepted risk of a reset, so it is kept in the audit trail. Returns
    whether there was anything to remove."""
    was_on = has_confirmed_device(user)
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).delete()
    # Whoever holds the lost phone may also hold tokens obtained with it.
    accounts.revoke_all_tokens(user=user, reason="two-factor sign-in reset by the secretariat")
    LogEntry.objects.log_create(
        user,
        action=LogEntry.Action.UPDATE,
        changes={"two-factor sign-in": ["on" if was_on else "off", "reset by the secretariat"]},
        actor=by,
    )
    return was_on
