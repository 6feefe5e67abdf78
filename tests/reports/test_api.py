"""The reports API: secretariat only, and every step of drafting and building."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from reports.builds import services
from reports.models import AttributionSet, Build, Paragraph, Report, Section
from tests.factories import MembershipFactory, ReviewerFactory, SecretariatFactory
from tests.reports.factories import QuestionnaireFactory, first_paragraph, report_with_replies

pytestmark = pytest.mark.django_db


@pytest.fixture
def report():  # type: ignore[no-untyped-def]
    return report_with_replies()


@pytest.fixture
def api():  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(SecretariatFactory())
    return client


def _endpoints(report: Report) -> list[tuple[str, str, dict]]:
    section = report.sections.filter(kind=Section.Kind.BODY).first()
    paragraph = first_paragraph(report)
    attribution_set = report.attribution_sets.first()
    member = attribution_set.members.first()
    build = services.start_build(report=report, enqueue=False)
    services.run_build(build_id=build.pk)
    return [
        ("get", "/api/v1/reports/", {}),
        ("post", "/api/v1/reports/", {}),
        ("get", f"/api/v1/reports/{report.pk}/", {}),
        ("patch", f"/api/v1/reports/{report.pk}/", {"title": "Changed"}),
        ("delete", f"/api/v1/reports/{report.pk}/", {}),
        ("get", f"/api/v1/reports/{report.pk}/preview/", {}),
        ("get", f"/api/v1/reports/{report.pk}/builds/", {}),
        ("post", f"/api/v1/reports/{report.pk}/builds/", {}),
        ("get", "/api/v1/report-sections/", {}),
        ("post", "/api/v1/report-sections/", {}),
        ("patch", f"/api/v1/report-sections/{section.pk}/", {"title": "x"}),
        ("post", f"/api/v1/report-sections/{section.pk}/move/", {"offset": 1}),
        ("delete", f"/api/v1/report-sections/{section.pk}/", {}),
        ("get", "/api/v1/report-paragraphs/", {}),
        ("post", "/api/v1/report-paragraphs/", {}),
        ("patch", f"/api/v1/report-paragraphs/{paragraph.pk}/", {"text": "x", "version": 1}),
        ("post", f"/api/v1/report-paragraphs/{paragraph.pk}/move/", {}),
        ("delete", f"/api/v1/report-paragraphs/{paragraph.pk}/", {}),
        ("get", "/api/v1/attribution-sets/", {}),
        ("post", "/api/v1/attribution-sets/", {}),
        ("patch", f"/api/v1/attribution-sets/{attribution_set.pk}/", {"statement": "x"}),
        ("delete", f"/api/v1/attribution-sets/{attribution_set.pk}/", {}),
        ("get", "/api/v1/attribution-members/", {}),
        ("post", "/api/v1/attribution-members/", {}),
        ("delete", f"/api/v1/attribution-members/{member.pk}/", {}),
        ("get", "/api/v1/builds/", {}),
        ("get", f"/api/v1/builds/{build.pk}/", {}),
        ("get", f"/api/v1/builds/{build.pk}/pdf/", {}),
        ("get", f"/api/v1/builds/{build.pk}/docx/", {}),
    ]


def test_anonymous_callers_are_refused_by_every_report_endpoint(report):
    client = APIClient()
    for method, url, data in _endpoints(report):
        assert getattr(client, method)(url, data, format="json").status_code in (401, 403), url


@pytest.mark.parametrize("who", ["focal point", "reviewer"])
def test_focal_points_and_reviewers_get_403_from_every_report_endpoint(report, who):
    client = APIClient()
    client.force_authenticate(
        MembershipFactory().user if who == "focal point" else ReviewerFactory()
    )
    endpoints = _endpoints(report)
    before = (Paragraph.objects.count(), Build.objects.count(), Report.objects.count())
    for method, url, data in endpoints:
        assert getattr(client, method)(url, data, format="json").status_code == 403, url
    assert (Paragraph.objects.count(), Build.objects.count(), Report.objects.count()) == before


def test_the_secretariat_reads_every_report_endpoint(api, report):
    for method, url, _ in _endpoints(report):
        if method == "get":
            assert api.get(url).status_code == 200, url


def test_a_report_is_drafted_and_built_through_the_api_alone(
    api, django_capture_on_commit_callbacks
):
    donor = report_with_replies()  # provides respondents with replies on a questionnaire
    questionnaire = donor.questionnaires.get()
    respondents = list(
        questionnaire.replies.filter(received_on__lte="2008-01-24").values_list(
            "respondent_id", flat=True
        )
    )
    response = api.post(
        "/api/v1/reports/",
        {
            "symbol": "E/CN.15/2008/9",
            "date": "2008-01-29",
            "title": "Trafficking in persons",
            "agenda_item": "4 (a)",
            "agenda_symbol": "E/CN.15/2008/1",
            "questionnaires": [questionnaire.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    report_id = response.data["id"]
    section = api.post(
        "/api/v1/report-sections/", {"report": report_id, "title": "Introduction"}, format="json"
    ).data
    sub = api.post(
        "/api/v1/report-sections/",
        {"report": report_id, "title": "Laws", "parent": section["id"]},
        format="json",
    ).data
    assert sub["parent"] == section["id"]
    made = api.post(
        "/api/v1/attribution-sets/",
        {
            "report": report_id,
            "key": "laws",
            "statement": "had laws",
            "respondents": respondents[:2],
        },
        format="json",
    )
    assert made.status_code == 201, made.data
    member = api.post(
        "/api/v1/attribution-members/",
        {"attribution_set": made.data["id"], "respondent": respondents[2], "note": "reply, q. 3"},
        format="json",
    )
    assert member.status_code == 201, member.data
    first = api.post(
        "/api/v1/report-paragraphs/",
        {"section": section["id"], "text": "Replies: {list:replies}."},
        format="json",
    ).data
    second = api.post(
        "/api/v1/report-paragraphs/",
        {"section": sub["id"], "text": "Some had laws.{fn:laws}"},
        format="json",
    ).data
    edited = api.patch(
        f"/api/v1/report-paragraphs/{first['id']}/",
        {"text": "Replies came from {count:replies}.", "version": first["version"]},
        format="json",
    )
    assert edited.status_code == 200 and edited.data["version"] == first["version"] + 1
    stale = api.patch(
        f"/api/v1/report-paragraphs/{first['id']}/",
        {"text": "Lost?", "version": first["version"]},
        format="json",
    )
    assert stale.status_code == 409
    moved = api.post(
        f"/api/v1/report-paragraphs/{second['id']}/move/",
        {"section": section["id"], "position": 0},
        format="json",
    )
    assert moved.status_code == 200 and moved.data["section"] == section["id"]
    preview = api.get(f"/api/v1/reports/{report_id}/preview/").data
    assert preview["problems"] == [] and preview["paragraph_count"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        started = api.post(f"/api/v1/reports/{report_id}/builds/")
    assert started.status_code == 201
    build = api.get(f"/api/v1/builds/{started.data['id']}/").data
    assert build["status"] == "succeeded", build["error"]
    pdf = api.get(build["pdf_url"])
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    again = api.post(f"/api/v1/reports/{report_id}/builds/")
    assert again.status_code == 200 and again.data["reused_from"] == build["id"]


def test_a_reserved_or_repeated_key_is_refused_in_words(api, report):
    for key in ("replies", "ratified"):
        response = api.post(
            "/api/v1/attribution-sets/",
            {"report": report.pk, "key": key, "statement": "x"},
            format="json",
        )
        assert response.status_code == 400
        # Refusals of services have one shape in the whole API: a message, and the fields.
        assert "reserved" in response.data["detail"] or "already has" in response.data["detail"]
        assert "key" in response.data["errors"]
    assert AttributionSet.objects.filter(report=report).count() == 2


def test_malformed_payloads_change_nothing(api, report):
    assert api.post("/api/v1/reports/", {"symbol": ""}, format="json").status_code == 400
    paragraph = first_paragraph(report)
    response = api.patch(
        f"/api/v1/report-paragraphs/{paragraph.pk}/", {"text": "No version"}, format="json"
    )
    assert response.status_code == 400
    paragraph.refresh_from_db()
    assert paragraph.text == "The Council asked for this report."


def test_sections_with_paragraphs_are_not_deleted_through_the_api(api, report):
    section = report.sections.get(title="Introduction")
    response = api.delete(f"/api/v1/report-sections/{section.pk}/")
    assert response.status_code == 400
    assert Section.objects.filter(pk=section.pk).exists()


def test_questionnaires_link_the_report_to_its_replies(api, report):
    other = QuestionnaireFactory()
    response = api.patch(
        f"/api/v1/reports/{report.pk}/", {"questionnaires": [other.pk]}, format="json"
    )
    assert response.status_code == 200
    assert response.data["questionnaires"] == [other.pk]
