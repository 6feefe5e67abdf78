"""Coding pages and API: who may open them, filing through the page and the API, the
consistency and build pages, the sources of a footnote."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from reports import coding
from reports.models import AttributionSet, Build, Evidence, Theme
from tests.factories import MembershipFactory, ReviewerFactory, SecretariatFactory, question
from tests.reports.factories import coded_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def coded():  # type: ignore[no-untyped-def]
    data = coded_report()
    q1 = question(data["questionnaire"], "1")
    data["ratified"] = coding.create_set(
        report=data["report"],
        key="ratified",
        statement="had ratified",
        rule={"question": q1.pk, "op": "equals", "value": "yes"},
    )
    data["units"] = coding.create_set(
        report=data["report"], key="police-units", statement="had police units"
    )
    data["note"] = coding.add_manual_member(
        attribution_set=data["units"], respondent_id=data["people"]["NER"].pk, note="Plenary"
    )
    data["theme"] = coding.create_theme(report=data["report"], title="Legislation")
    data["evidence"] = data["ratified"].members.first().evidence.first()
    return data


def _pages(coded) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    report, units = coded["report"], coded["units"]
    return [
        ("get", reverse("reports:coding", args=[report.pk])),
        ("post", reverse("reports:coding-file", args=[report.pk])),
        ("post", reverse("reports:coding-search-file", args=[report.pk])),
        ("post", reverse("reports:coding-rule-set", args=[report.pk])),
        ("post", reverse("reports:coding-sync", args=[report.pk])),
        ("post", reverse("reports:coding-themes-from-sections", args=[report.pk])),
        ("post", reverse("reports:coding-theme-add", args=[report.pk])),
        ("get", reverse("reports:consistency", args=[report.pk])),
        ("get", reverse("reports:footnote-evidence", args=[report.pk, 1])),
        ("get", reverse("reports:set-detail", args=[units.pk])),
        ("post", reverse("reports:set-member-add", args=[units.pk])),
        ("post", reverse("reports:set-theme", args=[units.pk])),
        ("post", reverse("reports:set-sync", args=[units.pk])),
        ("post", reverse("reports:member-delete", args=[coded["note"].pk])),
        ("post", reverse("reports:evidence-delete", args=[coded["evidence"].pk])),
    ]


def _endpoints(coded) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    report = coded["report"]
    return [
        ("get", "/api/v1/themes/"),
        ("post", "/api/v1/themes/"),
        ("get", f"/api/v1/themes/{coded['theme'].pk}/"),
        ("patch", f"/api/v1/themes/{coded['theme'].pk}/"),
        ("delete", f"/api/v1/themes/{coded['theme'].pk}/"),
        ("get", "/api/v1/evidence/"),
        ("post", "/api/v1/evidence/"),
        ("get", f"/api/v1/evidence/{coded['evidence'].pk}/"),
        ("delete", f"/api/v1/evidence/{coded['evidence'].pk}/"),
        ("post", f"/api/v1/attribution-sets/{coded['ratified'].pk}/sync/"),
        ("get", f"/api/v1/reports/{report.pk}/consistency/"),
        ("post", f"/api/v1/reports/{report.pk}/themes-from-sections/"),
        ("post", f"/api/v1/reports/{report.pk}/sync-rules/"),
        ("get", f"/api/v1/attribution-members/{coded['note'].pk}/"),
    ]


def _counts():  # type: ignore[no-untyped-def]
    return (Evidence.objects.count(), Theme.objects.count(), AttributionSet.objects.count())


def test_anonymous_people_are_sent_to_sign_in_and_refused_by_the_api(client, coded):
    for method, url in _pages(coded):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url
    api = APIClient()
    for method, url in _endpoints(coded):
        assert getattr(api, method)(url).status_code in (401, 403), url


@pytest.mark.parametrize("who", ["focal point", "focal point of another State", "reviewer"])
def test_focal_points_and_reviewers_are_refused_every_coding_page_and_endpoint(client, coded, who):
    if who == "focal point":
        user = MembershipFactory(respondent=coded["people"]["BLR"]).user
    elif who == "focal point of another State":
        user = MembershipFactory().user
    else:
        user = ReviewerFactory()
    client.force_login(user)
    before = _counts()
    for method, url in _pages(coded):
        assert getattr(client, method)(url).status_code == 403, url
    api = APIClient()
    api.force_authenticate(user)
    for method, url in _endpoints(coded):
        assert getattr(api, method)(url).status_code == 403, url
    assert _counts() == before  # nothing was changed


def test_the_secretariat_opens_every_coding_page_and_reads_every_endpoint(client, coded):
    user = SecretariatFactory()
    client.force_login(user)
    for method, url in _pages(coded):
        if method == "get":
            assert client.get(url).status_code == 200, url
    api = APIClient()
    api.force_authenticate(user)
    for method, url in _endpoints(coded):
        if method == "get":
            assert api.get(url).status_code == 200, url


def test_the_coding_page_shows_replies_in_un_order_with_filed_passages_marked(client, coded):
    client.force_login(SecretariatFactory())
    url = reverse("reports:coding", args=[coded["report"].pk])
    page = client.get(url).content.decode()
    assert page.index("1. Belarus") < page.index("2. Estonia") < page.index("3. Niger")
    assert "Reply of Belarus" in page
    estonia = client.get(url, {"respondent": coded["people"]["EST"].pk}).content.decode()
    assert "Reply of Estonia" in estonia and "← Belarus" in estonia and "Niger →" in estonia
    assert 'data-key="police-units"' in estonia


def test_filing_a_selection_through_the_page(client, coded):
    client.force_login(SecretariatFactory())
    reply = coded["replies"]["EST"]
    q2 = question(coded["questionnaire"], "2")
    text = "A specific offence is being drafted. Police units investigate cases."
    start = text.index("Police")
    response = client.post(
        reverse("reports:coding-file", args=[coded["report"].pk]),
        {
            "reply": reply.pk,
            "question": q2.pk,
            "start": start,
            "end": len(text),
            "quote": text[start:],
            "set": coded["units"].pk,
            "respondent": reply.respondent_id,
        },
        follow=True,
    )
    assert "Filed under police-units" in response.content.decode()
    evidence = Evidence.objects.get(member__attribution_set=coded["units"])
    assert evidence.quote == "Police units investigate cases."
    page = response.content.decode()
    assert '<mark title="Filed under police-units">Police units investigate cases.</mark>' in page


def test_filing_under_a_new_set_and_refusals(client, coded):
    client.force_login(SecretariatFactory())
    reply = coded["replies"]["BLR"]
    q2 = question(coded["questionnaire"], "2")
    url = reverse("reports:coding-file", args=[coded["report"].pk])
    data = {"reply": reply.pk, "question": q2.pk, "start": 0, "end": 9, "quote": "Penalties"}
    client.post(
        url, {**data, "set": "new", "new_key": "penalties", "new_statement": "on penalties"}
    )
    assert AttributionSet.objects.get(key="penalties").members.get().respondent.code == "BLR"
    response = client.post(
        url, {**data, "quote": "Not said", "set": coded["units"].pk}, follow=True
    )
    assert "has changed since you selected" in response.content.decode()
    response = client.post(url, {"set": coded["units"].pk}, follow=True)
    assert "Select a passage" in response.content.decode()
    response = client.post(url, {**data, "set": "new", "new_key": "Bad Key"}, follow=True)
    assert "lower-case letters" in response.content.decode()


def test_filing_through_the_api(coded):
    api = APIClient()
    api.force_authenticate(SecretariatFactory())
    reply = coded["replies"]["BLR"]
    q2 = question(coded["questionnaire"], "2")
    response = api.post(
        "/api/v1/evidence/",
        {
            "attribution_set": coded["units"].pk,
            "reply": reply.pk,
            "question": q2.pk,
            "start": 56,
            "end": 86,
            "quote": "Border guards check passports.",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["quote"] == "Border guards check passports."
    assert (body["state"], body["revision_number"], body["kind"]) == ("current", 1, "passage")
    members = api.get(f"/api/v1/attribution-sets/{coded['units'].pk}/").json()["members"]
    assert {m["respondent"] for m in members} == {
        coded["people"]["BLR"].pk,
        coded["people"]["NER"].pk,
    }
    refused = api.post(
        "/api/v1/evidence/",
        {
            "attribution_set": coded["units"].pk,
            "reply": reply.pk,
            "question": q2.pk,
            "start": 0,
            "end": 5,
            "quote": "Never said",
        },
        format="json",
    )
    assert refused.status_code == 400


def test_rule_sets_and_themes_through_the_api(coded):
    api = APIClient()
    api.force_authenticate(SecretariatFactory())
    q4 = question(coded["questionnaire"], "4")
    created = api.post(
        "/api/v1/attribution-sets/",
        {
            "report": coded["report"].pk,
            "key": "border-units",
            "statement": "had border units",
            "theme": coded["theme"].pk,
            "rule": {"question": q4.pk, "op": "includes_any", "values": ["border"]},
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert [m["by_rule"] for m in created.json()["members"]] == [True]
    bad = api.post(
        "/api/v1/attribution-sets/",
        {
            "report": coded["report"].pk,
            "key": "odd",
            "statement": "odd",
            "rule": {"question": q4.pk, "op": "equals", "value": "border"},
        },
        format="json",
    )
    assert bad.status_code == 400 and "takes the rule includes_any" in str(bad.json())
    themes = api.post(f"/api/v1/reports/{coded['report'].pk}/themes-from-sections/")
    assert [t["title"] for t in themes.json()] == ["Legislation"]
    sync = api.post(f"/api/v1/reports/{coded['report'].pk}/sync-rules/")
    assert sync.json() == {"added": 0, "removed": 0, "updated": 0}


def test_builds_through_the_api_need_warnings_acknowledged(coded):
    api = APIClient()
    api.force_authenticate(SecretariatFactory())
    latvia = coded["people"]["BLR"].__class__.objects.get(code="LVA")
    coding.add_manual_member(
        attribution_set=coded["ratified"], respondent_id=latvia.pk, note="Previous report"
    )
    url = f"/api/v1/reports/{coded['report'].pk}/builds/"
    refused = api.post(url, {}, format="json")
    assert refused.status_code == 409
    assert refused.json()["warnings"] == 1
    assert refused.json()["findings"][0]["check"] == "member-without-reply"
    built = api.post(url, {"acknowledge_warnings": True}, format="json")
    assert built.status_code == 201
    assert "Latvia" in built.json()["acknowledged_warnings"][0]


def test_the_build_page_shows_the_consistency_report_and_asks_for_acknowledgement(client, coded):
    client.force_login(SecretariatFactory())
    latvia = coded["people"]["BLR"].__class__.objects.get(code="LVA")
    coding.add_manual_member(
        attribution_set=coded["ratified"], respondent_id=latvia.pk, note="Previous report"
    )
    url = reverse("reports:build-list", args=[coded["report"].pk])
    page = client.get(url).content.decode()
    assert "Members with no reply received by the cut-off" in page
    assert "Latvia is a member" in page and 'name="acknowledge"' in page
    response = client.post(url, follow=True)
    assert "must be acknowledged" in response.content.decode()
    assert not Build.objects.exists()
    client.post(url, {"acknowledge": "on"})
    assert Build.objects.get().acknowledged_warnings


def test_the_sources_of_a_footnote_name_each_respondent_and_passage(client, coded):
    client.force_login(SecretariatFactory())
    preview = client.get(reverse("reports:report-preview", args=[coded["report"].pk]))
    url = reverse("reports:footnote-evidence", args=[coded["report"].pk, 1])
    assert f'hx-get="{url}"' in preview.content.decode()
    panel = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Sources of footnote 1" in panel and "<html" not in panel
    assert panel.index("Belarus") < panel.index("Estonia")
    assert "Question 1, submission 1" in panel
    assert (
        client.get(reverse("reports:footnote-evidence", args=[coded["report"].pk, 9])).status_code
        == 404
    )


def test_the_consistency_page_lists_findings(client, coded):
    client.force_login(SecretariatFactory())
    page = client.get(reverse("reports:consistency", args=[coded["report"].pk])).content.decode()
    assert "nothing to fix or acknowledge" in page
    coding.create_set(report=coded["report"], key="spare", statement="spare")
    page = client.get(reverse("reports:consistency", args=[coded["report"].pk])).content.decode()
    assert "Sets the report does not cite" in page and "spare" in page


def test_search_finds_candidates_in_the_report_replies_and_files_a_hit_in_one_step(client, coded):
    from surveys.review import search

    for reply in coded["replies"].values():
        search.index_reply(reply_id=reply.pk)
    client.force_login(SecretariatFactory())
    url = reverse("reports:coding", args=[coded["report"].pk])
    page = client.get(url, {"q": "guards"}).content.decode()
    assert "<mark>guards</mark>" in page and page.count('name="q" value="guards"') >= 2
    reply = coded["replies"]["BLR"]
    response = client.post(
        reverse("reports:coding-search-file", args=[coded["report"].pk]),
        {
            "reply": reply.pk,
            "question": question(coded["questionnaire"], "2").pk,
            "q": "guards",
            "set": coded["units"].pk,
        },
        follow=True,
    )
    assert "Filed under police-units: Belarus, “Border guards check passports.”" in (
        response.content.decode()
    )
