"""Full-text search of published answers."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.ids import parse_id

from ...models import Respondent
from ...questionnaires.selectors import questionnaires_visible_to
from .. import search
from .common import _query_without, review_access

# --- search ------------------------------------------------------------------------------------


@require_GET
@review_access
def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    questionnaires = questionnaires_visible_to(request.user)
    questionnaire_id = parse_id(request.GET.get("questionnaire", ""))
    kind = request.GET.get("kind", "")
    group = request.GET.get("regional_group", "")
    page, hits = None, []
    if query:
        page, hits = search.search_page(
            user=request.user,
            query=query,
            page_number=request.GET.get("page"),
            questionnaire_id=questionnaire_id,
            kind=kind if kind in Respondent.Kind.values else "",
            regional_group=group if group in Respondent.RegionalGroup.values else "",
        )
    return render(
        request,
        "surveys/review/search.html",
        {
            "query": query,
            "page": page,
            "hits": hits,
            "questionnaires": questionnaires,
            "questionnaire_id": questionnaire_id,
            "kind": kind,
            "regional_group": group,
            "kinds": Respondent.Kind.choices,
            "groups": Respondent.RegionalGroup.choices,
            "query_string": _query_without(request, "page"),
        },
    )
