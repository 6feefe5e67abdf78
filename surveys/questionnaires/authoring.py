"""Authoring questionnaires: sections, numbered questions, copies and recorded revisions."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max

from portal.errors import FrozenError, InvalidError

from ..models import LANGUAGES, Question, Questionnaire, QuestionnaireRevision, Section
from . import answers

LANGUAGE_CODES = [code for code, _ in LANGUAGES]
QUESTIONNAIRE_FIELDS = (
    "title",
    "mandate_symbol",
    "mandate_title",
    "reference",
    "sent_on",
    "deadline",
    "cutoff",
    "languages",
    "reminder_days_before",
)


def _check_languages(languages: Any) -> list[str]:
    if not isinstance(languages, list) or not languages:
        raise InvalidError("Choose at least one language.", field_errors={"languages": "Required."})
    unknown = [lang for lang in languages if lang not in LANGUAGE_CODES]
    if unknown:
        raise InvalidError(
            "Languages must be among Arabic, Chinese, English, French, Russian and Spanish.",
            field_errors={"languages": f"Unknown: {', '.join(map(str, unknown))}"},
        )
    return [code for code in LANGUAGE_CODES if code in languages]


def _check_dates(
    deadline: datetime.date, cutoff: datetime.date, sent_on: datetime.date | None
) -> None:
    if cutoff < deadline:
        raise InvalidError(
            "The cut-off for the report cannot come before the deadline for replies.",
            field_errors={"cutoff": "Must be on or after the deadline."},
        )
    if sent_on and sent_on > deadline:
        raise InvalidError(
            "The note verbale must be sent before the deadline for replies.",
            field_errors={"sent_on": "Must be on or before the deadline."},
        )


def _texts(
    texts: Any, languages: list[str], what: str, *, field: str, required: bool = True
) -> dict[str, str]:
    """Text per language, as {"en": "…"}; a bare string is in the first language. Anything
    else (a list, a number, a language whose text is not a string) is refused, not coerced:
    ``str([])`` would have been saved as the question's text."""
    if texts in (None, ""):
        texts = {}
    if isinstance(texts, str):
        texts = {languages[0]: texts}
    if not isinstance(texts, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in texts.items()
    ):
        message = f'Give the {what} as text per language, e.g. {{"en": "…"}}.'
        raise InvalidError(message, field_errors={field: message})
    cleaned = {k: v.strip() for k, v in texts.items() if v.strip()}
    unknown = [k for k in cleaned if k not in LANGUAGE_CODES]
    if unknown:
        raise InvalidError(
            f"The {what} is in an unknown language: {', '.join(unknown)}.",
            field_errors={field: "Unknown language."},
        )
    if required and not cleaned:
        raise InvalidError(f"Give the {what}.", field_errors={field: "Required."})
    return cleaned


@transaction.atomic
def create_questionnaire(*, by: Any, **fields: Any) -> Questionnaire:
    fields = {k: v for k, v in fields.items() if k in QUESTIONNAIRE_FIELDS}
    fields["languages"] = _check_languages(fields.get("languages", ["en"]))
    if not str(fields.get("title", "")).strip():
        raise InvalidError("Give the questionnaire a title.", field_errors={"title": "Required."})
    _check_dates(fields["deadline"], fields["cutoff"], fields.get("sent_on"))
    return Questionnaire.objects.create(created_by=by, **fields)


@transaction.atomic
def update_questionnaire(*, questionnaire: Questionnaire, by: Any, **fields: Any) -> Questionnaire:
    """Change the questionnaire's particulars (dates may move after dispatch, e.g. an extension;
    every change is in the audit trail)."""
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    for key in QUESTIONNAIRE_FIELDS:
        if key in fields:
            setattr(questionnaire, key, fields[key])
    questionnaire.languages = _check_languages(questionnaire.languages)
    _check_dates(questionnaire.deadline, questionnaire.cutoff, questionnaire.sent_on)
    questionnaire.save()
    return questionnaire


def structure(questionnaire: Questionnaire) -> list[dict[str, Any]]:
    """The sections and questions as plain data (kept with each recorded revision)."""
    return [
        {
            "id": section.pk,
            "number": section.number,
            "title": section.title,
            "questions": [
                {
                    "id": q.pk,
                    "number": q.number,
                    "kind": q.kind,
                    "text": q.text,
                    "help_text": q.help_text,
                    "required": q.required,
                    "options": q.options,
                    "condition_question": q.condition_question_id,
                    "condition_values": q.condition_values,
                }
                for q in section.questions.all()
            ],
        }
        for section in questionnaire.sections.prefetch_related("questions")
    ]


def _guard(questionnaire: Questionnaire, by: Any, reason: str | None) -> None:
    """Draft questionnaires change freely; dispatched ones only with a reason, recorded."""
    if not questionnaire.is_frozen:
        return
    if not (reason or "").strip():
        raise FrozenError(
            "This questionnaire has been dispatched: its questions are frozen. To change them, "
            "record a revision and say why."
        )
    locked = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    locked.revision += 1
    locked.save(update_fields=["revision", "updated_at"])
    questionnaire.revision = locked.revision
    QuestionnaireRevision.objects.create(
        questionnaire=locked,
        number=locked.revision,
        reason=reason.strip(),
        before=structure(locked),
        changed_by=by,
    )


def record_change(questionnaire: Questionnaire, *, by: Any, reason: str | None) -> None:
    """Before changing a questionnaire's texts elsewhere (an import of translations): a draft
    changes freely, a dispatched one only with a reason, recorded as a revision."""
    _guard(questionnaire, by, reason)


@transaction.atomic
def add_section(
    *, questionnaire: Questionnaire, by: Any, number: str, title: Any, reason: str | None = None
) -> Section:
    _guard(questionnaire, by, reason)
    order = (questionnaire.sections.aggregate(m=Max("order"))["m"] or 0) + 1
    return Section.objects.create(
        questionnaire=questionnaire,
        number=number.strip(),
        order=order,
        title=_texts(title, questionnaire.languages, "section title", field="title"),
    )


@transaction.atomic
def update_section(
    *, section: Section, by: Any, reason: str | None = None, **fields: Any
) -> Section:
    _guard(section.questionnaire, by, reason)
    if "number" in fields:
        section.number = str(fields["number"]).strip()
    if "title" in fields:
        section.title = _texts(
            fields["title"], section.questionnaire.languages, "section title", field="title"
        )
    if "order" in fields:
        section.order = int(fields["order"])
    section.save()
    return section


@transaction.atomic
def delete_section(*, section: Section, by: Any, reason: str | None = None) -> None:
    _guard(section.questionnaire, by, reason)
    if section.questions.filter(answers__isnull=False).exists():
        raise InvalidError("Questions of this section have answers: it cannot be removed.")
    section.delete()


def _question_values(
    section: Section, fields: Mapping[str, Any], current: Question | None = None
) -> dict[str, Any]:
    languages = section.questionnaire.languages
    kind = fields.get("kind", current.kind if current else None)
    if kind not in answers.KINDS:
        raise InvalidError("Choose the kind of question.", field_errors={"kind": "Required."})
    try:
        options = answers.clean_options(
            kind, fields.get("options", current.options if current else {})
        )
    except answers.OptionsError as error:
        raise InvalidError(str(error), field_errors={"options": str(error)}) from None
    values: dict[str, Any] = {
        "kind": kind,
        "options": options,
        "number": str(fields.get("number", current.number if current else "")).strip(),
        "text": _texts(
            fields.get("text", current.text if current else None),
            languages,
            "question text",
            field="text",
        ),
        "help_text": _texts(
            fields.get("help_text", current.help_text if current else None),
            languages,
            "help text",
            field="help_text",
            required=False,
        ),
        "required": bool(fields.get("required", current.required if current else False)),
    }
    if not values["number"]:
        raise InvalidError("Give the question a number.", field_errors={"number": "Required."})
    condition = fields.get("condition_question", current.condition_question if current else None)
    condition_values = fields.get("condition_values", current.condition_values if current else [])
    if condition_values is None:
        condition_values = []
    if not isinstance(condition_values, list) or not all(
        isinstance(v, str) for v in condition_values
    ):
        message = 'Give the answers that make the question appear as a list, e.g. ["yes"].'
        raise InvalidError(message, field_errors={"condition_values": message})
    if isinstance(condition, int):
        condition = Question.objects.filter(pk=condition).first()
    if condition is not None:
        if condition.section.questionnaire_id != section.questionnaire_id:
            raise InvalidError(
                "A question can depend only on a question of the same questionnaire."
            )
        if current is not None and condition.pk == current.pk:
            raise InvalidError("A question cannot depend on itself.")
        if condition.kind not in (answers.YES_NO, answers.SINGLE_CHOICE, answers.MULTIPLE_CHOICE):
            raise InvalidError("A question can depend only on a yes/no or choice question.")
        allowed = (
            ["yes", "no"]
            if condition.kind == answers.YES_NO
            else answers.choice_values(condition.options)
        )
        if (
            not isinstance(condition_values, list)
            or not condition_values
            or any(v not in allowed for v in condition_values)
        ):
            raise InvalidError(
                "Say which answers to the earlier question make this one appear.",
                field_errors={"condition_values": f"Choose among {', '.join(allowed)}."},
            )
    else:
        condition_values = []
    values["condition_question"] = condition
    values["condition_values"] = condition_values
    return values


@transaction.atomic
def add_question(
    *, section: Section, by: Any, reason: str | None = None, **fields: Any
) -> Question:
    values = _question_values(section, fields)
    _guard(section.questionnaire, by, reason)
    order = (section.questions.aggregate(m=Max("order"))["m"] or 0) + 1
    return Question.objects.create(section=section, order=order, **values)


@transaction.atomic
def update_question(
    *, question: Question, by: Any, reason: str | None = None, **fields: Any
) -> Question:
    values = _question_values(question.section, fields, current=question)
    _guard(question.section.questionnaire, by, reason)
    if (
        "section" in fields
        and fields["section"].questionnaire_id == question.section.questionnaire_id
    ):
        question.section = fields["section"]
    if "order" in fields:
        question.order = int(fields["order"])
    for key, value in values.items():
        setattr(question, key, value)
    question.save()
    return question


@transaction.atomic
def delete_question(*, question: Question, by: Any, reason: str | None = None) -> None:
    _guard(question.section.questionnaire, by, reason)
    if question.answers.exists():
        raise InvalidError("This question has answers: it cannot be removed.")
    question.dependants.update(condition_question=None, condition_values=[])
    question.delete()


@transaction.atomic
def copy_questionnaire(
    *, source: Questionnaire, by: Any, title: str, deadline: datetime.date, cutoff: datetime.date
) -> Questionnaire:
    """Start a new questionnaire from a past one: same sections and questions, new dates."""
    _check_dates(deadline, cutoff, None)
    copy = Questionnaire.objects.create(
        title=title,
        mandate_symbol=source.mandate_symbol,
        mandate_title=source.mandate_title,
        deadline=deadline,
        cutoff=cutoff,
        languages=source.languages,
        reminder_days_before=source.reminder_days_before,
        based_on=source,
        created_by=by,
    )
    question_map: dict[int, Question] = {}
    for section in source.sections.prefetch_related("questions"):
        new_section = Section.objects.create(
            questionnaire=copy, number=section.number, title=section.title, order=section.order
        )
        for question in section.questions.all():
            question_map[question.pk] = Question.objects.create(
                section=new_section,
                number=question.number,
                order=question.order,
                kind=question.kind,
                text=question.text,
                help_text=question.help_text,
                required=question.required,
                options=question.options,
                condition_values=question.condition_values,
            )
    for old_id, new in question_map.items():
        old_condition = Question.objects.get(pk=old_id).condition_question_id
        if old_condition:
            new.condition_question = question_map[old_condition]
            new.save(update_fields=["condition_question"])
    return copy
