"""The document model through the database: document types' rules, tables summed from the
replies' statistical tables and frozen in the snapshot, annex notes, sets cited from another
source, Palestine's kind by date, respondents named (never coded) on the consistency page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from portal.errors import InvalidError
from reports import rendering, selectors
from reports.coding import selectors as coding_selectors
from reports.coding import services as coding
from reports.editor import services as editor
from reports.models import Paragraph, Report, Section
from surveys.models import Respondent
from tests.factories import question
from tests.reports.factories import (
    ReplyFactory,
    ReportFactory,
    coded_report,
    report_with_replies,
    state,
)

pytestmark = pytest.mark.django_db

MASTHEAD = {
    "date": datetime.date(2009, 3, 2),
    "title": "Trafficking in persons",
    "organ": Report.Organ.ECOSOC,
}


# --- Document types --------------------------------------------------------------------------


def test_a_background_paper_needs_no_symbol_but_then_a_short_title():
    with pytest.raises(InvalidError) as error:
        editor.create_report(document_type="background_paper", symbol="", **MASTHEAD)
    assert error.value.field_errors == {
        "short_title": "A document without a symbol needs a short title: the running header "
        "prints it."
    }
    assert not Report.objects.exists()
    report = editor.create_report(
        document_type="background_paper", symbol="", short_title="Trafficking", **MASTHEAD
    )
    assert report.label == "Trafficking"


def test_a_report_of_the_secretary_general_is_refused_without_its_symbol():
    with pytest.raises(InvalidError) as error:
        editor.create_report(symbol="", short_title="Trafficking", **MASTHEAD)
    assert error.value.field_errors["symbol"] == (
        'A report of the Secretary-General is issued under a symbol, e.g. "E/CN.15/2008/9".'
    )


def test_a_conference_room_paper_s_symbol_must_say_crp():
    with pytest.raises(InvalidError) as error:
        editor.create_report(document_type="crp", symbol="E/CN.15/2009/3", **MASTHEAD)
    assert "E/CN.15/2009/CRP.3" in error.value.field_errors["symbol"]
    report = editor.create_report(document_type="crp", symbol="E/CN.15/2009/CRP.3", **MASTHEAD)
    assert selectors.report_snapshot(report).masthead.document_type == "crp"


def test_the_masthead_form_offers_the_type_and_refuses_a_missing_short_title(client):
    from tests.factories import SecretariatFactory

    client.force_login(SecretariatFactory())
    response = client.post(
        reverse("reports:report-create"),
        {
            "document_type": "background_paper",
            "symbol": "",
            "date": "2009-03-02",
            "organ": "Economic and Social Council",
            "distribution": "General",
            "original_language": "English",
            "page_size": "A4",
            "title": "Trafficking in persons",
        },
    )
    assert response.status_code == 200
    assert "needs a short title" in response.content.decode()
    assert not Report.objects.exists()


# --- Tables summed from statistical answers ---------------------------------------------


def _table_report():
    data = coded_report()
    q5 = question(data["questionnaire"], "5")
    paragraph = editor.add_paragraph(
        section=data["section"],
        kind=Paragraph.Kind.TABLE,
        text="Cases of trafficking in persons reported, 2005–2007",
        question_id=q5.pk,
    )
    return data, q5, paragraph


def test_a_table_block_sums_each_cell_over_the_respondents_that_reported_it():
    data, _, _ = _table_report()
    snapshot = selectors.report_snapshot(data["report"])
    block = snapshot.sections[0].paragraphs[-1]
    assert block.table.cells["2006"] == {"investigated": 12, "arrested": None, "prosecuted": 0}
    assert block.table.cells["2005"] == {"investigated": None, "arrested": None, "prosecuted": None}
    people = data["people"]
    assert block.table.reporting == tuple(sorted([people["BLR"].pk, people["EST"].pk]))

    out = rendering.compose(snapshot).sections[0].paragraphs[-1]
    table = out.tables[0]
    assert table.number == 1
    assert rendering.plain_text(table.caption) == (
        "Cases of trafficking in persons reported, 2005–2007"
    )
    assert [c.text for c in table.header_rows[0]] == [
        "",
        "Cases investigated",
        "Persons arrested",
        "Persons prosecuted",
    ]
    rows = {row[0].text: [c.text for c in row[1:]] for row in table.body_rows}
    assert rows["2006"] == ["12", "..", "0"]  # reported zero is 0; not reported is ".."
    assert rows["2005"] == ["..", "..", ".."]
    notes = [rendering.plain_text(n) for n in table.notes]
    assert notes[0].startswith("Sums of the figures reported by two States in reply to question 5")
    assert all(c.numeric for c in table.body_rows[0][1:])


def test_the_figures_are_frozen_into_the_snapshot_a_build_stores():
    data, _, _ = _table_report()
    stored = selectors.report_snapshot(data["report"]).to_json()
    sha = selectors.snapshot_sha256(stored)
    # a reply amended later changes the next snapshot, never the one stored
    from surveys.replies import services as replies
    from tests.reports.factories import file_reply

    reply = data["replies"]["NER"]
    replies.reopen_reply(reply=reply, user=data["by"])
    reply.refresh_from_db()
    file_reply(reply, data["by"], {"5": {"2005": {"arrested": 1234}}})
    again = selectors.report_snapshot(data["report"])
    assert again.sections[0].paragraphs[-1].table.cells["2005"]["arrested"] == 1234
    assert selectors.snapshot_sha256(stored) == sha
    table = rendering.compose(again).sections[0].paragraphs[-1].tables[0]
    assert [c.text for c in table.body_rows[0]] == ["2005", "..", "1,234", ".."]
    assert "three States" in rendering.plain_text(table.notes[0])


def test_a_table_block_refuses_a_question_outside_the_report_or_not_a_table():
    data, q5, _ = _table_report()
    q1 = question(data["questionnaire"], "1")
    with pytest.raises(InvalidError, match="not a statistical table"):
        editor.add_paragraph(section=data["section"], kind=Paragraph.Kind.TABLE, question_id=q1.pk)
    other = ReportFactory()
    section = editor.add_section(report=other, title="Figures")
    with pytest.raises(InvalidError, match="not in a questionnaire this report is based on"):
        editor.add_paragraph(section=section, kind=Paragraph.Kind.TABLE, question_id=q5.pk)


def test_a_table_block_without_its_question_keeps_its_caption_and_blocks_the_build():
    data = coded_report()
    paragraph = editor.add_paragraph(
        section=data["section"], kind=Paragraph.Kind.TABLE, text="Cases by year"
    )
    composition = rendering.compose(selectors.report_snapshot(data["report"]))
    problem = next(p for p in composition.problems if p.paragraph_id == paragraph.pk)
    assert "names no statistical-table question" in problem.message
    assert problem.blocking


# --- Sections and annexes through the editor -----------------------------------------------------


def test_an_annex_takes_subsections_and_its_own_numbering():
    report = report_with_replies()
    annex = editor.add_section(
        report=report, title="Recommendations", kind=Section.Kind.ANNEX, numbering="paragraphs"
    )
    sub = editor.add_section(report=report, title="Data", parent=annex)
    assert sub.kind == Section.Kind.ANNEX
    editor.add_paragraph(section=sub, text="Collect data by sex and age.")
    composition = rendering.compose(selectors.report_snapshot(report))
    annex_out = next(a for a in composition.annexes if a.id == annex.pk)
    assert annex_out.subsections[0].number == "A"
    assert annex_out.subsections[0].paragraphs[0].label == "1."
    with pytest.raises(InvalidError, match="Only an annex numbers its own paragraphs"):
        editor.update_section(section=sub, numbering="paragraphs")


def test_an_unnumbered_section_is_saved_from_the_editor_page(client):
    from tests.factories import SecretariatFactory

    report = report_with_replies()
    intro = report.sections.get(title="Introduction")
    client.force_login(SecretariatFactory())
    client.post(
        reverse("reports:section-update", args=[intro.pk]),
        {"title": "Introduction", "numbered_shown": "1"},
    )
    intro.refresh_from_db()
    assert intro.numbered is False
    composition = rendering.compose(selectors.report_snapshot(report))
    assert [s.number for s in composition.sections] == ["", "I"]
    page = client.get(reverse("reports:report-edit", args=[report.pk])).content.decode()
    assert 'name="numbered_shown"' in page


def test_annex_notes_print_after_the_respondent_s_name():
    report = report_with_replies()
    niger = Respondent.objects.get(
        names__list_name="Niger", replies__questionnaire__in=report.questionnaires.all()
    )
    editor.set_annex_note(report=report, respondent_id=niger.pk, note="on behalf of a group")
    composition = rendering.compose(selectors.report_snapshot(report))
    states = dict(composition.annexes[0].respondent_groups)["States"]
    assert "Niger (on behalf of a group)" in states
    editor.set_annex_note(report=report, respondent_id=niger.pk, note=" ")
    assert not report.annex_notes.exists()


# --- Sources other than replies, names -----------------------------------------------------------


def test_a_set_cited_from_publications_is_no_slip_and_its_footnote_shows_the_source(client):
    from tests.factories import SecretariatFactory

    report = report_with_replies()
    icat = state("Inter-Agency Coordination Group against Trafficking in Persons")
    attribution_set = coding.create_set(
        report=report, key="icat", statement="published guidance", respondent_ids=[icat.pk]
    )
    intro = report.sections.get(title="Introduction")
    editor.add_paragraph(section=intro, text="Guidance was published.{fn:icat}")
    gate = coding_selectors.consistency_gate(report)
    assert any(f.check == "member-without-reply" for f in gate.warnings)

    client.force_login(SecretariatFactory())
    client.post(
        reverse("reports:set-source", args=[attribution_set.pk]),
        {"source": "publications of the Inter-Agency Coordination Group"},
    )
    attribution_set.refresh_from_db()
    assert attribution_set.source == "publications of the Inter-Agency Coordination Group"
    gate = coding_selectors.consistency_gate(report)
    assert not [f for f in gate.findings if f.set_key == "icat"]
    number = next(
        n.number
        for n in rendering.compose(selectors.report_snapshot(report)).footnotes
        if n.keys == ["icat"]
    )
    page = client.get(reverse("reports:footnote-evidence", args=[report.pk, number]))
    assert "publications of the Inter-Agency Coordination Group" in page.content.decode()


def test_palestine_is_an_observer_entity_before_29_november_2012_in_the_shipped_registry():
    palestine = Respondent.objects.get(code="PSE")
    from surveys.respondents.selectors import to_formatting

    item = to_formatting(palestine)
    assert item.kind_on(datetime.date(2008, 1, 29)) == "observer_entity"
    assert item.kind_on(datetime.date(2013, 1, 29)) == "observer_state"


def test_the_consistency_page_names_a_respondent_with_no_name_today_never_its_code(client):
    from tests.factories import SecretariatFactory

    report = report_with_replies()
    gone = state("Netherlands Antilles", valid_to=datetime.date(2010, 10, 9))
    gone.code = "ANT"
    gone.save()
    ReplyFactory(questionnaire=report.questionnaires.get(), respondent=gone)
    client.force_login(SecretariatFactory())
    page = client.get(reverse("reports:consistency", args=[report.pk])).content.decode()
    assert "Reply of Netherlands Antilles" in page
    assert ">ANT<" not in page and "Reply of ANT" not in page
