"""HTML → PDF bytes with WeasyPrint, and the checks that the PDF says everything the HTML did.

WeasyPrint lays a footnote that is taller than the page's free space out of sight (it is placed
above the top of the page, or never placed at all) without any warning, and an official report
missing a footnote misattributes what States said.  :func:`check_footnotes` therefore walks the
laid-out pages before the PDF is written: every footnote must sit in a footnote area, wholly
inside its page.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader

from portal import printing

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


def check_footnotes(document: Any, footnote_ids: Iterable[str]) -> None:
    """Raise :class:`PdfCheckError` unless every footnote is laid out inside a page."""
    wanted = list(footnote_ids)
    placed: dict[str, int] = {}
    cut: list[tuple[str, int]] = []
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box  # WeasyPrint has no public API for the laid-out boxes.
        top = page_box.content_box_y()
        for area in page_box.children:
            if type(area).__name__ != "FootnoteAreaBox":
                continue
            found: dict[str, Any] = {}
            _footnote_boxes(area, set(wanted), found)
            for ident, box in found.items():
                placed.setdefault(ident, number)
                if box.position_y < top - _TOLERANCE:
                    cut.append((ident, number))
    problems = [
        f"{_label(ident)} is taller than the space left on page {page} and would be cut off"
        for ident, page in cut
    ]
    problems += [
        f"{_label(ident)} did not reach the PDF" for ident in wanted if ident not in placed
    ]
    if problems:
        raise PdfCheckError(
            "; ".join(problems) + ". Shorten the footnote or split it, then build again."
        )


def html_to_pdf(
    html: str,
    *,
    base_url: str,
    footnote_ids: Sequence[str] = (),
    url_fetcher: printing.StaticOnlyFetcher | None = None,
) -> PdfResult:
    """Lay out the HTML, check its footnotes, write the PDF and count its pages.

    WeasyPrint may read only Verbale's static files meanwhile (``portal.printing``).
    """
    document = printing.printable(html, base_url=base_url, url_fetcher=url_fetcher).render()
    check_footnotes(document, footnote_ids)
    pdf = document.write_pdf()
    return PdfResult(pdf=pdf, page_count=page_count(pdf))


def page_count(pdf: bytes) -> int:
    """Pages of the written PDF, read back with pypdf (also proves the file is readable).

    The page tree's ``/Count`` is read rather than ``len(reader.pages)``, which would load
    every page object of a long report for nothing.
    """
    reader = PdfReader(io.BytesIO(pdf))
    return int(reader.trailer["/Root"]["/Pages"]["/Count"])
