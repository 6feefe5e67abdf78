"""What every page of the reviewer workspace shares: who may open it and how it reads the query."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from portal.ids import parse_id
from portal.permissions import review_required

from ...models import Questionnaire, Revision
from ...questionnaires.selectors import questionnaires_visible_to

BROWSE_PAGE_SIZE = 50


# Reviewers and the secretariat only (403 for everyone else who is signed in).
review_access = review_required


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _language(request: HttpRequest, questionnaire: Questionnaire) -> str:
    asked = request.GET.get("lang", "")
    if asked in (questionnaire.languages or []):
        return asked
    return "en" if "en" in (questionnaire.languages or ["en"]) else questionnaire.languages[0]


def _questionnaire_or_latest(request: HttpRequest) -> Questionnaire | None:
    visible = questionnaires_visible_to(request.user)
    chosen = parse_id(request.GET.get("questionnaire", ""))
    if chosen is not None:
        return get_object_or_404(visible, pk=chosen)
    with_replies = visible.filter(
        Exists(Revision.objects.filter(reply__questionnaire=OuterRef("pk")))
    )
    return with_replies.order_by("-deadline", "-pk").first()


def _int_or_none(value: str | None) -> int | None:
    return parse_id(value)
