"""Regressions found by Schemathesis (tests/hardening/test_schemathesis.py): each one a request
that got a server error or an answer its schema did not describe."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from surveys.models import Reply, Respondent
from tests.factories import SecretariatFactory, build_questionnaire, question
from tests.reports.factories import ReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def api_schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture
def api() -> APIClient:
    client = APIClient()
    client.force_authenticate(SecretariatFactory())
    return client


def test_an_id_too_large_for_the_database_is_refused_as_invalid(api):
    too_large = 2**70
    report = ReportFactory()
    for url, payload in [
        (
            "/api/v1/respondents/format/",
            {"respondents": [too_large], "style": "list", "date": "2008-01-29"},
        ),
        (
            "/api/v1/attribution-sets/",
            {"report": report.pk, "key": "k", "statement": "s", "respondents": [too_large]},
        ),
    ]:
        response = api.post(url, payload, format="json")
        assert response.status_code == 400, (url, response.content)
        assert "respondents" in response.json(), response.content


def test_an_address_under_the_api_that_names_nothing_answers_json_404(api):
    for url in ("/api/v1/replies/not-a-number/", "/api/v1/no-such-thing/"):
        response = api.get(url)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "Not found."}


def test_the_pages_still_answer_404_with_the_sites_page(client):
    client.force_login(SecretariatFactory())
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_reply_not_yet_received_matches_its_schema(api, api_schema):
    """review_state and channel are blank until a reply is received: the schema allows it."""
    salvador = Respondent.objects.get(code="SLV")
    build_questionnaire(dispatch_to=[salvador])
    reply = api.get("/api/v1/replies/").json()["results"][0]
    assert reply["review_state"] == "" and reply["channel"] == ""
    properties = api_schema["components"]["schemas"]["Reply"]["properties"]
    for field in ("review_state", "channel"):
        options = properties[field]["oneOf"]
        assert {"$ref": "#/components/schemas/BlankEnum"} in options, field
    assert Reply.objects.count() == 1


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/api/v1/replies/{id}/answers/", "get"),
        ("/api/v1/replies/{id}/revisions/", "get"),
        ("/api/v1/replies/{id}/attachments/", "get"),
        ("/api/v1/reports/{id}/builds/", "get"),
    ],
)
def test_lists_inside_a_reply_or_report_are_documented_as_plain_lists(api_schema, path, method):
    """These actions answer a JSON list, not a page of results: so says the schema."""
    schema = api_schema["paths"][path][method]["responses"]["200"]["content"]["application/json"]
    assert schema["schema"]["type"] == "array"


def test_a_reviewer_reading_answers_gets_what_the_schema_describes(api_schema):
    """Reviewers read the last revision (with its number); the delegation the draft (with its
    version): one schema describes both."""
    answer = api_schema["components"]["schemas"]["AnswerRead"]
    assert set(answer["required"]) == {"question", "state", "value"}
    assert {"revision", "version", "restricted", "updated_at"} <= set(answer["properties"])


def test_every_operation_documents_its_refusals(api_schema):
    for path, operations in api_schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if method in ("post", "put", "patch", "delete"):
                assert "400" in codes, (method, path)


def test_saving_a_new_answer_with_a_version_it_never_had_is_a_conflict_not_an_error(api):
    salvador = Respondent.objects.get(code="SLV")
    questionnaire = build_questionnaire(dispatch_to=[salvador])
    reply = Reply.objects.get(questionnaire=questionnaire)
    url = f"/api/v1/replies/{reply.pk}/answers/{question(questionnaire, '2').pk}/"
    response = api.put(url, {"value": "Text", "version": 680}, format="json")
    assert response.status_code == 409
    assert "no saved answer yet" in response.json()["detail"]
    assert response.json()["current"]["version"] == 0
    assert not reply.answers.exists()
