"""Every page needs a login, except the few that let a person sign in."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import UserFactory

# Pages a person must reach before signing in, and the load balancers' health check.
PUBLIC = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "health",
    "activate",  # a nominee's one-time link to choose a password
    "api-token",  # exchanges an e-mail and password for an API token
}


def _routes(resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _routes(pattern, route, ns)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name or ''}", route


def _concrete(route: str) -> str:
    """Turn a route into a URL, filling every parameter with something plausible."""
    route = re.sub(r"\\\.\(\?P<format>[^)]*\)", ".json", route)  # DRF format suffixes
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)  # regex routes (admin, DRF)
    route = re.sub(r"<drf_format_suffix:\w+>", ".json", route)
    route = re.sub(r"<(int|id):\w+>", "1", route)
    route = re.sub(r"<(str|slug|path):\w+>", "x", route)
    route = re.sub(r"<\w+>", "x", route)
    route = route.replace("\\", "").replace("^", "").replace("$", "").replace("?", "")
    return "/" + route


ALL_ROUTES = sorted({(name, _concrete(route)) for name, route in _routes()})


def test_the_url_walk_finds_the_pages_we_know():
    names = {name for name, _ in ALL_ROUTES}
    assert {"home", "login", "surveys:respondent-list", "respondent-list"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "url"), ALL_ROUTES, ids=[n or u for n, u in ALL_ROUTES])
def test_every_url_needs_a_login_except_the_public_ones(client, name, url):
    response = client.get(url)
    if name in PUBLIC:
        assert response.status_code in (200, 302, 404, 405, 410), url
        if response.status_code == 302:
            assert "/accounts/login/" not in response["Location"]
        return
    if url.startswith("/api/"):
        assert response.status_code in (401, 403), (url, response.status_code)
    elif url.startswith("/admin/login/"):
        assert response.status_code == 200  # the admin's own sign-in form, for staff
    else:
        assert response.status_code == 302, (url, response.status_code)
        # The admin sends people to its own sign-in form; every other page to ours.
        assert response["Location"].startswith(("/accounts/login/", "/admin/login/"))


@pytest.mark.django_db
def test_signed_in_person_reaches_the_home_page(client):
    client.force_login(UserFactory())
    assert client.get("/").status_code == 200
