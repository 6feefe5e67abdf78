"""How a question and its answer read, declared once for every page, print copy and export.

:func:`question_display` and :func:`answer_display` build frozen dataclasses the templates read
attribute by attribute: the secretariat's preview and reply pages, the focal point's reply form,
revisions, comparisons and print copy, the reviewers' reply page. :func:`answer_writer` gives
the one-line plain text of an answer (exports, comparison cells, search, and the text report
evidence quotes and counts offsets in — so that text must not change shape).

No database access: the caller passes the question, the stored answer entry
(``{"state", "value", "restricted", "attachments"}`` as a revision or ``Answer`` holds it) and the
files it may show. Text is plain; templates escape it (``plain`` and ``line`` are for text
outputs, never marked safe).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..models import Question
from . import answers

STATE_LABELS = {
    answers.ANSWERED: "Answered",
    answers.NOT_KNOWN: "Not known",
    answers.NOT_APPLICABLE: "Not applicable",
}
YES_NO_LABELS = {"yes": "Yes", "no": "No"}
NO_ANSWER: Mapping[str, Any] = {"state": answers.ANSWERED, "value": None}

Entry = Mapping[str, Any]


def label(texts: Mapping[str, str] | str | None, language: str) -> str:
    """A text in the language asked for, else English, else any (a plain string as it is)."""
    if isinstance(texts, str):
        return texts
    texts = texts or {}
    return texts.get(language) or texts.get("en") or next(iter(texts.values()), "")


def language_of(texts: Mapping[str, str] | str | None, language: str) -> str:
    """The language :func:`label` actually returns (for lang/dir attributes of a fallback)."""
    if isinstance(texts, Mapping):
        if texts.get(language):
            return language
        if not texts.get("en") and texts:
            return next(iter(texts))
    return "en"


# --- the shapes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChoiceDisplay:
    value: str
    label: str
    chosen: bool


@dataclass(frozen=True)
class ColumnDisplay:
    key: str
    label: str
    total: int


@dataclass(frozen=True)
class TableRowDisplay:
    key: str
    label: str
    cells: tuple[int | None, ...]
    total: int


@dataclass(frozen=True)
class TableDisplay:
    """A statistical table: labels in the page's language, the figures given, totals."""

    columns: tuple[ColumnDisplay, ...]
    rows: tuple[TableRowDisplay, ...]
    grand_total: int
    totals: bool  # whether totals print (the questionnaire may turn them off)

    @property
    def column_labels(self) -> tuple[str, ...]:
        return tuple(c.label for c in self.columns)

    @property
    def column_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)

    @property
    def column_totals(self) -> tuple[int, ...]:
        return tuple(c.total for c in self.columns)


@dataclass(frozen=True)
class FileDisplay:
    id: int
    name: str
    size: int
    uploaded_at: datetime.datetime | None = None


@dataclass(frozen=True)
class NumberBounds:
    min: int | float | None
    max: int | float | None
    integer: bool


@dataclass(frozen=True)
class AnswerDisplay:
    """One answer (or, ``given=False``, the blank a questionnaire shows before any answer).

    ``choices`` lists every option with the chosen ones marked (forms and blank questionnaires
    show them all); ``chosen`` is the chosen labels in the order they were given."""

    kind: str
    given: bool
    state: str
    value: Any
    restricted: bool = False
    text: str = ""
    choices: tuple[ChoiceDisplay, ...] = ()
    chosen: tuple[str, ...] = ()
    table: TableDisplay | None = None
    files: tuple[FileDisplay, ...] = ()

    @property
    def empty(self) -> bool:
        """Nothing given: answered, with no value."""
        return not answers.is_answered(self.state, self.value)

    @property
    def answered(self) -> bool:
        """A value to show (not "not known", not "not applicable", not empty)."""
        return self.given and self.state == answers.ANSWERED and not self.empty

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)

    @property
    def plain(self) -> str:
        """The answer as plain text over several lines (the conflict panel)."""
        if self.state != answers.ANSWERED:
            return self.state_label
        if self.empty:
            return "(no answer)"
        if self.table is not None:
            lines = ["\t".join(["", *self.table.column_labels])]
            lines += [
                "\t".join([r.label, *("" if c is None else str(c) for c in r.cells)])
                for r in self.table.rows
            ]
            return "\n".join(lines)
        if self.files:
            return "\n".join(f.name for f in self.files)
        if self.chosen:
            return "\n".join(self.chosen)
        return self.text

    @property
    def line(self) -> str:
        """The answer as one line of plain text: exports, comparison cells, search, and the text
        evidence offsets count in (its shape is kept exactly as reports have stored it)."""
        if not self.given:
            return ""
        if self.state in (answers.NOT_KNOWN, answers.NOT_APPLICABLE):
            return STATE_LABELS[self.state]
        if self.value is None or self.value in ("", [], {}):
            return ""
        if self.kind in (answers.YES_NO, answers.SINGLE_CHOICE, answers.MULTIPLE_CHOICE):
            return "; ".join(self.chosen)
        if self.kind == answers.TABLE and self.table is not None:
            lines = []
            for row in self.table.rows:
                parts = [
                    f"{column.label} {cell}"
                    for column, cell in zip(self.table.columns, row.cells, strict=True)
                    if cell is not None
                ]
                if parts:
                    lines.append(f"{row.label}: " + ", ".join(parts))
            return "; ".join(lines)
        if self.kind == answers.FILE:
            return "; ".join(f.name for f in self.files)
        return self.text


@dataclass(frozen=True)
class ConditionDisplay:
    number: str  # of the earlier question
    values: str  # the answers that show this question, comma separated


@dataclass(frozen=True)
class QuestionDisplay:
    """One question in one language with its answer."""

    question: Question
    pk: int
    number: str
    kind: str
    kind_label: str
    text: str
    text_language: str
    translated: bool
    help: str
    required: bool
    answer: AnswerDisplay
    condition: ConditionDisplay | None = None
    bounds: NumberBounds | None = None

    @property
    def has_answer(self) -> bool:
        return self.answer.given

    @property
    def restricted(self) -> bool:
        return self.answer.restricted


# --- the builders -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Labels:
    """A question's labels in one language, looked up once (an export writes thousands of
    answers to the same few dozen questions)."""

    choices: tuple[tuple[str, str], ...]
    rows: tuple[tuple[str, str], ...]
    columns: tuple[tuple[str, str], ...]
    totals: bool

    @classmethod
    def of(cls, question: Question, language: str) -> _Labels:
        options = question.options or {}
        if question.kind == answers.YES_NO:
            choices = tuple(YES_NO_LABELS.items())
        else:
            choices = tuple(
                (c["value"], label(c["label"], language)) for c in options.get("choices", [])
            )
        return cls(
            choices=choices,
            rows=tuple((r["key"], label(r["label"], language)) for r in options.get("rows", [])),
            columns=tuple(
                (c["key"], label(c["label"], language)) for c in options.get("columns", [])
            ),
            totals=bool(options.get("totals", True)),
        )


def cell_label(question: Question, language: str, row: str, column: str) -> str:
    """How a cell of a statistical table is named in a message: "2006, Persons arrested"."""
    labels = _Labels.of(question, language)
    return f"{dict(labels.rows).get(row, row)}, {dict(labels.columns).get(column, column)}"


def _file(item: Any) -> FileDisplay:
    if isinstance(item, Mapping):
        return FileDisplay(
            id=item.get("id", 0),
            name=item.get("name", ""),
            size=item.get("size", 0),
            uploaded_at=item.get("uploaded_at"),
        )
    return FileDisplay(  # an Attachment
        id=item.pk, name=item.original_name, size=item.size, uploaded_at=item.uploaded_at
    )


def answer_display(
    question: Question,
    entry: Entry | None,
    language: str = "en",
    *,
    files: Iterable[Any] | None = None,
    restricted: bool | None = None,
    labels: _Labels | None = None,
) -> AnswerDisplay:
    """An answer as people read it. ``entry`` is the stored answer (None: no answer given, the
    blank questionnaire); ``files`` are the attachments this reader may see (Attachment rows or
    ``{"id", "name", "size"}``), by default those the entry records."""
    labels = labels or _Labels.of(question, language)
    given = entry is not None
    entry = entry or {}
    state = entry.get("state") or answers.ANSWERED
    value = entry.get("value")
    answered = given and state == answers.ANSWERED
    kind = question.kind
    text = ""
    choices: tuple[ChoiceDisplay, ...] = ()
    chosen: tuple[str, ...] = ()
    table = None
    shown_files: tuple[FileDisplay, ...] = ()
    if kind in (answers.TEXT, answers.NUMBER) and answered and value not in (None, ""):
        text = str(value)
    elif kind in (answers.YES_NO, answers.SINGLE_CHOICE, answers.MULTIPLE_CHOICE):
        values = (value if isinstance(value, list) else [value]) if answered else []
        values = [v for v in values if v not in (None, "")]
        names = dict(labels.choices)
        choices = tuple(ChoiceDisplay(v, name, v in values) for v, name in labels.choices)
        chosen = tuple(names.get(v, str(v)) for v in values)
    elif kind == answers.TABLE:
        figures = value if answered and isinstance(value, Mapping) else {}
        row_totals, column_totals, grand = answers.table_totals(question.options or {}, figures)
        table = TableDisplay(
            columns=tuple(
                ColumnDisplay(key, name, column_totals.get(key, 0)) for key, name in labels.columns
            ),
            rows=tuple(
                TableRowDisplay(
                    key=key,
                    label=name,
                    cells=tuple((figures.get(key) or {}).get(c) for c, _ in labels.columns),
                    total=row_totals.get(key, 0),
                )
                for key, name in labels.rows
            ),
            grand_total=grand,
            totals=labels.totals and given,
        )
    elif kind == answers.FILE and answered:
        source = entry.get("attachments", []) if files is None else files
        shown_files = tuple(_file(f) for f in source)
    return AnswerDisplay(
        kind=kind,
        given=given,
        state=state,
        value=value,
        restricted=bool(entry.get("restricted")) if restricted is None else restricted,
        text=text,
        choices=choices,
        chosen=chosen,
        table=table,
        files=shown_files,
    )


def question_display(
    question: Question,
    language: str,
    entry: Entry | None = None,
    *,
    files: Iterable[Any] | None = None,
    restricted: bool | None = None,
    condition_number: str = "",
) -> QuestionDisplay:
    """A question in one language with its answer (``entry`` None: the blank question)."""
    options = question.options or {}
    return QuestionDisplay(
        question=question,
        pk=question.pk,
        number=question.number,
        kind=question.kind,
        kind_label=question.get_kind_display(),
        text=label(question.text, language),
        text_language=language_of(question.text, language),
        translated=bool((question.text or {}).get(language)),
        help=label(question.help_text, language) if question.help_text else "",
        required=question.required,
        answer=answer_display(question, entry, language, files=files, restricted=restricted),
        condition=ConditionDisplay(condition_number, ", ".join(question.condition_values))
        if question.condition_question_id
        else None,
        bounds=NumberBounds(options.get("min"), options.get("max"), options.get("integer", False))
        if question.kind == answers.NUMBER
        else None,
    )


def answer_writer(question: Question, language: str = "en") -> Callable[[Entry | None], str]:
    """A function writing answers to this question as one line of plain text (labels looked up
    once per question)."""
    labels = _Labels.of(question, language)

    def write(entry: Entry | None) -> str:
        return answer_display(question, entry, language, labels=labels).line if entry else ""

    return write


def answer_line(question: Question, entry: Entry | None, language: str = "en") -> str:
    """An answer as one line of plain text (exports, comparison cells, search, evidence)."""
    return answer_writer(question, language)(entry)
