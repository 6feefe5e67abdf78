"""Comparing one question's answers across respondents, and one respondent across questionnaires."""

from __future__ import annotations

import html
from collections.abc import Sequence

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from ...models import Question, Questionnaire, Section, text_in
from ...questionnaires.selectors import questionnaires_visible_to
from ...respondents.selectors import respondents_in_un_order
from .. import exports, search
from .common import _int_or_none, _questionnaire_or_latest, review_access

# --- compare -----------------------------------------------------------------------------------


def _chosen_respondents(request: HttpRequest) -> list[int]:
    """Respondents ticked in the picker (``respondents=`` repeated); unreadable ids ignored."""
    chosen = (_int_or_none(value) for value in request.GET.getlist("respondents"))
    return [pk for pk in chosen if pk is not None]


@require_GET
@review_access
def compare(request: HttpRequest) -> HttpResponse:
    """One question, a section or the whole questionnaire across respondents, side by side:
    every respondent the filters select, or only those picked by name."""
    questionnaire = _questionnaire_or_latest(request)
    if questionnaire is None:
        return render(request, "surveys/review/compare.html", {"questionnaire": None})
    params = request.GET.copy()
    params["questionnaire"] = str(questionnaire.pk)
    filterset = search.browse(request.user, params, request)
    replies = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    picked = _chosen_respondents(request)
    if picked:
        replies = replies.filter(respondent_id__in=picked)
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
    on = search.names_date(questionnaire)
    candidates = respondents_in_un_order(on).filter(
        pk__in=search.submitted_replies(request.user)
        .filter(questionnaire=questionnaire)
        .values("respondent_id")
    )
    labels = exports.group_labels()
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
            "headers": [
                {"question": q, "text": text_in(q.text, "en")} for q in comparison.questions
            ],
            "row_html": [_row_html(row, comparison.questions) for row in comparison.rows]
            if wide
            else [],
            "picker": [
                {
                    "pk": respondent.pk,
                    "name": search.respondent_name(respondent, on),
                    "group": labels.get(exports.group_of(respondent), ""),
                    "picked": respondent.pk in picked,
                }
                for respondent in candidates
            ],
            "picked_count": len(picked),
        },
    )


LONG_CELL = 160  # longer answers are clamped to four lines; focus or hover shows them whole
CELL_CHARS = 2_000  # longer still, the cell ends with a link to the whole answer


def _row_html(row: exports.ComparisonRow, questions: Sequence[Question]) -> SafeString:
    """One row of the wide comparison table, written here rather than in the template.

    195 respondents by 60 questions are 11,700 cells: a template loop over them takes about a
    second, these few string operations a few dozen milliseconds. Every text is escaped. A long
    answer is clamped to four lines but its cell can take the focus (Tab, or a click) and then
    shows it whole; a very long one is cut and links to the whole answer on the reply page."""
    url = reverse("surveys:review-reply", args=[row.reply.pk])
    parts = [format_html('<th scope="row" class="sticky"><a href="{}">{}</a></th>', url, row.name)]
    for cell, question in zip(row.cells, questions, strict=True):
        text = cell.text
        if not text:
            parts.append('<td class="cell--none">—</td>')
            continue
        css = "" if cell.state == "answered" else f"cell--{cell.state}"
        if len(text) <= LONG_CELL:
            parts.append(f'<td class="{css}"><div>{html.escape(text)}</div></td>')
            continue
        more = ""
        if len(text) > CELL_CHARS:
            text = text[:CELL_CHARS].rsplit(" ", 1)[0] + " …"
            more = format_html(' <a href="{}#q-{}">Whole answer</a>', url, question.pk)
        label = html.escape(f"{row.name}, question {question.number}", quote=True)
        parts.append(
            f'<td class="long {css}"><div class="clamp" tabindex="0" role="note" '
            f'aria-label="{label}">{html.escape(text)}{more}</div></td>'
        )
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


# --- series: one question across the rounds of a questionnaire ---------------------------------


@require_GET
@review_access
def series(request: HttpRequest) -> HttpResponse:
    """The same question across the rounds of a questionnaire (each started from the one
    before), for every respondent or one; choice questions also counted round by round."""
    questionnaire = _questionnaire_or_latest(request)
    if questionnaire is None:
        return render(request, "surveys/review/series.html", {"questionnaire": None})
    visible = questionnaires_visible_to(request.user)
    rounds = exports.rounds_of(questionnaire, visible)
    questions = exports.questions_of([questionnaire.pk])[questionnaire.pk]
    question_id = _int_or_none(request.GET.get("question"))
    question = next((q for q in questions if q.pk == question_id), None)
    if question_id is not None and question is None:
        raise Http404
    question = question or next(iter(questions), None)
    replies = search.submitted_replies(request.user)
    on = search.names_date(rounds[-1]) if rounds else search.names_date(questionnaire)
    respondents = respondents_in_un_order(on).filter(
        pk__in=replies.filter(questionnaire__in=[q.pk for q in rounds]).values("respondent_id")
    )
    respondent_id = _int_or_none(request.GET.get("respondent"))
    respondent = get_object_or_404(respondents, pk=respondent_id) if respondent_id else None
    data = (
        exports.question_series(
            replies, question, rounds, respondent.pk if respondent is not None else None
        )
        if question is not None
        else None
    )
    return render(
        request,
        "surveys/review/series.html",
        {
            "questionnaire": questionnaire,
            "questionnaires": visible.exclude(status=Questionnaire.Status.DRAFT).order_by(
                "-deadline", "title"
            ),
            "questions": questions,
            "question": question,
            "question_text": text_in(question.text, "en") if question else "",
            "respondents": [(r.pk, search.respondent_name(r, on)) for r in respondents],
            "respondent": respondent,
            "series": data,
            "counts": _series_counts(data) if data is not None else [],
            "rounds_text": [
                {
                    "questionnaire": q,
                    "asked": matched is not None,
                    "number": matched.number if matched else "",
                }
                for q, matched in zip(rounds, data.questions if data else [], strict=False)
            ],
        },
    )


def _series_counts(data: exports.Series) -> list[dict[str, object]]:
    """Rows of the round-by-round counts of a choice question: one per option, then "not
    reported"; a round where the question was not asked shows a dash, never a 0."""
    counts = data.counts
    first = next((c for c in counts if c is not None), None)
    if first is None:
        return []
    rows: list[dict[str, object]] = []
    for value, label in first.options:
        rows.append(
            {
                "label": label,
                "cells": [
                    None
                    if c is None or not c.answered
                    else f"{c.counts.get(value, 0)} of {c.answered}"
                    for c in counts
                ],
            }
        )
    rows.append(
        {
            "label": "Not reported",
            "cells": [None if c is None else str(c.not_reported) for c in counts],
            "muted": True,
        }
    )
    return rows
