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
                [g["label"].replace(" States", "") for g in aggregate.groups],
                [
                    (text_in(c["label"], "en"), [g["sums"][c["key"]] for g in aggregate.groups])
                    for c in columns
                ],
            ),
        )
    return render(request, "surveys/review/table.html", context)
