"""Bad input, one test per kind: each is a 400 (or a 404 for an address) in JSON with a message
a person can read, and leaves the database as it was.

Found by hand and by Schemathesis (test_schemathesis.py); before the fixes each was a 500, or
worse: saved, after which the reply could not be read by anyone.
"""

from __future__ import annotations

import datetime
import json
import re
from urllib.parse import urlencode

import pytest
from django.core import serializers
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from rest_framework.test import APIClient

from portal.renderers import JSONRenderer
from reports.models import Report
from surveys.models import (
    Answer,
    Question,
    Questionnaire,
    Reply,
    Respondent,
    RespondentName,
    Revision,
    Section,
)
from surveys.questionnaires import authoring, dispatch
from surveys.replies import services as replies
from tests.factories import MembershipFactory, SecretariatFactory, build_questionnaire, question
from tests.portal.test_access import _routes
from tests.reports.factories import file_reply, report_with_replies

pytestmark = pytest.mark.django_db

TOO_LARGE = ["9999999999999999999", "99999999999999999999"]  # just past 2**63 - 1, and 10**20


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    """El Salvador's draft of a questionnaire with every kind of question, plus a number
    question without bounds; an API client for its focal point and one for the secretariat."""
    salvador = Respondent.objects.get(code="SLV")
    secretariat = SecretariatFactory()
    q = build_questionnaire(by=secretariat)
    count = authoring.add_question(
        section=q.sections.get(number="B"),
        by=secretariat,
        number="7",
        kind="number",
        text="How many victims were identified?",
    )
    dispatch.dispatch_questionnaire(
        questionnaire=q,
        by=secretariat,
        respondents=[salvador],
        reference="CU 2007/212",
        sent_on=datetime.date(2007, 11, 12),
    )
    focal_point = MembershipFactory(respondent=salvador, role="focal_point").user
    clients = {}
    for role, person in (("secretariat", secretariat), ("focal_point", focal_point)):
        clients[role] = APIClient()
        clients[role].force_authenticate(person)
        clients[role].force_login(person)  # for the pages
    return {
        "questionnaire": q,
        "reply": Reply.objects.get(questionnaire=q),
        "count": count,
        "api": clients,
        "focal_point": focal_point,
        "secretariat": secretariat,
    }


def stored() -> str:
    """Everything a bad request could have changed."""
    return "".join(
        serializers.serialize("json", model.objects.order_by("pk"))
        for model in (
            Answer,
            Question,
            Section,
            Reply,
            Revision,
            Questionnaire,
            Respondent,
            RespondentName,
            Report,
        )
    )


def assert_refused(response, status: int = 400) -> str:  # type: ignore[no-untyped-def]
    """A JSON refusal with a message; returns the message(s) as one string."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    message = json.dumps(response.json(), ensure_ascii=False)
    assert re.search(r"[A-Za-z]{3,}", message), message
    return message


def put_answer(client, world, q, body: bytes | dict):  # type: ignore[no-untyped-def]
    url = f"/api/v1/replies/{world['reply'].pk}/answers/{q.pk}/"
    if isinstance(body, dict):
        return client.put(url, body, format="json")
    return client.generic("PUT", url, body, content_type="application/json")


# --- numbers in the query string ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("limit", str(2**63)),
        ("limit", "99999999999999999999"),
        ("limit", "1001"),
        ("limit", "0"),
        ("limit", "abc"),
        ("offset", str(2**63)),
        ("offset", "-1"),
        ("offset", "٣"),
    ],
)
def test_a_page_size_or_offset_out_of_bounds_is_refused_naming_the_parameter(name, value, world):
    api = world["api"]["secretariat"]
    for url in ("/api/v1/replies/", "/api/v1/respondents/", "/api/v1/reports/"):
        response = api.get(url, {name: value})
        assert_refused(response)
        assert name in response.json(), url


def test_the_largest_page_allowed_is_served(world):
    response = world["api"]["secretariat"].get("/api/v1/respondents/", {"limit": 1000})
    assert response.status_code == 200
    assert len(response.json()["results"]) == Respondent.objects.count()


def test_a_search_page_far_past_the_end_shows_the_last_page(client, world):
    client.force_login(world["secretariat"])
    response = client.get(
        reverse("surveys:review-search"), {"q": "trafficking", "page": "99999999999999999999"}
    )
    assert response.status_code == 200


# --- ids that no row can have --------------------------------------------------------------


def _with_ids(route: str, value: str) -> str:
    route = re.sub(r"\(\?P<\w+>[^)]*\)", value, route)
    route = re.sub(r"<(int|id):\w+>", value, route)
    route = re.sub(r"<\w+:\w+>|<\w+>", "x", route)
    return "/" + route.replace("\\", "").replace("^", "").replace("$", "").replace("?", "")


ROUTES_WITH_IDS = sorted(
    {
        route
        for _, route in _routes()
        if not route.startswith("admin/")  # Django's admin, staff only, reads its own ids
        and ("<id:" in route or "(?P<pk>" in route or "_id>" in route)
    }
)


@pytest.mark.parametrize("role", ["secretariat", "focal_point"])
def test_an_id_too_large_for_any_row_is_a_404_on_every_route(role, world):
    """Pages and API alike, every method: the address names nothing (JSON under /api/). The
    API checks the method and the caller's role before the row: a 405 for a method the
    endpoint lacks, and a 403 to a focal point on a secretariat endpoint, as for any id."""
    assert len(ROUTES_WITH_IDS) > 60
    api = world["api"][role]
    before = stored()
    for route in ROUTES_WITH_IDS:
        for value in TOO_LARGE:
            url = _with_ids(route, value)
            for method in ("get", "post", "put", "delete"):
                response = getattr(api, method)(url)
                if not url.startswith("/api/"):
                    assert response.status_code == 404, (method, url, response.status_code)
                    continue
                allowed = {404, 405} if role == "secretariat" else {403, 404, 405}
                assert response.status_code in allowed, (method, url, response.status_code)
                assert "detail" in response.json(), url
    assert stored() == before


def test_an_id_too_large_after_a_real_reply_is_a_404_in_the_api(world):
    api, reply = world["api"]["secretariat"], world["reply"]
    before = stored()
    for value in TOO_LARGE:
        for method, url in (
            ("post", f"/api/v1/replies/{reply.pk}/answers/{value}/restrict/"),
            ("put", f"/api/v1/replies/{reply.pk}/answers/{value}/"),
            ("delete", f"/api/v1/replies/{reply.pk}/attachments/{value}/"),
            ("get", f"/api/v1/replies/{reply.pk}/attachments/{value}/download/"),
        ):
            response = getattr(api, method)(url, {"restricted": True}, format="json")
            assert_refused(response, 404)
    assert stored() == before


@pytest.mark.parametrize("value", TOO_LARGE)
def test_a_person_id_too_large_for_any_row_is_refused_in_the_token_list(value, world):
    """Found by Schemathesis: the database driver overflowed (a 500)."""
    response = world["api"]["secretariat"].get("/api/v1/auth/tokens/", {"user": value})
    assert_refused(response)
    assert "user" in response.json()


@pytest.mark.parametrize("debug", [False, True])
def test_an_address_under_the_api_that_names_nothing_is_a_json_404_even_when_debugging(
    debug, settings, world
):
    settings.DEBUG = debug
    api = world["api"]["secretariat"]
    for url in (
        "/api/v1/replies/abc/",
        "/api/v1/replies/٣/",
        f"/api/v1/replies/{world['reply'].pk}/answers/abc/",
        f"/api/v1/replies/{world['reply'].pk}.json",
        "/api/v1/no-such-thing/",
        "/api/schema/elsewhere/",
    ):
        response = api.get(url)
        assert_refused(response, 404)
        assert response.json() == {"detail": "Not found."}


# --- bodies of the wrong shape -----------------------------------------------------------


@pytest.mark.parametrize("kind", ["question", "section"])
def test_deleting_with_a_body_that_is_not_an_object_is_refused(kind, world):
    api, q = world["api"]["secretariat"], world["questionnaire"]
    target = question(q, "6") if kind == "question" else q.sections.get(number="B")
    before = stored()
    for body in ("[1, 2]", '"reason"', "7", '{"reason": ["why"]}'):
        response = api.generic(
            "DELETE", f"/api/v1/{kind}s/{target.pk}/", body, content_type="application/json"
        )
        assert_refused(response)
    assert stored() == before


@pytest.mark.parametrize("options", [[{"value": "a"}], "adopted,draft", 5, True])
def test_question_options_of_the_wrong_shape_are_refused_naming_the_field(options, world):
    api, q = world["api"]["secretariat"], world["questionnaire"]
    before = stored()
    response = api.patch(
        f"/api/v1/questions/{question(q, '3').pk}/",
        {"options": options, "reason": "Typo"},
        format="json",
    )
    assert_refused(response)
    assert "options" in response.json()["errors"]
    assert stored() == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("condition_values", {"yes": True}),
        ("condition_values", "yes"),
        ("condition_values", [1]),
        ("text", {"en": []}),
        ("text", {"en": 5}),
        ("text", ["Stage of legislation"]),
        ("help_text", {"en": {"nested": "text"}}),
    ],
)
def test_question_fields_of_the_wrong_shape_are_refused_not_coerced(field, value, world):
    api, q = world["api"]["secretariat"], world["questionnaire"]
    before = stored()
    response = api.patch(
        f"/api/v1/questions/{question(q, '3').pk}/",
        {field: value, "reason": "Typo"},
        format="json",
    )
    assert_refused(response)
    assert field in response.json()["errors"]
    assert stored() == before


# --- numbers in answers -----------------------------------------------------------------

BAD_NUMBERS = [
    "1e5000",
    "9" * 5000,
    "1e500000",
    "1e308",
    "1e15",
    "-1000000000000000",
    "0.0000001",
    "²³",
    "٣",
    "1_000",
    "0x10",
    "Infinity",
    "NaN",
]


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_a_number_answer_out_of_the_grammar_or_bounds_is_refused_through_the_api(value, world):
    before = stored()
    response = put_answer(
        world["api"]["focal_point"], world, world["count"], {"value": value, "version": 0}
    )
    assert_refused(response)
    assert str(world["count"].pk) in response.json()["errors"]
    assert stored() == before


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_a_number_answer_out_of_the_grammar_or_bounds_is_refused_by_the_autosave(
    value, client, world
):
    client.force_login(world["focal_point"])
    before = stored()
    response = client.post(
        reverse("surveys:answer-save", kwargs={"pk": world["reply"].pk}),
        {"question": world["count"].pk, "version": 0, "value": value},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert "number" in response.json()["error"]
    assert stored() == before


@pytest.mark.parametrize("body", [b'{"value": 1e5000, "version": 0}', b'{"value": -1e400}'])
def test_a_json_number_too_large_for_a_float_is_refused(body, world):
    before = stored()
    assert_refused(put_answer(world["api"]["focal_point"], world, world["count"], body))
    assert stored() == before


def test_a_number_answer_within_bounds_is_saved_as_typed(world):
    response = put_answer(
        world["api"]["focal_point"], world, world["count"], {"value": "1,250.5", "version": 0}
    )
    assert response.status_code == 200, response.content
    assert Answer.objects.get().value == 1250.5


@pytest.mark.parametrize(
    "cell",
    ['"²³"', '"٣"', '"1e3"', '"-4"', '"' + "9" * 5000 + '"', "1" + "0" * 4000, "2.5", "true"],
)
def test_a_table_cell_that_is_not_a_whole_number_in_ascii_digits_is_refused(cell, world):
    table = question(world["questionnaire"], "5")
    body = '{"value": {"2005": {"arrested": %s}}, "version": 0}' % cell  # noqa: UP031
    before = stored()
    assert_refused(put_answer(world["api"]["focal_point"], world, table, body.encode()))
    assert stored() == before


# --- text that is not valid Unicode ----------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b'{"value": "Our code \\ud800 says", "version": 0}',  # a lone surrogate
        b'{"value": "Our code \\udfff", "version": 0}',
        b'{"value": "Our code \\u0000 says", "version": 0}',  # NUL: PostgreSQL cannot store it
        b'{"value": "ok", "version": 0, "\\ud800": 1}',  # in a key
        b'{"value": ["\\ud800"], "version": 0}',  # nested
        b'{"value": "Our code \xed\xa0\x80 says", "version": 0}',  # a surrogate as UTF-8 bytes
    ],
)
def test_text_that_is_not_valid_unicode_is_refused_and_the_reply_stays_readable(body, world):
    text = question(world["questionnaire"], "2")
    before = stored()
    assert_refused(put_answer(world["api"]["focal_point"], world, text, body))
    assert stored() == before
    for role in ("focal_point", "secretariat"):
        response = world["api"][role].get(f"/api/v1/replies/{world['reply'].pk}/answers/")
        assert response.status_code == 200


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("answers/{text}/", b'{"state": "\\ud800", "version": 0}'),
        ("submit/", b'{"channel": "\\ud800"}'),
        ("review/", b'{"review_state": "\\udc00"}'),
    ],
)
def test_a_choice_given_as_invalid_text_is_refused_without_echoing_it(url, body, world):
    reply, text = world["reply"], question(world["questionnaire"], "2")
    before = stored()
    response = world["api"]["secretariat"].generic(
        "PUT" if url.startswith("answers") else "POST",
        f"/api/v1/replies/{reply.pk}/" + url.format(text=text.pk),
        body,
        content_type="application/json",
    )
    message = assert_refused(response)
    assert "valid text" in message
    assert stored() == before


def test_a_nul_in_a_form_or_query_string_is_refused_before_any_view(client, world):
    client.force_login(world["focal_point"])
    before = stored()
    response = client.post(
        reverse("surveys:answer-save", kwargs={"pk": world["reply"].pk}),
        {"question": question(world["questionnaire"], "2").pk, "version": 0, "value": "a\x00b"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert "valid text" in response.content.decode()
    response = world["api"]["focal_point"].get("/api/v1/replies/", {"status": "draft\x00"})
    assert_refused(response)
    assert stored() == before


def test_text_that_cannot_be_utf8_is_written_escaped_rather_than_failing_the_answer():
    """Text stored before the parser refused lone surrogates can still be read."""
    rendered = JSONRenderer().render({"value": "Our code \ud800 says"})
    assert json.loads(rendered) == {"value": "Our code \ud800 says"}


# --- nesting --------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [65, 50_000])
def test_json_nested_too_deeply_is_refused(depth, world):
    body = b'{"value": ' + b"[" * depth + b"]" * depth + b', "version": 0}'
    before = stored()
    message = assert_refused(
        put_answer(world["api"]["focal_point"], world, question(world["questionnaire"], "4"), body)
    )
    assert "nested" in message
    assert stored() == before


def test_a_form_body_that_cannot_be_read_is_refused(world):
    """The text check reads forms before any view: a multipart body without its boundary is
    a 400 there too, not a 500."""
    before = stored()
    response = world["api"]["secretariat"].generic(
        "POST",
        f"/api/v1/replies/{world['reply'].pk}/review/",
        b"review_state=received",
        content_type="multipart/form-data",
    )
    assert_refused(response)
    assert stored() == before


# --- bodies and parameters read as a form would read them ----------------------------------
# Found by Schemathesis: each was accepted, and most changed something.


def _answered(world):  # type: ignore[no-untyped-def]
    """El Salvador's draft with an answer to question 2, for the endpoints that need one."""
    replies.save_answer(
        reply=world["reply"],
        question_id=question(world["questionnaire"], "2").pk,
        user=world["focal_point"],
        value="Articles 180 to 182 of the penal code.",
        expected_version=0,
    )
    return world


FORM_BODIES = {
    # A missing boolean was read as false: the answer was marked for publication.
    "restrict-without-restricted": (
        "post",
        "replies/{reply}/answers/{text}/restrict/",
        {"reason": "Not for publication"},
    ),
    # "0" was read as false.
    "review-with-0-for-false": (
        "post",
        "replies/{reply}/review/",
        {"review_state": "received", "include_after_cutoff": "0"},
    ),
    # An empty date was read as none: the reply was submitted without a date received.
    "submit-with-empty-date": (
        "post",
        "replies/{reply}/submit/",
        {"channel": "portal", "received_on": "", "note": ""},
    ),
    "dispatch-with-empty-date": (
        "post",
        "questionnaires/{questionnaire}/dispatch/",
        {"all_member_states": "false", "reference": "", "sent_on": ""},
    ),
    # The cut-off was erased.
    "questionnaire-with-empty-cutoff": ("patch", "questionnaires/{questionnaire}/", {"cutoff": ""}),
    # A JSON part was not read at all: the names were taken as none.
    "respondent-with-names-as-a-part": (
        "patch",
        "respondents/{respondent}/",
        {"kind": "member_state", "names": '[{"list_name": "Salvador"}]'},
    ),
}


@pytest.mark.parametrize("encoding", ["multipart", "urlencoded"])
@pytest.mark.parametrize("case", FORM_BODIES)
def test_a_form_body_is_refused_where_only_json_is_read_and_changes_nothing(case, encoding, world):
    """Forms cannot say "no value" apart from "false" or "empty": the API reads JSON only
    (attachments excepted), and says so."""
    _answered(world)
    method, url, fields = FORM_BODIES[case]
    url = "/api/v1/" + url.format(
        reply=world["reply"].pk,
        text=question(world["questionnaire"], "2").pk,
        questionnaire=world["questionnaire"].pk,
        respondent=world["reply"].respondent_id,
    )
    if encoding == "multipart":
        body, content_type = encode_multipart(BOUNDARY, fields), MULTIPART_CONTENT
    else:
        body, content_type = urlencode(fields).encode(), "application/x-www-form-urlencoded"
    before = stored()
    response = world["api"]["secretariat"].generic(method.upper(), url, body, content_type)
    message = assert_refused(response, 415)
    assert "Unsupported media type" in message
    assert stored() == before


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", MULTIPART_CONTENT])
def test_an_empty_form_body_does_not_read_as_false(content_type, world):
    """No body at all, but a form's media type: DRF hands the view an empty form, where a
    missing boolean used to read as false (an unticked checkbox)."""
    _answered(world)
    answer = Answer.objects.get()
    answer.restricted = True
    answer.save()
    before = stored()
    response = world["api"]["secretariat"].generic(
        "POST",
        f"/api/v1/replies/{world['reply'].pk}/answers/{answer.question_id}/restrict/",
        b"",
        content_type,
    )
    assert_refused(response)
    assert "restricted" in response.json()
    assert stored() == before


def test_a_report_masthead_sent_as_a_form_is_refused_and_keeps_its_date(world):
    report = report_with_replies()
    before = stored()
    response = world["api"]["secretariat"].generic(
        "PATCH",
        f"/api/v1/reports/{report.pk}/",
        encode_multipart(BOUNDARY, {"date": "", "organ": "General Assembly"}),
        MULTIPART_CONTENT,
    )
    assert_refused(response, 415)
    assert stored() == before


def test_an_attachment_is_still_uploaded_as_multipart(world):
    """The one endpoint that takes files keeps its form body; its question id is read as
    ASCII digits only."""
    before = stored()
    response = world["api"]["focal_point"].post(
        f"/api/v1/replies/{world['reply'].pk}/attachments/",
        {"question": "٣", "file": b"%PDF-1.4"},
        format="multipart",
    )
    assert_refused(response)
    assert "question" in response.json()
    assert stored() == before


WRONG_TYPES = {
    # DRF's CharField wrote the number out as text: a questionnaire titled "0".
    "number-as-title": (
        "secretariat",
        "post",
        "questionnaires/{questionnaire}/copy/",
        {"title": 0, "deadline": "2008-12-15", "cutoff": "2009-01-24"},
        "title",
    ),
    # DRF's BooleanField read 0, "yes" and "off".
    "number-as-boolean": (
        "secretariat",
        "post",
        "replies/{reply}/review/",
        {"include_after_cutoff": 0},
        "include_after_cutoff",
    ),
    "text-as-boolean": (
        "secretariat",
        "post",
        "replies/{reply}/answers/{text}/restrict/",
        {"restricted": "yes"},
        "restricted",
    ),
    # DRF's IntegerField read text: "0", and Arabic-Indic digits, as 0.
    "text-as-version": (
        "focal_point",
        "put",
        "replies/{reply}/answers/{text}/",
        {"value": "Articles 180 to 182.", "version": "\u0660"},
        "version",
    ),
    # Python reads "20071215" as a date; the schema's format does not.
    "basic-iso-date": (
        "secretariat",
        "patch",
        "questionnaires/{questionnaire}/",
        {"deadline": "20071216"},
        "deadline",
    ),
    # DRF's related field looked up "1" as the row 1.
    "text-as-id": (
        "secretariat",
        "post",
        "sections/",
        {
            "questionnaire": "{questionnaire}",
            "number": "C",
            "title": {"en": "Other measures"},
            "reason": "A section on other measures",
        },
        "questionnaire",
    ),
    "fraction-as-id": (
        "secretariat",
        "post",
        "sections/",
        {
            "questionnaire": "{questionnaire}.5",
            "number": "C",
            "title": {"en": "Other measures"},
            "reason": "A section on other measures",
        },
        "questionnaire",
    ),
}


@pytest.mark.parametrize("case", WRONG_TYPES)
def test_a_json_value_of_another_type_than_documented_is_refused_naming_the_field(case, world):
    """The schema's types are the ones read: no coercion from another JSON type."""
    role, method, url, body, field = WRONG_TYPES[case]
    if "review" in url:  # only a received reply is reviewed
        file_reply(world["reply"], world["secretariat"], {"1": "no", "2": "Articles 180 to 182."})
    elif "answers" in url:
        _answered(world)
    names = {
        "reply": world["reply"].pk,
        "text": question(world["questionnaire"], "2").pk,
        "questionnaire": world["questionnaire"].pk,
    }
    for key, value in body.items():
        if isinstance(value, str) and value.startswith("{questionnaire}"):
            number = value.format(**names)
            body[key] = float(number) if "." in number else number
    before = stored()
    response = getattr(world["api"][role], method)(
        "/api/v1/" + url.format(**names), body, format="json"
    )
    message = assert_refused(response)
    assert field in message
    assert stored() == before


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/respondents/", "on"),
        ("/api/v1/respondents/", "kind"),
        ("/api/v1/replies/", "status"),
        ("/api/v1/replies/", "questionnaire"),
        ("/api/v1/replies/", "limit"),
        ("/api/v1/replies/", "offset"),
    ],
)
def test_an_empty_filter_or_page_parameter_is_refused_naming_it(url, name, world):
    """``?on=`` is a date lost on the way, not a request for every respondent."""
    for role in ("secretariat", "focal_point"):
        response = world["api"][role].get(url, {name: ""})
        assert_refused(response)
        assert name in response.json()


def test_an_empty_name_filter_is_still_any_name(world):
    response = world["api"]["focal_point"].get("/api/v1/respondents/", {"name": ""})
    assert response.status_code == 200
    assert response.json()["count"] == Respondent.objects.count()
