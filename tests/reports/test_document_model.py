"""The document model from the snapshot on: document types, unnumbered sections and
paragraphs, level-3 headings, annexes with their own numbering, the respondents annex's two
layouts and notes, sets cited from a source other than replies, names by date (no database)."""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

import pytest

from reports import rendering
from reports.coding import consistency
from reports.rendering import ProblemCode
from surveys.respondents import formatting
from tests.reports import samples


def _section(sid: int, title: str, paragraphs: list[dict[str, Any]], **extra: Any) -> dict:
    return {
        "id": sid,
        "kind": extra.pop("kind", "body"),
        "title": title,
        "generated": extra.pop("generated", ""),
        "paragraphs": paragraphs,
        "subsections": extra.pop("subsections", []),
        **extra,
    }


def _p(pid: int, text: str, kind: str = "text") -> dict[str, Any]:
    return {"id": pid, "kind": kind, "text": text}


def paper(**report: Any) -> dict[str, Any]:
    """A background paper: an unnumbered introduction, a numbered chapter with a level-3
    heading, a recommendations annex and the respondents annex as runs."""
    data = samples.snapshot(
        document_type="background_paper",
        symbol="",
        short_title="Trafficking in persons: background",
        subtitle="",
        job_number="V.08-50669 (E)",
        **report,
    )
    data["sections"] = [
        _section(
            10,
            "Introduction",
            [_p(100, "This paper sets out what the replies show.", "plain")],
            numbered=False,
        ),
        _section(
            20,
            "Findings",
            [_p(200, "Replies came from {count:replies}.")],
            subsections=[
                _section(
                    21,
                    "Prevention",
                    [
                        _p(210, "Awareness campaigns", "heading3"),
                        _p(211, "Several States ran campaigns."),
                        _p(212, "Training", "heading3"),
                        _p(213, "The closing words of this part.", "plain"),
                        _p(214, "Police officers were trained."),
                    ],
                ),
                _section(22, "Protection", [_p(220, "Shelters", "heading3")]),
            ],
        ),
        _section(
            30,
            "Recommendations",
            [
                _p(300, "The recommendations below are addressed to States.", "plain"),
                _p(301, "States should collect data:\n(a) by year;\n(b) by sex."),
                _p(302, "States should train officers."),
            ],
            kind="annex",
            numbering="recommendations",
            subsections=[
                _section(31, "Cooperation", [_p(310, "States should share data.")], kind="annex")
            ],
        ),
        _section(
            40,
            "Principles",
            [_p(400, "First principle."), _p(401, "Second principle.")],
            kind="annex",
            numbering="paragraphs",
        ),
        _section(
            50, "Respondents", [], kind="annex", generated="respondents", respondents_layout="runs"
        ),
    ]
    return data


# --- Composition ----------------------------------------------------------------------


def test_an_unnumbered_introduction_takes_no_numeral_and_its_paragraph_no_number():
    composition = rendering.compose(paper())
    intro, findings = composition.sections
    assert (intro.number, findings.number) == ("", "I")
    assert intro.paragraphs[0].number is None
    assert findings.paragraphs[0].number == 1  # the document's first numbered paragraph
    assert composition.problems == []


def test_level_three_headings_count_within_their_subsection_and_plain_paragraphs_are_skipped():
    findings = rendering.compose(paper()).sections[1]
    prevention, protection = findings.subsections
    labels = [(p.kind, p.label, p.number) for p in prevention.paragraphs]
    assert labels == [
        ("heading3", "1.", None),
        ("text", "", 2),
        ("heading3", "2.", None),
        ("plain", "", None),
        ("text", "", 3),
    ]
    assert protection.paragraphs[0].label == "1."  # restarts under B.
    assert (findings.first, findings.last) == (1, 3)


def test_an_annex_numbers_its_recommendations_from_1_through_its_subsections():
    composition = rendering.compose(paper())
    recommendations, principles, _ = composition.annexes
    assert [a.number for a in composition.annexes] == ["I", "II", "III"]
    assert [p.label for p in recommendations.paragraphs] == [
        "",
        "Recommendation 1",
        "Recommendation 2",
    ]
    assert recommendations.subsections[0].number == "A"
    assert recommendations.subsections[0].paragraphs[0].label == "Recommendation 3"
    assert [p.label for p in principles.paragraphs] == ["1.", "2."]  # restarts per annex
    # annex numbers are their own: the body's numbers end where they ended
    assert composition.paragraph_count == 3
    assert all(p.number is None for p in principles.paragraphs)
    assert [i[0] for i in recommendations.paragraphs[1].items] == ["a", "b"]


def test_a_problem_in_an_annex_recommendation_names_it():
    data = paper()
    data["sections"][2]["paragraphs"][2]["text"] = "See {list:nowhere}."
    problems = rendering.compose(data).problems
    assert [p.where for p in problems] == ["Annex I, recommendation 2"]


# --- Print HTML by document type ------------------------------------------------------------------


def test_a_background_paper_without_symbol_runs_its_short_title_and_prints_no_job_number():
    html = rendering.render_print_html(paper()).html
    assert 'data-symbol="Trafficking in persons: background"' in html
    assert 'data-job-number=""' in html
    assert '<div class="symbol no-symbol">Background paper</div>' in html
    assert '<p class="subtitle">' not in html  # no subtitle typed, none printed


def test_a_report_of_the_secretary_general_keeps_its_masthead():
    html = samples.rendered().html
    assert 'data-symbol="E/CN.15/2008/9"' in html
    assert 'data-job-number="V.08-50669 (E)"' in html
    assert '<p class="subtitle">Report of the Secretary-General</p>' in html
    assert '<p class="doc-type">' not in html


def test_a_conference_room_paper_prints_its_symbol_and_says_what_it_is():
    data = samples.snapshot(document_type="crp", symbol="E/CN.15/2009/CRP.3")
    html = rendering.render_print_html(data).html
    assert '<div class="symbol">E/CN.15/2009/CRP.3</div>' in html
    assert '<p class="doc-type">Conference room paper</p>' in html
    assert 'data-job-number=""' in html


def test_unnumbered_sections_and_level_three_headings_print_without_stray_dots():
    html = rendering.render_print_html(paper()).html
    intro = re.search(r'<h2 class="section-heading unnumbered"[^>]*>(.*?)</h2>', html).group(1)
    assert intro == '<span class="htext">Introduction</span>'
    assert '<span class="toc-num"></span><span class="toc-text">Introduction</span>' in html
    assert (
        '<h4 class="heading3"><span class="hnum">1.</span>'
        '<span class="htext">Awareness campaigns</span></h4>'
    ) in html
    assert '<h4 class="recommendation-label">Recommendation 1</h4>' in html
    assert '<span class="pnum">2.</span>Second principle.' in html


def test_the_respondents_annex_runs_names_with_commas_and_prints_annex_notes():
    data = paper()
    for item in data["respondents"]:
        if item["id"] == 11:
            item["annex_note"] = "on behalf of its 22 member States"
    html = rendering.render_print_html(data).html
    runs = re.findall(r'<p class="respondent-run">(.*?)</p>', html)
    assert runs[0].startswith("Belarus, Bulgaria, Croatia, El Salvador, Estonia, Japan, Niger,")
    assert runs[1] == "League of Arab States (on behalf of its 22 member States)"
    assert '<ul class="respondent-list">' not in html


def test_the_respondents_annex_in_columns_is_a_list_as_before():
    html = samples.rendered().html
    assert '<ul class="respondent-list"><li>Belarus</li>' in html


# --- Names ----------------------------------------------------------------------


def _palestine(**extra: Any) -> dict[str, Any]:
    return {
        "id": 12,
        "kind": "observer_state",
        "label": "State of Palestine",
        "count_noun": None,
        "names": [
            {
                **samples._name("Palestine", valid_to="2012-11-28"),
                "kind": "observer_entity",
                "valid_from": "1988-12-15",
            },
            samples._name("State of Palestine", sort_key="State of Palestine")
            | {"valid_from": "2012-11-29"},
        ],
        **extra,
    }


def _with_palestine(date: str) -> dict[str, Any]:
    data = samples.snapshot(date=date)
    data["respondents"].append(_palestine())
    data["replies"] = [1, 2, 12]
    data["sections"][1]["subsections"] = []
    data["sections"][1]["paragraphs"] = [_p(200, "Replies came from {count:replies}.")]
    return data


def test_palestine_counts_as_an_observer_entity_in_a_document_dated_before_29_november_2012():
    before = rendering.compose(_with_palestine("2008-01-29"))
    after = rendering.compose(_with_palestine("2013-01-29"))

    def text(composition: rendering.Composition) -> str:
        return rendering.plain_text(composition.sections[1].paragraphs[0].lead)

    assert text(before) == "Replies came from two States and one observer entity."
    assert text(after) == "Replies came from three States."
    groups_before = dict(before.annexes[0].respondent_groups)
    assert groups_before["Observer entities"] == ["Palestine"]
    assert "Palestine" not in groups_before["States"]
    assert "State of Palestine" in dict(after.annexes[0].respondent_groups)["States"]


def test_an_organization_whose_abbreviation_is_its_name_prints_once():
    eurojust = formatting.Respondent(
        id=1,
        kind="igo",
        names=(formatting.Name("Eurojust", "Eurojust", "Eurojust", abbreviation="Eurojust"),),
    )
    unodc = formatting.Respondent(
        id=2,
        kind="un_entity",
        names=(
            formatting.Name(
                "United Nations Office on Drugs and Crime",
                "the United Nations Office on Drugs and Crime",
                "United Nations Office on Drugs and Crime",
                abbreviation="UNODC",
            ),
        ),
    )
    on = datetime.date(2008, 1, 29)
    tracker = formatting.MentionTracker()
    first = formatting.format_list([eurojust, unodc], style="list", on=on, tracker=tracker)
    assert first == "United Nations Office on Drugs and Crime (UNODC) and Eurojust"
    again = formatting.format_list([eurojust, unodc], style="list", on=on, tracker=tracker)
    assert again == "UNODC and Eurojust"


def test_a_name_of_unknown_kind_is_refused_with_a_message():
    with pytest.raises(formatting.FormatError, match="unknown kind 'observer'"):
        formatting.Name("Palestine", "Palestine", "Palestine", kind="observer")


# --- Sets cited from another source ------------------------------------------------------------


def test_a_set_with_a_stated_source_cites_members_without_a_reply_on_purpose():
    data = samples.snapshot()
    data["replies"] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]  # the League of Arab States did not reply
    data["attribution_sets"].append(
        {"key": "icat", "statement": "published guidance", "members": [11], "source": ""}
    )
    data["sections"][0]["paragraphs"].append(_p(102, "Guidance exists.{fn:icat}"))
    problems = rendering.compose(data).problems
    assert [p.code for p in problems] == [ProblemCode.MEMBER_WITHOUT_REPLY]

    data["attribution_sets"][-1]["source"] = "publications of the Inter-Agency Coordination Group"
    assert rendering.compose(data).problems == []


def test_the_consistency_check_takes_a_sourced_set_s_bare_member_as_deliberate():
    member = consistency.MemberFacts(respondent_id=11, label="League of Arab States")
    plain = consistency.SetFacts(key="icat", members=(member,))
    sourced = consistency.SetFacts(key="icat", members=(member,), source="ICAT publications")

    def checks(item: consistency.SetFacts) -> list[str]:
        facts = consistency.CodingFacts(sets=(item,), cited_keys=frozenset({"icat"}))
        return [f.check for f in consistency.check([], facts)]

    assert checks(plain) == [consistency.Check.MEMBER_WITHOUT_EVIDENCE]
    assert checks(sourced) == []


# --- PDF ----------------------------------------------------------------------


def _pages(html: str) -> list[str]:
    from pypdf import PdfReader

    from reports.builds import pdf

    result = pdf.html_to_pdf(html, base_url="/")
    return [page.extract_text() for page in PdfReader(io.BytesIO(result.pdf)).pages]


def test_the_background_paper_prints_its_type_and_its_short_title_on_later_pages():
    data = paper()
    # enough text for a second page
    data["sections"][1]["paragraphs"] += [
        _p(230 + i, "The replies describe the measures taken in some detail. " * 12)
        for i in range(8)
    ]
    pages = _pages(rendering.render_print_html(data).html)
    assert len(pages) >= 3
    assert "Background paper" in pages[0]
    assert "V.08-50669" not in pages[0]
    # the running header of later pages (pypdf reads it after the body text)
    assert all("Trafficking in persons: background" in page for page in pages[1:])
    assert "Trafficking in persons: background" not in pages[0]
    annex = next(p for p in pages if "Recommendation 1" in p)
    assert "Recommendation 2" in annex and "(a)" in annex
