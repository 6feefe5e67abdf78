"""The printed body of a report: how bold, nested items, bullets, tables, footnotes opening with
a bare list and UN typography come out in the HTML (preview and print) and in the PDF."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from reports import rendering
from reports.builds import pdf
from tests.documents import pdf_text
from tests.reports import body_samples, samples


def _paragraphs(composition: rendering.Composition) -> list[rendering.ParagraphOut]:
    return composition.sections[0].paragraphs


def _pdf(data: dict) -> tuple[rendering.Rendered, list[str]]:
    rendered = rendering.render_print_html(data)
    assert [p for p in rendered.composition.problems if p.blocking] == []
    result = pdf.html_to_pdf(
        rendered.html,
        base_url=str(settings.BASE_DIR),
        footnote_ids=rendering.footnote_ids(rendered.composition, with_agenda=True),
    )
    return rendered, pdf_text(result.pdf, layout=True).split("\f")


@pytest.fixture(scope="module")
def printed() -> tuple[rendering.Rendered, list[str]]:
    summary = (
        "The first paragraph of the summary says what the report is about.\n\n"
        "The second paragraph says what it concludes."
    )
    return _pdf(body_samples.snapshot(summary=summary, long=True))


# --- The composition ---------------------------------------------------------------------------


def test_a_paragraph_that_is_only_a_table_has_no_number_and_the_next_one_goes_on():
    paragraphs = _paragraphs(rendering.compose(body_samples.snapshot()))
    numbers = [p.number for p in paragraphs]
    assert numbers == [1, 2, 3, 4, 5, 6, None, 7, 8]
    assert paragraphs[6].tables[0].number == 1


def test_tables_are_numbered_in_document_order_and_figures_are_in_un_style():
    composition = rendering.compose(body_samples.snapshot(long=True))
    tables = [t for p in _paragraphs(composition) for t in p.tables]
    assert [t.label for t in tables] == ["Table\u00a01", "Table\u00a02"]
    first = tables[0]
    assert rendering.plain_text(first.caption) == (
        "Cases of trafficking in persons reported, 2003\u20132006"
    )
    cells = [[(c.text, c.numeric, c.colspan) for c in row] for row in first.body_rows]
    assert cells == [
        [("Africa", False, 1), ("1,234", True, 1), ("2,870", True, 1)],
        [("Europe", False, 1), ("560", True, 1), ("\u2013", True, 1)],
        [("Asia", False, 1), ("..", True, 1), ("12,345", True, 1)],
    ]
    heads = [[(c.text, c.numeric, c.colspan) for c in row] for row in first.header_rows]
    assert heads == [
        [("Region", False, 1), ("Cases reported", False, 2)],
        [("", False, 1), ("2003", True, 1), ("2004\u20132006", True, 1)],
    ]


def test_a_generated_table_is_numbered_by_the_same_walk():
    composer = rendering._Composer(rendering.as_snapshot(body_samples.snapshot()))
    composer.compose()
    table = rendering.TableOut(
        caption=[rendering.TextRun("Cases by year")],
        header_rows=[[rendering.CellOut.of("Year"), rendering.CellOut.of("Cases")]],
        body_rows=[[rendering.CellOut.of("2006"), rendering.CellOut.of(rendering.un_number(4321))]],
    )
    assert composer.number_table(table).number == 2
    table.align_headings()
    assert [c.numeric for c in table.header_rows[0]] == [True, True]
    assert table.body_rows[0][1].text == "4,321"


def test_a_footnote_opening_with_a_bare_list_goes_on_in_free_text_and_names_its_set():
    composition = rendering.compose(body_samples.snapshot())
    note = _paragraphs(composition)[7].notes[0]
    assert rendering.plain_text(note.children) == (
        "Belarus, Bulgaria, Croatia and Niger. See also the recommendations in annex\u00a0I."
    )
    assert note.keys == ["ratified"]


def test_typography_is_set_in_print_and_the_stored_text_stays_as_typed():
    data = body_samples.snapshot()
    composition = rendering.compose(data)
    quotes = _paragraphs(composition)[8]
    assert quotes.source == body_samples.QUOTES
    assert data["sections"][0]["paragraphs"][8]["text"] == body_samples.QUOTES
    assert rendering.plain_text(quotes.lead) == (
        "In its resolution\u00a02006/27, entitled \u201cStrengthening international "
        "cooperation\u201d, the Council\u2019s members, as stated in paragraph\u00a03 and "
        "annex\u00a0I, met on 15\u00a0December\u00a02007; 5\u00a0per\u00a0cent of cases were "
        "\u2018open\u2019."
    )


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ('"Title"', "\u201cTitle\u201d"),
        ("the States' replies", "the States\u2019 replies"),
        ("('quoted')", "(\u2018quoted\u2019)"),
        ("see paragraphs 3-5", "see paragraphs\u00a03\u20135"),
        ("in 2003-2006 and E/CN.15/2008-9", "in 2003\u20132006 and E/CN.15/2008-9"),
        ("Table 1 and chapter II, section A", "Table\u00a01 and chapter\u00a0II, section\u00a0A"),
        ("on 29 January 2008", "on 29\u00a0January\u00a02008"),
        ("3 million and 40 km", "3\u00a0million and 40\u00a0km"),
        ("an annex in which", "an annex in which"),
    ],
)
def test_typeset_text(typed, printed):
    assert rendering.typeset_text(typed) == printed
    assert rendering.typeset_text(printed) == printed  # twice changes nothing


def test_quotes_follow_the_text_across_italic_runs():
    runs = (
        rendering.compose(
            samples.snapshot(summary='The "*Palermo Protocol*" and the *Convention*\'s text.')
        )
        .summary[0]
        .lead
    )
    assert rendering.plain_text(runs) == (
        "The \u201cPalermo Protocol\u201d and the Convention\u2019s text."
    )


def test_a_summary_of_several_paragraphs_prints_them_all_in_the_box():
    data = body_samples.snapshot(summary="First point.\n\n  \nSecond point,\ngoing on.\n\nThird.")
    rendered = rendering.render_print_html(data)
    assert [rendering.plain_text(p.lead) for p in rendered.composition.summary] == [
        "First point.",
        "Second point, going on.",
        "Third.",
    ]
    box = re.search(r'<section class="summary">(.*?)</section>', rendered.html, re.S)
    assert box is not None
    assert box.group(1).count('<div class="para">') == 3


def test_a_markup_mistake_in_a_table_prints_nothing_of_the_paragraph_and_blocks_the_build():
    data = body_samples.snapshot(extra=["Table: Bad\n| a | b |\n|---|---|\n| 1 |"])
    composition = rendering.compose(data)
    bad = _paragraphs(composition)[-1]
    assert bad.blocks == [] and bad.problem is not None and bad.problem.blocking
    assert "Line 4, column 1: This row has 1 column" in bad.problem.message


# --- HTML ---------------------------------------------------------------------------------------


def test_print_html_of_every_construct():
    html = rendering.render_print_html(body_samples.snapshot()).html
    assert "<strong>prevention through <em>education</em> and training</strong>" in html
    assert '<p class="sub sub2"><span class="slabel">(ii)</span>' in html
    assert '<ul class="bullets bullets-2"><li>at borders;</li><li>in ports;</li></ul>' in html
    assert '<ul class="bullets bullets-0"><li>respect for the human rights' in html
    table = re.search(r'<div class="table-block table-keep" id="table-1">.*?</div>', html, re.S)
    assert table is not None
    block = table.group(0)
    assert block.index('<p class="table-number">Table\u00a01</p>') < block.index("<table")
    head = re.search(r"<thead>(.*?)</thead>", block, re.S)
    assert head is not None and head.group(1).count("<tr>") == 2
    assert '<th colspan="2">Cases reported</th>' in head.group(1)
    assert '<td class="num">1,234</td>' in block and "<td>Africa</td>" in block
    assert '<th class="num">2004\u20132006</th>' in block
    assert block.index("</table>") < block.index("<em>Notes</em>:") < block.index("Source")


def test_typed_html_in_a_table_prints_as_text():
    data = body_samples.snapshot(extra=["Table: <b>T</b>\n| <i>x</i> |\n|---|\n| <script> |"])
    html = rendering.render_print_html(data).html
    assert "&lt;b&gt;T&lt;/b&gt;" in html and "<td>&lt;script&gt;</td>" in html


def test_preview_shows_the_same_blocks_and_footnote_calls():
    html = rendering.render_preview_html(body_samples.snapshot()).html
    assert '<table class="report-table">' in html
    assert '<p class="sub sub2"><span class="slabel">(i)</span>Of judges' in html
    assert '<ul class="bullets bullets-0">' in html
    assert "<strong>" in html
    assert 'class="fn-call"' in html and 'class="fn"' not in html


# --- PDF ----------------------------------------------------------------------------------------


def _page_of(pages: list[str], text: str) -> int:
    found = [index for index, page in enumerate(pages) if text in page]
    assert found, f"{text!r} is not in the PDF"
    return found[0]


def test_a_table_crossing_a_page_repeats_its_header_rows(printed):
    _, pages = printed
    start = _page_of(pages, "Victims identified, by province")
    end = _page_of(pages, "Province number 70")
    assert end > start
    for page in pages[start + 1 : end + 1]:
        first_lines = [line.split() for line in page.splitlines() if line.strip()][:3]
        assert ["Province", "Victims", "Shelters"] in first_lines, page[:300]


def test_numbers_right_aligned_in_the_pdf(printed):
    _, pages = printed
    page = pages[_page_of(pages, "Province number 9 ")]
    lines = [line for line in page.splitlines() if "Province number" in line]
    # Right-aligned figures end in the same column however many digits they have.
    ends = {len(line.rstrip()) for line in lines}
    assert len(ends) == 1, lines


def test_the_caption_prints_above_the_table_on_the_page_of_its_first_row(printed):
    _, pages = printed
    assert _page_of(pages, "Table 2") == _page_of(pages, "Province number 1 ")
    page = pages[_page_of(pages, "Table 1")]
    assert page.index("Table 1") < page.index("Cases of trafficking") < page.index("Africa")
    assert page.index("Africa") < page.index("Notes:") < page.index("Source: Replies")


def test_every_construct_prints_in_the_pdf(printed):
    _, pages = printed
    text = "\n".join(pages)
    squeezed = re.sub(r"\s+", " ", text)
    assert "States stressed prevention through education and training above all." in squeezed
    assert "(i) Of judges and prosecutors;" in squeezed
    assert "\u2022 at borders;" in squeezed
    assert "\u2022 respect for the human rights of victims;" in squeezed
    assert "(c) Shelters for victims." in squeezed
    assert "Cases of trafficking in persons reported, 2003\u20132006" in squeezed


def test_typographic_quotes_in_the_pdf(printed):
    _, pages = printed
    text = re.sub(r"\s+", " ", "\n".join(pages))
    assert "\u201cStrengthening international cooperation\u201d, the Council\u2019s" in text
    assert '"Strengthening' not in text


def test_the_footnote_with_a_list_and_free_text_prints_on_its_call_page(printed):
    _, pages = printed
    call = _page_of(pages, "Several States train judges.")
    note = _page_of(pages, "Belarus, Bulgaria, Croatia and Niger. See also the recommendations")
    assert call == note


def test_the_summary_paragraphs_print_on_page_one(printed):
    _, pages = printed
    assert "The first paragraph of the summary" in pages[0]
    assert "The second paragraph says what it concludes." in pages[0]


def test_a_no_break_space_keeps_paragraph_and_its_number_on_one_line():
    sentence = "As noted in paragraph 3, annex I and Table 2, on 15 December 2007 States met. "
    data = samples.snapshot()
    data["sections"][0]["paragraphs"] = [
        {"id": 900 + n, "kind": "text", "text": sentence * 6} for n in range(4)
    ]
    _, pages = _pdf(data)
    lines = [line.strip() for page in pages for line in page.splitlines() if line.strip()]
    first = next(i for i, line in enumerate(lines) if "As noted in" in line)
    last = max(i for i, line in enumerate(lines) if "States met." in line)
    lines = [  # the paragraphs' lines, without their numbers, the page numbers and header
        re.sub(r"^\d+\.\s+", "", line)
        for line in lines[first : last + 1]
        if not line.isdigit() and line != "E/CN.15/2008/9"
    ]
    broken = [
        line
        for line in lines
        if re.search(r"\b(paragraph|annex|Table|December|15)$", line)
        or re.match(r"^(3|I|2|December|2007)\b", line)
    ]
    assert broken == []
    assert sum(line.count("paragraph 3") for line in lines) >= 24


def test_a_short_table_is_never_split_nor_separated_from_its_caption():
    """Short paragraphs push the table down line by line across the foot of the page: the
    caption, the rows and the source always print on one page."""
    for count in range(29, 35):
        data = samples.snapshot()
        data["sections"][0]["paragraphs"] = [
            {"id": 900 + n, "kind": "text", "text": f"Short paragraph {n}."} for n in range(count)
        ] + [{"id": 999, "kind": "text", "text": body_samples.TABLE}]
        _, pages = _pdf(data)
        where = {
            _page_of(pages, text)
            for text in ("Table 1", "Cases of trafficking", "Region", "Asia", "Source: Replies")
        }
        assert len(where) == 1, (count, where)


def test_a_long_table_starting_at_the_foot_of_a_page_takes_its_caption_along():
    for count in range(32, 39):
        data = samples.snapshot()
        data["sections"][0]["paragraphs"] = [
            {"id": 900 + n, "kind": "text", "text": f"Short paragraph {n}."} for n in range(count)
        ] + [{"id": 999, "kind": "text", "text": body_samples.long_table(40)}]
        _, pages = _pdf(data)
        where = {
            _page_of(pages, text)
            for text in (
                "Table 1",
                "Victims identified",
                "Province number 1 ",
                "Province number 2 ",
            )
        }
        assert len(where) == 1, (count, where)
