"""The demo dataset rebuilds the 2007 cycle the reference report describes."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from reports.demo import cycle as demo
from surveys.models import Questionnaire, Reply, Revision
from surveys.replies import selectors
from surveys.respondents import formatting
from surveys.respondents import selectors as respondent_selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(settings):  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    call_command("load_demo")
    return Questionnaire.objects.get(reference="CU 2007/212")


def test_demo_loads_twice_without_creating_anything_twice(loaded):
    counts = (Questionnaire.objects.count(), Reply.objects.count(), Revision.objects.count())
    call_command("load_demo")
    assert (
        Questionnaire.objects.count(),
        Reply.objects.count(),
        Revision.objects.count(),
    ) == counts


def test_demo_refuses_to_load_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(Exception, match="DJANGO_DEBUG"):
        demo.ensure_demo_allowed()


def test_replies_in_the_report_are_those_of_paragraph_3_in_un_order(loaded):
    in_report = list(selectors.replies_in_report([loaded.pk]))
    people = [respondent_selectors.to_formatting(r.respondent) for r in in_report]
    on = datetime.date(2008, 1, 29)
    assert formatting.count_phrase(people) == "24 States and one regional organization"
    assert formatting.format_list(people, style="prose", on=on) == (
        "Belarus, Bulgaria, Croatia, Cuba, the Czech Republic, El Salvador, Estonia, Greece, "
        "Hungary, Japan, Jordan, Latvia, Liechtenstein, Mauritius, Myanmar, the Netherlands, "
        "the Niger, Oman, the Philippines, Poland, Qatar, Romania, Slovenia, Ukraine and the "
        "League of Arab States"
    )


def test_demo_has_late_replies_replies_on_behalf_and_one_after_the_cutoff(loaded):
    replies = {r.respondent.code: r for r in loaded.replies.exclude(received_on=None)}
    assert replies["UKR"].is_late and replies["UKR"].in_report
    assert replies["SLV"].channel == "portal" and not replies["SLV"].is_late
    assert replies["CUB"].channel == "note_verbale"
    assert replies["CUB"].revisions.get().on_behalf
    assert not replies["MEX"].in_report
    assert replies["LVA"].in_report  # Latvia replied: the 2008 report describes its measures


def test_el_salvador_table_holds_the_figures_for_2005_to_2007(loaded):
    reply = loaded.replies.get(respondent__code="SLV")
    table = reply.answers.get(question__number="5").value
    assert table["2006"] == {"investigated": 67, "arrested": 56, "prosecuted": 37}
    assert reply.attachments.get().content_type == "application/pdf"


def test_follow_up_questionnaire_is_open_with_a_draft_and_a_submission(loaded):
    follow_up = loaded.copies.get()
    assert follow_up.is_open
    assert follow_up.replies.get(respondent__code="SLV").status == "draft"
    assert follow_up.replies.get(respondent__code="EST").status == "submitted"


def test_the_background_paper_builds_beside_the_report_with_every_structure(loaded):
    """The second demo document: no symbol (its short title runs in the header), respondents of
    every kind, a table summed from the replies, annexes of recommendations, of a framework and
    of respondents run on with their notes."""
    import io
    import re

    from django.core.files.storage import default_storage
    from pypdf import PdfReader

    from reports.coding import selectors as coding_selectors
    from reports.demo import paper
    from reports.models import Build, Report

    report = Report.objects.get(short_title=paper.SHORT_TITLE)
    assert report.symbol == "" and report.document_type == "background_paper"
    gate = coding_selectors.consistency_gate(report)
    assert not gate.blocking and not gate.warnings  # ICAT's members are cited from its sources
    build = Build.objects.get(report=report, status=Build.Status.SUCCEEDED)
    with default_storage.open(build.pdf.name) as handle:
        pages = [p.extract_text() for p in PdfReader(io.BytesIO(handle.read())).pages]
    assert "Background paper prepared by the Secretariat" in pages[0]
    assert all(paper.SHORT_TITLE in page for page in pages[1:])
    text = "\n".join(pages)
    assert "Introduction" in text and "I. Legal and institutional framework" in text
    assert re.search(r"Table\s1\b", text) and "1,684" in text  # Italy's 2007 investigations summed
    assert "Sums of the figures reported by six States" in text
    assert "Recommendation 4" in text and "(c) By form of exploitation." in text
    assert re.search(r"Table\s2\b", text) and "Prosecution services" in text
    annex = pages[-1]
    assert "Observer entities\nPalestine" in annex  # not yet a State on 16 March 2009
    assert "African Union (on behalf of its 53 member States), Eurojust, " in annex
    assert "Eurojust (Eurojust)" not in text
