"""Layout checks of a build: footnotes on the page of their call, contents entries, no blank page.

Each check reads WeasyPrint's laid-out pages (``reports.builds.pdf.check_layout``); the tests
build crafted reports through the real build and read the real PDF with pdftotext.
"""

from __future__ import annotations

import re

import pytest

from portal.printing import printable
from reports import rendering, selectors
from reports.builds import pdf, services
from reports.editor import services as editor
from reports.models import Build, Section
from tests.documents import pdf_text
from tests.reports.factories import report_with_replies

pytestmark = pytest.mark.django_db

FILLER = " ".join(["The measures taken by the authorities were described in the replies."] * 5)


def _build(report, capture) -> Build:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        build = services.start_build(report=report)
    build.refresh_from_db()
    return build


def _notes_that_cannot_share_a_page(report) -> None:  # type: ignore[no-untyped-def]
    """Two long footnotes called in one sentence of the last paragraph: together taller than a
    page, so the second cannot print on the page of its call, whatever line the call is on."""
    section = Section.objects.filter(report=report, kind=Section.Kind.BODY).order_by("order")[0]
    first = " ".join(["The first note tells of training for police and prosecutors."] * 80)
    second = " ".join(["The second note tells of shelters and of help to victims."] * 80)
    for _ in range(3):
        editor.add_paragraph(section=section, text=FILLER)
    editor.add_paragraph(
        section=section, text=f"Two States said so.[^{first}] Others agreed.[^{second}]"
    )


def _pages_of(text: str, needle: str) -> list[int]:
    """The pages on which ``needle`` is printed, not followed by a digit ("Said so.1" is not
    "Said so.12")."""
    pattern = re.compile(re.escape(needle) + r"(?!\d)")
    return [
        n
        for n, page in enumerate(text.split("\f"), start=1)
        if pattern.search(" ".join(page.split()))
    ]


def test_a_footnote_that_would_print_a_page_after_its_call_fails_the_build(
    django_capture_on_commit_callbacks,
):
    report = report_with_replies()
    _notes_that_cannot_share_a_page(report)
    build = _build(report, django_capture_on_commit_callbacks)
    assert build.status == Build.Status.FAILED
    assert "Footnote 2, called in paragraph 6 on page 3, prints on page 4" in build.error
    assert not build.pdf
    # Without the check, the same HTML prints footnote 2 on the page after its call: what the
    # check refuses (the test above fails if check_layout leaves footnote pages alone).
    rendered = rendering.render_print_html(selectors.report_snapshot(report))
    text = pdf_text(printable(rendered.html, base_url=".").write_pdf())
    call_page = _pages_of(text, "Others agreed.2")
    note_page = _pages_of(text, "2 The second note tells of shelters")
    assert call_page == [3] and note_page == [4]


def test_footnotes_of_the_sample_report_print_on_the_page_of_their_call(
    django_capture_on_commit_callbacks,
):
    """The print CSS (footnote-policy: line) takes a call's line to the next page with its
    note, instead of leaving the note a page after its call."""
    report = report_with_replies()
    section = Section.objects.filter(report=report, kind=Section.Kind.BODY).order_by("order")[0]
    note = " ".join(["A long note about the legislation adopted in that year."] * 12)
    for n in range(14):
        editor.add_paragraph(section=section, text=f"{FILLER} Said so.[^Note {n}. {note}]")
    build = _build(report, django_capture_on_commit_callbacks)
    assert build.status == Build.Status.SUCCEEDED, build.error
    text = pdf_text(build.pdf.read())
    for n in range(14):
        number = n + 1  # footnote numbers follow calls; the sample report's notes come later
        calls = _pages_of(text, f"Said so.{number}")
        notes = _pages_of(text, f"{number} Note {n}. A long note")
        assert calls and calls == notes, (n, calls, notes)


LONG_TITLE = (
    "Measures taken to protect and assist the victims of trafficking in persons, in particular "
    "women and children, and to prevent their being trafficked again"
)


def _long_title_report():  # type: ignore[no-untyped-def]
    report = report_with_replies()
    section = Section.objects.filter(report=report, kind=Section.Kind.BODY).order_by("order")[1]
    editor.update_section(section=section, title=LONG_TITLE)
    return report


def _laid_out(report, extra_css: str = ""):  # type: ignore[no-untyped-def]
    snapshot = selectors.report_snapshot(report)
    css = rendering.PRINT_CSS.read_text() + extra_css
    rendered = rendering.render_print_html(snapshot, css=css)
    ids = rendering.footnote_ids(rendered.composition, with_agenda=True)
    return printable(rendered.html, base_url=".").render(), ids


def test_a_contents_entry_that_wraps_keeps_its_page_number_on_its_last_line(
    django_capture_on_commit_callbacks,
):
    build = _build(_long_title_report(), django_capture_on_commit_callbacks)
    assert build.status == Build.Status.SUCCEEDED, build.error
    first = pdf_text(build.pdf.read(), layout=True).split("\f")[0]
    lines = [" ".join(line.split()) for line in first.splitlines()]
    start = next(n for n, line in enumerate(lines) if line.startswith("A. Measures taken"))
    # The first line has no range and no page; the entry's last line ends with both.
    assert not lines[start].endswith("4–5 2")
    end = next(n for n in range(start, start + 3) if "trafficked again" in lines[n])
    assert end > start and lines[end].endswith("4–5 2")
    # Laid out, the title's second line starts where its text starts, not under "A."
    document, ids = _laid_out(_long_title_report())
    assert pdf.inspect_layout(document, ids).contents == []


def test_the_contents_check_names_an_entry_that_wraps_under_its_number_or_loses_its_page():
    report = _long_title_report()
    document, ids = _laid_out(
        report,
        ".toc .toc-title { padding-left: 0; text-indent: 0; } .toc td { vertical-align: top; }",
    )
    found = pdf.inspect_layout(document, ids).contents
    assert found == [
        "The contents entry “A. Measures taken to protect and assist the victims of…” (page 1) "
        "wraps under its number instead of under its title",
        "The contents entry “A. Measures taken to protect and assist the victims of…” (page 1) "
        "has its page number away from the entry's last line",
    ]
    with pytest.raises(pdf.PdfCheckError, match="The print style sheet must lay the contents"):
        pdf.check_layout(document, ids)


def test_a_page_left_blank_after_the_contents_is_named():
    document, ids = _laid_out(report_with_replies(), "main.body { break-before: right; }")
    with pytest.raises(pdf.PdfCheckError, match=r"^Page 2 would print blank\."):
        pdf.check_layout(document, ids)
    document, ids = _laid_out(report_with_replies())
    assert pdf.inspect_layout(document, ids).blank == []
