"""The report as a Word document an editor can take over, laid out like the PDF.

Two steps, both from the same composition as the PDF (``reports.rendering.compose``):

1. pandoc writes the text: the composition as pandoc Markdown — every typed text escaped,
   footnotes as inline notes ``^[…]`` that become real Word footnotes, headings as Word heading
   styles, every other block in a named paragraph style (``custom-style``).  Word numbers
   footnotes itself, in order of their calls, which is the order Verbale numbers them in, so
   the numbers match the PDF.  The agenda footnote (*) is printed as a line under the agenda
   item instead: a Word footnote would take number 1.
2. python-docx lays it out (:func:`lay_out`): the report's page size and margins (those of the
   print CSS), the masthead as a table under a heavy rule, the contents as a Word
   table-of-contents field (Word fills in the pages when the document is opened), the running
   header with the symbol at the outer edge and the page number in the footer, the job number
   at the foot of page 1, and the fonts and indents of UN documents.

No template file is kept in the repository: every style is set here, in code.
"""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import docx as python_docx
import pypandoc
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor

from ..rendering import (
    CellOut,
    Composition,
    EmRun,
    ErrorRun,
    ListOut,
    NoteRun,
    ParagraphOut,
    Run,
    SectionOut,
    StrongRun,
    TableOut,
    TextRun,
)

# Everything Markdown could read as a mark is escaped with a backslash (pandoc accepts a
# backslash before any ASCII punctuation), so typed text never turns into formatting.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~^$@&\"'=:;])")

SERIF = "Times New Roman"
SANS = "Arial"
# The page of the print CSS (static/css/report-print.css): margins top, right, bottom, left.
MARGINS = (Cm(2.3), Cm(2.4), Cm(2.4), Cm(2.4))
PAGE_SIZES = {"A4": (Cm(21.0), Cm(29.7)), "Letter": (Cm(21.59), Cm(27.94))}
INDENT = Cm(1)

# Paragraph styles the Markdown names (custom-style); pandoc creates them, lay_out shapes them.
NUMBERED = "Numbered Paragraph"
SUB_ITEM = "Sub Item"  # "Sub Item 1" for (a), "Sub Item 2" for (i) within it…
BULLET = "Bullet Item"  # "Bullet Item 1", 2, 3 by depth
RECOMMENDATION = "Recommendation"
TABLE_NUMBER = "Table Number"
TABLE_CAPTION = "Table Caption"
TABLE_NOTE = "Table Note"
DOC_TYPE = "Document Type"
UNNUMBERED = "Unnumbered Paragraph"
RUN_IN = "Run-in Heading"
MEETING = "Meeting"
SUBTITLE = "Report Subtitle"
SUMMARY = "Summary"
GROUP = "Respondent Group"
NAME = "Respondent Name"
AGENDA_NOTE = "Agenda Note"
MASTHEAD = "Verbale Masthead"  # placeholder paragraph, replaced by the masthead table
CONTENTS = "Verbale Contents"  # placeholder paragraph, replaced by the contents field
TAB = "`<w:r><w:tab/></w:r>`{=openxml}"
BREAK = "`<w:r><w:br/></w:r>`{=openxml}"


def escape(text: str) -> str:
    """Typed text as Markdown that prints as typed; no-break spaces stay no-break."""
    text = re.sub(r"[ \t\r\n\f\v]+", " ", text)
    return _SPECIAL.sub(r"\\\1", text)


def runs_markdown(runs: list[Run]) -> str:
    out = []
    for run in runs:
        if isinstance(run, TextRun | ErrorRun):
            out.append(escape(run.text))
        elif isinstance(run, EmRun):
            inner = runs_markdown(run.children).strip()
            out.append(f"*{inner}*" if inner else "")
        elif isinstance(run, StrongRun):
            inner = runs_markdown(run.children).strip()
            out.append(f"**{inner}**" if inner else "")
        elif isinstance(run, NoteRun):
            out.append(f"^[{runs_markdown(run.children)}]")
    return "".join(out)


def styled(style: str, text: str) -> str:
    """One paragraph (or several) in a named Word paragraph style."""
    return f'::: {{custom-style="{style}"}}\n{text}\n:::'


def _items(block: ListOut, depth: int) -> list[str]:
    """Lettered sub-paragraphs, nested (i) items and bullets, each a paragraph with a hanging
    label, indented one step further at each level."""
    out = []
    for item in block.items:
        label = "\u2022" if block.kind == "bullet" else f"\\({escape(item.label)}\\)"
        style = f"{BULLET if block.kind == 'bullet' else SUB_ITEM} {min(depth, 3)}"
        out.append(styled(style, f"{label}{TAB}{runs_markdown(item.runs)}"))
        for inner in item.blocks:
            out += _items(inner, depth + 1)
    return out


def _cell(cell: CellOut) -> str:
    return runs_markdown(cell.runs).strip() or " "


def _table(table: TableOut, tables: list[TableOut]) -> list[str]:
    """ "Table N" and its caption, the table (a pipe table that :func:`lay_out` finishes: spans,
    right-aligned figures, header rows repeated on every page), then notes and source."""
    tables.append(table)
    width = max(table.width, 1)

    def row(cells: list[CellOut]) -> str:
        shown = []
        for cell in cells:
            shown += [_cell(cell)] + ["\u00a0"] * (cell.colspan - 1)
        shown += [" "] * (width - len(shown))
        return "| " + " | ".join(shown) + " |"

    header = table.header_rows[0] if table.header_rows else []
    lines = [row(header), "|" + "|".join(["---"] * width) + "|"]
    lines += [row(r) for r in table.header_rows[1:] + table.body_rows]
    blocks = [
        styled(TABLE_NUMBER, escape(table.label)),
        styled(TABLE_CAPTION, runs_markdown(table.caption)) if table.caption else "",
        "\n".join(lines),
    ]
    if table.notes:
        word = "Note" if len(table.notes) == 1 else "Notes"
        text = " ".join(runs_markdown(note) for note in table.notes)
        blocks.append(styled(TABLE_NOTE, f"*{word}*: {text}"))
    if table.source:
        blocks.append(styled(TABLE_NOTE, f"*Source*: {runs_markdown(table.source)}"))
    return [b for b in blocks if b]


def _paragraph(paragraph: ParagraphOut, tables: list[TableOut]) -> list[str]:
    if paragraph.kind == "heading3":
        label = f"{escape(paragraph.label)}{TAB}" if paragraph.label else ""
        return [f"### {label}{runs_markdown(paragraph.lead)}"]
    if paragraph.heading:
        return [styled(RUN_IN, runs_markdown(paragraph.lead))]
    blocks = []
    label = paragraph.label
    if label.startswith("Recommendation") and not paragraph.number:
        blocks.append(styled(RECOMMENDATION, escape(label)))
        label = ""
    lead = runs_markdown(paragraph.lead)
    if paragraph.number:
        blocks.append(styled(NUMBERED, f"{paragraph.number}\\.{TAB}{lead}"))
    elif label:
        blocks.append(styled(NUMBERED, f"{escape(label)}{TAB}{lead}"))
    elif lead.strip():
        blocks.append(styled(UNNUMBERED, lead))
    for block in paragraph.blocks:
        if isinstance(block, TableOut):
            blocks += _table(block, tables)
        else:
            blocks += _items(block, 1)
    return blocks


def _body(section: SectionOut, level: int, tables: list[TableOut]) -> list[str]:
    blocks: list[str] = []
    for paragraph in section.paragraphs:
        blocks += _paragraph(paragraph, tables)
    for group, names in section.respondent_groups:
        blocks.append(styled(GROUP, escape(group)))
        if section.respondents_layout == "runs":
            blocks.append(styled(UNNUMBERED, escape(", ".join(names))))
        else:
            blocks += [styled(NAME, escape(name)) for name in names]
    for sub in section.subsections:
        blocks += _section(sub, level + 1, tables)
    return blocks


def _section(section: SectionOut, level: int, tables: list[TableOut]) -> list[str]:
    number = f"{section.number}\\.{TAB}" if section.number else ""
    return [f"{'#' * level} {number}{escape(section.title)}", *_body(section, level, tables)]


def _annex(annex: SectionOut, tables: list[TableOut]) -> list[str]:
    label = f"Annex {annex.number}".strip()
    return [f"# {escape(label)}{BREAK}{escape(annex.title)}", *_body(annex, 1, tables)]


def to_markdown(composition: Composition, tables: list[TableOut] | None = None) -> str:
    """The composition as pandoc Markdown; ``tables`` receives every table in document order
    (for :func:`lay_out` to finish the Word tables pandoc makes of them)."""
    tables = [] if tables is None else tables
    report = composition.report
    lines = [styled(MASTHEAD, "masthead")]
    meeting = [
        f"**{escape(report['subsidiary_body'])}**" if report.get("subsidiary_body") else "",
        escape(report.get("session", "")),
        escape(report.get("place_and_dates", "")),
    ]
    if report.get("agenda_item"):
        star = "\\*" if report.get("agenda_symbol") else ""
        meeting.append(f"Item {escape(report['agenda_item'])} of the provisional agenda{star}")
    if report.get("agenda_title"):
        meeting.append(f"**{escape(report['agenda_title'])}**")
    shown = [m for m in meeting if m]
    if shown:
        lines.append(styled(MEETING, "\\\n".join(shown)))
    if report.get("document_type") in ("crp", "background_paper"):
        label = report.get("document_type_label", "")
        lines.append(styled(DOC_TYPE, escape(label)))
    lines.append(styled("Title", escape(report.get("title", ""))))
    if report.get("subtitle"):
        lines.append(styled(SUBTITLE, escape(report["subtitle"])))
    if composition.summary:
        blocks = ["**Summary**"]
        for paragraph in composition.summary:
            blocks += [runs_markdown(paragraph.lead)]
            blocks += [
                f"\\({escape(label)}\\){TAB}{runs_markdown(runs)}"
                for label, runs in paragraph.items
            ]
        lines.append(styled(SUMMARY, "\n\n".join(blocks)))
    if composition.sections or composition.annexes:
        lines.append(styled(CONTENTS, "contents"))
    for section in composition.sections:
        lines += _section(section, 1, tables)
    for annex in composition.annexes:
        lines += _annex(annex, tables)
    if report.get("agenda_item") and report.get("agenda_symbol"):
        symbol = report["agenda_symbol"].rstrip(".")
        lines.insert(2 if shown else 1, styled(AGENDA_NOTE, f"\\*{TAB}{escape(symbol)}\\."))
    return "\n\n".join(line for line in lines if line) + "\n"


# --- Layout with python-docx -------------------------------------------------------------------


def _font(style: Any, *, size: float, bold: bool = False, italic: bool = False) -> None:
    style.font.name = SERIF
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = italic
    style.font.color.rgb = RGBColor(0, 0, 0)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), SERIF)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(theme), None)


def _spacing(
    style: Any,
    *,
    before: float = 0,
    after: float = 6,
    line: float = 12,
    left: Any = None,
    first: Any = None,
    keep_with_next: bool = False,
    justify: bool = False,
) -> None:
    fmt = style.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(line)
    fmt.left_indent = left
    fmt.first_line_indent = first
    fmt.keep_with_next = keep_with_next
    fmt.widow_control = True
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY if justify else WD_ALIGN_PARAGRAPH.LEFT


def _style(document: Any, name: str) -> Any:
    try:
        return document.styles[name]
    except KeyError:
        from docx.enum.style import WD_STYLE_TYPE

        return document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)


def _styles(document: Any) -> None:
    """The fonts and indents of the print CSS, as Word styles an editor goes on writing in."""
    for name in ("Normal", "Body Text", "First Paragraph"):
        style = _style(document, name)
        _font(style, size=10)
        _spacing(style, left=INDENT, justify=name != "Normal")
    _font(_style(document, "Compact"), size=9)  # pandoc's style for text in table cells
    _spacing(_style(document, "Compact"), before=1.5, after=1.5, line=11, left=Cm(0))
    for name, size, bold, italic, before, after in (
        ("Heading 1", 12, True, False, 16, 8),
        ("Heading 2", 10, True, False, 12, 6),
        ("Heading 3", 10, False, True, 8, 6),
        (RUN_IN, 10, False, True, 2, 4),
    ):
        style = _style(document, name)
        _font(style, size=size, bold=bold, italic=italic)
        _spacing(
            style,
            before=before,
            after=after,
            line=14 if size > 10 else 12,
            left=INDENT,
            first=-INDENT if name.startswith("Heading") else None,
            keep_with_next=True,
        )
    _font(_style(document, NUMBERED), size=10)
    _spacing(_style(document, NUMBERED), left=INDENT, first=-INDENT, justify=True)
    for depth in (1, 2, 3):
        _font(_style(document, f"{SUB_ITEM} {depth}"), size=10)
        _spacing(
            _style(document, f"{SUB_ITEM} {depth}"),
            after=3,
            left=INDENT * (depth + 1),
            first=-INDENT,
            justify=True,
        )
        _font(_style(document, f"{BULLET} {depth}"), size=10)
        _spacing(
            _style(document, f"{BULLET} {depth}"),
            after=2,
            left=INDENT * depth + Cm(0.5),
            first=-Cm(0.5),
            justify=True,
        )
    _font(_style(document, RECOMMENDATION), size=10, bold=True)
    _spacing(_style(document, RECOMMENDATION), before=10, after=4, left=INDENT, keep_with_next=True)
    _font(_style(document, TABLE_NUMBER), size=10)
    _spacing(_style(document, TABLE_NUMBER), before=9, after=0, left=INDENT, keep_with_next=True)
    _font(_style(document, TABLE_CAPTION), size=10, bold=True)
    _spacing(_style(document, TABLE_CAPTION), after=4, left=INDENT, keep_with_next=True)
    _font(_style(document, TABLE_NOTE), size=8.5)
    _spacing(_style(document, TABLE_NOTE), before=3, after=1, line=10, left=INDENT)
    _font(_style(document, DOC_TYPE), size=10, bold=True)
    _spacing(_style(document, DOC_TYPE), before=12, after=0, left=INDENT)
    _font(_style(document, UNNUMBERED), size=10)
    _spacing(_style(document, UNNUMBERED), left=INDENT, justify=True)
    _font(_style(document, MEETING), size=10)
    _spacing(_style(document, MEETING), before=6, after=12, left=Cm(0))
    _font(_style(document, "Title"), size=14, bold=True)
    _spacing(_style(document, "Title"), before=12, after=6, line=16, left=INDENT)
    _style(document, "Title").paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _font(_style(document, SUBTITLE), size=12, bold=True)
    _spacing(_style(document, SUBTITLE), after=12, line=14, left=INDENT)
    _font(_style(document, SUMMARY), size=10)
    _spacing(_style(document, SUMMARY), left=INDENT, justify=True)
    _font(_style(document, GROUP), size=10, italic=True)
    _spacing(_style(document, GROUP), before=8, after=4, left=INDENT, keep_with_next=True)
    _font(_style(document, NAME), size=10)
    _spacing(_style(document, NAME), after=1, left=INDENT)
    _font(_style(document, AGENDA_NOTE), size=8.5)
    _spacing(_style(document, AGENDA_NOTE), after=6, line=10, left=INDENT, first=-INDENT)
    for name in ("Footnote Text",):
        style = _style(document, name)
        _font(style, size=8.5)
        _spacing(style, after=2, line=10, left=INDENT, first=-INDENT)
    for level in (1, 2):
        style = _style(document, f"TOC {level}")
        _font(style, size=10)
        _spacing(style, after=3, left=INDENT * (level + 1), first=-INDENT)
        _tab_stops(style, (Emu(document_width(document) - Cm(0.1)), "right", "dot"))


def document_width(document: Any) -> Any:
    section = document.sections[0]
    return Emu(section.page_width - section.left_margin - section.right_margin)


def _tab_stops(style: Any, *stops: tuple[Any, str, str]) -> None:
    p_pr = style.element.get_or_add_pPr()
    tabs = OxmlElement("w:tabs")
    for position, alignment, leader in stops:
        tab = OxmlElement("w:tab")
        tab.set(qn("w:val"), alignment)
        tab.set(qn("w:leader"), leader)
        tab.set(qn("w:pos"), str(int(position.twips)))
        tabs.append(tab)
    p_pr.append(tabs)


def _page(document: Any, report: dict[str, Any]) -> None:
    width, height = PAGE_SIZES["Letter" if report.get("page_size") == "Letter" else "A4"]
    for section in document.sections:
        section.page_width, section.page_height = width, height
        (section.top_margin, section.right_margin, section.bottom_margin, section.left_margin) = (
            MARGINS
        )
        section.header_distance = Cm(1.2)
        section.footer_distance = Cm(1.2)


# Characters XML 1.0 cannot carry (control characters but tab and line ends): a Word file
# holding one would not open, so they are left out of what python-docx writes (pandoc does the
# same for the text it writes).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _run(paragraph: Any, text: str, *, size: float, bold: bool = False, font: str = SERIF) -> Any:
    run = paragraph.add_run(_NOT_XML.sub("", text))
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = font
    run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:cs"), font)
    return run


def _field_char(paragraph: Any, kind: str, **run: Any) -> None:
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    if kind == "begin":
        element.set(qn("w:dirty"), "true")  # Word computes it again when the file opens
    _run(paragraph, "", **run)._r.append(element)


def _field_code(paragraph: Any, instruction: str, **run: Any) -> None:
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    _run(paragraph, "", **run)._r.append(code)


def _field_runs(paragraph: Any, instruction: str, shown: str, **run: Any) -> None:
    """A Word field (PAGE…): Word computes it; ``shown`` is what prints until it does."""
    _field_char(paragraph, "begin", **run)
    _field_code(paragraph, instruction, **run)
    _field_char(paragraph, "separate", **run)
    _run(paragraph, shown, **run)
    _field_char(paragraph, "end", **run)


def _header_footer(document: Any, report: dict[str, Any]) -> None:
    """The symbol at the outer edge of the header, the page number at the outer edge of the
    footer (right on odd pages, left on even), none on page 1, whose foot carries the job
    number."""
    document.settings.odd_and_even_pages_header_footer = True
    symbol = report.get("running_head") or report.get("symbol") or ""
    for section in document.sections:
        section.different_first_page_header_footer = True
        for part, align in (
            (section.header, WD_ALIGN_PARAGRAPH.RIGHT),
            (section.even_page_header, WD_ALIGN_PARAGRAPH.LEFT),
        ):
            paragraph = part.paragraphs[0]
            paragraph.alignment = align
            _run(paragraph, symbol, size=9, bold=True)
        for part, align in (
            (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
            (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
        ):
            paragraph = part.paragraphs[0]
            paragraph.alignment = align
            _field_runs(paragraph, "PAGE", "2", size=9, bold=True)
        first = section.first_page_footer.paragraphs[0]
        if report.get("print_job_number", True):
            _run(first, report.get("job_number", ""), size=8, font=SANS)
        section.first_page_header.paragraphs[0].text = ""


def _borders(cell: Any, **sides: int) -> None:
    """Cell borders in eighths of a point (0: none)."""
    tc_pr = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    for side in ("top", "left", "bottom", "right"):
        element = OxmlElement(f"w:{side}")
        size = sides.get(side, 0)
        element.set(qn("w:val"), "single" if size else "nil")
        if size:
            element.set(qn("w:sz"), str(size))
            element.set(qn("w:color"), "000000")
        borders.append(element)
    tc_pr.append(borders)


def _cell_text(cell: Any, lines: Iterable[tuple[str, float, bool, str]], align: Any) -> None:
    first = True
    for text, size, bold, font in lines:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        paragraph.alignment = align
        fmt = paragraph.paragraph_format
        fmt.left_indent = Cm(0)
        fmt.first_line_indent = Cm(0)
        fmt.space_after = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        _run(paragraph, text, size=size, bold=bold, font=font)


def _masthead(document: Any, report: dict[str, Any], placeholder: Any) -> None:
    """ "United Nations" and the symbol over a heavy rule, then the organ and the distribution
    block, as a borderless table where the placeholder paragraph stood."""
    table = document.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    width = document_width(document)
    widths = (int(width * 0.55), width - int(width * 0.55))
    for row in table.rows:
        for cell, cell_width in zip(row.cells, widths, strict=True):
            cell.width = cell_width
    top_left, top_right = table.rows[0].cells
    _cell_text(top_left, [("United Nations", 10, False, SANS)], WD_ALIGN_PARAGRAPH.LEFT)
    if report.get("symbol"):
        shown = [(report["symbol"], 17, True, SANS)]
    else:  # a background paper may have no symbol: its type stands there instead
        shown = [(report.get("document_type_label", ""), 12, True, SANS)]
    _cell_text(top_right, shown, WD_ALIGN_PARAGRAPH.RIGHT)
    for cell in (top_left, top_right):
        _borders(cell, bottom=24)
    organ, distribution = table.rows[1].cells
    _cell_text(organ, [(report.get("organ", ""), 14, True, SERIF)], WD_ALIGN_PARAGRAPH.LEFT)
    block = [
        (f"Distr.: {report.get('distribution', '')}", 10, False, SERIF),
        (report.get("date_text", ""), 10, False, SERIF),
        ("", 6, False, SERIF),
        (f"Original: {report.get('original_language', '')}", 10, False, SERIF),
    ]
    _cell_text(distribution, block, WD_ALIGN_PARAGRAPH.LEFT)
    for cell in (organ, distribution):
        _borders(cell)
    placeholder._p.addprevious(table._tbl)
    placeholder._p.getparent().remove(placeholder._p)


def _contents(document: Any, composition: Composition, placeholder: Any) -> None:
    """ "Contents" and a Word TOC field over headings of levels 1 and 2, on a page of its own.

    Until Word updates the field (it asks to when the document opens), it shows the entries
    with their paragraph ranges, as the PDF does without the pages."""
    heading = placeholder.insert_paragraph_before("Contents")
    heading.style = _style(document, "Subtitle")
    _font(heading.style, size=12, bold=True)
    _spacing(heading.style, before=20, after=6, line=14, left=INDENT)
    entries: list[tuple[int, str, str, str]] = []
    for section in composition.sections:
        entries.append((1, f"{section.number}.", section.title, section.range))
        entries += [(2, f"{sub.number}.", sub.title, sub.range) for sub in section.subsections]
    if composition.annexes:  # "Annexes", then each by its number, as in the PDF
        entries.append((1, "", "Annexes" if len(composition.annexes) > 1 else "Annex", ""))
        entries += [
            (1, f"{annex.number}." if annex.number else "", annex.title, "")
            for annex in composition.annexes
        ]
    paragraphs = []
    for level, number, title, paragraph_range in entries:
        paragraph = placeholder.insert_paragraph_before()
        paragraph.style = _style(document, f"TOC {level}")
        if title in ("Annex", "Annexes") and not number:
            paragraphs.append((paragraph, title))
            paragraph.paragraph_format.first_line_indent = Cm(0)
            paragraph.paragraph_format.left_indent = INDENT
            paragraph.paragraph_format.space_before = Pt(8)
        else:
            paragraphs.append((paragraph, f"{number}\t{title}\t{paragraph_range}"))
    if paragraphs:
        first, last = paragraphs[0][0], paragraphs[-1][0]
        _field_char(first, "begin", size=10)
        _field_code(first, 'TOC \\o "1-2" \\h \\z \\u', size=10)
        _field_char(first, "separate", size=10)
        for paragraph, text in paragraphs:
            _run(paragraph, text, size=10)
        _field_char(last, "end", size=10)
    breaker = placeholder.insert_paragraph_before()
    breaker.add_run().add_break(WD_BREAK.PAGE)
    placeholder._p.getparent().remove(placeholder._p)
    settings = document.settings.element
    update = settings.find(qn("w:updateFields"))
    if update is None:
        update = OxmlElement("w:updateFields")
        settings.append(update)
    update.set(qn("w:val"), "true")


def _tr_flag(row: Any, tag: str) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    element = OxmlElement(tag)
    element.set(qn("w:val"), "true")
    tr_pr.append(element)


def _table_rules(table: Any) -> None:
    """A rule above and under the table, none between the rows or columns."""
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblBorders")):
        tbl_pr.remove(old)
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{side}")
        ruled = side in ("top", "bottom")
        element.set(qn("w:val"), "single" if ruled else "nil")
        if ruled:
            element.set(qn("w:sz"), "6")
            element.set(qn("w:color"), "000000")
        borders.append(element)
    tbl_pr.append(borders)


def _finish_table(word: Any, table: TableOut) -> None:
    """Header rows repeated at the top of every page, spans merged, figures right-aligned."""
    rows = list(word.rows)
    if not table.header_rows:  # pandoc needs a header row: an empty one stood in
        word._tbl.remove(rows[0]._tr)
        rows = rows[1:]
    for row_out, row in zip(table.header_rows + table.body_rows, rows, strict=False):
        column = 0
        cells = row.cells
        for cell_out in row_out:
            if column >= len(cells):
                break
            cell = cells[column]
            if cell_out.colspan > 1 and column + cell_out.colspan - 1 < len(cells):
                cell = cell.merge(cells[column + cell_out.colspan - 1])
                for extra in cell.paragraphs[1:]:
                    if not extra.text.strip():
                        extra._p.getparent().remove(extra._p)
            for paragraph in cell.paragraphs:
                if cell_out.numeric:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                elif cell_out.colspan > 1:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            column += cell_out.colspan
    for row in rows[: len(table.header_rows)]:
        _tr_flag(row, "w:tblHeader")
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.italic = True
    for row in rows:
        _tr_flag(row, "w:cantSplit")
    _table_rules(word)


def _placeholder(document: Any, style: str) -> Any:
    for paragraph in document.paragraphs:
        if paragraph.style is not None and paragraph.style.name == style:
            return paragraph
    return None


def lay_out(data: bytes, composition: Composition, tables: list[TableOut] | None = None) -> bytes:
    """pandoc's DOCX laid out like the PDF (see the module's docstring); ``tables`` are the
    composition's tables in the order :func:`to_markdown` wrote them."""
    document = python_docx.Document(io.BytesIO(data))
    report = composition.report
    _page(document, report)
    _styles(document)
    for word, table in zip(document.tables, tables or [], strict=False):
        _finish_table(word, table)
    masthead = _placeholder(document, MASTHEAD)
    if masthead is not None:
        _masthead(document, report, masthead)
    contents = _placeholder(document, CONTENTS)
    if contents is not None:
        _contents(document, composition, contents)
    _header_footer(document, report)
    document.core_properties.title = _NOT_XML.sub("", report.get("title", ""))
    document.core_properties.subject = _NOT_XML.sub("", report.get("subtitle", ""))
    document.core_properties.keywords = _NOT_XML.sub("", report.get("symbol", ""))
    document.core_properties.author = "United Nations"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render_docx(composition: Composition) -> bytes:
    """DOCX bytes: pandoc from :func:`to_markdown`, laid out by :func:`lay_out`."""
    tables: list[TableOut] = []
    markdown = to_markdown(composition, tables)
    with tempfile.TemporaryDirectory(prefix="verbale-docx-") as folder:
        target = Path(folder) / "report.docx"
        pypandoc.convert_text(
            markdown,
            "docx",
            format="markdown-smart",
            outputfile=str(target),
            extra_args=["--metadata=lang:en"],
        )
        return lay_out(target.read_bytes(), composition, tables)
