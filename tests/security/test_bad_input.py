"""Threat: input no form would send, aimed at the API to make it fail (a 500 tells an attacker
where to push) or to store something that breaks later.

Each class of bad input gets a 4xx answer in JSON, never a server error, and changes nothing
in the database: bodies that are not an object, numbers beyond any sensible size, nesting
deeper than a parser's recursion, text that is not text (a lone surrogate), numerals that are
not digits, ids that are not numbers.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
import requests
from django.utils import timezone

from surveys.models import Answer, Reply
from tests.factories import MembershipFactory, RespondentFactory, build_questionnaire, question

from . import routes
from .conftest import Live, Visitor, changed, database_state
from .world import PASSWORD

HUGE = str(2**63)  # one more than the largest integer the databases store
LIST_ROUTES = [
    r
    for r in routes.all_routes()
    if r.is_api
    and not r.has_format_suffix
    and (getattr(r.callback, "actions", None) or {}).get("get") == "list"
]
ID_ROUTES = [
    r for r in routes.all_routes() if r.is_api and not r.has_format_suffix and "pk" in r.parameters
]


def assert_refused_as_json(response: requests.Response, what: str) -> None:
    what = what if len(what) < 120 else what[:100] + "…"
    assert 400 <= response.status_code < 500, f"{what}: {response.status_code}"
    assert response.headers.get("Content-Type", "").startswith("application/json"), (
        f"{what}: {response.headers.get('Content-Type')}"
    )
    response.json()


@pytest.fixture
def unchanged() -> Any:
    """The database is as it was when the test ends."""
    before = database_state()
    yield
    difference = changed(before, database_state())
    assert not difference, f"bad input changed {difference}"


def raw_json(visitor: Visitor, method: str, path: str, body: str) -> requests.Response:
    """A body sent exactly as written (json= would re-encode it)."""
    return visitor.request(
        method,
        path,
        data=body.encode("utf-8", "surrogatepass"),
        headers={"Content-Type": "application/json"},
    )


@pytest.mark.parametrize("body", ["[]", "null", "1", '"text"'])
def test_a_token_request_that_is_not_an_object_is_refused(body: str, live: Live, unchanged: None):
    response = raw_json(live.visitor(), "POST", "/api/v1/auth/token/", body)
    assert_refused_as_json(response, f"token request {body}")


@pytest.mark.parametrize("route", LIST_ROUTES, ids=[str(r) for r in LIST_ROUTES])
@pytest.mark.parametrize("parameter", ["limit", "offset"])
def test_a_page_size_or_offset_beyond_any_database_integer_is_refused(
    route: routes.Route,
    parameter: str,
    visitors: dict[str, Visitor],
    route_values: dict[str, Any],
    unchanged: None,
):
    """Refused (4xx JSON), or for an offset an empty page, for a limit a capped one."""
    url = routes.url_for(route, route_values)
    response = visitors["secretariat"].get(url, params={"limit": "10", parameter: HUGE})
    if response.status_code == 200:
        results = response.json()["results"]
        assert len(results) <= 1000 if parameter == "limit" else results == []
        return
    assert_refused_as_json(response, f"{url}?{parameter}=2**63")


@pytest.fixture(scope="module")
def draft(live: Live) -> dict[str, Any]:
    """A reply of its own (a third State's draft) and its focal point, signed in: a probe that
    gets through must not spoil State A's reply for the other probes."""
    state = RespondentFactory()
    focal = MembershipFactory(respondent=state, role="focal_point").user
    questionnaire = build_questionnaire(
        by=live.world.users["secretariat"],
        dispatch_to=[state],
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        cutoff=timezone.localdate() + datetime.timedelta(days=60),
    )
    visitor = live.visitor("c_focal")
    assert visitor.sign_in(focal.email).status_code == 302
    return {"reply": Reply.objects.get(questionnaire=questionnaire), "focal": visitor}


def _answer_url(draft: dict[str, Any], number: str) -> tuple[str, int]:
    reply = draft["reply"]
    q = question(reply.questionnaire, number)
    stored = Answer.objects.filter(reply=reply, question=q).first()
    return f"/api/v1/replies/{reply.pk}/answers/{q.pk}/", stored.version if stored else 0


def test_json_nested_fifty_thousand_deep_is_refused(
    live: Live, draft: dict[str, Any], unchanged: None
):
    url, version = _answer_url(draft, "2")
    deep = "[" * 50_000 + "]" * 50_000
    for visitor, path, body in [
        (draft["focal"], url, f'{{"value": {deep}, "version": {version}}}'),
        (live.visitor(), "/api/v1/auth/token/", f'{{"username": {deep}, "password": "x"}}'),
    ]:
        assert_refused_as_json(
            raw_json(visitor, "PUT" if path == url else "POST", path, body), path
        )


def test_a_lone_surrogate_in_a_text_answer_is_refused(draft: dict[str, Any], unchanged: None):
    url, version = _answer_url(draft, "2")
    body = '{"value": "Penal code \\ud800 article 4", "version": ' + f"{version}}}"
    assert_refused_as_json(raw_json(draft["focal"], "PUT", url, body), "lone surrogate")


def test_a_lone_surrogate_in_sign_in_details_is_refused(live: Live, unchanged: None):
    body = json.dumps({"username": "focal@a.verbale.test\ud800", "password": PASSWORD})
    response = raw_json(live.visitor(), "POST", "/api/v1/auth/token/", body)
    assert_refused_as_json(response, "lone surrogate in a sign-in")


NUMBERS = {
    "1e500000": "1e500000",  # infinity once parsed as a float
    "1e308": "1e308",
    "5000-digits": "9" * 5000,  # beyond Python's default limit for int(str)
    "superscript-as-text": '"²³"',
    "1e500000-as-text": '"1e500000"',
    "5000-digits-as-text": '"' + "9" * 5000 + '"',
}


@pytest.mark.parametrize("number", NUMBERS.values(), ids=list(NUMBERS))
def test_a_number_no_statistic_can_be_is_refused_in_a_table_cell(
    number: str, draft: dict[str, Any], unchanged: None
):
    url, version = _answer_url(draft, "5")
    body = f'{{"value": {{"2005": {{"investigated": {number}}}}}, "version": {version}}}'
    response = raw_json(draft["focal"], "PUT", url, body)
    assert_refused_as_json(response, f"table cell {number}")


@pytest.mark.parametrize("route", ID_ROUTES, ids=[str(r) for r in ID_ROUTES])
@pytest.mark.parametrize("bad_id", ["x1", "%00", HUGE])
def test_an_id_that_names_nothing_answers_json_404(
    route: routes.Route,
    bad_id: str,
    visitors: dict[str, Visitor],
    route_values: dict[str, Any],
    unchanged: None,
):
    """Not a number, or a number beyond any database integer: JSON 404, as for a missing id."""
    url = routes.url_for(route, route_values)
    url = url.replace(f"/{_pk(route, route_values)}/", f"/{bad_id}/", 1)
    # The method the route answers (some take POST only: a GET would get 405 before any id).
    actions = getattr(route.callback, "actions", None) or {"get": ""}
    method = "get" if "get" in actions else route.unsafe_methods()[0]
    response = visitors["secretariat"].request(method, url, json={})
    # An unsafe request may be refused for its (empty) body first: 400 is as good there.
    expected = (404,) if method == "get" else (400, 404)
    assert response.status_code in expected, f"{method.upper()} {url}: {response.status_code}"
    assert_refused_as_json(response, url)


def _pk(route: routes.Route, values: dict[str, Any]) -> str:
    value = values[routes.object_key(route, "pk")]
    return str(getattr(value, "pk", value))
