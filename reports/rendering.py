"""From a frozen snapshot of a report to what prints: numbers, lists, footnotes, HTML.

Everything here is a pure function of the snapshot (a :class:`reports.snapshot.ReportSnapshot`,
filled by ``reports.selectors.report_snapshot``; a build's stored JSON is read back with
``ReportSnapshot.from_json``): no
database, no clock, no storage, so a build renders the same bytes whenever it runs, and the
editor's preview shows exactly the paragraph and footnote numbers the PDF will carry.

:func:`compose` walks the report once, in reading order (summary; sections, their own
paragraphs before their subsections; annexes; each footnote at its call), numbering paragraphs
and footnotes and writing every list of respondents with one ``MentionTracker``, so first
mentions are in full and later ones short.  Mistakes (broken markup, an unknown attribution
set, a member whose reply is not in the report, a name missing on the report's date) become
:class:`Problem` rows next to the paragraph instead of exceptions: the preview shows them, and
a build refuses to print while there are any.
"""

from __future__ import annotations

import datetime
import hashlib
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from surveys.respondents import formatting

from . import markup
from .snapshot import (
    Masthead,
    ParagraphSnapshot,
    ReportSnapshot,
    RespondentSnapshot,
    SectionSnapshot,
    as_snapshot,
)

# Bump when a change to this module changes the printed output, so that builds of an unchanged
# report are not reused across the change (the print CSS is fingerprinted separately).
RENDERER_VERSION = 2  # 2: symbol and job number set from the HTML, not written into CSS

PRINT_CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "report-print.css"

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# Groups of the annex that lists respondents, in the order UN documents print them.
ANNEX_GROUPS: tuple[tuple[str, frozenset[formatting.Kind]], ...] = (
    ("States", frozenset({formatting.Kind.MEMBER_STATE, formatting.Kind.OBSERVER_STATE})),
    ("Observer entities", frozenset({formatting.Kind.OBSERVER_ENTITY})),
    ("Groups of States", frozenset({formatting.Kind.GROUP_OF_STATES})),
    ("United Nations entities", frozenset({formatting.Kind.UN_ENTITY})),
    ("Intergovernmental organizations", frozenset({formatting.Kind.IGO})),
    ("Non-governmental organizations", frozenset({formatting.Kind.NGO})),
)


def layout_fingerprint() -> str:
    """What, besides the snapshot, decides the printed layout: renderer version and print CSS."""
    digest = hashlib.sha256(f"renderer {RENDERER_VERSION}\n".encode())
    digest.update(PRINT_CSS.read_bytes())
    return digest.hexdigest()


def un_date(value: str | datetime.date) -> str:
    """ "2008-01-29" → "29 January 2008", whatever the server's locale."""
    day = datetime.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def roman(n: int) -> str:
    numerals = (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    )
    out = []
    for value, numeral in numerals:
        while n >= value:
            out.append(numeral)
            n -= value
    return "".join(out)


def letter(n: int) -> str:
    """1 → "A", 26 → "Z", 27 → "AA"."""
    out = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def paragraph_range(first: int | None, last: int | None) -> str:
    """The contents' "Paragraphs" column: "3–83" with an en dash, "5" alone, or nothing."""
    if first is None or last is None:
        return ""
    return str(first) if first == last else f"{first}–{last}"


# --- What the walk produces ------------------------------------------------------------------


class ProblemCode:
    """What kind of problem: ``reports.coding.consistency`` decides from it whether a build may
    go on."""

    MARKUP = "markup"
    EMPTY_PARAGRAPH = "empty-paragraph"
    NO_REPLIES = "no-replies"
    UNKNOWN_SET = "unknown-set"
    EMPTY_SET = "empty-set"
    MEMBER_WITHOUT_REPLY = "member-without-reply"
    NAME = "name"


@dataclass(frozen=True)
class Problem:
    """Something to fix (or, for a member without a reply, to acknowledge) before the report
    can print, and where it is."""

    where: str
    message: str
    paragraph_id: int | None = None
    code: str = ProblemCode.MARKUP
    set_key: str = ""
    respondent_id: int | None = None

    @property
    def blocking(self) -> bool:
        """A member without a reply still prints (the list is right, the reply is missing):
        the secretariat acknowledges it; everything else leaves nothing sensible to print."""
        return self.code != ProblemCode.MEMBER_WITHOUT_REPLY

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class TextRun:
    text: str


@dataclass
class EmRun:
    children: list[Run]


@dataclass
class StrongRun:
    """Bold text written ``**…**`` (a key phrase); may hold emphasis, or sit inside it."""

    children: list[Run]


@dataclass
class NoteRun:
    number: int
    children: list[Run]
    keys: list[str] = field(default_factory=list)  # attribution sets the footnote lists


@dataclass
class ErrorRun:
    """A reference that could not be printed; shown in the preview, refused by a build."""

    text: str


Run = TextRun | EmRun | StrongRun | NoteRun | ErrorRun


# --- Tables --------------------------------------------------------------------------------------
#
# One representation of a printed table, whoever made it: the markup parser (a pipe table typed
# in a paragraph) or the document model (a table generated from statistical answers).  The HTML
# printer (PDF) and the Word printer both print a ``TableOut`` and nothing else, so a table looks
# the same in both.  Text in a table is runs, like a paragraph: it may hold emphasis, bold and
# footnotes, and it is escaped when printed.


@dataclass
class CellOut:
    """One cell of a table.

    ``runs``     what the cell says (``[TextRun("1,234")]``); ``[]`` is an empty cell.
    ``numeric``  a figure: printed right-aligned (HTML class ``num``, Word right alignment).
                 :meth:`of` decides it from the text with :func:`is_numeric`.
    ``colspan``  how many columns the cell spans (1 or more); a row's colspans add up to the
                 table's width.
    """

    runs: list[Run]
    numeric: bool = False
    colspan: int = 1

    @classmethod
    def of(cls, text: str, *, numeric: bool | None = None, colspan: int = 1) -> CellOut:
        """A cell of plain text, in UN number style when it is a figure: ``CellOut.of(1234)``
        is not allowed (format numbers with :func:`un_number` first); ``CellOut.of("2003-2006")``
        prints "2003–2006" and is numeric; ``CellOut.of("")`` is an empty cell."""
        figure = is_numeric(text) if numeric is None else numeric
        shown = un_figure(text) if figure else text
        return cls([TextRun(shown)] if shown else [], numeric=figure, colspan=colspan)

    @property
    def text(self) -> str:
        return plain_text(self.runs)


@dataclass
class TableOut:
    """A numbered table, printed "Table N" and its caption above, header rows repeated on every
    page, body rows, then its notes and source under it.

    ``number``       "Table 1", "Table 2"… in document order; set by :func:`compose` (the walk
                     numbers every table, typed or generated, in reading order); ``None`` until
                     then.
    ``caption``      the title line under "Table N" (runs, no "Table N" in it).
    ``header_rows``  one or more rows printed as the table head (``<thead>``; Word repeats them
                     as header rows); may be ``[]``.
    ``body_rows``    the rows of figures; every row's colspans add up to the same width.
    ``notes``        each note a list of runs, printed "Note: …" (one) or "Notes: …" (several),
                     in order, under the table.
    ``source``       runs printed "Source: …" under the notes; ``[]`` for none.
    """

    caption: list[Run]
    header_rows: list[list[CellOut]] = field(default_factory=list)
    body_rows: list[list[CellOut]] = field(default_factory=list)
    notes: list[list[Run]] = field(default_factory=list)
    source: list[Run] = field(default_factory=list)
    number: int | None = None

    @property
    def anchor(self) -> str:
        return f"table-{self.number}"

    @property
    def label(self) -> str:
        """ "Table 1" with a no-break space, as it prints."""
        return f"Table\u00a0{self.number}" if self.number is not None else "Table"

    @property
    def width(self) -> int:
        rows = self.header_rows + self.body_rows
        return max((sum(cell.colspan for cell in row) for row in rows), default=0)


_FIGURE = re.compile(
    r"""^(?:
        [-\u2212]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s?%?    # 1,234  12.5  -3  40%
        |\d{1,4}\s?[-\u2013]\s?\d{1,4}                          # 2003-2006, 2003–2006
        |[-\u2013\u2014]                                         # – for none
        |\.\.|\u2026                                            # .. not available
    )$""",
    re.VERBOSE,
)


def is_numeric(text: str) -> bool:
    """Whether a cell is a figure (printed right-aligned): "1,234", "12.5", "40%", "2003–2006",
    and "–" (none) or ".." (not available)."""
    return bool(_FIGURE.match(text.strip()))


def un_figure(text: str) -> str:
    """A typed figure in UN number style: an en dash for a range or for none ("2003-2006" →
    "2003–2006", "-" → "–"), a minus sign for a negative number, commas in a figure of five
    digits or more typed without them ("12345" → "12,345"; a four-digit figure is left as
    typed, since it may be a year: write "1,234" with its comma)."""
    text = text.strip()
    if text in ("-", "\u2014"):
        return "\u2013"
    range_ = re.fullmatch(r"(\d{1,4})\s?[-\u2013]\s?(\d{1,4})", text)
    if range_:
        return f"{range_.group(1)}\u2013{range_.group(2)}"
    plain = re.fullmatch(r"([-\u2212]?)(\d{5,})((?:\.\d+)?\s?%?)", text)
    if plain:
        sign, digits, rest = plain.groups()
        return ("\u2212" if sign else "") + f"{int(digits):,}" + rest
    if text.startswith("-") and len(text) > 1:
        return "\u2212" + text[1:]
    return text


def un_number(value: int | float, *, decimals: int | None = None) -> str:
    """A number in UN style for generated tables: 1234 → "1,234", 12.5 → "12.5", -3 → "−3"
    (minus sign).  ``None`` is not a number: print "–" or "..", never 0."""
    if isinstance(value, bool) or value is None:
        raise TypeError("un_number needs an int or a float")
    shown = f"{abs(value):,.{decimals}f}" if decimals is not None else f"{abs(value):,}"
    return ("\u2212" if value < 0 else "") + shown


@dataclass
class ItemOut:
    """A sub-paragraph "(a)", a nested "(i)" or a bullet ("" label): its text, then what stands
    inside it (a list of nested items or of bullets)."""

    label: str
    runs: list[Run]
    blocks: list[ListOut] = field(default_factory=list)


@dataclass
class ListOut:
    """Sub-paragraphs in order: ``kind`` is "letter" ((a), (b)…), "roman" ((i), (ii)…, only
    inside a lettered item) or "bullet"."""

    kind: str
    items: list[ItemOut] = field(default_factory=list)


Block = ListOut | TableOut


@dataclass
class ParagraphOut:
    """A paragraph as it prints: number (``None`` when unnumbered), lead-in runs, then its
    blocks in order — lettered sub-paragraphs (with nested (i)… and bullets), bullet lists and
    tables."""

    id: int | None
    number: int | None
    lead: list[Run]
    blocks: list[Block] = field(default_factory=list)
    heading: bool = False
    source: str = ""
    problem: Problem | None = None
    notes: list[NoteRun] = field(default_factory=list)
    # What prints before the text when the number is not the document's paragraph number: "1."
    # in an annex numbering its own paragraphs or on a level-3 heading, "Recommendation 1" in an
    # annex of numbered recommendations (printed as a line of its own above the text).
    label: str = ""
    kind: str = "text"  # the block's kind (reports.models.Paragraph.Kind)

    @property
    def items(self) -> list[tuple[str, list[Run]]]:
        """The lettered sub-paragraphs' own text, flat (for printers that know no more)."""
        return [
            (item.label, item.runs)
            for block in self.blocks
            if isinstance(block, ListOut) and block.kind == "letter"
            for item in block.items
        ]

    @property
    def tables(self) -> list[TableOut]:
        return [block for block in self.blocks if isinstance(block, TableOut)]


@dataclass
class SectionOut:
    """A section, subsection or annex as it prints. ``number`` is "" for an unnumbered section
    (and for a document's only annex); ``respondents_layout`` is "columns" (a list of names
    under each kind's heading) or "runs" (names run on, separated by commas)."""

    id: int
    number: str
    title: str
    anchor: str
    annex: bool = False
    paragraphs: list[ParagraphOut] = field(default_factory=list)
    subsections: list[SectionOut] = field(default_factory=list)
    respondent_groups: list[tuple[str, list[str]]] = field(default_factory=list)
    first: int | None = None
    last: int | None = None
    respondents_layout: str = "columns"

    @property
    def range(self) -> str:
        return paragraph_range(self.first, self.last)


@dataclass
class Composition:
    report: dict[str, Any]
    summary: list[ParagraphOut]
    sections: list[SectionOut]
    annexes: list[SectionOut]
    footnotes: list[NoteRun]
    problems: list[Problem]
    paragraph_count: int


def plain_text(runs: Iterable[Run]) -> str:
    """The text of runs without footnotes: what a reader sees in the line."""
    out = []
    for run in runs:
        if isinstance(run, TextRun | ErrorRun):
            out.append(run.text)
        elif isinstance(run, EmRun):
            out.append(plain_text(run.children))
    return "".join(out)


# --- The walk ----------------------------------------------------------------------------------


class _Composer:
    def __init__(self, snapshot: ReportSnapshot) -> None:
        self.snapshot = snapshot
        self.masthead = snapshot.masthead
        self.on = datetime.date.fromisoformat(self.masthead.date)
        self.problems: list[Problem] = []
        self.footnotes: list[NoteRun] = []
        self.tracker = formatting.MentionTracker()
        self.paragraph_number = 0
        self.respondents: dict[int, formatting.Respondent] = {}
        self.labels: dict[int, str] = {}
        for data in snapshot.respondents:
            self._load_respondent(data)
        self.sets: dict[str, list[int]] = {
            item.key: list(item.members) for item in snapshot.attribution_sets
        }
        self.set_sources: dict[str, str] = {
            item.key: item.source for item in snapshot.attribution_sets if item.source
        }
        self.replies: list[int] = list(snapshot.replies)
        self.checked_sets: set[str] = set()
        self.annex_notes: dict[int, str] = {
            r.id: r.annex_note for r in snapshot.respondents if r.annex_note
        }
        self.heading3_number = 0  # "1.", "2." under "A.", restarting in each (sub)section
        self.annex_number = 0  # an annex's own paragraph or recommendation numbers
        self.table_number = 0

    def _load_respondent(self, data: RespondentSnapshot) -> None:
        rid = data.id
        self.labels[rid] = data.label or f"respondent {rid}"
        try:
            names = tuple(
                formatting.Name(
                    list_name=n.list_name,
                    text_name=n.text_name,
                    sort_key=n.sort_key,
                    short_name=n.short_name,
                    abbreviation=n.abbreviation,
                    valid_from=_date_or_none(n.valid_from),
                    valid_to=_date_or_none(n.valid_to),
                    kind=n.kind,
                )
                for n in data.names
            )
            self.respondents[rid] = formatting.Respondent(
                id=rid,
                kind=data.kind,  # type: ignore[arg-type]
                names=names,
                count_noun=data.count_noun,
            )
        except formatting.FormatError as error:
            self.problems.append(
                Problem(f"Respondent {self.labels[rid]}", str(error), code=ProblemCode.NAME)
            )

    # Members ---------------------------------------------------------------------------------

    def _members(self, key: str, where: str, paragraph_id: int | None) -> list[int] | None:
        if key == markup.REPLIES_KEY:
            ids = self.replies
            if not ids:
                self._problem(
                    where,
                    "{…:replies} needs replies: link the report to its questionnaires "
                    "(no reply received by the cut-off yet).",
                    paragraph_id,
                    code=ProblemCode.NO_REPLIES,
                )
                return None
            return ids
        if key not in self.sets:
            known = ", ".join(sorted(self.sets)) or "none yet"
            self._problem(
                where,
                f"No attribution set has the key {key!r} (known: {known}).",
                paragraph_id,
                code=ProblemCode.UNKNOWN_SET,
                set_key=key,
            )
            return None
        ids = self.sets[key]
        if not ids:
            self._problem(
                where,
                f"Attribution set {key!r} has no members yet.",
                paragraph_id,
                code=ProblemCode.EMPTY_SET,
                set_key=key,
            )
            return None
        if key not in self.checked_sets and key not in self.set_sources:
            # a set with a stated source other than replies cites its members on purpose
            self.checked_sets.add(key)
            replied = set(self.replies)
            for rid in ids:
                if rid not in replied:
                    self._problem(
                        f"Attribution set {key!r}",
                        f"{self.labels.get(rid, rid)} is a member but has no reply in the report "
                        "(none received by the cut-off in the report's questionnaires).",
                        code=ProblemCode.MEMBER_WITHOUT_REPLY,
                        set_key=key,
                        respondent_id=rid,
                    )
        return ids

    def _formatting(self, ids: Sequence[int]) -> list[formatting.Respondent]:
        missing = [i for i in ids if i not in self.respondents]
        if missing:
            raise formatting.FormatError(
                "Respondents without a printable name: "
                + ", ".join(str(self.labels.get(i, i)) for i in missing)
                + "."
            )
        return [self.respondents[i] for i in ids]

    def _problem(
        self,
        where: str,
        message: str,
        paragraph_id: int | None = None,
        *,
        code: str = ProblemCode.MARKUP,
        set_key: str = "",
        respondent_id: int | None = None,
    ) -> None:
        self.problems.append(Problem(where, message, paragraph_id, code, set_key, respondent_id))

    # Inline runs -----------------------------------------------------------------------------

    def _runs(
        self,
        nodes: Sequence[markup.Inline],
        *,
        where: str,
        paragraph_id: int | None,
        notes: list[NoteRun],
        preceding: list[str],
    ) -> list[Run]:
        """Turn parsed nodes into runs; ``preceding`` is the text so far (for capitals)."""
        runs: list[Run] = []
        for node in nodes:
            if isinstance(node, markup.Text):
                runs.append(TextRun(node.text))
                preceding.append(node.text)
            elif isinstance(node, markup.Emphasis):
                children = self._runs(
                    node.children,
                    where=where,
                    paragraph_id=paragraph_id,
                    notes=notes,
                    preceding=preceding,
                )
                runs.append(EmRun(children))
            elif isinstance(node, markup.Footnote):
                note = self._new_note()
                note.keys = [
                    child.key
                    for child in node.children
                    if isinstance(child, markup.Reference) and child.key != markup.REPLIES_KEY
                ]
                note.children = self._runs(
                    node.children,
                    where=f"{where}, footnote {note.number}",
                    paragraph_id=paragraph_id,
                    notes=notes,
                    preceding=[],
                )
                notes.append(note)
                runs.append(note)
            else:
                run = self._reference(
                    node, where=where, paragraph_id=paragraph_id, preceding=preceding
                )
                if isinstance(run, NoteRun):
                    notes.append(run)
                else:
                    preceding.append(run.text)
                runs.append(run)
        return runs

    def _new_note(self) -> NoteRun:
        note = NoteRun(number=len(self.footnotes) + 1, children=[])
        self.footnotes.append(note)
        return note

    def _reference(
        self,
        ref: markup.Reference,
        *,
        where: str,
        paragraph_id: int | None,
        preceding: list[str],
    ) -> Run:
        note = self._new_note() if ref.kind is markup.RefKind.FOOTNOTE else None
        if note is not None and ref.key != markup.REPLIES_KEY:
            note.keys = [ref.key]
        ids = self._members(ref.key, where, paragraph_id)
        text: str | None = None
        if ids is not None:
            try:
                members = self._formatting(ids)
                if ref.kind is markup.RefKind.COUNT:
                    text = formatting.count_phrase(members, on=self.on)
                elif ref.kind is markup.RefKind.LIST:
                    text = formatting.format_list(
                        members, style=formatting.Style.PROSE, on=self.on, tracker=self.tracker
                    )
                else:
                    listed = formatting.format_list(
                        members, style=formatting.Style.LIST, on=self.on, tracker=self.tracker
                    )
                    text = _capitalize(listed) + ("" if listed.endswith(".") else ".")
            except formatting.FormatError as error:
                self._problem(
                    where,
                    f"{{{ref.kind}:{ref.key}}}: {error}",
                    paragraph_id,
                    code=ProblemCode.NAME,
                    set_key=ref.key,
                )
        if text is None:
            text_run: Run = ErrorRun(f"{{{ref.kind}:{ref.key}}}")
        else:
            if ref.kind is not markup.RefKind.FOOTNOTE and _starts_sentence("".join(preceding)):
                text = _capitalize(text)
            text_run = TextRun(text)
        if note is not None:
            note.children = [text_run]
            return note
        return text_run

    # Blocks ----------------------------------------------------------------------------------

    def paragraph(self, block: ParagraphSnapshot, *, where: str, numbered: bool) -> ParagraphOut:
        pid = block.id
        if block.kind == "heading":
            return ParagraphOut(
                id=pid, number=None, lead=[TextRun(block.text.strip())], heading=True
            )
        number = None
        if numbered:
            self.paragraph_number += 1
            number = self.paragraph_number
            where = f"Paragraph {number}"
        out = ParagraphOut(id=pid, number=number, lead=[], source=block.text)
        try:
            parsed = markup.parse_paragraph(block.text)
        except markup.MarkupError as error:
            out.problem = Problem(where, str(error), pid)
            self.problems.append(out.problem)
            out.lead = [TextRun(block.text)]
            return out
        if not parsed.lead and not parsed.items:
            out.problem = Problem(
                where, "The paragraph is empty.", pid, ProblemCode.EMPTY_PARAGRAPH
            )
            self.problems.append(out.problem)
            return out
        out.lead = self._runs(
            parsed.lead, where=where, paragraph_id=pid, notes=out.notes, preceding=[]
        )
        letters = ListOut("letter")
        for item in parsed.items:
            runs = self._runs(
                item.children, where=where, paragraph_id=pid, notes=out.notes, preceding=[]
            )
            letters.items.append(ItemOut(item.label, runs))
        if letters.items:
            out.blocks.append(letters)
        first_problem = next((p for p in self.problems if p.paragraph_id == pid and pid), None)
        out.problem = first_problem
        return out

    def block(self, data: ParagraphSnapshot, *, where: str, numbering: str) -> ParagraphOut:
        """One block of a section, numbered as its section says: ``numbering`` is "body" (the
        document's paragraph numbers), "" (an annex of unnumbered text), "paragraphs" or
        "recommendations" (an annex's own 1, 2, … restarting in each annex)."""
        if data.kind == "heading3":
            self.heading3_number += 1
            return ParagraphOut(
                id=data.id,
                number=None,
                lead=[TextRun(data.text.strip())],
                heading=True,
                label=f"{self.heading3_number}.",
                kind=data.kind,
            )
        if data.kind == "table":
            return self.generated_table(data, where=where)
        if data.kind != "text" or not numbering:
            out = self.paragraph(data, where=where, numbered=False)
        elif numbering == "body":
            out = self.paragraph(data, where=where, numbered=True)
        else:
            self.annex_number += 1
            n = self.annex_number
            if numbering == "recommendations":
                out = self.paragraph(data, where=f"{where}, recommendation {n}", numbered=False)
                out.label = f"Recommendation {n}"
            else:
                out = self.paragraph(data, where=f"{where}, paragraph {n}", numbered=False)
                out.label = f"{n}."
        out.kind = data.kind
        return out

    def generated_table(self, data: ParagraphSnapshot, *, where: str) -> ParagraphOut:
        """A table of the sums of a statistical-table question's figures over the replies that
        gave them, as frozen in the snapshot: "not reported" prints "..", never 0, and the note
        says how many respondents reported."""
        out = ParagraphOut(id=data.id, number=None, lead=[], source=data.text, kind="table")
        table = data.table
        if table is None:
            out.problem = Problem(
                where,
                "This table names no statistical-table question of the report's "
                "questionnaires: choose one.",
                data.id,
            )
            self.problems.append(out.problem)
            return out
        if not table.reporting:
            out.problem = Problem(
                where,
                f"No reply in the report gives a figure for question {table.question[:80]}: "
                "the table would be empty.",
                data.id,
            )
            self.problems.append(out.problem)
            return out
        try:
            reporting = formatting.count_phrase(self._formatting(table.reporting), on=self.on)
        except formatting.FormatError as error:
            out.problem = Problem(where, str(error), data.id, ProblemCode.NAME)
            self.problems.append(out.problem)
            return out
        missing = False
        rows = []
        for row_key, row_label in table.rows:
            cells = [CellOut([TextRun(row_label)])]
            for column_key, _ in table.columns:
                value = table.cell(row_key, column_key)
                missing = missing or value is None
                shown = ".." if value is None else un_number(value)
                cells.append(CellOut([TextRun(shown)], numeric=True))
            rows.append(cells)
        header = [
            CellOut([]),
            *(CellOut([TextRun(label)], numeric=True) for _, label in table.columns),
        ]
        number = table.question.split(".", 1)[0]
        notes = [
            [
                TextRun(
                    f"Sums of the figures reported by {reporting} in reply to question {number}; "
                    "a figure left blank in a reply is not counted."
                )
            ]
        ]
        if missing:
            notes.append(
                [TextRun("Two dots (..) indicate that no respondent reported the figure.")]
            )
        caption = data.text.strip() or table.question.split(". ", 1)[-1]
        self.table_number += 1
        out.blocks.append(
            TableOut(
                caption=[TextRun(caption)],
                header_rows=[header],
                body_rows=rows,
                notes=notes,
                number=self.table_number,
            )
        )
        return out

    def section(
        self, data: SectionSnapshot, *, number: str, annex: bool, numbering: str | None = None
    ) -> SectionOut:
        prefix = "Annex" if annex else "Section"
        out = SectionOut(
            id=data.id,
            number=number,
            title=data.title,
            anchor=f"{'annex' if annex else 'sec'}-{data.id}",
            annex=annex,
            respondents_layout=data.respondents_layout,
        )
        if numbering is None:  # a top-level section or annex
            numbering = data.numbering if annex else "body"
            self.annex_number = 0
        self.heading3_number = 0
        before = self.paragraph_number
        where = f"{prefix} {number}".strip() if number or not data.title else data.title
        if annex and not number:
            where = "Annex"
        for block in data.paragraphs:
            out.paragraphs.append(self.block(block, where=where, numbering=numbering))
        index = 0
        for sub in data.children:
            if sub.numbered:
                index += 1
            sub_number = letter(index) if sub.numbered else ""
            out.subsections.append(
                self.section(sub, number=sub_number, annex=annex, numbering=numbering)
            )
        if annex and data.generated == "respondents":
            out.respondent_groups = self.respondent_groups(where)
        if self.paragraph_number > before:
            out.first, out.last = before + 1, self.paragraph_number
        return out

    def respondent_groups(self, where: str) -> list[tuple[str, list[str]]]:
        if not self.replies:
            self._problem(
                where,
                "The list of respondents is empty: no reply is in the report.",
                code=ProblemCode.NO_REPLIES,
            )
            return []
        try:
            ordered = formatting.sort_respondents(self._formatting(self.replies), on=self.on)
            groups = []
            for label, kinds in ANNEX_GROUPS:
                names = [
                    _with_note(
                        formatting.display_name(r, style=formatting.Style.LIST, on=self.on),
                        self.annex_notes.get(r.id, ""),
                    )
                    for r in ordered
                    if r.kind_on(self.on) in kinds
                ]
                if names:
                    groups.append((label, names))
            self.tracker.mark(r.id for r in ordered)
            return groups
        except formatting.FormatError as error:
            self._problem(where, str(error), code=ProblemCode.NAME)
            return []

    def compose(self) -> Composition:
        summary = []
        if self.masthead.summary.strip():
            block = ParagraphSnapshot(id=None, kind="text", text=self.masthead.summary)
            summary = [self.paragraph(block, where="Summary", numbered=False)]
        sections, annexes = [], []
        body, extra = self.snapshot.body, self.snapshot.annexes
        index = 0
        for data in body:
            if data.numbered:
                index += 1
            number = roman(index) if data.numbered else ""
            sections.append(self.section(data, number=number, annex=False))
        for index, data in enumerate(extra, start=1):
            number = roman(index) if len(extra) > 1 else ""
            annexes.append(self.section(data, number=number, annex=True))
        return Composition(
            report={
                "id": self.snapshot.report_id,
                **self.masthead.to_json(),
                **document_type_context(self.masthead),
                "date_text": un_date(self.on),
            },
            summary=summary,
            sections=sections,
            annexes=annexes,
            footnotes=self.footnotes,
            problems=self.problems,
            paragraph_count=self.paragraph_number,
        )


# What each type of document prints: the line under the title when the report has none of its
# own, and whether the foot of page 1 carries the job number (documents processed for the
# official record do; a background or conference room paper does not).
DOCUMENT_TYPES: dict[str, dict[str, Any]] = {
    "sg_report": {"label": "Report of the Secretary-General", "job_number": True},
    "note": {"label": "Note by the Secretariat", "job_number": True},
    "background_paper": {"label": "Background paper", "job_number": False},
    "crp": {"label": "Conference room paper", "job_number": False},
}


def document_type_context(masthead: Masthead) -> dict[str, Any]:
    """What the masthead, running header and footer need to know of the document's type."""
    kind = DOCUMENT_TYPES.get(masthead.document_type, DOCUMENT_TYPES["sg_report"])
    return {
        "document_type": masthead.document_type,
        "document_type_label": kind["label"],
        "running_head": masthead.running_head,
        "print_job_number": kind["job_number"] and bool(masthead.job_number),
    }


def _with_note(name: str, note: str) -> str:
    """ "African Union (on behalf of its 53 member States)": the annex note after the name, in
    parentheses unless typed with them."""
    note = note.strip()
    if not note:
        return name
    return f"{name} {note}" if note.startswith("(") else f"{name} ({note})"


def _date_or_none(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def _starts_sentence(before: str) -> bool:
    stripped = before.rstrip()
    return not stripped or stripped.endswith((".", "!", "?"))


def compose(snapshot: ReportSnapshot | dict[str, Any]) -> Composition:
    """Walk the snapshot in reading order: numbers, lists, footnotes and problems.

    The JSON form (a build's stored snapshot, a test's hand-written one) is read as a
    ``ReportSnapshot`` first."""
    return _Composer(as_snapshot(snapshot)).compose()


# --- HTML ------------------------------------------------------------------------------------


def runs_html(runs: Iterable[Run], *, mode: str) -> str:
    """Runs as HTML; every text is escaped, so HTML typed into the markup prints as typed.

    ``mode="print"`` writes footnotes where they are called, for WeasyPrint's
    ``float: footnote``; ``mode="preview"`` writes only the superscript call.
    """
    out = []
    for run in runs:
        if isinstance(run, TextRun):
            out.append(html.escape(run.text, quote=False))
        elif isinstance(run, EmRun):
            out.append(f"<em>{runs_html(run.children, mode=mode)}</em>")
        elif isinstance(run, ErrorRun):
            out.append(f'<span class="markup-error-ref">{html.escape(run.text)}</span>')
        elif mode == "print":
            body = runs_html(run.children, mode=mode)
            out.append(f'<span class="fn" id="fn-{run.number}" data-n="{run.number}">{body}</span>')
        else:
            out.append(f'<sup class="fn-call"><a href="#pfn-{run.number}">{run.number}</a></sup>')
    return "".join(out)


def _paragraph_context(paragraph: ParagraphOut, *, mode: str) -> dict[str, Any]:
    return {
        "p": paragraph,
        "lead": mark_safe(runs_html(paragraph.lead, mode=mode)),  # noqa: S308 - escaped above
        "items": [
            (label, mark_safe(runs_html(runs, mode=mode)))  # noqa: S308 - escaped above
            for label, runs in paragraph.items
        ],
        "notes": [
            (note.number, mark_safe(runs_html(note.children, mode=mode)), note.keys)  # noqa: S308
            for note in paragraph.notes
        ],
    }


def _section_context(section: SectionOut, *, mode: str) -> dict[str, Any]:
    return {
        "s": section,
        "paragraphs": [_paragraph_context(p, mode=mode) for p in section.paragraphs],
        "subsections": [_section_context(sub, mode=mode) for sub in section.subsections],
    }


def _context(composition: Composition, *, mode: str) -> dict[str, Any]:
    report = composition.report
    return {
        "report": report,
        "page_size": "letter" if report.get("page_size") == "Letter" else "A4",
        "summary": [_paragraph_context(p, mode=mode) for p in composition.summary],
        "sections": [_section_context(s, mode=mode) for s in composition.sections],
        "annexes": [_section_context(s, mode=mode) for s in composition.annexes],
        "composition": composition,
        "blocking": [p for p in composition.problems if p.blocking],
        "warnings": [p for p in composition.problems if not p.blocking],
    }


@dataclass(frozen=True)
class Rendered:
    html: str
    composition: Composition


def render_print_html(
    snapshot: ReportSnapshot | dict[str, Any], *, css: str | None = None
) -> Rendered:
    """The whole report as one self-contained HTML document for WeasyPrint."""
    composition = compose(snapshot)
    context = _context(composition, mode="print")
    context["css"] = mark_safe(css if css is not None else PRINT_CSS.read_text())  # noqa: S308
    return Rendered(render_to_string("reports/print/report.html", context), composition)


def render_preview_html(snapshot: ReportSnapshot | dict[str, Any]) -> Rendered:
    """The editor's live preview: the same numbers, footnotes under their paragraph, problems
    at the paragraph they belong to."""
    composition = compose(snapshot)
    context = _context(composition, mode="preview")
    return Rendered(render_to_string("reports/_preview.html", context), composition)


def footnote_ids(composition: Composition, *, with_agenda: bool) -> list[str]:
    """The HTML ids of every footnote the print HTML carries, for the dropped-footnote check."""
    ids = [f"fn-{note.number}" for note in composition.footnotes]
    return (["fn-agenda", *ids]) if with_agenda else ids


def has_agenda_note(snapshot: ReportSnapshot | dict[str, Any]) -> bool:
    return as_snapshot(snapshot).masthead.has_agenda_note
