"""A request that loses the database answers 503 with Retry-After and "Nothing was saved", in
the pages (autosave script, htmx, plain form) as in the API, and nothing is written."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from portal import outage
from surveys.models import Answer, Reply, Respondent
from surveys.replies import services as replies
from tests.factories import MembershipFactory, build_questionnaire, question

pytestmark = pytest.mark.django_db

NOTHING_SAVED = "The database could not be reached. Nothing was saved: try again."


@contextmanager
def database_fails_on(*statements: str) -> Iterator[list[str]]:
    """Every query that starts with one of ``statements`` (all when none given) fails as a
    dropped connection does."""
    failed: list[str] = []

    def fail(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        if not statements or sql.lstrip().upper().startswith(statements):
            failed.append(sql)
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail):
        yield failed


@pytest.fixture
def draft():  # type: ignore[no-untyped-def]
    niger = Respondent.objects.get(code="NER")
    q = build_questionnaire(dispatch_to=[niger])
    reply = Reply.objects.get(questionnaire=q, respondent=niger)
    focal = MembershipFactory(respondent=niger, role="focal_point").user
    offences = question(q, "2")
    replies.save_answer(
        reply=reply,
        question_id=offences.pk,
        user=focal,
        expected_version=0,
        value="Articles 181 and 182.",
    )
    return reply, focal, offences


def autosave(client, reply, q, **headers):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("surveys:answer-save", kwargs={"pk": reply.pk}),
        {"question": q.pk, "version": 1, "value": "Articles 181, 182 and 182 bis."},
        **headers,
    )


def stored(reply, q) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    answer = Answer.objects.get(reply=reply, question=q)
    return answer.version, answer.value


def test_the_reply_form_autosave_answers_an_outage_with_503_json_and_saves_nothing(client, draft):
    reply, focal, offences = draft
    client.force_login(focal)
    with database_fails_on("UPDATE", "INSERT") as failed:
        response = autosave(client, reply, offences, HTTP_ACCEPT="application/json")
    assert failed, "the save never reached the database"
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["error"] == NOTHING_SAVED
    assert stored(reply, offences) == (1, "Articles 181 and 182.")


def test_an_htmx_request_gets_the_same_503_json(client, draft):
    reply, focal, offences = draft
    client.force_login(focal)
    with database_fails_on("UPDATE", "INSERT"):
        response = autosave(client, reply, offences, HTTP_HX_REQUEST="true")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.json()["detail"] == NOTHING_SAVED


def test_a_form_sent_without_script_gets_a_503_page_that_says_nothing_was_saved(client, draft):
    reply, focal, offences = draft
    client.force_login(focal)
    with database_fails_on("UPDATE", "INSERT"):
        response = autosave(client, reply, offences)
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")
    assert NOTHING_SAVED in response.content.decode()
    assert stored(reply, offences) == (1, "Articles 181 and 182.")


def test_an_outage_met_while_loading_the_session_answers_503_too(draft):
    """With the server stopped the first query is the session's, in a middleware, before the
    view: the error page handler gives the same answer."""
    reply, focal, offences = draft
    client = Client(raise_request_exception=False)
    client.force_login(focal)
    with database_fails_on() as failed:
        response = autosave(client, reply, offences, HTTP_ACCEPT="application/json")
    assert any("django_session" in sql for sql in failed)
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.json()["error"] == NOTHING_SAVED


def test_the_api_and_the_pages_say_the_same_words(client, draft):
    reply, focal, offences = draft
    client.force_login(focal)
    with database_fails_on("UPDATE", "INSERT"):
        response = client.put(
            f"/api/v1/replies/{reply.pk}/answers/{offences.pk}/",
            {"value": "Articles 181, 182 and 182 bis.", "version": 1},
            content_type="application/json",
        )
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.json() == {"detail": outage.DATABASE_UNAVAILABLE}
    assert outage.DATABASE_UNAVAILABLE == NOTHING_SAVED
    assert stored(reply, offences) == (1, "Articles 181 and 182.")


def test_other_errors_still_get_the_500_page(draft, monkeypatch):
    from surveys.replies.views import workspace as views_workspace

    reply, focal, offences = draft

    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("a bug")

    monkeypatch.setattr(views_workspace.workspace, "save_answer_once", broken)
    client = Client(raise_request_exception=False)
    client.force_login(focal)
    response = autosave(client, reply, offences, HTTP_ACCEPT="application/json")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
