"""One vocabulary for refusals (portal.errors), turned into HTTP once for pages
(ServiceErrorMiddleware) and once for the API (portal.api.exception_handler), with the same
status for the same error."""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory
from rest_framework.test import APIRequestFactory

from portal import errors
from portal.api import exception_handler
from portal.middleware import ServiceErrorMiddleware
from reports.builds.services import BuildError, WarningsNotAcknowledgedError
from reports.editor.services import StaleEditError

CASES = [
    (errors.InvalidError("Give the title.", field_errors={"title": "Required."}), 400),
    (errors.NotFoundError("No such reply."), 404),
    (errors.NotAllowedError("Only the secretariat can do this."), 403),
    (errors.ConflictError("Someone else changed it."), 409),
    (errors.StaleAnswerError("Saved since.", current={"value": 1}), 409),
    (errors.FrozenError("Dispatched."), 409),
    (errors.StorageError("The disk is full."), 503),
    (StaleEditError("Someone else changed this paragraph."), 409),
    (BuildError("The report has 1 problem(s) to fix."), 400),
]


def test_services_raise_errors_that_carry_no_http_status():
    for error, _ in CASES:
        assert not hasattr(error, "status")


@pytest.mark.parametrize(("error", "status"), CASES, ids=[type(e).__name__ for e, _ in CASES])
def test_the_api_answers_each_refusal_with_its_status_and_message(error, status):
    request = APIRequestFactory().get("/api/v1/")
    response = exception_handler(error, {"request": request})
    assert response.status_code == status
    assert response.data["detail"] == error.message
    if error.field_errors:
        assert response.data["errors"] == error.field_errors


@pytest.mark.django_db
@pytest.mark.parametrize(("error", "status"), CASES, ids=[type(e).__name__ for e, _ in CASES])
def test_a_page_answers_a_refusal_its_view_let_through_with_the_same_status(error, status):
    request = RequestFactory().post("/somewhere/")
    request.user = _anonymous()
    response = ServiceErrorMiddleware(lambda r: None).process_exception(request, error)
    assert response.status_code == status
    if status != 404:  # the 404 page says only that there is nothing here
        assert error.message in response.content.decode()


def test_a_script_on_a_page_gets_the_refusal_as_json():
    request = RequestFactory().post("/somewhere/", HTTP_ACCEPT="application/json")
    error = errors.ConflictError("Someone else changed it.")
    response = ServiceErrorMiddleware(lambda r: None).process_exception(request, error)
    assert response.status_code == 409
    assert json.loads(response.content) == {"error": "Someone else changed it."}


def test_other_exceptions_are_left_to_django():
    request = RequestFactory().get("/")
    assert ServiceErrorMiddleware(lambda r: None).process_exception(request, KeyError()) is None


def test_a_model_refusal_keeps_its_fields_in_the_vocabulary():
    from django.core.exceptions import ValidationError

    error = errors.InvalidError.from_django(ValidationError({"symbol": ["Required."]}))
    assert error.field_errors == {"symbol": "Required."}
    assert error.messages == ["Required."]
    both = errors.InvalidError.of({"key": "Choose another key.", "rule": "Give a number."})
    assert both.field_errors == {"key": "Choose another key.", "rule": "Give a number."}
    assert str(both) == "Choose another key. Give a number."  # each message once


def test_warnings_not_acknowledged_are_a_conflict():
    assert isinstance(WarningsNotAcknowledgedError([]), errors.ConflictError)


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()
