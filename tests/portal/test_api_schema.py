from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.factories import ReviewerFactory


def test_openapi_schema_generates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/respondents/format/" in text
    assert "/api/v1/respondents/{id}/" in text


@pytest.mark.django_db
def test_schema_and_docs_are_served_to_signed_in_people_only(client):
    assert client.get("/api/schema/").status_code in (401, 403)
    client.force_login(ReviewerFactory())
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "swagger-ui" in docs.content.decode()
    assert "cdn.jsdelivr" not in docs.content.decode()
