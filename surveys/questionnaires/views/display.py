"""How the secretariat's pages show a questionnaire: each question read-only in one language,
with an answer when there is one (the preview, a reply, a revision), and the helpers those pages
share."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from surveys.models import (
    Answer,
    Attachment,
    Question,
    Questionnaire,
    Respondent,
    text_in,
)
from surveys.questionnaires import answers

FIRST_NAMES_SHOWN = 12


NO_ANSWER: dict[str, Any] = {"state": answers.ANSWERED, "value": None}


def questionnaire_or_404(pk: int) -> Questionnaire:
    return get_object_or_404(Questionnaire, pk=pk)


def name_on(respondent: Respondent, on: datetime.date | None) -> str:
    """The list name in force on a date (uses prefetched names)."""
    name = respondent.name_on(on or timezone.localdate()) or respondent.current_name()
    return name.list_name if name else respondent.code


def posted(request: HttpRequest) -> Any:
    """The form data of a POST (even an empty one), None otherwise: an empty POST is a
    submission and must be validated, not shown as a fresh form."""
    return request.POST if request.method == "POST" else None


def page_language(questionnaire: Questionnaire, asked: str | None) -> str:
    if asked in questionnaire.languages:
        return str(asked)
    return "en" if "en" in questionnaire.languages else questionnaire.languages[0]


def text_language(texts: dict[str, str], language: str) -> str:
    """The language ``text_in`` actually returns (for lang/dir attributes of a fallback)."""
    if texts.get(language):
        return language
    if texts.get("en"):
        return "en"
    return next(iter(texts), language)


def readonly_question(
    question: Question,
    language: str,
    *,
    answer: dict[str, Any] | None = None,
    attachments: dict[int, Attachment] | None = None,
    condition_number: str = "",
) -> dict[str, Any]:
    """What ``surveys/partials/question_readonly.html`` shows of one question, in one language,
    with the answer when one is given (``{"state", "value", "restricted"}``)."""
    options = question.options or {}
    value = answer.get("value") if answer else None
    state = answer.get("state", answers.ANSWERED) if answer else None
    view: dict[str, Any] = {
        "pk": question.pk,
        "number": question.number,
        "kind": question.kind,
        "kind_label": question.get_kind_display(),
        "text": text_in(question.text, language),
        "text_language": text_language(question.text, language),
        "translated": bool(question.text.get(language)),
        "help": text_in(question.help_text, language) if question.help_text else "",
        "required": question.required,
        "has_answer": answer is not None,
        "restricted": bool(answer and answer.get("restricted")),
        "state": state,
        "state_label": dict(Answer.State.choices).get(state or "", ""),
        "not_answered": answer is None or not answers.is_answered(state or "", value),
        "value": value,
    }
    if question.condition_question_id:
        view["condition"] = {
            "number": condition_number,
            "values": ", ".join(question.condition_values),
        }
    if question.kind == answers.YES_NO:
        view["choices"] = [
            {"value": v, "label": label, "chosen": value == v}
            for v, label in (("yes", "Yes"), ("no", "No"))
        ]
    elif question.kind in (answers.SINGLE_CHOICE, answers.MULTIPLE_CHOICE):
        chosen = value if isinstance(value, list) else [value]
        view["choices"] = [
            {
                "value": c["value"],
                "label": text_in(c["label"], language),
                "chosen": c["value"] in chosen,
            }
            for c in options.get("choices", [])
        ]
    elif question.kind == answers.NUMBER:
        view["bounds"] = {
            "min": options.get("min"),
            "max": options.get("max"),
            "integer": options.get("integer", False),
        }
    elif question.kind == answers.TABLE:
        table = value if isinstance(value, dict) else {}
        row_totals, column_totals, grand = answers.table_totals(options, table)
        view["table"] = {
            "columns": [
                {"label": text_in(c["label"], language), "total": column_totals.get(c["key"])}
                for c in options.get("columns", [])
            ],
            "rows": [
                {
                    "label": text_in(r["label"], language),
                    "cells": [
                        table.get(r["key"], {}).get(c["key"]) for c in options.get("columns", [])
                    ],
                    "total": row_totals.get(r["key"]),
                }
                for r in options.get("rows", [])
            ],
            "totals": options.get("totals", True) and answer is not None,
            "grand_total": grand,
        }
    elif question.kind == answers.FILE and isinstance(value, list):
        found = attachments or {}
        view["files"] = [found[i] for i in value if i in found]
    return view


def sections_view(
    questionnaire: Questionnaire,
    language: str,
    *,
    answer_for: dict[int, dict[str, Any]] | None = None,
    only: set[int] | None = None,
    attachments: dict[int, Attachment] | None = None,
) -> list[dict[str, Any]]:
    """Sections with their questions, ready for the read-only partial."""
    sections = list(questionnaire.sections.prefetch_related("questions"))
    numbers = {q.pk: q.number for s in sections for q in s.questions.all()}
    result = []
    for section in sections:
        questions = [
            readonly_question(
                q,
                language,
                answer=None if answer_for is None else answer_for.get(q.pk, NO_ANSWER),
                attachments=attachments,
                condition_number=numbers.get(q.condition_question_id or 0, ""),
            )
            for q in section.questions.all()
            if only is None or q.pk in only
        ]
        if questions or only is None:
            result.append(
                {
                    "pk": section.pk,
                    "number": section.number,
                    "title": text_in(section.title, language),
                    "questions": questions,
                }
            )
    return result
