"""Statistical tables of answers, with their bar charts."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from ...models import Question, text_in
from ...questionnaires import answers as answer_rules
from .. import exports, search
from .charts import bar_chart
from .common import _int_or_none, _questionnaire_or_latest, review_access


@require_GET
@review_access
def table_aggregate(request: HttpRequest) -> HttpResponse:
    """A statistical table summed over respondents, by row and by regional group, charted."""
    questionnaire = _questionnaire_or_latest(request)
    tables = (
        Question.objects.filter(section__questionnaire=questionnaire, kind=answer_rules.TABLE)
        .select_related("section__questionnaire")
        .order_by("section__order", "order", "pk")
        if questionnaire
        else Question.objects.none()
    )
    question_id = _int_or_none(request.GET.get("question"))
    question = get_object_or_404(tables, pk=question_id) if question_id else tables.first()
    context: dict[str, Any] = {
        "questionnaire": questionnaire,
        "tables": tables,
        "question": question,
    }
    if question is not None:
        params = request.GET.copy()
        params["questionnaire"] = str(questionnaire.pk)  # type: ignore[union-attr]
        filterset = search.browse(request.user, params, request)
        replies = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        aggregate = exports.aggregate_table(replies, question)
        columns = aggregate.columns
        context.update(
            filter=filterset,
            aggregate=aggregate,
            column_labels=[text_in(c["label"], "en") for c in columns],
            rows=[
                {
                    "label": text_in(r["label"], "en"),
                    "cells": [
                        (
                            aggregate.sums[r["key"]][c["key"]],
                            aggregate.reporting[r["key"]][c["key"]],
                        )
                        for c in columns
                    ],
                }
                for r in aggregate.rows
            ],
            totals=[
                (aggregate.column_totals[c["key"]], aggregate.column_reporting[c["key"]])
                for c in columns
            ],
            groups=[
                {**g, "cells": [g["sums"][c["key"]] for c in columns]} for g in aggregate.groups
            ],
            chart=bar_chart(
                [text_in(r["label"], "en") for r in aggregate.rows],
                [
                    (
                        text_in(c["label"], "en"),
                        [aggregate.sums[r["key"]][c["key"]] for r in aggregate.rows],
                    )
                    for c in columns
                ],
            ),
            group_chart=bar_chart(
                [SHORT_GROUPS.get(g["key"], g["label"]) for g in aggregate.groups],
                [
                    (text_in(c["label"], "en"), [g["sums"][c["key"]] for g in aggregate.groups])
                    for c in columns
                ],
            ),
        )
    return render(request, "surveys/review/table.html", context)


# --- yes/no and choice questions, counted ------------------------------------------------------


def _share(count: int, of: int) -> str:
    return f"{round(100 * count / of)}%" if of else ""


# Labels short enough to sit under a bar (the tables beside the charts give the full names).
SHORT_GROUPS = {
    "african": "African",
    "asia_pacific": "Asia-Pacific",
    "eastern_european": "Eastern Eur.",
    "latin_american_caribbean": "Latin Am. & Carib.",
    "western_european_other": "W. Eur. & other",
    "member_state": "Member States",
    "observer_state": "Observers",
    "group_of_states": "Groups",
    "un_entity": "UN entities",
    "igo": "IGOs",
    "ngo": "NGOs",
}


@require_GET
@review_access
def choice_counts(request: HttpRequest) -> HttpResponse:
    """How many respondents answered yes (or chose each option), overall and by regional
    group, charted. Respondents who did not answer are "not reported", never counted as 0."""
    questionnaire = _questionnaire_or_latest(request)
    context: dict[str, Any] = {"questionnaire": questionnaire}
    if questionnaire is None:
        return render(request, "surveys/review/counts.html", context)
    params = request.GET.copy()
    params["questionnaire"] = str(questionnaire.pk)
    filterset = search.browse(request.user, params, request)
    replies = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    question_id = _int_or_none(request.GET.get("question"))
    every = exports.count_choices(replies, questionnaire, None)
    shown = [c for c in every if c.question.pk == question_id] if question_id else every
    context.update(
        filter=filterset,
        choice_questions=[c.question for c in every],
        question_id=question_id,
        counts=[_count_display(count) for count in shown],
    )
    return render(request, "surveys/review/counts.html", context)


def _count_display(count: exports.ChoiceCount) -> dict[str, Any]:
    options = count.options
    return {
        "count": count,
        "text": text_in(count.question.text, "en"),
        "chart_id": f"chart-{count.question.pk}",
        "options": [
            {
                "label": label,
                "count": count.counts[value],
                "share": _share(count.counts[value], count.answered),
            }
            for value, label in options
        ],
        "groups": [
            {
                "group": group,
                "cells": [group.counts[value] if group.answered else None for value, _ in options],
            }
            for group in count.groups
        ],
        "chart": bar_chart(
            [label for _, label in options],
            [
                (
                    "Respondents",
                    [count.counts[value] if count.answered else None for value, _ in options],
                )
            ],
            height=220,
        ),
        "group_chart": bar_chart(
            [SHORT_GROUPS.get(group.key, group.label) for group in count.groups],
            [
                (label, [group.counts[value] if group.answered else None for group in count.groups])
                for value, label in options
            ],
            height=240,
        ),
    }
