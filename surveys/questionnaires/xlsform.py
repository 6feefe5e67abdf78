"""XLSForm in and out: the spreadsheet KoboToolbox and ODK users author questionnaires in.

Reading (``read_xlsform``) first has ``pyxform`` — the reference XLSForm converter — check the
form as ODK would; then reads the sheets with openpyxl, row by row, into the plain shape of
``interchange`` (which creates the questionnaire through the authoring services, in one
transaction). What Verbale takes:

==============================  =====================================================
XLSForm                          Verbale
==============================  =====================================================
``begin_group`` … ``end_group``  a section (rows outside any group: one section titled
                                 with the form's title)
``text``                         text
``integer`` / ``decimal``        number (whole numbers only / any); a ``constraint`` of
                                 the form ``. >= 0 and . <= 100`` gives its bounds
``select_one L``                 single choice with the choices of list L; yes/no when
                                 L's names are exactly ``yes`` and ``no``
``select_multiple L``            multiple choice
``file``                         file
``verbale_sub``                  ``yes``: a sub-question of the question before it,
                                 numbered "2 (a)" (a column of Verbale's own, which
                                 pyxform, Kobo and ODK leave alone)
``label``, ``hint``              question text and help, per language:
                                 ``label::French (fr)`` (plain ``label`` is in the
                                 settings' ``default_language``, else English)
``required``                     ``yes``/``true``/``true()`` (or empty, ``no``, ``false``)
``relevant``                     ``${q} = 'v'`` or ``selected(${q}, 'v')`` on an earlier
                                 yes/no or choice question, several joined by ``or``
``start``, ``end``, ``today``,   not questions: left out, and listed in the notice shown
``deviceid`` …                   after the import (Verbale records who saved what, when)
``appearance``,                  presentation only: not kept (Verbale writes its own
``constraint_message``,          messages)
``required_message``
==============================  =====================================================

Everything else is refused with a message naming the sheet and the row (or the column):
notes, repeats, groups inside groups, calculations, dates, locations, media, choice filters,
``or_other``, a ``relevant`` of another form, a language other than the six official
languages of the United Nations. Nothing is imported then.

Writing (``write_xlsform``) gives one group per section. XLSForm has no statistical table:
its closest equivalent is written — a group named ``<question>_table``, labelled with the
question's text, holding one ``integer`` question per cell (``<question>__<row>__<column>``,
labelled "row – column", ``constraint`` ``. >= 0``). Kobo and ODK can collect it that way, but
reading it back would lose the table's rows, columns and totals, so an XLSForm holding such a
group is refused on import with a message pointing to the Verbale JSON file, which carries
tables (and everything else) unchanged. docs/xlsform.md says the same for the secretariat.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

from openpyxl import Workbook, load_workbook

from portal import archives
from portal.errors import InvalidError

from ..models import LANGUAGES, Question, Questionnaire
from . import answers, authoring

LANGUAGE_CODES = [code for code, _ in LANGUAGES]
LANGUAGE_NAMES = dict(LANGUAGES)
NAMES_TO_CODES = {name.lower(): code for code, name in LANGUAGES}
METADATA = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "start-geopoint",
    "background-audio",
}
# Columns read (with or without ::language) and columns of presentation only, not kept.
TEXT_COLUMNS = {"label", "hint"}
READ_COLUMNS = {"type", "name", "required", "relevant", "constraint", "verbale_sub"}
PRESENTATION = {"appearance", "constraint_message", "required_message", "guidance_hint"}
CHOICE_COLUMNS = {"list_name", "name"}
YES_NO_LABELS = {
    "ar": ("نعم", "لا"),
    "zh": ("是", "否"),
    "en": ("Yes", "No"),
    "fr": ("Oui", "Non"),
    "ru": ("Да", "Нет"),
    "es": ("Sí", "No"),
}
TRUE = {"yes", "true", "true()", "1"}
FALSE = {"", "no", "false", "false()", "0"}
NAME = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}$")
CLAUSE_EQUALS = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}\s*=\s*'([^']*)'$")
CLAUSE_SELECTED = re.compile(
    r"^selected\(\s*\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}\s*,\s*'([^']*)'\s*\)$"
)
BOUND = re.compile(r"^\.\s*(>=|<=)\s*(-?[0-9]+(?:\.[0-9]+)?)$")

# A form's workbook unpacks to a few hundred kilobytes; beyond this it is refused unread.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024


class RefusedError(InvalidError):
    """The XLSForm holds something Verbale cannot represent; the message names where."""


# --- reading --------------------------------------------------------------------------------


def _language(column: str, suffix: str) -> str:
    """The language code of ``label::French (fr)``, ``label::French`` or ``label::fr``."""
    text = suffix.strip()
    match = re.search(r"\(([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?\)\s*$", text)
    if match and match.group(1).lower() in LANGUAGE_CODES:
        return match.group(1).lower()
    if text.lower() in NAMES_TO_CODES:
        return NAMES_TO_CODES[text.lower()]
    if text.lower() in LANGUAGE_CODES:
        return text.lower()
    raise RefusedError(
        f"Column “{column}”: {text!r} is not one of the languages of Verbale's questionnaires "
        "(Arabic, Chinese, English, French, Russian and Spanish). Write the column as, for "
        "example, “label::French (fr)”."
    )


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows(workbook: Any, sheet: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, {column: text}) of a sheet, skipping blank rows; column names as written
    (lower-cased before any ``::``)."""
    if sheet not in workbook.sheetnames:
        return
    rows = workbook[sheet].iter_rows(values_only=True)
    header = next(rows, None)
    if not header:
        return
    columns = []
    for value in header:
        name = _cell_text(value)
        head, sep, tail = name.partition("::")
        columns.append(head.strip().lower() + (sep + tail.strip() if sep else ""))
    for number, values in enumerate(rows, start=2):
        row = {
            column: _cell_text(value)
            for column, value in zip(columns, values, strict=False)
            if column
        }
        if any(row.values()):
            yield number, row


def _texts(row: dict[str, str], column: str, default_language: str, where: str) -> dict[str, str]:
    texts: dict[str, str] = {}
    for name, value in row.items():
        head, sep, tail = name.partition("::")
        if head != column or not value:
            continue
        try:
            code = _language(name, tail) if sep else default_language
        except RefusedError as error:
            raise RefusedError(f"{where}: {error.message}") from None
        if code in texts:
            raise RefusedError(f"{where}: two “{column}” columns are in {LANGUAGE_NAMES[code]}.")
        texts[code] = value
    return texts


def _check_columns(row: dict[str, str], where: str, read: set[str]) -> None:
    for name, value in row.items():
        head = name.partition("::")[0]
        if not value or head.startswith("$") or head in read or head in PRESENTATION:
            continue
        if head in TEXT_COLUMNS:
            continue
        raise RefusedError(
            f"{where}: the column “{name}” (here {value!r}) has no equivalent in Verbale. "
            "Empty it or remove the column, then import again."
        )


def _validate_with_pyxform(content: bytes) -> None:
    from pyxform.errors import PyXFormError
    from pyxform.xls2xform import convert

    try:
        convert(xlsform=io.BytesIO(content), file_type=".xlsx", warnings=[])
    except PyXFormError as error:
        raise RefusedError(f"This XLSForm is not valid (pyxform says: {error}).") from None
    except Exception as error:
        raise RefusedError(
            f"This file could not be read as an XLSForm ({type(error).__name__})."
        ) from None


def read_xlsform(content: bytes) -> tuple[dict[str, Any], list[str]]:
    """An XLSForm read into ``interchange``'s plain shape, with the notices for the person
    importing it; ``RefusedError`` naming the sheet and row for anything Verbale cannot hold."""
    if not content.startswith(b"PK\x03\x04"):
        raise RefusedError(
            "This file is not an .xlsx workbook: save the XLSForm as .xlsx and import it again."
        )
    try:
        # The central directory is checked before openpyxl or pyxform unpack anything.
        archives.check_archive(
            content, max_unpacked_bytes=MAX_UNPACKED_BYTES, max_compression_ratio=100
        )
    except archives.ArchiveRefusedError as error:
        raise RefusedError(f"This file could not be read as an XLSForm: {error}.") from None
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # any unreadable file is refused with a message, never a server error
        raise RefusedError(
            "This file could not be read as an XLSForm: it is not an .xlsx workbook."
        ) from None
    _validate_with_pyxform(content)
    settings = next((row for _, row in _rows(workbook, "settings")), {})
    default_language = "en"
    if settings.get("default_language"):
        default_language = _language("default_language", settings["default_language"])
    lists = _read_choices(workbook, default_language)
    plain, notices = _read_survey(workbook, lists, default_language, settings)
    workbook.close()
    return plain, notices


def _read_choices(workbook: Any, default_language: str) -> dict[str, list[dict[str, Any]]]:
    lists: dict[str, list[dict[str, Any]]] = {}
    for number, row in _rows(workbook, "choices"):
        where = f"Sheet “choices”, row {number}"
        _check_columns(row, where, CHOICE_COLUMNS)
        name = row.get("name", "")
        if not answers.KEY.match(name):
            raise RefusedError(
                f"{where}: the choice name {name!r} must be short: letters, digits, '.', '_' "
                "or '-', no spaces (Verbale's exports show it)."
            )
        labels = _texts(row, "label", default_language, where)
        if not labels:
            raise RefusedError(f"{where}: the choice {name!r} has no label.")
        lists.setdefault(row.get("list_name", ""), []).append(
            {"value": name, "label": labels, "_where": where}
        )
    return lists


def _condition(
    expression: str, where: str, earlier: dict[str, dict[str, Any]]
) -> dict[str, Any] | None:
    """``${q} = 'v' or selected(${q}, 'w')`` → {"question": "q", "values": ["v", "w"]}."""
    if not expression:
        return None
    names, values = set(), []
    for clause in re.split(r"\s+or\s+", expression.strip()):
        clause = clause.strip()
        while (
            clause.startswith("(") and clause.endswith(")") and not clause.startswith("selected(")
        ):
            clause = clause[1:-1].strip()
        match = CLAUSE_EQUALS.match(clause) or CLAUSE_SELECTED.match(clause)
        if not match:
            raise RefusedError(
                f"{where}: the condition “relevant” {expression!r} is not one Verbale can hold. "
                "Verbale shows a question only after given answers to one earlier yes/no or "
                "choice question: ${question} = 'value' or selected(${question}, 'value'), "
                "joined by “or”."
            )
        names.add(match.group(1))
        values.append(match.group(2))
    if len(names) != 1:
        raise RefusedError(
            f"{where}: the condition “relevant” {expression!r} rests on several questions; "
            "Verbale's conditions rest on one earlier question."
        )
    name = names.pop()
    target = earlier.get(name)
    if target is None:
        raise RefusedError(
            f"{where}: the condition “relevant” rests on {name!r}, which is not an earlier "
            "question of the form."
        )
    if target["kind"] not in (answers.YES_NO, answers.SINGLE_CHOICE, answers.MULTIPLE_CHOICE):
        raise RefusedError(
            f"{where}: the condition “relevant” rests on {name!r}, which is not a yes/no or "
            "choice question."
        )
    return {"question": name, "values": list(dict.fromkeys(values))}


def _number_options(kind: str, constraint: str, where: str) -> dict[str, Any]:
    options: dict[str, Any] = {"integer": kind == "integer"}
    if not constraint:
        return options
    for clause in re.split(r"\s+and\s+", constraint.strip()):
        match = BOUND.match(clause.strip())
        if not match:
            raise RefusedError(
                f"{where}: the constraint {constraint!r} is not one Verbale can hold. It "
                "keeps bounds only: “. >= 0”, “. <= 100”, or both joined by “and”."
            )
        number = float(match.group(2))
        value: int | float = int(number) if number.is_integer() else number
        options["min" if match.group(1) == ">=" else "max"] = value
    return options


def _read_survey(
    workbook: Any,
    lists: dict[str, list[dict[str, Any]]],
    default_language: str,
    settings: dict[str, str],
) -> tuple[dict[str, Any], list[str]]:
    form_title = settings.get("form_title", "")
    sections: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    loose: dict[str, Any] | None = None
    earlier: dict[str, dict[str, Any]] = {}
    languages: set[str] = set()
    metadata: list[str] = []
    for number, row in _rows(workbook, "survey"):
        where = f"Sheet “survey”, row {number}"
        kind_text = re.sub(r"\s+", " ", row.get("type", "")).strip()
        type_word, _, rest = kind_text.partition(" ")
        name = row.get("name", "")
        if type_word in ("begin_group", "begin") and (
            type_word == "begin_group" or rest == "group"
        ):
            if current is not None:
                if name.endswith("_table"):
                    raise RefusedError(
                        f"{where}: the group {name!r} looks like a statistical table exported "
                        "by Verbale, which an XLSForm cannot carry back. Import the Verbale "
                        "questionnaire file (.json) to keep the table."
                    )
                raise RefusedError(
                    f"{where}: the group {name!r} is inside another group; Verbale's "
                    "sections do not nest. Move its questions into the outer group."
                )
            _check_columns(row, where, READ_COLUMNS - {"constraint"})
            if row.get("relevant") or row.get("required"):
                raise RefusedError(
                    f"{where}: a group cannot be required or shown on a condition in Verbale; "
                    "put the condition on its questions."
                )
            title = _texts(row, "label", default_language, where) or {default_language: name}
            languages.update(title)
            current = {"title": title, "questions": [], "_where": where}
            sections.append(current)
            continue
        if type_word in ("end_group", "end") and (type_word == "end_group" or rest == "group"):
            current = None
            continue
        if "repeat" in kind_text:
            raise RefusedError(
                f"{where}: “{kind_text}”: Verbale has no repeated groups. A statistical table "
                "(added in Verbale's editor) holds figures by row and column."
            )
        if type_word in METADATA:
            metadata.append(f"{name or type_word} (row {number})")
            continue
        question = _question(row, where, kind_text, lists, default_language, earlier)
        languages.update(question["text"])
        if current is None:
            if loose is None:
                loose = {
                    "title": {default_language: form_title or "Questions"},
                    "questions": [],
                    "_where": where,
                }
                sections.append(loose)
            loose["questions"].append(question)
        else:
            current["questions"].append(question)
        earlier[name] = question
    if not any(section["questions"] for section in sections):
        raise RefusedError("Sheet “survey” holds no question Verbale can import.")
    sections = [section for section in sections if section["questions"] or section is not loose]
    languages.add(default_language)
    notices = []
    if metadata:
        notices.append(
            "Not imported, as they are not questions (Verbale records who saved each answer "
            "and when): " + ", ".join(metadata) + "."
        )
    return (
        {
            "title": form_title,
            "languages": [code for code in LANGUAGE_CODES if code in languages],
            "sections": sections,
        },
        notices,
    )


def _question(
    row: dict[str, str],
    where: str,
    kind_text: str,
    lists: dict[str, list[dict[str, Any]]],
    default_language: str,
    earlier: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    type_word, _, list_name = kind_text.partition(" ")
    list_name = list_name.strip()
    name = row.get("name", "")
    options: dict[str, Any] = {}
    if type_word == "text":
        kind = answers.TEXT
    elif type_word in ("integer", "decimal"):
        kind = answers.NUMBER
        options = _number_options(type_word, row.get("constraint", ""), where)
    elif type_word in ("select_one", "select_multiple"):
        if list_name.endswith(" or_other") or " " in list_name:
            raise RefusedError(
                f"{where}: “{kind_text}”: Verbale has no “or other” choice; add a choice "
                "“other” and a text question shown when it is chosen."
            )
        choices = lists.get(list_name)
        if not choices:
            raise RefusedError(f"{where}: the choice list {list_name!r} has no choices.")
        values = {c["value"] for c in choices}
        if type_word == "select_one" and values == {"yes", "no"}:
            kind = answers.YES_NO
        else:
            kind = answers.SINGLE_CHOICE if type_word == "select_one" else answers.MULTIPLE_CHOICE
            options = {"choices": [{k: c[k] for k in ("value", "label")} for c in choices]}
    elif type_word == "file":
        kind = answers.FILE
    elif type_word == "note":
        raise RefusedError(
            f"{where}: Verbale has no notes between questions. Put the text in the hint of "
            "the next question or in the title of the section."
        )
    elif type_word in ("calculate", "hidden"):
        raise RefusedError(f"{where}: “{type_word}”: Verbale has no calculated fields.")
    else:
        raise RefusedError(
            f"{where}: the type “{kind_text}” has no equivalent in Verbale (it takes text, "
            "integer, decimal, select_one, select_multiple and file questions)."
        )
    _check_columns(row, where, READ_COLUMNS)
    if kind != answers.NUMBER and row.get("constraint"):
        raise RefusedError(
            f"{where}: the constraint {row['constraint']!r} has no equivalent in Verbale for "
            "this type of question."
        )
    required = row.get("required", "").lower()
    if required not in TRUE | FALSE:
        raise RefusedError(
            f"{where}: “required” is {row.get('required')!r}; Verbale takes yes or no only."
        )
    text = _texts(row, "label", default_language, where)
    if not text:
        raise RefusedError(f"{where}: the question {name!r} has no label.")
    return {
        "name": name,
        "sub": row.get("verbale_sub", "").lower() in TRUE,
        "kind": kind,
        "text": text,
        "help_text": _texts(row, "hint", default_language, where),
        "required": required in TRUE,
        "options": options,
        "condition": _condition(row.get("relevant", ""), where, earlier),
        "_where": where,
    }


# --- writing --------------------------------------------------------------------------------


def _language_column(code: str) -> str:
    return f"{LANGUAGE_NAMES[code]} ({code})"


def _choice_list_name(question: Question) -> str:
    return authoring.question_name(question) + "_choices"


def _relevant(question: Question, names: dict[int, str]) -> str:
    if question.condition_question_id not in names:
        return ""
    target = names[question.condition_question_id]
    multiple = question.condition_question.kind == answers.MULTIPLE_CHOICE
    return " or ".join(
        f"selected(${{{target}}}, '{value}')" if multiple else f"${{{target}}} = '{value}'"
        for value in question.condition_values
    )


def write_xlsform(questionnaire: Questionnaire) -> bytes:
    """The questionnaire as an XLSForm (see the module's docstring for tables)."""
    languages = list(questionnaire.languages)
    questions = authoring.ordered_questions(questionnaire)
    names = {q.pk: authoring.question_name(q) for q in questions}
    by_section: dict[int, list[Question]] = {}
    for q in questions:
        by_section.setdefault(q.section_id, []).append(q)

    workbook = Workbook()
    survey = workbook.active
    survey.title = "survey"
    label_columns = [f"label::{_language_column(c)}" for c in languages]
    hint_columns = [f"hint::{_language_column(c)}" for c in languages]
    survey.append(
        [
            "type",
            "name",
            *label_columns,
            *hint_columns,
            "required",
            "relevant",
            "constraint",
            "verbale_sub",
        ]
    )
    choices = workbook.create_sheet("choices")
    choices.append(["list_name", "name", *label_columns])
    yes_no_written = False

    def row(
        kind: str,
        name: str,
        label: dict[str, str],
        hint: dict[str, str] | None = None,
        required: bool = False,
        relevant: str = "",
        constraint: str = "",
        sub: bool = False,
    ) -> None:
        survey.append(
            [
                kind,
                name,
                *[label.get(c, "") for c in languages],
                *[(hint or {}).get(c, "") for c in languages],
                "yes" if required else "",
                relevant,
                constraint,
                "yes" if sub else "",
            ]
        )

    for section in questionnaire.sections.order_by("order", "pk"):
        row("begin_group", f"section_{section.number}", section.title)
        for q in by_section.get(section.pk, []):
            name = names[q.pk]
            relevant = _relevant(q, names)
            options = q.options or {}
            if q.kind == answers.TABLE:
                row("begin_group", f"{name}_table", q.text, q.help_text, relevant=relevant)
                for table_row in options.get("rows", []):
                    for column in options.get("columns", []):
                        label = {
                            c: f"{table_row['label'].get(c, table_row['key'])} – "
                            f"{column['label'].get(c, column['key'])}"
                            for c in languages
                        }
                        row(
                            "integer",
                            f"{name}__{table_row['key']}__{column['key']}".replace(".", "_"),
                            label,
                            constraint=". >= 0",
                        )
                row("end_group", "", {})
                continue
            if q.kind == answers.YES_NO:
                kind = "select_one yes_no"
                if not yes_no_written:
                    for value, index in (("yes", 0), ("no", 1)):
                        choices.append(
                            ["yes_no", value, *[YES_NO_LABELS[c][index] for c in languages]]
                        )
                    yes_no_written = True
            elif q.kind in (answers.SINGLE_CHOICE, answers.MULTIPLE_CHOICE):
                list_name = _choice_list_name(q)
                word = "select_one" if q.kind == answers.SINGLE_CHOICE else "select_multiple"
                kind = f"{word} {list_name}"
                for choice in options.get("choices", []):
                    choices.append(
                        [
                            list_name,
                            choice["value"],
                            *[choice["label"].get(c, "") for c in languages],
                        ]
                    )
            elif q.kind == answers.NUMBER:
                kind = "integer" if options.get("integer") else "decimal"
            else:
                kind = q.kind  # text, file
            constraint = " and ".join(
                f". {sign} {options[bound]}"
                for bound, sign in (("min", ">="), ("max", "<="))
                if q.kind == answers.NUMBER and options.get(bound) is not None
            )
            row(kind, name, q.text, q.help_text, q.required, relevant, constraint, q.sub)
        row("end_group", "", {})

    settings = workbook.create_sheet("settings")
    settings.append(["form_title", "form_id", "default_language", "version"])
    settings.append(
        [
            questionnaire.title,
            f"verbale_{questionnaire.pk}",
            _language_column(languages[0]),
            str(questionnaire.revision),
        ]
    )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
