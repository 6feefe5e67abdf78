"""The report as a Word document with real Word footnotes, from the same composition as the PDF.

The composition (``reports.rendering.compose``) is written out as pandoc Markdown — every text
escaped, footnotes as inline notes ``^[…]`` — and pandoc turns that into DOCX, where the notes
become entries of ``word/footnotes.xml``.  Word numbers footnotes itself, in order of their calls,
which is the order Verbale numbers them in, so the numbers match the PDF.  The agenda footnote
(*) is printed as a line under the agenda item instead: a Word footnote would take number 1.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pypandoc

from ..rendering import (
    Composition,
    EmRun,
    ErrorRun,
    NoteRun,
    ParagraphOut,
    Run,
    SectionOut,
    StrongRun,
    TextRun,
)

# Everything Markdown could read as a mark is escaped with a backslash (pandoc accepts a
# backslash before any ASCII punctuation), so typed text never turns into formatting.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~^$@&\"'=:;])")


def escape(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
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


def _paragraph(paragraph: ParagraphOut) -> list[str]:
    if paragraph.heading:
        return [f"*{runs_markdown(paragraph.lead)}*"]
    number = f"{paragraph.number}\\.\u2003" if paragraph.number else ""
    blocks = [number + runs_markdown(paragraph.lead)]
    blocks += [f"\\({label}\\)\u2003{runs_markdown(runs)}" for label, runs in paragraph.items]
    return blocks


def _section(section: SectionOut, level: int) -> list[str]:
    hashes = "#" * level
    number = f"{section.number}\\.\u2003" if section.number and not section.annex else ""
    blocks = [f"{hashes} {number}{escape(section.title)}"]
    for paragraph in section.paragraphs:
        blocks += _paragraph(paragraph)
    for group, names in section.respondent_groups:
        blocks.append(f"*{escape(group)}*")
        blocks += [escape(name) for name in names]
    for sub in section.subsections:
        blocks += _section(sub, level + 1)
    return blocks


def to_markdown(composition: Composition) -> str:
    report = composition.report
    lines = [
        f"**United Nations** \u2003 **{escape(report['symbol'])}**",
        f"**{escape(report['organ'])}**",
        f"Distr\\.: {escape(report['distribution'])}\\\n{escape(report['date_text'])}\\\n"
        f"Original: {escape(report['original_language'])}",
    ]
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
    lines.append("\\\n".join(m for m in meeting if m))
    if report.get("agenda_item") and report.get("agenda_symbol"):
        symbol = report["agenda_symbol"].rstrip(".")
        lines.append(f"\\* {escape(symbol)}\\.")
    lines.append(f"# {escape(report['title'])}")
    lines.append(f"**{escape(report['subtitle'])}**")
    if composition.summary:
        lines.append("**Summary**")
        for paragraph in composition.summary:
            lines += _paragraph(paragraph)
    for section in composition.sections:
        lines += _section(section, 2)
    for annex in composition.annexes:
        label = f"Annex {annex.number}".strip()
        lines.append(f"## {escape(label)}")
        lines += _section(annex, 2)
    return "\n\n".join(line for line in lines if line) + "\n"


def render_docx(composition: Composition) -> bytes:
    """DOCX bytes made by pandoc from :func:`to_markdown`."""
    markdown = to_markdown(composition)
    with tempfile.TemporaryDirectory(prefix="verbale-docx-") as folder:
        target = Path(folder) / "report.docx"
        pypandoc.convert_text(
            markdown,
            "docx",
            format="markdown-smart",
            outputfile=str(target),
            extra_args=["--metadata=lang:en"],
        )
        return target.read_bytes()
