"""Authoring questionnaires: sections, numbered questions, copies and recorded revisions.

Numbers are computed, never typed: sections are lettered A, B, C… and questions numbered 1, 2,
3… through the whole questionnaire in their order, a sub-question taking the number of the
question before it with a letter, "2 (a)", "2 (b)". Every change of order (add, move, duplicate,
remove) renumbers the questionnaire in the same transaction, so the editor, the reply form,
reviews and exports always show the numbers of the current order.
"""

from __future__ import annotations

import datetime
import re
import string
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


SUB_NUMBER = re.compile(r"^\s*\d+\s*\([a-z]+\)\s*$")


def section_number(index: int) -> str:
    """A, B, … Z, AA, BB, … for the section at ``index`` (from 0)."""
    return string.ascii_uppercase[index % 26] * (index // 26 + 1)


def question_numbers(subs: list[bool]) -> list[str]:
    """Numbers of questions in order, given which are sub-questions: "1", "2", "2 (a)", "3".

    A sub-question with no question before it is numbered as a question of its own."""
    numbers, main, letter = [], 0, 0
    for sub in subs:
        if sub and main:
            letter += 1
            suffix = string.ascii_lowercase[(letter - 1) % 26] * ((letter - 1) // 26 + 1)
            numbers.append(f"{main} ({suffix})")
        else:
            main, letter = main + 1, 0
            numbers.append(str(main))
    return numbers


def question_name(question: Question) -> str:
    """A name for the question in exported files, from its number: "q2", "q2_a"."""
    return "q" + re.sub(r"[^0-9a-z]+", "_", question.number.lower()).strip("_")


def ordered_questions(questionnaire: Questionnaire) -> list[Question]:
    return list(
        Question.objects.filter(section__questionnaire=questionnaire)
        .select_related("section")
        .order_by("section__order", "section__pk", "order", "pk")
    )


def renumber(questionnaire: Questionnaire) -> None:
    """Give sections and questions the numbers of their order, and check that every condition
    still rests on an earlier question (a move that breaks one is refused: the caller's
    transaction is rolled back)."""
    for index, section in enumerate(questionnaire.sections.order_by("order", "pk")):
        number = section_number(index)
        if section.number != number:
            section.number = number
            section.save(update_fields=["number"])
    questions = ordered_questions(questionnaire)
    position = {q.pk: i for i, q in enumerate(questions)}
    for question, number in zip(
        questions, question_numbers([q.sub for q in questions]), strict=True
    ):
        if question.number != number:
            question.number = number
            question.save(update_fields=["number"])
    for question in questions:
        condition = question.condition_question_id
        if condition is not None and position.get(condition, -1) >= position[question.pk]:
            earlier = next(q for q in questions if q.pk == condition)
            raise InvalidError(
                f"Question {question.number} is shown only after an answer to question "
                f"{earlier.number}, which would no longer come before it. Move that question "
                "first, or remove the condition."
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
            "order": section.order,
            "title": section.title,
            "questions": [
                {
                    "id": q.pk,
                    "number": q.number,
                    "sub": q.sub,
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
    *,
    questionnaire: Questionnaire,
    by: Any,
    title: Any,
    number: str = "",
    reason: str | None = None,
) -> Section:
    """Add a section at the end (``number`` is accepted from older callers and ignored: it
    is computed)."""
    title = _texts(title, questionnaire.languages, "section title", field="title")
    _guard(questionnaire, by, reason)
    order = (questionnaire.sections.aggregate(m=Max("order"))["m"] or 0) + 1
    section = Section.objects.create(
        questionnaire=questionnaire, number="", order=order, title=title
    )
    renumber(questionnaire)
    section.refresh_from_db()
    return section


@transaction.atomic
def update_section(
    *, section: Section, by: Any, reason: str | None = None, **fields: Any
) -> Section:
    _guard(section.questionnaire, by, reason)
    if "title" in fields:
        section.title = _texts(
            fields["title"], section.questionnaire.languages, "section title", field="title"
        )
    if "order" in fields:
        section.order = int(fields["order"])
    section.save()
    renumber(section.questionnaire)
    section.refresh_from_db()
    return section


@transaction.atomic
def delete_section(*, section: Section, by: Any, reason: str | None = None) -> None:
    _guard(section.questionnaire, by, reason)
    if section.questions.filter(answers__isnull=False).exists():
        raise InvalidError("Questions of this section have answers: it cannot be removed.")
    questionnaire = section.questionnaire
    Question.objects.filter(condition_question__section=section).exclude(section=section).update(
        condition_question=None, condition_values=[]
    )
    section.delete()
    renumber(questionnaire)


def _sub(fields: Mapping[str, Any], current: Question | None) -> bool:
    """Whether the question is a sub-question: said outright, or (from callers that still
    send a number) a number such as "2 (a)"."""
    if "sub" in fields:
        return bool(fields["sub"])
    if "number" in fields:
        return bool(SUB_NUMBER.match(str(fields["number"] or "")))
    return current.sub if current else False


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
        "sub": _sub(fields, current),
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
    question = Question.objects.create(section=section, order=order, number="", **values)
    renumber(section.questionnaire)
    question.refresh_from_db()
    return question


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
    renumber(question.section.questionnaire)
    question.refresh_from_db()
    return question


@transaction.atomic
def delete_question(*, question: Question, by: Any, reason: str | None = None) -> None:
    _guard(question.section.questionnaire, by, reason)
    if question.answers.exists():
        raise InvalidError("This question has answers: it cannot be removed.")
    question.dependants.update(condition_question=None, condition_values=[])
    questionnaire = question.section.questionnaire
    question.delete()
    renumber(questionnaire)


@transaction.atomic
def duplicate_question(*, question: Question, by: Any, reason: str | None = None) -> Question:
    """A copy of the question placed right after it (same kind, texts, options and
    condition), for the secretariat to adjust."""
    _guard(question.section.questionnaire, by, reason)
    later = Question.objects.filter(section=question.section, order__gt=question.order)
    for other in later.order_by("-order"):
        other.order += 1
        other.save(update_fields=["order"])
    copy = Question.objects.create(
        section=question.section,
        number="",
        order=question.order + 1,
        sub=question.sub,
        kind=question.kind,
        text=question.text,
        help_text=question.help_text,
        required=question.required,
        options=question.options,
        condition_question=question.condition_question,
        condition_values=question.condition_values,
    )
    renumber(question.section.questionnaire)
    copy.refresh_from_db()
    return copy


@transaction.atomic
def move_question_to_section(
    *, question: Question, section: Section, by: Any, reason: str | None = None
) -> Question:
    """Move a question to the end of another section of the same questionnaire."""
    if section.questionnaire_id != question.section.questionnaire_id:
        raise InvalidError("A question can move only to a section of the same questionnaire.")
    if section.pk == question.section_id:
        raise InvalidError(f"Question {question.number} is already in section {section.number}.")
    _guard(question.section.questionnaire, by, reason)
    question.section = section
    question.order = (section.questions.aggregate(m=Max("order"))["m"] or 0) + 1
    question.save(update_fields=["section", "order"])
    renumber(section.questionnaire)
    question.refresh_from_db()
    return question


@transaction.atomic
def reorder(
    *,
    questionnaire: Questionnaire,
    by: Any,
    sections: list[int],
    questions: Mapping[int, list[int]],
    reason: str | None = None,
) -> None:
    """Put sections and questions in the order given (what a drag and drop sends): every
    section of the questionnaire once, and every question once, under the section it goes to.
    Anything else (an unknown or missing id) is refused and nothing moves."""
    own_sections = {s.pk: s for s in questionnaire.sections.all()}
    own_questions = {q.pk: q for q in ordered_questions(questionnaire)}
    listed = [pk for pks in questions.values() for pk in pks]
    if (
        sorted(sections) != sorted(own_sections)
        or set(questions) - set(own_sections)
        or sorted(listed) != sorted(own_questions)
    ):
        raise InvalidError(
            "The order sent does not match the questionnaire's sections and questions "
            "(the page may be out of date): reload it and try again."
        )
    _guard(questionnaire, by, reason)
    for position, pk in enumerate(sections, start=1):
        section = own_sections[pk]
        if section.order != position:
            section.order = position
            section.save(update_fields=["order"])
    for section_pk, pks in questions.items():
        for position, pk in enumerate(pks, start=1):
            question = own_questions[pk]
            if question.section_id != section_pk or question.order != position:
                question.section_id = section_pk
                question.order = position
                question.save(update_fields=["section", "order"])
    renumber(questionnaire)


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
                sub=question.sub,
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
