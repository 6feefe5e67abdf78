"""Behind a reverse proxy, lock-outs and the audit trail tell people apart by the address the
proxy saw; without one, an X-Forwarded-For header sent by a client changes nothing."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.test import RequestFactory

from portal.network import client_address
from surveys.models import Answer, Reply, Respondent
from tests.factories import MembershipFactory, UserFactory, build_questionnaire, question

PASSWORD = "correct-horse-battery"
PROXY = "10.0.0.2"


def _sign_in(client, password: str, forwarded_for: str | None = None):  # type: ignore[no-untyped-def]
    extra = {"REMOTE_ADDR": PROXY}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(
        "/accounts/login/", {"username": "fp@verbale.test", "password": password}, **extra
    )


@pytest.mark.django_db
def test_behind_one_proxy_two_people_are_locked_out_separately(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(email="fp@verbale.test")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "wrong", forwarded_for="203.0.113.5")
    assert _sign_in(client, PASSWORD, forwarded_for="203.0.113.5").status_code == 429
    # The rightful owner, elsewhere, behind the same proxy, is not paused by it.
    elsewhere = _sign_in(client, PASSWORD, forwarded_for="198.51.100.7")
    assert elsewhere.status_code == 302


@pytest.mark.django_db
def test_behind_one_proxy_only_the_entry_it_appended_counts(client, settings):
    """An attacker writing a new address in front each time is still the same address."""
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(email="fp@verbale.test")
    for n in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "wrong", forwarded_for=f"192.0.2.{n}, 203.0.113.5")
    assert _sign_in(client, PASSWORD, forwarded_for="192.0.2.99, 203.0.113.5").status_code == 429


@pytest.mark.django_db
def test_without_a_proxy_a_forged_forwarded_for_header_is_ignored(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    UserFactory(email="fp@verbale.test")
    for n in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "wrong", forwarded_for=f"192.0.2.{n}")
    assert _sign_in(client, PASSWORD, forwarded_for="192.0.2.200").status_code == 429


@pytest.mark.parametrize(
    ("count", "forwarded_for", "expected"),
    [
        (0, "192.0.2.1", PROXY),
        (1, "192.0.2.1, 203.0.113.5", "203.0.113.5"),
        (2, "192.0.2.1, 203.0.113.5, 10.0.0.1", "203.0.113.5"),
        (2, "203.0.113.5", "203.0.113.5"),  # fewer entries than proxies: the nearest there is
        (1, "203.0.113.5:51234", "203.0.113.5"),
        (1, "[2001:db8::1]:443", "2001:db8::1"),
        (1, "unknown", PROXY),  # not an address: never written into the lock-out tables
        (1, "", PROXY),
    ],
)
def test_client_address_believes_only_the_trusted_proxies(settings, count, forwarded_for, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_address(request) == expected


@pytest.mark.django_db
def test_audit_trail_records_the_trusted_address_not_a_forged_one(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    salvador = Respondent.objects.get(code="SLV")
    q = build_questionnaire(dispatch_to=[salvador])
    client.force_login(MembershipFactory(respondent=salvador).user)
    reply = Reply.objects.get(questionnaire=q)
    saved = client.put(
        f"/api/v1/replies/{reply.pk}/answers/{question(q, '2').pk}/",
        {"value": "Salvadoran text", "version": 0},
        content_type="application/json",
        REMOTE_ADDR="198.51.100.20",
        HTTP_X_FORWARDED_FOR="192.0.2.66",
    )
    assert saved.status_code == 200
    entry = LogEntry.objects.get_for_objects(Answer.objects.filter(reply=reply)).get()
    assert entry.remote_addr == "198.51.100.20"
