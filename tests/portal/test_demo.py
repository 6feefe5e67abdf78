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
