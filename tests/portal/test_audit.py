from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.test import Client
from knox.models import AuthToken

from surveys.models import Answer, Reply, Respondent
from tests.factories import (
    MembershipFactory,
    ReviewerFactory,
    SecretariatFactory,
    build_questionnaire,
    question,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def changed():  # type: ignore[no-untyped-def]
    salvador, estonia = Respondent.objects.get(code="SLV"), Respondent.objects.get(code="EST")
    q = build_questionnaire(dispatch_to=[salvador, estonia])
    fp_slv = MembershipFactory(respondent=salvador).user
    fp_est = MembershipFactory(respondent=estonia).user
    # One through a signed-in session, one through an API token: both name the person.
    reply = Reply.objects.get(questionnaire=q, respondent=salvador)
    client = Client()
    client.force_login(fp_slv)
    assert (
        client.put(
            f"/api/v1/replies/{reply.pk}/answers/{question(q, '2').pk}/",
            {"value": "Salvadoran text", "version": 0},
            content_type="application/json",
        ).status_code
        == 200
    )
    reply = Reply.objects.get(questionnaire=q, respondent=estonia)
    _, token = AuthToken.objects.create(user=fp_est)
    assert (
        Client()
        .put(
            f"/api/v1/replies/{reply.pk}/answers/{question(q, '2').pk}/",
            {"value": "Estonian text", "version": 0},
            content_type="application/json",
            headers={"Authorization": f"Token {token}"},
        )
        .status_code
        == 200
    )
    return fp_slv, fp_est


def test_saving_an_answer_is_recorded_in_the_audit_trail(changed):
    entry = LogEntry.objects.get_for_objects(Answer.objects.filter(value="Salvadoran text"))
    assert entry.count() == 1
    assert entry.get().actor.email.startswith("person")
    assert "Salvadoran text" in str(entry.get().changes_dict["value"])


def test_audit_page_filters_by_respondent_and_person(client, changed):
    _fp_slv, fp_est = changed
    client.force_login(SecretariatFactory())
    salvador = Respondent.objects.get(code="SLV")
    page = client.get(f"/audit/?respondent={salvador.pk}").content.decode()
    assert "Salvadoran text" in page and "Estonian text" not in page
    page = client.get(f"/audit/?person={fp_est.pk}").content.decode()
    assert "Estonian text" in page and "Salvadoran text" not in page


def test_bad_audit_filters_get_a_message(client, changed):
    client.force_login(SecretariatFactory())
    page = client.get("/audit/?since=2008-02-01&until=2008-01-01").content.decode()
    assert "The end date is before the start date." in page


@pytest.mark.parametrize("make_user", [ReviewerFactory, lambda: MembershipFactory().user])
def test_only_the_secretariat_reads_the_audit_trail(client, changed, make_user):
    client.force_login(make_user())
    assert client.get("/audit/").status_code == 403
