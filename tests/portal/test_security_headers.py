from __future__ import annotations

import pytest

from tests.factories import ReviewerFactory

pytestmark = pytest.mark.django_db


def test_pages_carry_a_content_security_policy_without_inline_scripts(client):
    client.force_login(ReviewerFactory())
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_login_page_has_no_inline_script(client):
    page = client.get("/accounts/login/").content.decode()
    for chunk in page.split("<script")[1:]:
        assert chunk.split(">", 1)[0].strip().startswith("src="), chunk[:80]


def test_api_docs_load_their_script_from_verbale_itself(client):
    client.force_login(ReviewerFactory())
    page = client.get("/api/docs/").content.decode()
    assert "<script src=" in page
    for chunk in page.split("<script")[1:]:
        assert "src=" in chunk.split(">", 1)[0], chunk[:120]
