"""Two-factor authentication with time-based one-time codes (django-otp's TOTP devices).

Required for secretariat accounts when ``SECRETARIAT_TWO_FACTOR`` is on (always in production);
available to everyone else. A person with a confirmed device must give a code at every sign-in
and to obtain an API token.
"""

from __future__ import annotations

from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from surveys.services.errors import ServiceError


def required_for(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and ((user.is_secretariat and settings.SECRETARIAT_TWO_FACTOR) or user_has_device(user))
    )


def pending_device(user: Any) -> TOTPDevice:
    """The unconfirmed device being set up (made once, so the code shown stays the same)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@transaction.atomic
def confirm_device(*, request: Any, token: str) -> TOTPDevice:
    device = pending_device(request.user)
    if not device.verify_token(token.strip().replace(" ", "")):
        raise ServiceError(
            "That code does not match. Check the time on your phone and type "
            "the six digits the app shows now.",
            field_errors={"token": "Wrong"},
        )
    device.confirmed = True
    device.save()
    TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
    otp_login(request, device)
    return device


def verify(*, request: Any, token: str) -> TOTPDevice:
    token = token.strip().replace(" ", "")
    devices = list(TOTPDevice.objects.devices_for_user(request.user, confirmed=True))
    if devices and not any(device.verify_is_allowed()[0] for device in devices):
        raise ServiceError(
            "Too many wrong codes in a row: wait a few seconds, then type the code your app shows.",
            field_errors={"token": "Wait"},
        )
    for device in devices:
        if device.verify_token(token):
            otp_login(request, device)
            return device
    raise ServiceError(
        "That code does not match. Type the six digits your authenticator app shows now.",
        field_errors={"token": "Wrong"},
    )


def token_matches(user: Any, token: str) -> bool:
    """For API token requests: a code from one of the person's confirmed devices."""
    token = (token or "").strip().replace(" ", "")
    return any(
        d.verify_token(token) for d in TOTPDevice.objects.devices_for_user(user, confirmed=True)
    )
