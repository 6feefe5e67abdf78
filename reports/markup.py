"""The small markup the secretariat writes report paragraphs in.

A paragraph of a Report of the Secretary-General is plain text with a few marks.  This module
only parses it into a tree; it knows nothing of Django, of attribution sets or of HTML, so it is
tested without a database and the same tree is printed to HTML (PDF) and to Word.

The marks
=========

``*emphasis*``
    Italic text, e.g. the title of an instrument.  Cannot be nested.

``[^free footnote text]``
    A footnote whose text is written out; it may hold emphasis, ``{list:key}`` and
    ``{count:key}`` but not another footnote or ``{fn:key}``.

``{fn:key}``
    A footnote listing the members of the attribution set ``key`` as a bare list:
    "Belarus, Bulgaria and Niger." (no "the", capital first letter, full stop).

``{list:key}``
    The members of the set inside the sentence, in prose style: "Japan, the Niger and Qatar".

``{count:key}``
    How many members the set has, by kind: "23 States and one regional organization".

Sub-paragraphs
    Lines that start with ``(a)``, ``(b)``, ``(c)`` … in order become the paragraph's lettered
    sub-paragraphs; lines before the first one are the lead-in.  A line that starts with no
    label continues the line before it.

``\\``
    A backslash makes the next character plain text: ``\\*``, ``\\[``, ``\\{``, ``\\\\``.

The key ``replies`` is reserved: ``{list:replies}`` and ``{count:replies}`` name every
respondent whose reply the report is based on.

Anything else, including HTML, is text: it is printed as typed, never interpreted.  A mistake
raises :class:`MarkupError` with the line and column and a message fit to show the editor.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "Emphasis",
    "Footnote",
    "Inline",
    "MarkupError",
    "ParsedParagraph",
    "RefKind",
    "Reference",
    "SubParagraph",
    "Text",
    "parse_inline",
    "parse_paragraph",
    "references",
]

REPLIES_KEY = "replies"

_KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_REFERENCE = re.compile(r"\{([a-z]+):([^{}\s]*)\}")
_LABEL = re.compile(r"^\(([a-z])\)\s+")
_ALPHABET = "abcdefghijklmnopqrstuvwxyz"


class RefKind(StrEnum):
    """How a reference to an attribution set prints."""

    FOOTNOTE = "fn"
    LIST = "list"
    COUNT = "count"


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
class Footnote:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Reference:
    kind: RefKind
    key: str


Inline = Text | Emphasis | Footnote | Reference


@dataclass(frozen=True)
class SubParagraph:
    label: str
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class ParsedParagraph:
    """A paragraph: its lead-in text and its lettered sub-paragraphs (maybe none)."""

    lead: tuple[Inline, ...]
    items: tuple[SubParagraph, ...] = ()


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
        return self._inlines(closing=None, in_emphasis=False, in_footnote=False, opened_at=0)

    def _inlines(
        self, *, closing: str | None, in_emphasis: bool, in_footnote: bool, opened_at: int
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
            elif closing is not None and char == closing:
                self.pos += 1
                flush()
                return tuple(nodes)
            elif char == "*":
                if in_emphasis:  # a * inside a footnote inside emphasis
                    raise self.error("Emphasis cannot be nested.")
                start = self.pos
                self.pos += 1
                flush()
                children = self._inlines(
                    closing="*", in_emphasis=True, in_footnote=in_footnote, opened_at=start
                )
                if not _has_text(children):
                    raise self.error("Empty emphasis: write text between the asterisks.", start)
                nodes.append(Emphasis(children))
            elif char == "[" and text.startswith("[^", self.pos):
                start = self.pos
                if in_footnote:
                    raise self.error("A footnote cannot contain another footnote.")
                self.pos += 2
                flush()
                children = self._inlines(
                    closing="]", in_emphasis=in_emphasis, in_footnote=True, opened_at=start
                )
                if not _has_text(children):
                    raise self.error("Empty footnote: write its text after [^.", start)
                nodes.append(Footnote(children))
            elif char == "{":
                flush()
                nodes.append(self._reference(in_footnote=in_footnote))
            elif char == "}":
                raise self.error("A closing brace without an opening one; write \\} for a brace.")
            else:
                buffer.append(char)
                self.pos += 1
        if closing == "*":
            raise self.error("Emphasis opened here is never closed with *.", opened_at)
        if closing == "]":
            raise self.error("Footnote opened here is never closed with ].", opened_at)
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
                f"Unknown reference {{{kind_text}:…}}: use fn, list or count.", start
            ) from None
        if not _KEY.fullmatch(key):
            raise self.error(
                f"{key!r} is not a key: use lower-case letters, digits and hyphens.", start
            )
        if in_footnote and kind is RefKind.FOOTNOTE:
            raise self.error(
                "{fn:…} makes a footnote and cannot stand inside a footnote; use {list:…}.", start
            )
        if kind is RefKind.FOOTNOTE and key == REPLIES_KEY:
            raise self.error("{fn:replies} is not available: use {list:replies}.", start)
        self.pos = match.end()
        return Reference(kind, key)


def _has_text(nodes: tuple[Inline, ...]) -> bool:
    return any(not isinstance(node, Text) or node.text.strip() for node in nodes)


def parse_inline(text: str, *, line: int = 1, column: int = 1) -> tuple[Inline, ...]:
    """Parse one run of text (no sub-paragraphs)."""
    return _InlineParser(text, line=line, column=column).parse()


def parse_paragraph(text: str) -> ParsedParagraph:
    """Parse a paragraph's markup; raises :class:`MarkupError` on the first mistake."""
    if not isinstance(text, str):
        raise MarkupError(f"A paragraph is text, not {type(text).__name__}.")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    # Runs of text: (label or None for the lead-in, [(line number, column, text), …]).
    runs: list[tuple[str | None, list[tuple[int, int, str]]]] = [(None, [])]
    for number, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        if not stripped:
            continue
        indent = len(raw) - len(raw.lstrip())
        label = _LABEL.match(stripped)
        if label:
            letter = label.group(1)
            expected = _ALPHABET[len(runs) - 1] if len(runs) - 1 < len(_ALPHABET) else None
            if letter != expected:
                raise MarkupError(
                    f"Sub-paragraph ({letter}) is out of order: expected ({expected}).",
                    line=number,
                    column=indent + 1,
                )
            runs.append((letter, [(number, indent + label.end() + 1, stripped[label.end() :])]))
        else:
            runs[-1][1].append((number, indent + 1, stripped))
    lead: tuple[Inline, ...] = ()
    items: list[SubParagraph] = []
    for label, parts in runs:
        nodes = _parse_run(parts)
        if label is None:
            lead = nodes
        else:
            items.append(SubParagraph(label, nodes))
    return ParsedParagraph(lead=lead, items=tuple(items))


def _parse_run(parts: list[tuple[int, int, str]]) -> tuple[Inline, ...]:
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


def references(paragraph: ParsedParagraph) -> list[Reference]:
    """Every reference in reading order, footnotes included."""
    found: list[Reference] = []

    def walk(nodes: tuple[Inline, ...]) -> None:
        for node in nodes:
            if isinstance(node, Reference):
                found.append(node)
            elif isinstance(node, Emphasis | Footnote):
                walk(node.children)

    walk(paragraph.lead)
    for item in paragraph.items:
        walk(item.children)
    return found


@functools.lru_cache(maxsize=8192)
def parse_cached(text: str) -> ParsedParagraph:
    """:func:`parse_paragraph`, remembered by text (the tree is immutable).

    The editor renders the whole report after every save; only the paragraph just typed has a
    new text, so the other paragraphs (300 in a long report) are not parsed again. A mistake is
    not remembered: it raises :class:`MarkupError` each time."""
    return parse_paragraph(text)
