"""Activation links: only the nominee gets one, never the e-mail log; only before the person
has chosen a password; each step is in the audit trail."""

from __future__ import annotations

import importlib
import re

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.core import mail
from django.urls import reverse

from portal.errors import ServiceError
from surveys.models import Activation, EmailLog, Respondent
from surveys.questionnaires import dispatch
from tests.factories import MembershipFactory, SecretariatFactory

pytestmark = pytest.mark.django_db
LINK = re.compile(r"http://[^/\s]+(/accounts/activate/\S+/)")


@pytest.fixture
def niger():  # type: ignore[no-untyped-def]
    return Respondent.objects.get(code="NER")


@pytest.fixture
def secretariat():  # type: ignore[no-untyped-def]
    return SecretariatFactory()


def nominate(niger, secretariat, capture, email="focal@niger.example"):  # type: ignore[no-untyped-def]
    with capture(execute=True):
        return dispatch.nominate(
            respondent=niger,
            email=email,
            full_name="Aïcha Moussa",
            role="focal_point",
            by=secretariat,
        )


def test_the_nominee_gets_the_link_and_the_email_log_does_not(
    client, niger, secretariat, django_capture_on_commit_callbacks
):
    nominate(niger, secretariat, django_capture_on_commit_callbacks)
    sent = mail.outbox[0].body
    link = LINK.search(sent).group(1)
    log = EmailLog.objects.get(kind="activation")
    assert "/accounts/activate/" not in log.body
    assert "[activation link removed]" in log.body
    # Apart from the link, the log keeps what the person received.
    assert log.body == sent.replace(LINK.search(sent).group(0), "[activation link removed]")
    client.force_login(secretariat)
    page = client.get(reverse("surveys:email-log")).content.decode()
    assert "[activation link removed]" in page and link not in page
    # The link itself still works for the person.
    client.logout()
    done = client.post(
        link, {"password1": "a-long-new-passphrase", "password2": "a-long-new-passphrase"}
    )
    assert done.status_code == 302


def test_no_new_activation_link_once_the_person_has_a_password(niger, secretariat):
    membership = MembershipFactory(respondent=niger)  # has chosen a password
    with pytest.raises(ServiceError, match="already activated"):
        dispatch.send_activation(membership=membership, by=secretariat)
    assert not Activation.objects.exists()
    assert not EmailLog.objects.exists()


def test_send_again_works_before_activation_and_is_refused_after_in_the_page(
    client, niger, secretariat, django_capture_on_commit_callbacks
):
    waiting = MembershipFactory(respondent=niger, user__password=None)
    active = MembershipFactory(respondent=niger)
    client.force_login(secretariat)
    page = client.get(reverse("surveys:secretariat-nominations", args=[niger.pk])).content
    page = page.decode()
    assert reverse("surveys:secretariat-membership-activation", args=[waiting.pk]) in page
    assert reverse("surveys:secretariat-membership-activation", args=[active.pk]) not in page
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(
            reverse("surveys:secretariat-membership-activation", args=[waiting.pk]), follow=True
        )
    assert "A new activation link was sent" in again.content.decode()
    assert len(mail.outbox) == 1
    refused = client.post(
        reverse("surveys:secretariat-membership-activation", args=[active.pk]), follow=True
    )
    assert "has already activated their access" in refused.content.decode()
    assert len(mail.outbox) == 1
    assert not Activation.objects.filter(membership=active).exists()


def test_nominating_someone_who_already_has_access_sends_no_link(
    client, niger, secretariat, django_capture_on_commit_callbacks
):
    person = MembershipFactory(respondent=Respondent.objects.get(code="QAT")).user
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            reverse("surveys:secretariat-nominations", args=[niger.pk]),
            {"email": person.email, "full_name": "A. Person", "role": "expert"},
            follow=True,
        )
    assert "they already have access, and were told by e-mail" in page.content.decode()
    membership = person.memberships.get(respondent=niger)
    assert not Activation.objects.filter(membership=membership).exists()
    assert "/accounts/activate/" not in mail.outbox[0].body
    assert "You already have access" in mail.outbox[0].body


def test_sending_and_using_an_activation_link_are_in_the_audit_trail(
    client, niger, secretariat, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("surveys:secretariat-nominations", args=[niger.pk]),
            {"email": "focal@niger.example", "full_name": "Aïcha Moussa", "role": "focal_point"},
        )
    membership = Activation.objects.get().membership
    sent = LogEntry.objects.get_for_objects(Activation.objects.all())
    assert sent.get().actor == secretariat
    assert "token_hash" not in sent.get().changes_dict
    client.logout()
    client.post(
        LINK.search(mail.outbox[0].body).group(1),
        {"password1": "a-long-new-passphrase", "password2": "a-long-new-passphrase"},
    )
    user = membership.user
    changes = [e.changes_dict for e in LogEntry.objects.get_for_object(user)]
    assert {"password": ["", "changed"]} in changes
    used = LogEntry.objects.get_for_objects(Activation.objects.all()).filter(
        action=LogEntry.Action.UPDATE
    )
    assert "used_at" in used.get().changes_dict


def test_activation_links_logged_before_are_removed_from_the_log():
    log = EmailLog.objects.create(
        kind="activation",
        to="fp@niger.example",
        subject="Verbale: your access as focal point",
        body="Open this link:\nhttps://verbale.example.org/accounts/activate/AbC-123_x/\nThanks",
    )
    migration = importlib.import_module("surveys.migrations.0006_redact_activation_links")
    migration.redact(apps, None)
    log.refresh_from_db()
    assert log.body == "Open this link:\n[activation link removed]\nThanks"
