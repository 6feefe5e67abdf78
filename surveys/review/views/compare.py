"""Comparing one question's answers across respondents, and one respondent across questionnaires."""

from __future__ import annotations

import html
from collections.abc import Sequence

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from ...models import Section
from ...respondents.selectors import respondents_in_un_order
from .. import exports, search
from .common import _int_or_none, _questionnaire_or_latest, review_access

# --- compare -----------------------------------------------------------------------------------


@require_GET
@review_access
def compare(request: HttpRequest) -> HttpResponse:
    """One question, a section or the whole questionnaire across respondents, side by side."""
    questionnaire = _questionnaire_or_latest(request)
    if questionnaire is None:
        return render(request, "surveys/review/compare.html", {"questionnaire": None})
    params = request.GET.copy()
    params["questionnaire"] = str(questionnaire.pk)
    filterset = search.browse(request.user, params, request)
    replies = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    sections = list(
        Section.objects.filter(questionnaire=questionnaire).prefetch_related("questions")
    )
    question_id = _int_or_none(request.GET.get("question"))
    section_id = _int_or_none(request.GET.get("section"))
    if question_id:
        chosen: Sequence[int] | None = [question_id]
    elif section_id:
        chosen = [q.pk for s in sections if s.pk == section_id for q in s.questions.all()]
    else:
        chosen = None
    comparison = exports.compare_across_respondents(replies, questionnaire, chosen)
    wide = len(comparison.questions) > 1
    return render(
        request,
        "surveys/review/compare.html",
        {
            "questionnaire": questionnaire,
            "filter": filterset,
            "comparison": comparison,
            "sections": sections,
            "question_id": question_id,
            "section_id": section_id,
            "wide": wide,
            "row_html": [_row_html(row) for row in comparison.rows] if wide else [],
        },
    )


CELL_CHARS = 280  # a wide cell shows four lines; the whole answer is one click away


def _row_html(row: exports.ComparisonRow) -> SafeString:
    """One row of the wide comparison table, written here rather than in the template.

    195 respondents by 60 questions are 11,700 cells: a template loop over them takes about a
    second, these few string operations a few dozen milliseconds. Every text is escaped; a long
    answer is cut (the row links to the whole reply)."""
    url = reverse("surveys:review-reply", args=[row.reply.pk])
    parts = [format_html('<th scope="row" class="sticky"><a href="{}">{}</a></th>', url, row.name)]
    for cell in row.cells:
        text = cell.text
        if not text:
            parts.append('<td class="cell--none">—</td>')
            continue
        if len(text) > CELL_CHARS:
            text = text[:CELL_CHARS].rsplit(" ", 1)[0] + " …"
        css = "" if cell.state == "answered" else f' class="cell--{cell.state}"'
        parts.append(f"<td{css}><div>{html.escape(text)}</div></td>")
    return mark_safe("".join(parts))  # noqa: S308 - every part escaped above


@require_GET
@review_access
def compare_respondent(request: HttpRequest) -> HttpResponse:
    """One respondent across questionnaires over the years, questions matched by number."""
    replies = search.submitted_replies(request.user)
    with_replies = respondents_in_un_order().filter(pk__in=replies.values("respondent_id"))
    respondent_id = _int_or_none(request.GET.get("respondent"))
    respondent = get_object_or_404(with_replies, pk=respondent_id) if respondent_id else None
    history = exports.respondent_history(replies, respondent) if respondent else None
    return render(
        request,
        "surveys/review/compare_respondent.html",
        {"respondents": with_replies, "respondent": respondent, "history": history},
    )
