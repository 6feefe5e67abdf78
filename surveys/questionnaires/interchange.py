"""Verbale's own questionnaire file: a lossless JSON copy of a questionnaire's particulars,
sections and questions, to carry one from a Verbale to another (or keep it beside the
minutes) and to bring it back as a new questionnaire being prepared.

Both this file and the XLSForm (``xlsform``) are read into the same plain shape — a
``dict`` with the particulars and ``sections`` → ``questions`` — and created by
``create_from_plain`` through the authoring services, so every rule that holds for a
question typed in the editor holds for an imported one. An import is one transaction: a
refusal anywhere creates nothing.

The plain shape (``FORMAT`` version 1)::

    {"format": "verbale-questionnaire", "version": 1,
     "title": "…", "mandate_symbol": "…", "mandate_title": "…", "reference": "…",
     "languages": ["en", "fr"], "reminder_days_before": 14,
     "deadline": "2026-03-31", "cutoff": "2026-04-30",
     "sections": [{"title": {"en": "…"},
                   "questions": [{"name": "q1", "sub": false, "kind": "yes_no",
                                  "text": {"en": "…"}, "help_text": {}, "required": true,
                                  "options": {}, "condition": null}]}]}

``name`` identifies a question inside the file only (a condition names the earlier question
it rests on: ``{"question": "q1", "values": ["yes"]}``); numbers are not carried: they follow
the order.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from portal.errors import InvalidError, ServiceError

from ..models import Question, Questionnaire
from . import authoring, xlsform

FORMAT = "verbale-questionnaire"
VERSION = 1
MAX_FILE = 5 * 1024 * 1024
PARTICULARS = ("title", "mandate_symbol", "mandate_title", "reference", "reminder_days_before")


def export_plain(questionnaire: Questionnaire) -> dict[str, Any]:
    """The questionnaire in the plain shape (see the module's docstring)."""
    questions = authoring.ordered_questions(questionnaire)
    names = {q.pk: authoring.question_name(q) for q in questions}
    by_section: dict[int, list[Question]] = {}
    for q in questions:
        by_section.setdefault(q.section_id, []).append(q)
    return {
        "format": FORMAT,
        "version": VERSION,
        **{name: getattr(questionnaire, name) for name in PARTICULARS},
        "languages": list(questionnaire.languages),
        "deadline": questionnaire.deadline.isoformat(),
        "cutoff": questionnaire.cutoff.isoformat(),
        "sections": [
            {
                "title": dict(section.title),
                "questions": [
                    {
                        "name": names[q.pk],
                        "sub": q.sub,
                        "kind": q.kind,
                        "text": dict(q.text),
                        "help_text": dict(q.help_text or {}),
                        "required": q.required,
                        "options": q.options or {},
                        "condition": (
                            {
                                "question": names[q.condition_question_id],
                                "values": list(q.condition_values),
                            }
                            if q.condition_question_id in names
                            else None
                        ),
                    }
                    for q in by_section.get(section.pk, [])
                ],
            }
            for section in questionnaire.sections.order_by("order", "pk")
        ],
    }


def to_json(questionnaire: Questionnaire) -> bytes:
    return json.dumps(export_plain(questionnaire), ensure_ascii=False, indent=2).encode()


def read_json(content: bytes) -> dict[str, Any]:
    """A Verbale questionnaire file read back; refused with a message when it is not one."""
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise InvalidError("This file is not JSON: export it from Verbale again.") from None
    if not isinstance(data, Mapping) or data.get("format") != FORMAT:
        raise InvalidError(
            "This JSON file is not a questionnaire exported from Verbale "
            f'(its "format" is not "{FORMAT}").'
        )
    if data.get("version") != VERSION:
        raise InvalidError(
            f"This questionnaire file is of version {data.get('version')!r}; this Verbale "
            f"reads version {VERSION}."
        )
    if not isinstance(data.get("sections"), list):
        raise InvalidError('The file has no list of "sections".')
    return dict(data)


def _where(s_index: int, q_index: int | None, question: Mapping[str, Any] | None) -> str:
    where = f"Section {s_index + 1}"
    if q_index is not None:
        name = question.get("name") if isinstance(question, Mapping) else None
        where += f", question {q_index + 1}" + (f" ({name})" if name else "")
    return where


@transaction.atomic
def create_from_plain(
    plain: Mapping[str, Any],
    *,
    by: Any,
    title: str = "",
    deadline: datetime.date,
    cutoff: datetime.date,
) -> Questionnaire:
    """A new questionnaire being prepared, with the sections and questions of ``plain``.

    Every question goes through the authoring services; a refusal names the section and
    question (``plain`` may carry ``_where`` labels, e.g. the XLSForm's sheet and row) and
    nothing is created."""
    particulars = {k: plain.get(k) for k in PARTICULARS if plain.get(k) not in (None, "")}
    for key in ("title", "mandate_symbol", "mandate_title", "reference"):
        if key in particulars and not isinstance(particulars[key], str):
            raise InvalidError(f'The questionnaire\'s "{key}" must be text.')
    reminder = particulars.get("reminder_days_before")
    if reminder is not None and (
        isinstance(reminder, bool) or not isinstance(reminder, int) or not 0 <= reminder <= 365
    ):
        raise InvalidError('"reminder_days_before" must be a whole number of days up to 365.')
    particulars["title"] = (title or particulars.get("title") or "").strip()
    if not particulars["title"]:
        raise InvalidError(
            "Give the questionnaire a title (the file has none).",
            field_errors={"title": "Required."},
        )
    questionnaire = authoring.create_questionnaire(
        by=by,
        languages=plain.get("languages"),
        deadline=deadline,
        cutoff=cutoff,
        **particulars,
    )
    created: dict[str, Question] = {}
    sections = plain.get("sections") or []
    if not sections:
        raise InvalidError("The file has no section and no question: there is nothing to import.")
    for s_index, section_data in enumerate(sections):
        where = _where(s_index, None, None)
        if not isinstance(section_data, Mapping):
            raise InvalidError(f"{where} is not a section.")
        where = section_data.get("_where", where)
        try:
            section = authoring.add_section(
                questionnaire=questionnaire, by=by, title=section_data.get("title")
            )
        except ServiceError as error:
            raise InvalidError(f"{where}: {error.message}") from None
        questions = section_data.get("questions") or []
        if not isinstance(questions, list):
            raise InvalidError(f'{where}: "questions" must be a list.')
        for q_index, data in enumerate(questions):
            where = _where(s_index, q_index, data)
            if not isinstance(data, Mapping):
                raise InvalidError(f"{where} is not a question.")
            where = data.get("_where", where)
            condition = data.get("condition")
            condition_question, condition_values = None, []
            if condition:
                name = condition.get("question") if isinstance(condition, Mapping) else None
                if name not in created:
                    raise InvalidError(
                        f"{where}: the condition rests on {name!r}, which is not an earlier "
                        "question."
                    )
                condition_question = created[name]
                condition_values = condition.get("values")
            try:
                question = authoring.add_question(
                    section=section,
                    by=by,
                    sub=bool(data.get("sub", False)),
                    kind=data.get("kind"),
                    text=data.get("text"),
                    help_text=data.get("help_text"),
                    required=bool(data.get("required", False)),
                    options=data.get("options") or {},
                    condition_question=condition_question,
                    condition_values=condition_values,
                )
            except ServiceError as error:
                raise InvalidError(f"{where}: {error.message}") from None
            name = data.get("name")
            if isinstance(name, str) and name:
                if name in created:
                    raise InvalidError(f"{where}: the name {name!r} is used twice.")
                created[name] = question
    return questionnaire


def import_file(
    content: bytes,
    filename: str,
    *,
    by: Any,
    title: str = "",
    deadline: datetime.date,
    cutoff: datetime.date,
) -> tuple[Questionnaire, list[str]]:
    """Import an XLSForm (.xlsx) or a Verbale questionnaire file (.json) as a new questionnaire
    being prepared; returns it and the notices to show (rows read but not needed, such as an
    XLSForm's metadata)."""
    if len(content) > MAX_FILE:
        raise InvalidError("The file is larger than 5 MB: it cannot be a questionnaire.")
    notices: list[str] = []
    name = filename.lower()
    if name.endswith(".json"):
        plain = read_json(content)
    elif name.endswith(".xlsx"):
        plain, notices = xlsform.read_xlsform(content)
    else:
        raise InvalidError(
            "Choose an XLSForm (.xlsx) or a questionnaire exported from Verbale (.json).",
            field_errors={"file": "Only .xlsx and .json files."},
        )
    questionnaire = create_from_plain(plain, by=by, title=title, deadline=deadline, cutoff=cutoff)
    return questionnaire, notices
