"""A questionnaire's texts out to translators and back: XLIFF and a spreadsheet.

Translators of the six official languages work in their own tools. Verbale gives them every
text a reader of the questionnaire sees, each as a *unit* with a stable id, and reads their work
back:

- **XLIFF** (1.1, as translate-toolkit writes it), one file per target language, written and
  read by translate-toolkit (whose XML parser refuses entities and network access);
- **XLSX**, one row per unit and one column per language of the questionnaire (openpyxl).

Unit ids name the object and the text, so they survive reordering::

    s{section id}.title
    q{question id}.text        q{question id}.help
    q{question id}.choice.{value}
    q{question id}.row.{key}   q{question id}.column.{key}

Every unit carries its source text (in the questionnaire's source language) as it was exported.
An import is checked as a whole before anything is written, and refused with every problem
listed when any of these is found: an id the questionnaire does not have; a unit of the
questionnaire missing from the file; a source text changed since export (the translation would
be of an older text); a translation whose markup differs from its source (placeholders such as
``{deadline}``, tags, web addresses, asterisks); a language the questionnaire is not in. An
empty translation means "not yet translated" and leaves the text as it is.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils.exceptions import InvalidFileException
from translate.storage import xliff

from portal import archives
from portal.errors import InvalidError

from ..models import LANGUAGES, Question, Questionnaire, Section
from . import authoring

LANGUAGE_NAMES = dict(LANGUAGES)
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNITS = 20_000
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
_MARKUP = re.compile(r"\{[^{}\s]*\}|<[^<>]*>|https?://\S+|\*+")


@dataclass(frozen=True)
class Unit:
    """One text of the questionnaire: where it is, and its text per language."""

    id: str
    context: str
    texts: dict[str, str]


@dataclass
class ImportResult:
    """What an import changed: texts written per language."""

    written: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        if not self.written:
            return "The file held no new translation: nothing changed."
        parts = [
            f"{count} in {LANGUAGE_NAMES[code]}" for code, count in sorted(self.written.items())
        ]
        return "Translations imported: " + ", ".join(parts) + "."


def source_language(questionnaire: Questionnaire) -> str:
    """The language translators translate from: English when the questionnaire has it."""
    languages = questionnaire.languages or ["en"]
    return "en" if "en" in languages else languages[0]


def _labelled(question: Question, what: str, items: list[dict[str, Any]], key: str) -> Iterator:
    for item in items:
        value = str(item.get(key, ""))
        label = item.get("label") or {}
        yield (
            f"q{question.pk}.{what}.{value}",
            f"Question {question.number}, {what} {value!r}",
            dict(label),
        )


def units(questionnaire: Questionnaire) -> list[Unit]:
    """Every text a reader sees, in reading order."""
    found: list[Unit] = []
    sections = questionnaire.sections.prefetch_related("questions").order_by("order", "pk")
    for section in sections:
        found.append(Unit(f"s{section.pk}.title", f"Section {section.number}", section.title))
        for question in section.questions.all():
            found.append(Unit(f"q{question.pk}.text", f"Question {question.number}", question.text))
            if question.help_text:
                found.append(
                    Unit(
                        f"q{question.pk}.help",
                        f"Question {question.number}, help",
                        question.help_text,
                    )
                )
            options = question.options or {}
            rows = [
                *_labelled(question, "choice", options.get("choices", []), "value"),
                *_labelled(question, "row", options.get("rows", []), "key"),
                *_labelled(question, "column", options.get("columns", []), "key"),
            ]
            found += [Unit(ident, context, texts) for ident, context, texts in rows]
    return found


# --- writing ----------------------------------------------------------------------------------


def export_xliff(questionnaire: Questionnaire, language: str) -> bytes:
    """An XLIFF file from the source language into ``language``."""
    source = source_language(questionnaire)
    if language not in questionnaire.languages or language == source:
        raise InvalidError(
            f"Choose one of the questionnaire's languages other than {LANGUAGE_NAMES[source]}."
        )
    store = xliff.xlifffile(sourcelanguage=source, targetlanguage=language)
    for unit in units(questionnaire):
        entry = xliff.xliffunit(unit.texts.get(source, ""))
        entry.setid(unit.id)
        entry.addnote(unit.context, origin="developer")
        if unit.texts.get(language):
            entry.target = unit.texts[language]
        store.addunit(entry)
    return bytes(store)


def export_xlsx(questionnaire: Questionnaire) -> bytes:
    """A spreadsheet: id, where the text is, then one column per language (source first)."""
    source = source_language(questionnaire)
    languages = [source, *[code for code in questionnaire.languages if code != source]]
    book = Workbook()
    sheet = book.active
    sheet.title = "Translations"
    sheet.append(["id", "where", *[f"{LANGUAGE_NAMES[c]} ({c})" for c in languages]])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for unit in units(questionnaire):
        sheet.append([unit.id, unit.context, *[unit.texts.get(c, "") for c in languages]])
    sheet.freeze_panes = "C2"
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 28
    for index in range(len(languages)):
        letter = chr(ord("C") + index)
        sheet.column_dimensions[letter].width = 50
        for cell in sheet[letter]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- reading ----------------------------------------------------------------------------------

_HEADER = re.compile(r"^.*\(([a-z]{2})\)\s*$")


def _read_xliff(data: bytes) -> tuple[str | None, dict[str, tuple[str, str]]]:
    """Target language and {id: (source, target)} of an XLIFF file."""
    try:
        store = xliff.xlifffile.parsestring(data)
    except Exception as error:  # lxml and translate-toolkit raise many kinds
        raise InvalidError(f"The file could not be read as XLIFF: {error}") from None
    language = (store.gettargetlanguage() or "").lower().split("-")[0] or None
    read: dict[str, tuple[str, str]] = {}
    for unit in store.getunits():
        if unit.isheader():
            continue
        # The id as written, without the file name translate-toolkit prefixes to getid().
        ident = unit.xmlelement.get("id") or ""
        read[ident] = (unit.source or "", unit.target or "")
    return language, read


def _read_xlsx(data: bytes) -> tuple[list[str], dict[str, dict[str, str]]]:
    """Languages of the columns and {id: {language: text}} of a spreadsheet."""
    try:
        archives.check_archive(
            data, max_unpacked_bytes=MAX_UNPACKED_BYTES, max_compression_ratio=100
        )
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (
        archives.ArchiveRefusedError,
        InvalidFileException,
        OSError,
        KeyError,
        ValueError,
    ) as error:
        raise InvalidError(f"The file could not be read as a spreadsheet: {error}") from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    languages: list[str] = []
    for title in header[2:]:
        match = _HEADER.match(str(title or ""))
        if not match or match.group(1) not in LANGUAGE_NAMES:
            raise InvalidError(
                f'Column {title!r} does not name a language as the export does, e.g. "French (fr)".'
            )
        languages.append(match.group(1))
    read: dict[str, dict[str, str]] = {}
    for number, row in enumerate(rows, start=2):
        if number > MAX_UNITS:
            raise InvalidError("The spreadsheet has more rows than a questionnaire has texts.")
        if not row or row[0] in (None, ""):
            continue
        values = [("" if v is None else str(v)) for v in row[2 : 2 + len(languages)]]
        read[str(row[0])] = dict(zip(languages, values, strict=False))
    book.close()
    return languages, read


def _markup(text: str) -> Counter[str]:
    return Counter(_MARKUP.findall(text))


def _check(
    questionnaire: Questionnaire,
    current: dict[str, Unit],
    incoming: dict[str, dict[str, str]],
    sources: dict[str, str],
    languages: list[str],
) -> list[str]:
    """Every reason to refuse the import; empty when it may be written."""
    problems: list[str] = []
    source = source_language(questionnaire)
    for code in languages:
        if code not in questionnaire.languages:
            problems.append(
                f"{LANGUAGE_NAMES[code]} is not a language of this questionnaire: add it to "
                "the questionnaire's languages first."
            )
    unknown = sorted(set(incoming) - set(current))
    if unknown:
        problems.append("Unknown ids (not in this questionnaire): " + ", ".join(unknown) + ".")
    missing = [ident for ident in current if ident not in incoming]
    if missing:
        problems.append(
            "Texts of the questionnaire missing from the file: " + ", ".join(missing) + "."
        )
    for ident, unit in current.items():
        if ident not in incoming:
            continue
        now = unit.texts.get(source, "")
        if sources.get(ident, now).strip() != now.strip():
            problems.append(
                f"{unit.context} ({ident}): the {LANGUAGE_NAMES[source]} text has changed since "
                "the export; export again and translate the new text."
            )
            continue
        for code, text in incoming[ident].items():
            if code == source or not text.strip():
                continue
            if _markup(text) != _markup(now):
                problems.append(
                    f"{unit.context} ({ident}), {LANGUAGE_NAMES[code]}: the translation's "
                    "placeholders, tags, addresses or asterisks differ from the source "
                    f"({', '.join(sorted(_markup(now))) or 'none'})."
                )
    return problems


@transaction.atomic
def import_file(
    questionnaire: Questionnaire,
    *,
    filename: str,
    data: bytes,
    by: Any,
    reason: str | None = None,
) -> ImportResult:
    """Check a translator's XLIFF or XLSX file as a whole, then write every translation in it.

    Raises :class:`InvalidError` naming every problem; then nothing is written. A dispatched
    questionnaire records one revision, with the reason given, as other changes do.
    """
    if len(data) > MAX_FILE_BYTES:
        raise InvalidError("The file is larger than 5 MB: a questionnaire's texts are smaller.")
    source = source_language(questionnaire)
    lowered = filename.lower()
    if lowered.endswith((".xlf", ".xliff")):
        language, read = _read_xliff(data)
        if language is None or language not in LANGUAGE_NAMES:
            raise InvalidError("The XLIFF file does not say which language it is translated into.")
        languages = [language]
        incoming = {ident: {language: target} for ident, (_, target) in read.items()}
        sources = {ident: src for ident, (src, _) in read.items()}
    elif lowered.endswith(".xlsx"):
        languages, table = _read_xlsx(data)
        if source not in languages:
            raise InvalidError(
                f"The spreadsheet has no {LANGUAGE_NAMES[source]} column: it is the source the "
                "translations are checked against."
            )
        incoming = table
        sources = {ident: texts.get(source, "") for ident, texts in table.items()}
        languages = [code for code in languages if code != source]
    else:
        raise InvalidError("Upload the XLIFF (.xlf) or spreadsheet (.xlsx) file Verbale exported.")
    if len(incoming) > MAX_UNITS:
        raise InvalidError("The file has more entries than a questionnaire has texts.")

    current = {unit.id: unit for unit in units(questionnaire)}
    problems = _check(questionnaire, current, incoming, sources, languages)
    if problems:
        raise InvalidError(
            "Nothing was imported. " + " ".join(problems),
            field_errors={"file": problems},
        )
    wanted = [
        (ident, code, text.strip())
        for ident, texts in incoming.items()
        for code, text in texts.items()
        if code in languages and text.strip() and current[ident].texts.get(code) != text.strip()
    ]
    result = ImportResult(written=Counter(code for _, code, _ in wanted))
    if not wanted:
        return result
    authoring.record_change(questionnaire, by=by, reason=reason)
    for changed in _apply(wanted):
        changed.save()
    return result


def _apply(wanted: list[tuple[str, str, str]]) -> list[Section | Question]:
    """The sections and questions with the translations ``(id, language, text)`` set, unsaved."""
    section_ids = {int(i.split(".")[0][1:]) for i, _, _ in wanted if i.startswith("s")}
    question_ids = {int(i.split(".")[0][1:]) for i, _, _ in wanted if i.startswith("q")}
    sections = Section.objects.select_for_update().in_bulk(section_ids)
    questions = Question.objects.select_for_update().in_bulk(question_ids)
    lists = {"choice": ("choices", "value"), "row": ("rows", "key"), "column": ("columns", "key")}
    touched: dict[tuple[str, int], Section | Question] = {}
    for ident, code, text in wanted:
        head, what, *rest = ident.split(".", 2)
        number = int(head[1:])
        if head.startswith("s"):
            section = sections[number]
            section.title = {**section.title, code: text}
            touched["s", number] = section
            continue
        question = questions[number]
        if what == "text":
            question.text = {**question.text, code: text}
        elif what == "help":
            question.help_text = {**question.help_text, code: text}
        else:
            name, key = lists[what]
            for item in question.options.get(name, []):
                if str(item.get(key)) == rest[0]:
                    item["label"] = {**item.get("label", {}), code: text}
        touched["q", number] = question
    return list(touched.values())
