"""Snapshot → composition → HTML: pure functions, no database."""

from __future__ import annotations

import re

import pytest

from reports import rendering
from tests.reports import samples


def test_paragraphs_are_numbered_through_sections_and_headings_are_not():
    composition = rendering.compose(samples.snapshot())
    intro, results = composition.sections
    assert [p.number for p in intro.paragraphs] == [1, 2]
    assert [p.number for p in results.paragraphs] == [3]
    assert [p.number for p in results.subsections[0].paragraphs] == [4, None, 5]
    assert results.subsections[0].paragraphs[1].heading


def test_contents_ranges_use_an_en_dash_and_cover_subsections():
    composition = rendering.compose(samples.snapshot())
    intro, results = composition.sections
    assert (intro.range, results.range, results.subsections[0].range) == ("1–2", "3–5", "4–5")
    assert (intro.number, results.number, results.subsections[0].number) == ("I", "II", "A")


def test_replies_paragraph_counts_and_lists_respondents_in_un_order():
    composition = rendering.compose(samples.snapshot())
    text = rendering.plain_text(composition.sections[1].paragraphs[0].lead)
    assert text == (
        "Replies came from 10 States and one regional organization: Belarus, Bulgaria, Croatia, "
        "El Salvador, Estonia, Japan, the Niger, the Philippines, Qatar, Ukraine and the League "
        "of Arab States."
    )


def test_footnotes_are_numbered_in_reading_order_and_bare_lists_end_with_a_full_stop():
    composition = rendering.compose(samples.snapshot())
    notes = [(n.number, rendering.plain_text(n.children)) for n in composition.footnotes]
    assert notes == [(1, "Reference CU 2007/213."), (2, "Belarus, Bulgaria, Croatia and Niger.")]


def test_later_mentions_use_the_short_name_footnotes_included():
    data = samples.snapshot()
    data["respondents"].append(
        {
            "id": 12,
            "kind": "member_state",
            "label": "United Kingdom",
            "count_noun": None,
            "names": [
                samples._name(
                    "United Kingdom of Great Britain and Northern Ireland",
                    "the United Kingdom of Great Britain and Northern Ireland",
                    short_name="United Kingdom",
                    sort_key="United Kingdom",
                )
            ],
        }
    )
    data["replies"].append(12)
    data["attribution_sets"].append({"key": "uk", "statement": "x", "members": [12]})
    data["sections"][0]["paragraphs"] = [
        {"id": 1, "kind": "text", "text": "First.{fn:uk}"},
        {"id": 2, "kind": "text", "text": "Then {list:uk} said more."},
    ]
    data["sections"][1]["paragraphs"] = []
    composition = rendering.compose(data)
    assert rendering.plain_text(composition.footnotes[0].children) == (
        "United Kingdom of Great Britain and Northern Ireland."
    )
    second = composition.sections[0].paragraphs[1]
    assert rendering.plain_text(second.lead) == "Then the United Kingdom said more."


def test_a_list_at_the_start_of_a_sentence_is_capitalized():
    data = samples.snapshot()
    data["sections"][0]["paragraphs"] = [{"id": 1, "kind": "text", "text": "{list:units} agreed."}]
    composition = rendering.compose(data)
    assert rendering.plain_text(composition.sections[0].paragraphs[0].lead).startswith(
        "El Salvador, the Niger"
    )
    data["attribution_sets"][1]["members"] = [9]
    composition = rendering.compose(data)
    assert rendering.plain_text(composition.sections[0].paragraphs[0].lead) == "The Niger agreed."


def test_names_printed_are_those_in_force_on_the_report_date():
    data = samples.snapshot(date="2008-01-29")
    data["respondents"][0]["names"] = [
        samples._name("Oldname", valid_to="2010-01-01"),
        samples._name("Newname", valid_from="2010-01-02"),
    ]
    data["sections"][0]["paragraphs"] = [{"id": 1, "kind": "text", "text": "{list:ratified}."}]
    text = rendering.plain_text(rendering.compose(data).sections[0].paragraphs[0].lead)
    assert text == "Bulgaria, Croatia, the Niger and Oldname."
    data["report"]["date"] = "2012-05-01"
    text = rendering.plain_text(rendering.compose(data).sections[0].paragraphs[0].lead)
    assert "Newname" in text and "Oldname" not in text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Broken *emphasis", "never closed"),
        ("Cites {fn:nobody}.", "No attribution set has the key 'nobody'"),
        ("", "The paragraph is empty"),
    ],
)
def test_problems_are_reported_at_their_paragraph_without_raising(text, message):
    data = samples.snapshot()
    data["sections"][0]["paragraphs"][1]["text"] = text
    composition = rendering.compose(data)
    paragraph = composition.sections[0].paragraphs[1]
    assert paragraph.problem is not None
    assert message in paragraph.problem.message
    assert paragraph.problem.where == "Paragraph 2"
    assert composition.sections[1].paragraphs[0].number == 3  # numbering does not shift


def test_a_member_without_a_reply_in_the_report_is_a_problem():
    data = samples.snapshot()
    data["replies"].remove(2)  # Bulgaria's reply is not in the report
    problems = rendering.compose(data).problems
    assert any("Bulgaria is a member but has no reply" in p.message for p in problems)


def test_html_typed_in_the_markup_is_escaped_in_print_and_preview():
    data = samples.snapshot()
    data["sections"][0]["paragraphs"][0]["text"] = "<script>alert('x')</script> & *<b>*"
    data["report"]["title"] = "<i>Title</i>"
    printed = rendering.render_print_html(data).html
    preview = rendering.render_preview_html(data).html
    for html in (printed, preview):
        assert "<script>" not in html and "&lt;script&gt;" in html
        assert "<em>&lt;b&gt;</em>" in html
        assert "<i>Title</i>" not in html
    assert "&lt;i&gt;Title&lt;/i&gt;" in printed


def test_print_html_carries_footnotes_at_their_call_and_the_agenda_note():
    html = samples.rendered().html
    assert '<span class="fn fn-agenda" id="fn-agenda">E/CN.15/2008/1.</span>' in html
    assert (
        '<span class="fn" id="fn-2" data-n="2">Belarus, Bulgaria, Croatia and Niger.</span>' in html
    )
    assert '<meta name="author" content="United Nations">' in html
    assert "@page { size: A4; }" in html
    assert "size: letter" in samples.rendered(page_size="Letter").html


def test_nothing_typed_in_a_report_is_written_into_its_style_sheets():
    """Typed text is HTML only: in CSS a string closed early would add rules and URLs."""
    fields = ("symbol", "job_number", "title", "subtitle", "organ", "session", "agenda_item")
    data = samples.snapshot(**{name: f'Typed-{name}"\r}} a{{' for name in fields})
    printed = rendering.render_print_html(data).html

    styles = re.findall(r"<style>(.*?)</style>", printed, flags=re.DOTALL)
    assert styles == [rendering.PRINT_CSS.read_text(), "@page { size: A4; }"]
    # The running header and the job number are set from the HTML, escaped like any text.
    assert (
        '<div class="running-strings" data-symbol="Typed-symbol&quot;\r} a{" '
        'data-job-number="Typed-job_number&quot;\r} a{" aria-hidden="true"></div>'
    ) in printed


def test_preview_shows_numbers_footnotes_and_problems():
    data = samples.snapshot()
    data["sections"][0]["paragraphs"][0]["text"] = "Bad {fn:nope}"
    html = rendering.render_preview_html(data).html
    assert 'class="pnum">1.</span>' in html
    assert 'id="pfn-2"' in html
    assert "No attribution set has the key" in html


def test_the_respondents_annex_groups_by_kind():
    annex = rendering.compose(samples.snapshot()).annexes[0]
    assert [group for group, _ in annex.respondent_groups] == [
        "States",
        "Intergovernmental organizations",
    ]
    assert annex.respondent_groups[1][1] == ["League of Arab States"]
