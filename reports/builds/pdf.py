"""HTML → PDF bytes with WeasyPrint, and the checks that the PDF prints as a UN document must.

:func:`inspect_layout` walks the laid-out pages before the PDF is written (WeasyPrint has no
public API for them: ``page._page_box``) and a build fails, naming the place, when:

- a footnote is cut off or dropped: WeasyPrint lays a footnote taller than the page's free space
  out of sight without any warning, and a missing footnote misattributes what States said;
- a footnote prints on another page than its call: to make room for a line it may not leave
  alone at a page's foot (``orphans``), WeasyPrint moves the page's last footnotes to the next
  page, calls left behind.  The build first lays the report out again with a page break around
  the paragraph concerned (:func:`_fix`); only a footnote that still cannot share its call's page
  (two long notes called in one line) fails it;
- a contents entry wraps under its number instead of under its title, or its page number is
  not on its last line;
- a page prints blank.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pypdf import PdfReader

from portal import printing

# How many times a build lays the report out again to put footnotes back on their call's page
# (each time with page breaks for the footnotes still misplaced) before it gives up.
MAX_RELAYOUTS = 2

# A footnote may start this many CSS pixels above the page's content box before it counts as
# cut off (rounding in the layout).
_TOLERANCE = 1.0


class PdfCheckError(Exception):
    """The PDF was laid out but lost something: the message says what, for the editor."""


@dataclass(frozen=True)
class PdfResult:
    pdf: bytes
    page_count: int


def _footnote_boxes(box: Any, wanted: set[str], found: dict[str, Any]) -> None:
    element = getattr(box, "element", None)
    if element is not None:
        ident = element.get("id")
        if ident in wanted and ident not in found:
            found[ident] = box
    for child in getattr(box, "children", None) or ():
        _footnote_boxes(child, wanted, found)


def _label(ident: str) -> str:
    if ident == "fn-agenda":
        return "The agenda footnote (*)"
    return f"Footnote {ident.removeprefix('fn-')}"


@dataclass
class _Page:
    """What the checks need of one laid-out page, gathered in one walk of its boxes."""

    number: int
    # footnote id → (where it is called, e.g. "paragraph 12"; the paragraph's element or None)
    calls: dict[str, tuple[str, Any]] = field(default_factory=dict)
    has_text: bool = False
    toc_rows: list[Any] = field(default_factory=list)


def _classes(element: Any) -> set[str]:
    return set((element.get("class") or "").split()) if element is not None else set()


def _walk(box: Any, page: _Page, place: str, block: Any, last_page: dict[int, int]) -> None:
    """Record footnote calls (with the paragraph they are in), contents rows, any text, and the
    last page each paragraph reaches (``last_page``, by element)."""
    element = getattr(box, "element", None)
    name = type(box).__name__
    if element is not None:
        ident = element.get("id") or ""
        if ident.startswith("para-"):
            place = f"paragraph {ident.removeprefix('para-')}"
        if element is not block and "para" in _classes(element) and name == "BlockBox":
            block = element
            last_page[id(element)] = page.number
        if name == "InlineBox" and getattr(box, "element_tag", "").endswith("::footnote-call"):
            page.calls.setdefault(ident, (place, block))
            return
        if name == "TableRowBox" and _classes(element) & {"toc-section", "toc-subsection"}:
            page.toc_rows.append(box)
    if name == "TextBox" and not page.has_text and box.text.strip():
        page.has_text = True
    for child in getattr(box, "children", None) or ():
        _walk(child, page, place, block, last_page)


def _lines(box: Any, found: list[Any]) -> list[Any]:
    if type(box).__name__ == "LineBox":
        found.append(box)
        return found
    for child in getattr(box, "children", None) or ():
        _lines(child, found)
    return found


def _first_box_of(box: Any, css_class: str) -> Any:
    if css_class in _classes(getattr(box, "element", None)) and type(box).__name__ != "LineBox":
        return box
    for child in getattr(box, "children", None) or ():
        found = _first_box_of(child, css_class)
        if found is not None:
            return found
    return None


def _text(box: Any) -> str:
    """The text of a box, its parts joined by spaces, without the contents' leader dots."""
    if type(box).__name__ == "TextBox":
        return str(box.text)
    if getattr(box, "element_tag", "").endswith("::after") and "toc-text" in _classes(box.element):
        return ""
    return " ".join(_text(child) for child in getattr(box, "children", None) or ())


def _inline_texts(box: Any) -> list[Any]:
    out = []
    for child in getattr(box, "children", None) or ():
        if type(child).__name__ == "TextBox":
            out.append(child)
        else:
            out += _inline_texts(child)
    return out


def _hangs(line: Any, indent: float) -> bool:
    """The first text of a continuation line starts at the title's indent, or further in."""
    starts = [child.position_x for child in _inline_texts(line) if child.text.strip()]
    return not starts or min(starts) + _TOLERANCE >= indent


def _contents_problems(rows: Sequence[Any], page: int) -> list[str]:
    """Every contents entry: a title that wraps hangs under its text, not under its number, and
    the page number sits on the entry's last line."""
    problems = []
    for row in rows:
        cells = [c for c in row.children if type(c).__name__ == "TableCellBox"]
        title_cell = next((c for c in cells if "toc-title" in _classes(c.element)), None)
        page_cell = next((c for c in cells if "col-page" in _classes(c.element)), None)
        if title_cell is None or page_cell is None:
            continue
        lines = _lines(title_cell, [])
        entry = " ".join(" ".join(_text(line) for line in lines).split())
        if len(entry) > 60:
            entry = entry[:57].rsplit(" ", 1)[0] + "\u2026"
        text = _first_box_of(title_cell, "toc-text")
        if text is not None and not all(_hangs(line, text.position_x) for line in lines[1:]):
            problems.append(
                f"The contents entry \u201c{entry}\u201d (page {page}) wraps under its number "
                "instead of under its title"
            )
        number_lines = [line for line in _lines(page_cell, []) if _text(line).strip()]
        if not lines or not number_lines:
            continue
        last, number = lines[-1], number_lines[-1]
        if abs((number.position_y + number.height) - (last.position_y + last.height)) > 2:
            problems.append(
                f"The contents entry \u201c{entry}\u201d (page {page}) has its page number "
                "away from the entry's last line"
            )
    return problems


@dataclass(frozen=True)
class Misplaced:
    """A footnote printed on another page than its call."""

    ident: str
    place: str
    call_page: int
    note_page: int
    fix: str  # CSS that keeps the note with its call, "" when no rule can

    def __str__(self) -> str:
        return (
            f"{_label(self.ident)}, called in {self.place} on page {self.call_page}, prints on "
            f"page {self.note_page}"
        )


@dataclass
class LayoutReport:
    """What :func:`inspect_layout` found on the laid-out pages."""

    cut: list[str] = field(default_factory=list)
    misplaced: list[Misplaced] = field(default_factory=list)
    contents: list[str] = field(default_factory=list)
    blank: list[int] = field(default_factory=list)

    def raise_problems(self) -> None:
        if self.cut or self.misplaced:
            raise PdfCheckError(
                "; ".join([*self.cut, *map(str, self.misplaced)])
                + ". Shorten the footnote or split it, or move its call, then build again."
            )
        if self.contents:
            raise PdfCheckError(
                "; ".join(self.contents) + ". The print style sheet must lay the contents out "
                "again."
            )
        if self.blank:
            pages = ", ".join(str(n) for n in self.blank)
            raise PdfCheckError(
                f"Page {pages} would print blank. The print style sheet must lay the report "
                "out again."
            )


def _fix(ident: str, block: Any, call_page: int, last_page: dict[int, int]) -> str:
    """CSS that keeps a footnote on the page of its call when the report is laid out again.

    WeasyPrint moves the last footnotes of a page to the next one to make room for a line it
    may not leave alone at the foot of the page (``orphans``), leaving their calls behind.
    When the call's paragraph ends on the call's page, the page is ended after it (what comes
    next starts the next page, the note stays); otherwise the paragraph starts the next page,
    its note with it."""
    if block is None or not re.fullmatch(r"fn-[0-9a-z]+", ident):
        return ""
    where = "after" if last_page.get(id(block)) == call_page else "before"
    return f".para:has(#{ident}) {{ break-{where}: page; }}"


def inspect_layout(document: Any, footnote_ids: Iterable[str]) -> LayoutReport:
    """Read the laid-out pages for what a UN document must not print:

    - a footnote cut off or dropped (taller than the page's free space), or printed on another
      page than its call (WeasyPrint carries a note that does not fit to the next page);
    - a contents entry that wraps under its number, or whose page number is not on its last
      line;
    - a page left blank (a page break after the contents that falls on a page's end).
    """
    wanted = list(footnote_ids)
    wanted_set = set(wanted)
    placed: dict[str, int] = {}
    cut: list[tuple[str, int]] = []
    called: dict[str, tuple[int, str, Any]] = {}
    last_page: dict[int, int] = {}
    found = LayoutReport()
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box  # WeasyPrint has no public API for the laid-out boxes.
        top = page_box.content_box_y()
        seen = _Page(number=number)
        for area in page_box.children:
            kind = type(area).__name__
            if kind == "FootnoteAreaBox":
                notes: dict[str, Any] = {}
                _footnote_boxes(area, wanted_set, notes)
                for ident, box in notes.items():
                    placed.setdefault(ident, number)
                    if box.position_y < top - _TOLERANCE:
                        cut.append((ident, number))
                seen.has_text = seen.has_text or bool(notes)  # a page of footnotes is not blank
            elif kind != "MarginBox":
                _walk(area, seen, "the masthead", None, last_page)
        for ident, (place, block) in seen.calls.items():
            called.setdefault(ident, (number, place, block))
        if not seen.has_text:
            found.blank.append(number)
        if seen.toc_rows:
            found.contents += _contents_problems(seen.toc_rows, number)
    found.cut = [
        f"{_label(ident)} is taller than the space left on page {page} and would be cut off"
        for ident, page in cut
    ]
    found.cut += [
        f"{_label(ident)} did not reach the PDF" for ident in wanted if ident not in placed
    ]
    for ident in wanted:
        if ident in placed and ident in called and placed[ident] != called[ident][0]:
            page_of_call, place, block = called[ident]
            found.misplaced.append(
                Misplaced(
                    ident=ident,
                    place=place,
                    call_page=page_of_call,
                    note_page=placed[ident],
                    fix=_fix(ident, block, page_of_call, last_page),
                )
            )
    return found


def check_layout(document: Any, footnote_ids: Iterable[str]) -> None:
    """Raise :class:`PdfCheckError`, naming each place, if :func:`inspect_layout` finds any."""
    inspect_layout(document, footnote_ids).raise_problems()


def html_to_pdf(
    html: str,
    *,
    base_url: str,
    footnote_ids: Sequence[str] = (),
    url_fetcher: printing.StaticOnlyFetcher | None = None,
) -> PdfResult:
    """Lay out the HTML, check the layout, write the PDF and count its pages.

    A footnote that WeasyPrint printed a page after its call is put back by laying the report
    out again with page breaks set around the paragraphs concerned (:func:`_fix`; at most
    ``MAX_RELAYOUTS`` times); what still fails then fails the build. WeasyPrint may read only
    Verbale's static files (``portal.printing``).
    """
    ids = list(footnote_ids)
    document = printing.printable(html, base_url=base_url, url_fetcher=url_fetcher).render()
    found = inspect_layout(document, ids)
    rules: list[str] = []
    for _ in range(MAX_RELAYOUTS):
        fixes = [m.fix for m in found.misplaced if m.fix and m.fix not in rules]
        if found.cut or not fixes:
            break
        rules += fixes
        style = "<style>" + "\n".join(rules) + "</style>\n</head>"
        again = html.replace("</head>", style, 1)
        document = printing.printable(again, base_url=base_url, url_fetcher=url_fetcher).render()
        found = inspect_layout(document, ids)
    found.raise_problems()
    pdf = document.write_pdf()
    return PdfResult(pdf=pdf, page_count=page_count(pdf))


def page_count(pdf: bytes) -> int:
    """Pages of the written PDF, read back with pypdf (also proves the file is readable).

    The page tree's ``/Count`` is read rather than ``len(reader.pages)``, which would load
    every page object of a long report for nothing.
    """
    reader = PdfReader(io.BytesIO(pdf))
    return int(reader.trailer["/Root"]["/Pages"]["/Count"])
