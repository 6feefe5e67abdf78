"""The report snapshot is typed, and builds keep storing and hashing the very JSON they did."""

from __future__ import annotations

import dataclasses
import json

import pytest
from django.core.management import call_command

from reports import rendering, selectors
from reports.api.serializers import ReportSerializer
from reports.builds import services
from reports.editor import services as editor
from reports.editor.forms import ReportForm
from reports.models import Build, Report
from reports.snapshot import (
    MASTHEAD_FIELDS,
    Masthead,
    ReportSnapshot,
    SectionSnapshot,
)
from tests.reports import samples
from tests.reports.snapshot_fixture import FIXTURE, canonical, normalized, sha256


@pytest.fixture
def demo_report(settings) -> Report:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Report.objects.get(symbol="E/CN.15/2008/9")


@pytest.mark.django_db
def test_the_demo_report_snapshot_is_the_json_and_hash_main_stored(demo_report):
    snapshot = selectors.report_snapshot(demo_report)
    assert isinstance(snapshot, ReportSnapshot)
    stored = json.loads(FIXTURE.read_text())
    assert normalized(snapshot.to_json()) == stored
    assert sha256(canonical(normalized(snapshot.to_json()))) == sha256(canonical(stored))
    # the hash builds record is the hash of exactly that JSON
    assert selectors.snapshot_sha256(snapshot) == sha256(canonical(snapshot.to_json()))


@pytest.mark.django_db
def test_the_demo_snapshot_reads_back_from_its_json_unchanged(demo_report):
    snapshot = selectors.report_snapshot(demo_report)
    again = ReportSnapshot.from_json(json.loads(json.dumps(snapshot.to_json())))
    assert again == snapshot
    assert again.to_json() == snapshot.to_json()
    assert selectors.snapshot_sha256(again) == selectors.snapshot_sha256(snapshot)


@pytest.mark.django_db
def test_a_build_stores_the_snapshot_json_and_renders_it_the_same(demo_report):
    build = services.start_build(report=demo_report, enqueue=False, acknowledge_warnings=True)
    build = Build.objects.get(pk=build.pk)
    snapshot = selectors.report_snapshot(demo_report)
    assert build.snapshot == snapshot.to_json()
    assert build.snapshot_sha256 == selectors.snapshot_sha256(snapshot)
    stored = ReportSnapshot.from_json(build.snapshot)
    assert stored == snapshot
    assert rendering.render_print_html(stored).html == rendering.render_print_html(snapshot).html


def test_the_hand_written_sample_round_trips():
    data = samples.snapshot()
    typed = ReportSnapshot.from_json(data)
    assert typed.to_json() == data
    assert ReportSnapshot.from_json(typed.to_json()) == typed


def test_only_top_level_sections_carry_subsections_in_the_json():
    data = samples.snapshot()
    typed = ReportSnapshot.from_json(data)
    top = typed.sections[0]
    assert "subsections" in top.to_json()
    sub = SectionSnapshot(id=1, kind="body", title="A", generated="", paragraphs=())
    assert "subsections" not in sub.to_json()


def test_the_snapshot_is_frozen():
    typed = ReportSnapshot.from_json(samples.snapshot())
    with pytest.raises(dataclasses.FrozenInstanceError):
        typed.masthead.symbol = "X"  # type: ignore[misc]


def test_rendering_a_typed_snapshot_equals_rendering_its_json():
    data = samples.snapshot()
    typed = ReportSnapshot.from_json(data)
    assert rendering.render_print_html(typed).html == rendering.render_print_html(data).html
    assert rendering.has_agenda_note(typed)


# --- the masthead, declared once --------------------------------------------------------------


def test_every_masthead_field_is_a_report_field():
    names = {f.name for f in Report._meta.get_fields()}
    assert set(MASTHEAD_FIELDS) <= names
    assert tuple(f.name for f in dataclasses.fields(Masthead)) == MASTHEAD_FIELDS


def test_the_form_the_api_the_services_and_the_snapshot_take_the_masthead_list():
    assert list(ReportForm.base_fields) == [*MASTHEAD_FIELDS, "questionnaires"]
    assert set(ReportSerializer().fields) == {
        "id",
        *MASTHEAD_FIELDS,
        "questionnaires",
        "created_at",
        "updated_at",
    }
    assert frozenset(MASTHEAD_FIELDS) == editor.REPORT_FIELDS
    report_json = ReportSnapshot.from_json(samples.snapshot()).to_json()["report"]
    # the document type and short title are left out at their default (older hashes hold)
    assert set(report_json) == {"id", *MASTHEAD_FIELDS} - {"document_type", "short_title"}
    paper = samples.snapshot()
    paper["report"].update(document_type="background_paper", short_title="Trafficking")
    assert set(ReportSnapshot.from_json(paper).to_json()["report"]) == {"id", *MASTHEAD_FIELDS}


@pytest.mark.django_db
def test_the_snapshot_masthead_carries_each_field_of_the_report(demo_report):
    masthead = selectors.report_snapshot(demo_report).masthead
    for name in MASTHEAD_FIELDS:
        expected = getattr(demo_report, name)
        expected = expected.isoformat() if name == "date" else expected
        assert getattr(masthead, name) == expected, name
