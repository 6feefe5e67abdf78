"""Two-factor sign-in in a browser: set up an authenticator, keep the recovery codes, sign in
again with one of them; each page passes axe-core with no serious or critical violation."""

from __future__ import annotations

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page

from tests.browser.conftest import login, screenshot
from tests.browser.test_accessibility import audited, serious_violations  # noqa: F401
from tests.factories import MembershipFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_a_person_sets_up_two_factor_and_signs_in_with_a_recovery_code(audited: Page):  # noqa: F811
    person = MembershipFactory(user__email="fp-2fa@verbale.test").user
    login(audited, person.email)
    audited.get_by_role("link", name="Two-factor sign-in").click()
    audited.wait_for_url("**/accounts/two-factor/**")
    assert serious_violations(audited) == [], "set-up"
    device = TOTPDevice.objects.get(user=person, confirmed=False)
    audited.get_by_label("Six-digit code").fill(current_code(device))
    audited.get_by_role("button", name="Turn on").click()
    audited.get_by_role("heading", name="Your recovery codes").wait_for()
    assert serious_violations(audited) == [], "recovery codes"
    screenshot(audited, "two-factor-recovery-codes")
    codes = audited.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"\w{4} \w{4}", c) for c in codes)
    audited.get_by_role("link", name="I have kept them: continue").click()
    audited.get_by_role("button", name="Sign out").click()
    audited.wait_for_url("**/accounts/login/**")

    login(audited, person.email)
    audited.wait_for_url("**/accounts/two-factor/verify/**")
    assert serious_violations(audited) == [], "code page"
    audited.get_by_label("Code").fill(codes[0])
    audited.get_by_role("button", name="Continue").click()
    audited.get_by_text("You used a recovery code; 9 left.").wait_for()
    assert "/accounts/two-factor/" not in audited.url
