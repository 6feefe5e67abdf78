"""Threat: someone reaches what their role should not, by typing an address.

Every route the URL resolver knows is probed over HTTP, as each of seven people: nobody signed
in, the focal point, expert and observer of State A, the focal point of State B, a reviewer and
the secretariat. Parameters are filled with State A's objects (routes.py says which), so a new
route is probed the day it is added, and fails until routes.py says who may use it.

In-process versions of some of these checks exist (tests/portal/test_access.py,
tests/hardening/test_abuse.py); these go through the whole stack a browser meets.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from django.urls import resolve

from tests.surveys.review.support import pdf_with_text

from . import routes
from .conftest import Live, Visitor, changed, database_state
from .world import NOT_FOR_OTHER_STATES, NOT_FOR_REVIEWERS, ROLES

ROUTES = routes.all_routes()
IDS = [r.pattern or "/" for r in ROUTES]
# A format suffix (".json") reaches the same view as the route without it: unsafe methods are
# probed once, on the plain route; reads on both.
WRITABLE = [r for r in ROUTES if not r.has_format_suffix]


def roles_for(route: routes.Route) -> tuple[str, ...]:
    """Who probes the route. The admin lets in staff only, and none of the seven is staff: it
    is probed as nobody and as the secretariat (the most trusted who is not staff). A format
    suffix reaches the view of the route without it, which everyone probes: it is probed as
    nobody, the intruder (B's focal point), a reviewer and the secretariat."""
    if route.name.startswith("admin:"):
        return ("anonymous", "secretariat")
    if route.has_format_suffix:
        return ("anonymous", "b_focal", "reviewer", "secretariat")
    return ROLES


def leaked(role: str, response: requests.Response) -> list[str]:
    """Words of State A this person must never be shown, found in the response."""
    forbidden = {
        "anonymous": NOT_FOR_OTHER_STATES,
        "b_focal": NOT_FOR_OTHER_STATES,
        "reviewer": NOT_FOR_REVIEWERS,
    }.get(role, ())
    body = response.content
    return [word for word in forbidden if word.encode() in body]


def refused_anonymous(route: routes.Route, response: requests.Response) -> bool:
    if route.is_api:
        return response.status_code in (401, 403)
    location = response.headers.get("Location", "")
    # The admin's pages send people to Verbale's sign-in page or to the admin's own (staff).
    targets = ("/accounts/login/", "/admin/login/") if route.name.startswith("admin:") else ()
    return response.status_code == 302 and location.startswith(targets or "/accounts/login/")


def refused_signed_in(route: routes.Route, role: str, response: requests.Response) -> bool:
    """Refused by role or by ownership: 403/404 (405 where the method is not answered at all);
    the admin sends everyone who is not staff to its own sign-in page."""
    if route.name.startswith("admin:"):
        location = response.headers.get("Location", "")
        return response.status_code == 302 and location.startswith("/admin/login/")
    if role == "b_focal" and _names_a_object(route) and _readers(route) >= routes.A_MEMBERS:
        # Another State's object: as if it did not exist.
        return response.status_code in (404, 405)
    return response.status_code in (403, 404, 405)


def _readers(route: routes.Route) -> frozenset[str]:
    found = routes.readers(route.name)
    assert found is not None, f"{route}: routes.readers does not say who may read it"
    return found


def _names_a_object(route: routes.Route) -> bool:
    return any(routes.object_key(route, p) in routes.A_OWNED for p in route.parameters)


def test_every_route_is_classified_and_every_parameter_has_an_object():
    """The probes below are only complete if this holds: a new route must be given its readers
    and an object of State A for each of its parameters."""
    missing = []
    for route in ROUTES:
        if routes.readers(route.name) is None:
            missing.append(f"{route.name or '(unnamed)'} {route}: no readers")
        for parameter in route.parameters:
            if routes.object_key(route, parameter) is None:
                missing.append(f"{route.name or '(unnamed)'} {route}: nothing fills <{parameter}>")
    assert not missing, "\n".join(missing)
    assert len(ROUTES) > 250  # the walk found the API, the pages and the admin


def test_the_walk_reaches_the_routes_that_hold_state_as_data():
    names = {r.name for r in ROUTES}
    assert {
        "surveys:attachment-download",
        "surveys:review-attachment",
        "reply-download",
        "reports:build-download",
        "surveys:secretariat-answer-restricted",
        "admin:surveys_membership_change",
    } <= names


def test_every_filled_address_leads_to_its_own_route(route_values: dict[str, Any]):
    """The addresses probed below are the routes they stand for (a filler that mangled a
    pattern would probe some other page, or none)."""
    wrong = []
    for route in ROUTES:
        url = routes.url_for(route, route_values)
        match = resolve(urlsplit(url).path)
        if match.func is not route.callback:
            wrong.append(f"{route}: {url} reaches {match.route}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("route", ROUTES, ids=IDS)
def test_each_person_reads_only_what_their_role_allows(
    route: routes.Route, live: Live, visitors: dict[str, Visitor], route_values: dict[str, Any]
):
    """GET as each person. Readers get through (so the refusals below are not an artefact of
    a wrong id); everyone else is refused; State B's focal point gets 404 for State A's
    objects; nobody is shown words of A they must not see; nothing answers 500."""
    url = routes.url_for(route, route_values) + routes.QUERY_BY_NAME.get(route.name, "")
    allowed = _readers(route)
    problems = []
    for role in roles_for(route):
        response = visitors[role].get(url)
        status = response.status_code
        if status >= 500:
            problems.append(f"{role}: {status} server error")
            continue
        if words := leaked(role, response):
            problems.append(f"{role}: {status} shows {words}")
        if route.name in routes.PUBLIC:
            continue
        if role == "anonymous":
            if not refused_anonymous(route, response):
                problems.append(f"anonymous: {status} {response.headers.get('Location', '')}")
        elif role in allowed:
            if status in (401, 403, 404):
                problems.append(f"{role} may read it but got {status}")
        elif not refused_signed_in(route, role, response):
            problems.append(f"{role} got {status} {response.headers.get('Location', '')}")
    assert not problems, f"GET {url}:\n" + "\n".join(problems)


def _forged_request(route: routes.Route, values: dict[str, Any]) -> dict[str, Any]:
    """A plausible request, so that a missing permission check would let it through rather
    than fail validation first: the fields the forms and serializers ask for, a real PDF
    where a file is expected, and (for pages) the JSON answers the reply form's script gets."""
    question = values["question"].pk
    body = {
        "value": "Forged",
        "version": 1,
        "text": "Forged",
        "title": "Forged",
        "statement": "Forged",
        "question": question,
        "state": "answered",
        "restricted": True,
        "review_state": "accepted",
        "include": True,
        "format": "csv",
        "direction": "up",
        "respondents": [values["respondent"].pk],
        "email": "forged@verbale.test",
        "role": "focal_point",
    }
    # What the reply form's script sends, so that refusals come as status codes rather than
    # as a redirect back to the form with a message.
    script = {"Accept": "application/json", "X-Verbale-Partial": "1"}
    if route.name in routes.UPLOADS:
        return {
            "data": {"question": values["file_question"].pk},
            "files": {"file": ("forged.pdf", pdf_with_text("Forged annex"))},
            "headers": script,
        }
    if route.is_api:
        return {"json": body}
    return {"data": body, "headers": script}


@pytest.mark.parametrize("route", WRITABLE, ids=[r.pattern or "/" for r in WRITABLE])
def test_unsafe_requests_are_refused_without_a_csrf_token_and_by_role(
    route: routes.Route, live: Live, visitors: dict[str, Visitor], route_values: dict[str, Any]
):
    """Every unsafe method the route answers: without a CSRF token even the secretariat is
    refused (403); with a token, everyone who may not change things through the route is
    refused; and the database is as it was."""
    url = routes.url_for(route, route_values)
    methods = route.unsafe_methods()
    before = database_state()
    problems = []
    for method in methods:
        response = visitors["secretariat"].request(method, url, csrf=False)
        if response.status_code != 403:
            problems.append(f"{method.upper()} without CSRF token: {response.status_code}")
    if route.name not in routes.PUBLIC | routes.OWN_ACCOUNT:
        for role in roles_for(route):
            if role in routes.writers(route.name):
                continue
            visitor = visitors[role]
            visitor.csrf_token()
            for method in methods:
                response = visitor.request(method, url, **_forged_request(route, route_values))
                status = response.status_code
                if status >= 500:
                    problems.append(f"{role} {method.upper()}: {status} server error")
                elif role == "anonymous":
                    if not refused_anonymous(route, response):
                        problems.append(f"anonymous {method.upper()}: {status}")
                elif not refused_signed_in(route, role, response):
                    problems.append(f"{role} {method.upper()}: {status}")
    assert not problems, f"{url}:\n" + "\n".join(problems)
    assert not changed(before, database_state()), f"{url}: a refused request changed data"
