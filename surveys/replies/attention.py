"""What needs the secretariat's attention now, on the side of the cycle: replies due this week
and late, clarifications awaiting an answer, drafts untouched for long, nominations pending.
Each item links to the page where it is dealt with (the home page composes them with the
reports' own items)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from ..models import ClarificationMessage, Membership, Questionnaire, Reply


@dataclass(frozen=True)
class Attention:
    """One thing to deal with: what, how many, where."""

    label: str
    count: int
    url: str
    hint: str = ""


def _board(questionnaire_id: int, **query: str) -> str:
    url = reverse("surveys:questionnaire-status", args=[questionnaire_id])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def cycle_attention(*, today: datetime.date | None = None) -> list[Attention]:
    today = today or timezone.localdate()
    items: list[Attention] = []
    open_questionnaires = Questionnaire.objects.filter(status=Questionnaire.Status.DISPATCHED)
    waiting = Q(replies__received_on__isnull=True, replies__withdrawn=False)
    week = today + datetime.timedelta(days=7)
    counted = open_questionnaires.annotate(waiting=Count("replies", filter=waiting)).filter(
        waiting__gt=0
    )
    for q in counted.filter(deadline__gte=today, deadline__lte=week).order_by("deadline"):
        items.append(
            Attention(
                f"Replies due this week to “{q.title}”",
                q.waiting,
                _board(q.pk, sort="status"),
                f"deadline {q.deadline:%-d %B %Y}",
            )
        )
    for q in counted.filter(deadline__lt=today).order_by("deadline"):
        items.append(
            Attention(
                f"Late replies to “{q.title}”",
                q.waiting,
                _board(q.pk, sort="status"),
                f"deadline {q.deadline:%-d %B %Y} has passed; remind them from the board",
            )
        )

    # A thread whose last message is not the secretariat's waits for its answer.
    last_author_role = (
        ClarificationMessage.objects.filter(
            reply_id=OuterRef("reply_id"), question_id=OuterRef("question_id")
        )
        .order_by("-created_at", "-pk")
        .values("author__role")[:1]
    )
    awaiting = (
        ClarificationMessage.objects.filter(reply__questionnaire__in=open_questionnaires)
        .annotate(last_role=Subquery(last_author_role))
        .exclude(last_role="secretariat")
        .values("reply_id", "reply__questionnaire_id")
        .distinct()
    )
    for row in awaiting[:20]:
        items.append(
            Attention(
                "Clarification awaiting the secretariat's answer",
                1,
                reverse(
                    "surveys:secretariat-reply",
                    args=[row["reply__questionnaire_id"], row["reply_id"]],
                ),
            )
        )

    days = settings.DRAFT_UNTOUCHED_DAYS
    untouched = (
        Reply.objects.filter(
            questionnaire__in=open_questionnaires,
            status=Reply.Status.DRAFT,
            last_activity_at__lt=timezone.now() - datetime.timedelta(days=days),
        )
        .values("questionnaire_id", "questionnaire__title")
        .annotate(n=Count("pk"))
        .order_by("questionnaire_id")
    )
    for row in untouched:
        items.append(
            Attention(
                f"Drafts untouched for more than {days} days, “{row['questionnaire__title']}”",
                row["n"],
                _board(row["questionnaire_id"], status="draft", sort="activity"),
            )
        )

    # Not activated: the password is still Django's unusable one (no hash starts with "!").
    pending = Membership.objects.filter(
        is_active=True,
        user__is_active=True,
        user__password__startswith=UNUSABLE_PASSWORD_PREFIX,
    ).count()
    if pending:
        items.append(
            Attention(
                "Nominations pending: access not yet activated",
                pending,
                reverse("surveys:secretariat-nominations-index"),
                "send a new activation link where one has expired",
            )
        )
    return items
