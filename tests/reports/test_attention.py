"""The secretariat's home: what needs attention now, each item a link to where it is dealt
with; other people's home pages show none of it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import Build
from surveys.models import ClarificationMessage, Reply, Respondent
from tests.factories import (
    MembershipFactory,
    ReviewerFactory,
    SecretariatFactory,
    build_questionnaire,
    question,
)
from tests.reports.factories import coded_report, report_with_replies

pytestmark = pytest.mark.django_db


def _home(client, user) -> str:  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client.get(reverse("home")).content.decode()


@pytest.fixture
def secretariat():  # type: ignore[no-untyped-def]
    return SecretariatFactory()


def _cycle(secretariat, deadline: datetime.date):  # type: ignore[no-untyped-def]
    states = Respondent.objects.filter(code__in=["NER", "QAT", "TGO"])
    return build_questionnaire(
        by=secretariat,
        title=f"Cycle ending {deadline}",
        dispatch_to=states,
        deadline=deadline,
        cutoff=deadline + datetime.timedelta(days=30),
    )


def test_replies_due_this_week_and_late_are_counted_with_a_link_to_the_board(client, secretariat):
    today = timezone.localdate()
    soon = _cycle(secretariat, today + datetime.timedelta(days=3))
    past = _cycle(secretariat, today - datetime.timedelta(days=10))
    Reply.objects.filter(questionnaire=past, respondent__code="QAT").update(
        received_on=today, status="submitted"
    )
    page = _home(client, secretariat)
    assert "What needs attention now" in page
    board = reverse("surveys:questionnaire-status", args=[soon.pk])
    assert (
        f'<a href="{board}?sort=status">Replies due this week to “{soon.title}”</a> '
        "<strong>(3)</strong>" in page
    )
    board = reverse("surveys:questionnaire-status", args=[past.pk])
    assert (
        f'<a href="{board}?sort=status">Late replies to “{past.title}”</a> <strong>(2)</strong>'
        in page
    )


def test_a_clarification_awaits_an_answer_until_the_secretariat_writes_back(client, secretariat):
    q = _cycle(secretariat, timezone.localdate() + datetime.timedelta(days=30))
    reply = q.replies.get(respondent__code="NER")
    focal = MembershipFactory(respondent=reply.respondent).user
    asked = question(q, "2")
    ClarificationMessage.objects.create(reply=reply, question=asked, author=secretariat, text="?")
    link = reverse("surveys:secretariat-reply", args=[q.pk, reply.pk])
    assert link not in _home(client, secretariat)
    ClarificationMessage.objects.create(reply=reply, question=asked, author=focal, text="Why?")
    assert f'<a href="{link}">Clarification awaiting' in _home(client, secretariat)
    ClarificationMessage.objects.create(reply=reply, question=asked, author=secretariat, text="…")
    assert link not in _home(client, secretariat)


def test_drafts_untouched_for_long_and_nominations_pending(client, secretariat, settings):
    settings.DRAFT_UNTOUCHED_DAYS = 14
    q = _cycle(secretariat, timezone.localdate() + datetime.timedelta(days=30))
    long_ago = timezone.now() - datetime.timedelta(days=20)
    Reply.objects.filter(questionnaire=q, respondent__code="NER").update(
        status="draft", last_activity_at=long_ago
    )
    Reply.objects.filter(questionnaire=q, respondent__code="QAT").update(
        status="draft", last_activity_at=timezone.now()
    )
    user = MembershipFactory(respondent=Respondent.objects.get(code="TGO")).user
    user.set_unusable_password()
    user.save()
    page = _home(client, secretariat)
    board = reverse("surveys:questionnaire-status", args=[q.pk])
    assert f'{board}?status=draft&amp;sort=activity">Drafts untouched for more than 14 days' in page
    assert "(2)" not in page.split("Drafts untouched")[1].split("</li>")[0]
    nominations = reverse("surveys:secretariat-nominations-index")
    assert f'<a href="{nominations}">Nominations pending' in page


def test_a_failed_build_and_open_consistency_findings_link_to_their_pages(client, secretariat):
    report = report_with_replies()
    Build.objects.create(
        report=report, snapshot={}, snapshot_sha256="0" * 64, status="failed", error="Broken."
    )
    page = _home(client, secretariat)
    assert f'<a href="{reverse("reports:build-list", args=[report.pk])}">Last build failed' in page
    Build.objects.create(report=report, snapshot={}, snapshot_sha256="0" * 64, status="succeeded")
    assert "Last build failed" not in _home(client, secretariat)


def test_blocking_consistency_findings_are_listed_and_notes_are_not(client, secretariat):
    coded = coded_report()["report"]  # cites two sets that do not exist yet: blocking
    clean = report_with_replies()  # only notes (members without evidence)
    page = _home(client, secretariat)
    link = reverse("reports:consistency", args=[coded.pk])
    assert f'<a href="{link}">Consistency findings open: {coded.title}</a>' in page
    assert "2 blocking a build" in page
    assert reverse("reports:consistency", args=[clean.pk]) not in page


def test_nobody_but_the_secretariat_sees_what_needs_attention(client, secretariat):
    q = _cycle(secretariat, timezone.localdate() - datetime.timedelta(days=1))
    focal = MembershipFactory(respondent=Respondent.objects.get(code="QAT")).user
    for person in (focal, ReviewerFactory()):
        page = _home(client, person)
        assert "What needs attention now" not in page
        assert reverse("surveys:questionnaire-status", args=[q.pk]) not in page
