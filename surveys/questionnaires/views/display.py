"""How the secretariat's pages show a questionnaire: each question read-only in one language,
with an answer when there is one (the preview, a reply, a revision; built by
``surveys.questionnaires.display``), and the helpers those pages share."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from surveys.models import (
    Attachment,
    Questionnaire,
    Respondent,
    text_in,
)
from surveys.questionnaires import display

FIRST_NAMES_SHOWN = 12


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


def sections_view(
    questionnaire: Questionnaire,
    language: str,
    *,
    answer_for: dict[int, dict[str, Any]] | None = None,
    only: set[int] | None = None,
    attachments: dict[int, Attachment] | None = None,
) -> list[dict[str, Any]]:
    """Sections with their questions (``display.QuestionDisplay``), for the read-only partial.

    ``answer_for`` maps questions to stored answers (None: the blank questionnaire; a question
    without an answer reads as not answered); ``attachments`` are the files the page may list."""
    sections = list(questionnaire.sections.prefetch_related("questions"))
    numbers = {q.pk: q.number for s in sections for q in s.questions.all()}
    found = attachments or {}
    result = []
    for section in sections:
        questions = []
        for q in section.questions.all():
            if only is not None and q.pk not in only:
                continue
            entry = None if answer_for is None else answer_for.get(q.pk, display.NO_ANSWER)
            value = (entry or {}).get("value")
            files = [found[i] for i in value if i in found] if isinstance(value, list) else []
            questions.append(
                display.question_display(
                    q,
                    language,
                    entry,
                    files=files,
                    condition_number=numbers.get(q.condition_question_id or 0, ""),
                )
            )
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
