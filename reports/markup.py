"""The small markup the secretariat writes report paragraphs in.

A paragraph of a report is plain text with a few marks.  This module only parses it into a
tree; it knows nothing of Django, of attribution sets or of HTML, so it is tested without a
database and the same tree is printed to HTML (PDF) and to Word.  Stored text is never changed:
quotation marks, apostrophes, dashes in ranges and no-break spaces are set when printing.

Marks inside the text
=====================

``*italic*``
    Italic text: ``the *travaux préparatoires*``.  Nothing is set in italics unless marked:
    titles of conventions and protocols print roman, as UN style wants.

``**bold**``
    Bold text, for a key phrase: ``States stressed **prevention through education**.``
    Bold may stand inside italic and italic inside bold, one level:
    ``**the *Palermo* Protocol**``, ``*see **annex I***``.

``[^free footnote text]``
    A footnote whose text is written out: ``Adopted in 2000.[^General Assembly resolution
    55/25, annex II.]``  It may hold italic, bold, ``{list:key}``, ``{count:key}`` and
    ``{names:key}``, but not another footnote or ``{fn:key}``.

``{fn:key}``
    A footnote listing the members of the attribution set ``key`` as a bare list:
    "Belarus, Bulgaria and Niger." (no "the", capital first letter, full stop).

``{names:key}``
    The same bare list (capital, no "the", full stop) at the start of a free footnote, so
    that free text can follow it:
    ``Several States train judges.[^{names:training} See also the recommendations in annex I.]``
    prints the footnote "Belarus and Latvia. See also the recommendations in annex I."  It
    may also follow a full sentence inside the footnote; it cannot stand in the body text.

``{list:key}``
    The members of the set inside the sentence, in prose style: "Japan, the Niger and Qatar".

``{count:key}``
    How many members the set has, by kind: "23 States and one regional organization".

``\\``
    A backslash makes the next character plain text: ``\\*``, ``\\[``, ``\\{``, ``\\|``,
    ``\\\\``.  At the start of a line, ``\\- ``, ``\\(a)`` or ``\\Table:`` keep the line as
    text.

The key ``replies`` is reserved: ``{list:replies}`` and ``{count:replies}`` name every
respondent whose reply the report is based on.

Lines: sub-paragraphs, bullets, tables
======================================

A line that starts with none of the marks below continues the line before it (lines are
joined with a space).  Blank lines are ignored.

Sub-paragraphs ``(a)``, ``(b)`` …
    Lines that start with ``(a)``, ``(b)``, ``(c)`` … in order become the paragraph's lettered
    sub-paragraphs; lines before the first one are the lead-in::

        Respondents cited three obstacles:
        (a) The offence was new;
        (b) Statistics were missing; and
        (c) Victims rarely came forward.

Nested items ``(i)``, ``(ii)`` …
    Under a lettered sub-paragraph, lines that start with ``(i)``, ``(ii)``, ``(iii)`` … in
    order become its nested items (checked like the letters).  Where a label could be either
    (``(i)`` after ``(h)``, ``(v)`` after ``(u)``), an indented line is the nested item::

        (a) Training, including:
            (i) Of judges and prosecutors;
            (ii) Of labour inspectors;
        (b) Public information.

Bullets ``- ``
    Lines that start with a hyphen and a space are a bulleted list.  It may follow the lead-in
    or stand inside a sub-paragraph or a nested item (under the last one before it)::

        The framework rests on three principles:
        - respect for the human rights of victims;
        - cooperation between States; and
        - evidence-based policy.

Tables
    A caption line ``Table: …``, then the rows, each line starting with ``|`` and cells
    separated by ``|``.  The header rows (one or more) are separated from the body rows by a
    line of dashes ``|---|---|``.  A cell written ``<`` joins the cell on its left (the cell
    spans one more column).  Under the rows, optional lines ``Note:`` (or ``Notes:``, one line
    per note) and ``Source:``; a line starting with no mark continues the note or the source::

        Table: Cases of trafficking in persons reported, 2003-2006
        | Region | Cases | <       |
        | | 2003 | 2004-2006 |
        |---|---|---|
        | Africa | 1,234 | 2,870 |
        | Europe | 560   | -     |
        Note: A dash (-) means that none were reported.
        Source: Replies to the questionnaire.

    A cell that is a figure prints right-aligned: ``1,234``, ``12.5``, ``40%``, a range
    ``2003-2006`` (printed with an en dash, "2003–2006"), ``-`` for none (printed "–") and
    ``..`` for not available.  Write thousands with commas (``1,234``): a figure of five digits
    or more typed without them gets them, a four-digit one is kept as typed since it may be a
    year.  Tables are numbered "Table 1", "Table 2" … in the order they appear in the document;
    the caption is printed under "Table N".  A paragraph that holds only a table has no
    paragraph number.  Text may come before the table (the lead-in, numbered as usual); after
    the rows only ``Note:``/``Source:`` lines, sub-paragraphs, bullets or another table may
    follow.

How typed text prints
=====================

The stored text stays as typed; in print (PDF and Word) UN typography is set: straight
quotation marks become typographic ones (``"Title"`` → “Title”, and single quotes likewise),
an apostrophe a typographic one (``Council's`` → Council’s); a hyphen between figures becomes
an en dash (``2003-2006`` → 2003–2006, ``paragraphs 3-5`` → paragraphs 3–5); no-break spaces
keep together "paragraph 3", "annex I", "Table 1", "chapter II", "section A", "resolution
2006/27", "15 December 2007", "December 2007" and a figure and its unit ("5 per cent",
"3 million", "40 km").

Anything else, including HTML, is text: it is printed as typed, never interpreted.  A mistake
raises :class:`MarkupError` with the line and column and a message fit to show the editor;
a paragraph with a mistake never prints in part.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "Cell",
    "Emphasis",
    "Footnote",
    "Inline",
    "ItemList",
    "ListKind",
    "MarkupError",
    "ParsedParagraph",
    "RefKind",
    "Reference",
    "Strong",
    "SubParagraph",
    "Table",
    "Text",
    "parse_inline",
    "parse_paragraph",
    "references",
]

REPLIES_KEY = "replies"

_KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_REFERENCE = re.compile(r"\{([a-z]+):([^{}\s]*)\}")
_LABEL = re.compile(r"^\(([a-z]+)\)(?:\s+|$)")
_BULLET = re.compile(r"^-(?:\s+|$)")
_CAPTION = re.compile(r"^Table:\s*")
_TABLE_NOTE = re.compile(r"^(Notes?|Sources?):\s*")
_SEPARATOR = re.compile(r"^\s*:?-{3,}:?\s*$")
_ALPHABET = "abcdefghijklmnopqrstuvwxyz"


def _roman(n: int) -> str:
    out = []
    for value, numeral in (
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ):
        while n >= value:
            out.append(numeral)
            n -= value
    return "".join(out)


_ROMANS = {_roman(n): n for n in range(1, 40)}


class RefKind(StrEnum):
    """How a reference to an attribution set prints."""

    FOOTNOTE = "fn"
    LIST = "list"
    COUNT = "count"
    NAMES = "names"


class ListKind(StrEnum):
    LETTER = "letter"
    ROMAN = "roman"
    BULLET = "bullet"


class MarkupError(ValueError):
    """A mistake in a paragraph's markup, with where it is (1-based line and column)."""

    def __init__(self, message: str, *, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return f"Line {self.line}, column {self.column}: {self.message}"


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Emphasis:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Strong:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Footnote:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Reference:
    kind: RefKind
    key: str


Inline = Text | Emphasis | Strong | Footnote | Reference


@dataclass(frozen=True)
class SubParagraph:
    """An item: "a" (lettered), "ii" (nested) or "" (bullet), its text, then the lists inside
    it (nested items, bullets)."""

    label: str
    children: tuple[Inline, ...]
    blocks: tuple[ItemList, ...] = ()


@dataclass(frozen=True)
class ItemList:
    kind: ListKind
    items: tuple[SubParagraph, ...]


@dataclass(frozen=True)
class Cell:
    children: tuple[Inline, ...]
    colspan: int = 1


@dataclass(frozen=True)
class Table:
    caption: tuple[Inline, ...]
    header: tuple[tuple[Cell, ...], ...]
    body: tuple[tuple[Cell, ...], ...]
    notes: tuple[tuple[Inline, ...], ...] = ()
    source: tuple[Inline, ...] = ()


Block = ItemList | Table


@dataclass(frozen=True)
class ParsedParagraph:
    """A paragraph: its lead-in text, then its blocks in order (lists and tables)."""

    lead: tuple[Inline, ...]
    blocks: tuple[Block, ...] = ()

    @property
    def items(self) -> tuple[SubParagraph, ...]:
        """The lettered sub-paragraphs."""
        return tuple(
            item
            for block in self.blocks
            if isinstance(block, ItemList) and block.kind is ListKind.LETTER
            for item in block.items
        )

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(block for block in self.blocks if isinstance(block, Table))


class _InlineParser:
    """Recursive descent over one run of text; positions are mapped back to the paragraph."""

    def __init__(self, text: str, *, line: int, column: int) -> None:
        self.text = text
        self.pos = 0
        self.line = line
        self.column = column

    def error(self, message: str, at: int | None = None) -> MarkupError:
        at = self.pos if at is None else at
        return MarkupError(message, line=self.line, column=self.column + at)

    def parse(self) -> tuple[Inline, ...]:
        return self._inlines(closing=None, emphasis=False, strong=False, footnote=False, at=0)

    def _opens_bold(self) -> bool:
        """``**`` opens bold when text follows it (``** `` is an empty emphasis, not bold)."""
        after = self.pos + 2
        return (
            self.text.startswith("**", self.pos)
            and after < len(self.text)
            and not self.text[after].isspace()
        )

    def _inlines(
        self, *, closing: str | None, emphasis: bool, strong: bool, footnote: bool, at: int
    ) -> tuple[Inline, ...]:
        nodes: list[Inline] = []
        buffer: list[str] = []

        def flush() -> None:
            if buffer:
                nodes.append(Text("".join(buffer)))
                buffer.clear()

        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char == "\\":
                if self.pos + 1 >= len(text):
                    raise self.error(
                        "A backslash at the end has nothing to escape; write \\\\ for a backslash."
                    )
                buffer.append(text[self.pos + 1])
                self.pos += 2
            elif closing == "**" and text.startswith("**", self.pos):
                self.pos += 2
                flush()
                return tuple(nodes)
            elif (closing == "*" and char == "*" and (strong or not self._opens_bold())) or (
                closing == "]" and char == "]"
            ):
                self.pos += 1
                flush()
                return tuple(nodes)
            elif char == "*" and self._opens_bold() and not strong:
                start = self.pos
                self.pos += 2
                flush()
                children = self._inlines(
                    closing="**", emphasis=emphasis, strong=True, footnote=footnote, at=start
                )
                if not _has_text(children):
                    raise self.error("Empty bold: write text between ** and **.", start)
                nodes.append(Strong(children))
            elif char == "*":
                if emphasis:  # a * inside a footnote inside emphasis
                    raise self.error("Emphasis cannot be nested.")
                start = self.pos
                self.pos += 1
                flush()
                children = self._inlines(
                    closing="*", emphasis=True, strong=strong, footnote=footnote, at=start
                )
                if not _has_text(children):
                    raise self.error("Empty emphasis: write text between the asterisks.", start)
                nodes.append(Emphasis(children))
            elif char == "[" and text.startswith("[^", self.pos):
                start = self.pos
                if footnote:
                    raise self.error("A footnote cannot contain another footnote.")
                self.pos += 2
                flush()
                children = self._inlines(
                    closing="]", emphasis=emphasis, strong=strong, footnote=True, at=start
                )
                if not _has_text(children):
                    raise self.error("Empty footnote: write its text after [^.", start)
                nodes.append(Footnote(children))
            elif char == "{":
                start = self.pos
                flush()
                reference = self._reference(in_footnote=footnote)
                if reference.kind is RefKind.NAMES and not _sentence_start(nodes, closing):
                    raise self.error(
                        "{names:…} starts a footnote or a sentence in it, and prints as a "
                        "bare list with its full stop; inside a sentence use {list:…}.",
                        start,
                    )
                nodes.append(reference)
            elif char == "}":
                raise self.error("A closing brace without an opening one; write \\} for a brace.")
            else:
                buffer.append(char)
                self.pos += 1
        if closing == "*":
            raise self.error("Emphasis opened here is never closed with *.", at)
        if closing == "**":
            raise self.error("Bold opened here is never closed with **.", at)
        if closing == "]":
            raise self.error("Footnote opened here is never closed with ].", at)
        flush()
        return tuple(nodes)

    def _reference(self, *, in_footnote: bool) -> Reference:
        start = self.pos
        match = _REFERENCE.match(self.text, self.pos)
        if match is None:
            raise self.error(
                "A brace starts a reference such as {fn:key}, {list:key} or {count:key}; "
                "write \\{ for a brace."
            )
        kind_text, key = match.groups()
        try:
            kind = RefKind(kind_text)
        except ValueError:
            raise self.error(
                f"Unknown reference {{{kind_text}:…}}: use fn, list, count or names.", start
            ) from None
        if not _KEY.fullmatch(key):
            raise self.error(
                f"{key!r} is not a key: use lower-case letters, digits and hyphens.", start
            )
        if in_footnote and kind is RefKind.FOOTNOTE:
            raise self.error(
                "{fn:…} makes a footnote and cannot stand inside a footnote; use {list:…}, "
                "or {names:…} to start the footnote with a bare list.",
                start,
            )
        if kind is RefKind.NAMES and not in_footnote:
            raise self.error(
                "{names:…} stands inside a free footnote: write [^{names:key} More text.], "
                "or {fn:key} for a footnote that is only the list.",
                start,
            )
        if kind in (RefKind.FOOTNOTE, RefKind.NAMES) and key == REPLIES_KEY:
            raise self.error(f"{{{kind}:replies}} is not available: use {{list:replies}}.", start)
        self.pos = match.end()
        return Reference(kind, key)


def _sentence_start(nodes: list[Inline], closing: str | None) -> bool:
    """Whether a ``{names:…}`` here starts the footnote or follows a full stop in it."""
    if closing != "]":
        return False
    before = "".join(node.text for node in nodes if isinstance(node, Text)).rstrip()
    if nodes and not isinstance(nodes[-1], Text):
        return False
    return not before or before.endswith((".", "!", "?", ":"))


def _has_text(nodes: tuple[Inline, ...]) -> bool:
    return any(not isinstance(node, Text) or node.text.strip() for node in nodes)


def parse_inline(text: str, *, line: int = 1, column: int = 1) -> tuple[Inline, ...]:
    """Parse one run of text (no sub-paragraphs)."""
    return _InlineParser(text, line=line, column=column).parse()


# --- Lines -------------------------------------------------------------------------------------

Part = tuple[int, int, str]  # line number, column of the text's first character, text


class _Item:
    """An item being read: its lines, the lists inside it, the item it stands in."""

    def __init__(self, label: str, parent: _Item | None, line: int = 1, column: int = 1) -> None:
        self.label = label
        self.line = line
        self.column = column
        self.parts: list[Part] = []
        self.lists: list[_List] = []
        self.parent = parent

    def list_of(self, kind: ListKind) -> _List:
        if not self.lists or self.lists[-1].kind is not kind:
            self.lists.append(_List(kind))
        return self.lists[-1]


class _List:
    def __init__(self, kind: ListKind) -> None:
        self.kind = kind
        self.items: list[_Item] = []


class _Table:
    def __init__(self, caption: list[Part]) -> None:
        self.caption = caption
        self.rows: list[tuple[int, list[tuple[int, str]]]] = []  # line, [(column, text)]
        self.separator: int | None = None  # index of the first body row
        self.notes: list[list[Part]] = []
        self.source: list[Part] = []
        self.line = caption[0][0]


def _split_row(line: str, number: int, indent: int) -> list[tuple[int, str]]:
    """Cells of a table row with their columns; ``\\|`` is a bar inside a cell."""
    cells: list[tuple[int, str]] = []
    current: list[str] = []
    start = 1
    index = 1  # after the leading |
    while index < len(line):
        char = line[index]
        if char == "\\" and index + 1 < len(line):
            current.append(line[index : index + 2])
            index += 2
            continue
        if char == "|":
            cells.append((start, "".join(current)))
            current = []
            start = index + 1
        else:
            current.append(char)
        index += 1
    if "".join(current).strip():
        cells.append((start, "".join(current)))
    out = []
    for offset, raw in cells:
        lead = len(raw) - len(raw.lstrip())
        out.append((indent + offset + lead + 1, raw.strip()))
    if not out:
        raise MarkupError("A table row has no cells: write | cell | cell |.", line=number)
    return out


def parse_paragraph(text: str) -> ParsedParagraph:
    """Parse a paragraph's markup; raises :class:`MarkupError` on the first mistake."""
    if not isinstance(text, str):
        raise MarkupError(f"A paragraph is text, not {type(text).__name__}.")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lead = _Item("", None)
    blocks: list[_List | _Table] = []
    current: _Item | _Table = lead  # what a line without a mark continues
    table_part: list[Part] | None = None  # the note or source a plain line continues
    letter: _Item | None = None  # the lettered item nested items go under
    letters = 0
    awaiting_rows = False

    for number, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        if not stripped:
            continue
        indent = len(raw) - len(raw.lstrip())
        column = indent + 1

        if isinstance(current, _Table) and stripped.startswith("|"):
            cells = _split_row(stripped, number, indent)
            if all(_SEPARATOR.match(cell) for _, cell in cells):
                if current.separator is not None:
                    raise MarkupError(
                        "A table has one line of dashes, under its header rows.",
                        line=number,
                        column=column,
                    )
                if not current.rows:
                    raise MarkupError(
                        "The line of dashes goes under the table's header rows; write the "
                        "header row first.",
                        line=number,
                        column=column,
                    )
                current.separator = len(current.rows)
            elif current.notes or current.source:
                raise MarkupError(
                    "A table row after the table's note or source: rows come first.",
                    line=number,
                    column=column,
                )
            else:
                current.rows.append((number, cells))
            awaiting_rows = False
            continue
        if awaiting_rows:
            raise MarkupError(
                "After the caption line \u201cTable: …\u201d come the table's rows, each line "
                "starting with |.",
                line=number,
                column=column,
            )
        caption = _CAPTION.match(stripped)
        if caption:
            title = stripped[caption.end() :]
            if not title:
                raise MarkupError(
                    "A table needs its caption after \u201cTable:\u201d.",
                    line=number,
                    column=column,
                )
            _check_table(current)
            table = _Table([(number, column + caption.end(), title)])
            blocks.append(table)
            current, table_part, letter, awaiting_rows = table, None, None, True
            continue
        if stripped.startswith("|"):
            raise MarkupError(
                "A line starting with | is a table row: write the caption line "
                "\u201cTable: …\u201d above the rows (or \\| for a bar).",
                line=number,
                column=column,
            )
        note = _TABLE_NOTE.match(stripped)
        if note and isinstance(current, _Table):
            body = stripped[note.end() :]
            part = [(number, column + note.end(), body)] if body else []
            if not body:
                raise MarkupError(
                    f"Write the text of the {note.group(1).lower()} after the colon.",
                    line=number,
                    column=column,
                )
            if note.group(1).startswith("Note"):
                if current.source:
                    raise MarkupError(
                        "Notes come before the source line.", line=number, column=column
                    )
                current.notes.append(part)
                table_part = current.notes[-1]
            else:
                if current.source:
                    raise MarkupError(
                        "A table has one Source: line; continue it on the next line.",
                        line=number,
                        column=column,
                    )
                current.source = part
                table_part = current.source
            continue
        label = _LABEL.match(stripped)
        name = label.group(1) if label else ""
        if label and (len(name) == 1 or name in _ROMANS):
            _check_table(current)
            expected_letter = _ALPHABET[letters] if letters < len(_ALPHABET) else None
            expected_roman = _roman(_count_romans(letter) + 1) if letter is not None else None
            is_roman = name == expected_roman and (name != expected_letter or indent > 0)
            body_column = indent + label.end() + 1
            if is_roman and letter is not None:
                item = _Item(name, letter, number, column)
                letter.list_of(ListKind.ROMAN).items.append(item)
            elif name == expected_letter:
                letters += 1
                item = _Item(name, None, number, column)
                if (
                    not blocks
                    or not isinstance(blocks[-1], _List)
                    or (blocks[-1].kind is not ListKind.LETTER)
                ):
                    blocks.append(_List(ListKind.LETTER))
                blocks[-1].items.append(item)  # type: ignore[union-attr]
                letter = item
            else:
                raise MarkupError(
                    _order_message(name, expected_letter, expected_roman, letter),
                    line=number,
                    column=column,
                )
            rest = stripped[label.end() :]
            if rest:
                item.parts.append((number, body_column, rest))
            current, table_part = item, None
            continue
        bullet = _BULLET.match(stripped)
        if bullet:
            rest = stripped[bullet.end() :]
            if not rest:
                raise MarkupError(
                    "An empty bullet: write its text after \u201c- \u201d.",
                    line=number,
                    column=column,
                )
            _check_table(current)
            owner = current if isinstance(current, _Item) else lead
            if owner is not lead and owner.label == "":
                owner = owner.parent or lead  # a bullet after a bullet
            item = _Item("", owner, number, column)
            if owner is lead:
                if (
                    not blocks
                    or not isinstance(blocks[-1], _List)
                    or (blocks[-1].kind is not ListKind.BULLET)
                ):
                    blocks.append(_List(ListKind.BULLET))
                blocks[-1].items.append(item)  # type: ignore[union-attr]
            else:
                owner.list_of(ListKind.BULLET).items.append(item)
            item.parts.append((number, indent + bullet.end() + 1, rest))
            current, table_part = item, None
            continue
        # A line that continues the one before it.
        if isinstance(current, _Table):
            if table_part is None:
                raise MarkupError(
                    "Text after a table's rows: start the line with Note: or Source:, or "
                    "write the text in a new paragraph.",
                    line=number,
                    column=column,
                )
            table_part.append((number, column, stripped))
        else:
            current.parts.append((number, column, stripped))
    if awaiting_rows:
        raise MarkupError(
            "The caption line \u201cTable: …\u201d has no rows under it.",
            line=len(lines),
            column=1,
        )
    _check_table(current)
    return ParsedParagraph(
        lead=_parse_run(lead.parts),
        blocks=tuple(
            _freeze_table(block) if isinstance(block, _Table) else _freeze_list(block)
            for block in blocks
        ),
    )


def _count_romans(item: _Item) -> int:
    return sum(len(block.items) for block in item.lists if block.kind is ListKind.ROMAN)


def _order_message(
    name: str, expected_letter: str | None, expected_roman: str | None, letter: _Item | None
) -> str:
    if len(name) > 1 and letter is None:
        return (
            f"Item ({name}) stands under a lettered sub-paragraph: write (a), (b)… first, "
            "then (i), (ii)… under it."
        )
    if len(name) > 1 or (name in _ROMANS and expected_roman and name != expected_letter):
        if letter is not None and expected_letter is not None:
            return (
                f"Item ({name}) is out of order: expected ({expected_roman}) under "
                f"({letter.label}), or ({expected_letter})."
            )
        return f"Item ({name}) is out of order: expected ({expected_roman})."
    if expected_letter is None:
        return f"Sub-paragraph ({name}) is one too many: (z) is the last letter."
    if expected_roman:
        return (
            f"Sub-paragraph ({name}) is out of order: expected ({expected_letter}), "
            f"or ({expected_roman}) under ({letter.label if letter else ''})."
        )
    return f"Sub-paragraph ({name}) is out of order: expected ({expected_letter})."


def _check_table(current: _Item | _Table) -> None:
    """A table is complete when the next block starts: header rows, dashes, body rows."""
    if not isinstance(current, _Table):
        return
    if current.separator is None:
        raise MarkupError(
            "A table needs a line of dashes (|---|---|) between its header rows and its body rows.",
            line=current.line,
            column=1,
        )
    if current.separator == len(current.rows):
        raise MarkupError(
            "The table has no body rows under its line of dashes.", line=current.line, column=1
        )


def _freeze_table(table: _Table) -> Table:
    rows: list[tuple[Cell, ...]] = []
    width: int | None = None
    for number, cells in table.rows:
        row: list[Cell] = []
        for column, raw in cells:
            if raw == "<":
                if not row:
                    raise MarkupError(
                        "A cell written < joins the cell on its left; the first cell has none.",
                        line=number,
                        column=column,
                    )
                row[-1] = Cell(row[-1].children, row[-1].colspan + 1)
            else:
                row.append(Cell(parse_inline(raw, line=number, column=column) if raw else ()))
        span = sum(cell.colspan for cell in row)
        if width is None:
            width = span
        elif span != width:
            raise MarkupError(
                f"This row has {_columns(span)}; the table's first row has {_columns(width)}.",
                line=number,
                column=1,
            )
        rows.append(tuple(row))
    split = table.separator or 0
    return Table(
        caption=_parse_run(table.caption),
        header=tuple(rows[:split]),
        body=tuple(rows[split:]),
        notes=tuple(_parse_run(note) for note in table.notes),
        source=_parse_run(table.source),
    )


def _columns(n: int) -> str:
    return "1 column" if n == 1 else f"{n} columns"


def _freeze_item(item: _Item) -> SubParagraph:
    if not item.parts and not item.lists:
        kind = "bullet" if not item.label else f"({item.label})"
        raise MarkupError(
            f"Sub-paragraph {kind} is empty: write its text after the label.",
            line=item.line,
            column=item.column,
        )
    return SubParagraph(
        item.label, _parse_run(item.parts), tuple(_freeze_list(block) for block in item.lists)
    )


def _freeze_list(block: _List) -> ItemList:
    return ItemList(block.kind, tuple(_freeze_item(item) for item in block.items))


def _parse_run(parts: list[Part]) -> tuple[Inline, ...]:
    """Parse lines that belong together, joined by spaces, keeping each line's position."""
    if not parts:
        return ()
    joined = " ".join(text for _, _, text in parts)
    try:
        return parse_inline(joined)
    except MarkupError as error:
        # Map the column in the joined text back to the line it came from.
        offset = error.column - 1
        for number, column, text in parts:
            if offset <= len(text):
                raise MarkupError(error.message, line=number, column=column + offset) from None
            offset -= len(text) + 1
        number, column, text = parts[-1]
        raise MarkupError(error.message, line=number, column=column + len(text)) from None


def inlines(paragraph: ParsedParagraph) -> list[tuple[Inline, ...]]:
    """Every run of text of the paragraph in reading order: lead-in, items, tables."""
    found: list[tuple[Inline, ...]] = [paragraph.lead]

    def items(block: ItemList) -> None:
        for item in block.items:
            found.append(item.children)
            for inner in item.blocks:
                items(inner)

    for block in paragraph.blocks:
        if isinstance(block, ItemList):
            items(block)
        else:
            found.append(block.caption)
            for row in (*block.header, *block.body):
                found.extend(cell.children for cell in row)
            found.extend(block.notes)
            found.append(block.source)
    return found


def references(paragraph: ParsedParagraph) -> list[Reference]:
    """Every reference in reading order, footnotes included."""
    found: list[Reference] = []

    def walk(nodes: tuple[Inline, ...]) -> None:
        for node in nodes:
            if isinstance(node, Reference):
                found.append(node)
            elif isinstance(node, Emphasis | Strong | Footnote):
                walk(node.children)

    for run in inlines(paragraph):
        walk(run)
    return found


@functools.lru_cache(maxsize=8192)
def parse_cached(text: str) -> ParsedParagraph:
    """:func:`parse_paragraph`, remembered by text (the tree is immutable).

    The editor renders the whole report after every save; only the paragraph just typed has a
    new text, so the other paragraphs (300 in a long report) are not parsed again. A mistake is
    not remembered: it raises :class:`MarkupError` each time."""
    return parse_paragraph(text)
