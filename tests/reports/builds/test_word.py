"""The Word version: laid out like the PDF, and read back through LibreOffice.

The report has what the office's documents carry: sections and subsections, footnotes, lettered
sub-paragraphs, a table summed from the replies (header row, figures), an annex numbering its
own paragraphs with a subsection, and the generated annex of respondents.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import docx as python_docx
import pytest

from reports.builds import services
from reports.editor import services as editor
from reports.models import Build, Paragraph, Section
from tests.documents import pdf_text
from tests.factories import question
from tests.reports.factories import coded_report_with_sets

pytestmark = pytest.mark.django_db

FILLER = " ".join(["The authorities described the measures they had taken in their replies."] * 4)


def rich_report():  # type: ignore[no-untyped-def]
    data = coded_report_with_sets()
    report = data["report"]
    section = data["section"]
    q5 = question(data["questionnaire"], "5")
    editor.add_paragraph(
        section=section,
        kind=Paragraph.Kind.TABLE,
        text="Cases of trafficking in persons reported, 2005–2007",
        question_id=q5.pk,
    )
    editor.add_paragraph(
        section=section,
        text="Three kinds of measure were reported:\n(a) training of police;\n"
        "(b) shelters for victims;[^Run by non-governmental organizations.] and\n"
        "(c) campaigns in schools.",
    )
    measures = editor.add_section(report=report, title="Measures against trafficking")
    for n in range(12):
        editor.add_paragraph(section=measures, text=f"{FILLER}[^Detail {n} of the measures.]")
    sub = editor.add_section(report=report, title="Cooperation between States", parent=measures)
    for _ in range(6):
        editor.add_paragraph(section=sub, text=FILLER)
    annex = editor.add_section(
        report=report, title="Recommendations", kind=Section.Kind.ANNEX, numbering="paragraphs"
    )
    part = editor.add_section(report=report, title="Data", parent=annex)
    editor.add_paragraph(section=part, text="Collect data on victims by sex and age.")
    editor.add_paragraph(section=part, text="Publish the figures every year.")
    editor.add_section(
        report=report,
        title="States that replied",
        kind=Section.Kind.ANNEX,
        generated=Section.Generated.RESPONDENTS,
    )
    return report


def _build(report, capture) -> Build:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        build = services.start_build(report=report, acknowledge_warnings=True)
    build.refresh_from_db()
    assert build.status == Build.Status.SUCCEEDED, build.error
    return build


def test_the_word_version_is_laid_out_like_the_pdf(django_capture_on_commit_callbacks):
    report = rich_report()
    build = _build(report, django_capture_on_commit_callbacks)
    data = build.docx.read()
    document = python_docx.Document(io.BytesIO(data))
    section = document.sections[0]
    # A4 and the margins of the print CSS.
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    assert round(section.top_margin.cm, 1) == 2.3 and round(section.left_margin.cm, 1) == 2.4
    # Running header with the symbol at the outer edge, none on page 1; page numbers.
    assert section.different_first_page_header_footer
    assert document.settings.odd_and_even_pages_header_footer
    assert section.header.paragraphs[0].text == report.symbol
    assert section.even_page_header.paragraphs[0].text == report.symbol
    assert section.first_page_header.paragraphs[0].text == ""
    for footer in (section.footer, section.even_page_footer):
        assert "PAGE" in footer._element.xml
    assert section.first_page_footer.paragraphs[0].text == report.job_number
    # Masthead: "United Nations" and the symbol over the rule, the organ, the distribution.
    masthead = document.tables[0]
    assert masthead.cell(0, 0).text == "United Nations"
    assert masthead.cell(0, 1).text == report.symbol
    assert masthead.cell(1, 0).text == "Economic and Social Council"
    assert "Distr.: General" in masthead.cell(1, 1).text
    # Contents as a Word TOC field over heading levels 1 and 2.
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert re.search(r'<w:instrText[^>]*> TOC \\o "1-2" \\h \\z \\u </w:instrText>', xml)
    # Headings in Word heading styles; numbered paragraphs with their numbers.
    styles = {(p.style.name, p.text) for p in document.paragraphs}
    assert ("Heading 1", "I.\tLegislation") in styles
    assert ("Heading 1", "II.\tMeasures against trafficking") in styles
    assert ("Heading 2", "A.\tCooperation between States") in styles
    assert ("Heading 1", "Annex I\nRecommendations") in styles
    assert ("Heading 2", "A.\tData") in styles
    numbered = [p.text for p in document.paragraphs if p.style.name == "Numbered Paragraph"]
    assert numbered[0].startswith("1.\tSome States had ratified the Protocol.")
    assert "1.\tCollect data on victims by sex and age." in numbered
    assert "2.\tPublish the figures every year." in numbered
    items = [p.text for p in document.paragraphs if p.style.name == "Sub Item 1"]
    assert items == [
        "(a)\ttraining of police;",
        "(b)\tshelters for victims; and",
        "(c)\tcampaigns in schools.",
    ]
    # Real Word footnotes, as many as the PDF's.
    notes = zipfile.ZipFile(io.BytesIO(data)).read("word/footnotes.xml").decode()
    assert "Run by non-governmental organizations." in notes
    assert "Detail 11 of the measures." in notes
    # The table: "Table 1", its header row repeated on every page, figures right-aligned.
    table_paragraphs = [p.text for p in document.paragraphs if p.style.name == "Table Number"]
    assert table_paragraphs == ["Table\u00a01"]
    table = document.tables[1]
    assert "<w:tblHeader" in table.rows[0]._tr.xml
    assert "<w:tblHeader" not in table.rows[1]._tr.xml
    figures = [row.cells[1] for row in table.rows[1:]]
    assert all(cell.paragraphs[0].alignment == 2 for cell in figures)  # right
    assert any(cell.text == "12" for cell in figures)


SOFFICE = shutil.which("soffice")


def test_the_word_version_opens_in_libreoffice_with_the_text_and_pages_of_the_pdf(
    django_capture_on_commit_callbacks,
):
    build = _build(rich_report(), django_capture_on_commit_callbacks)
    with tempfile.TemporaryDirectory(prefix="verbale-lo-") as folder:
        source = Path(folder) / "report.docx"
        source.write_bytes(build.docx.read())
        subprocess.run(
            [
                SOFFICE,
                f"-env:UserInstallation=file://{folder}/profile",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                folder,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        converted = (Path(folder) / "report.pdf").read_bytes()
    word_text = pdf_text(converted)
    word_pages = word_text.count("\f")
    flat = " ".join(word_text.split())
    for expected in (
        "United Nations",
        "Economic and Social Council",
        "Contents",
        "I. Legislation",
        "II. Measures against trafficking",
        "A. Cooperation between States",
        "Annex I",
        "Recommendations",
        "1. Some States had ratified the Protocol.",
        "shelters for victims;2 and",
        "Table 1",
        "Run by non-governmental organizations.",
        "Detail 11 of the measures.",
        "Collect data on victims by sex and age.",
        "States that replied",
    ):
        assert expected in flat, expected
    numbers = re.findall(r"(?:^|\s)(\d+)\.\s", word_text)
    assert {str(n) for n in range(1, 20)} <= set(numbers)
    assert abs(word_pages - build.page_count) <= 2, (word_pages, build.page_count)


def test_a_letter_size_background_paper_without_a_symbol_has_its_short_title_in_the_header():
    from reports import rendering, selectors
    from reports.builds import docx
    from tests.reports.factories import report_with_replies

    report = report_with_replies(
        page_size="Letter",
        document_type="background_paper",
        symbol="",
        short_title="Trafficking in persons",
    )
    composition = rendering.compose(selectors.report_snapshot(report))
    document = python_docx.Document(io.BytesIO(docx.render_docx(composition)))
    section = document.sections[0]
    assert round(section.page_width.cm, 2) == 21.59 and round(section.page_height.cm, 2) == 27.94
    assert section.header.paragraphs[0].text == "Trafficking in persons"
    assert section.even_page_header.paragraphs[0].text == "Trafficking in persons"
    # No symbol on the masthead: the type stands there; no job number at the foot of page 1.
    assert document.tables[0].cell(0, 1).text == "Background paper"
    assert section.first_page_footer.paragraphs[0].text == ""
    assert "Background paper" in [p.text for p in document.paragraphs]
