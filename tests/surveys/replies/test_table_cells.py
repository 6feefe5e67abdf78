"""Statistical tables save cell by cell: one figure typed wrong no longer discards the table
nor marks every cell; each refused cell is named with its reason (autosave, the form without
script, and the API, which refuses the whole request but names every cell)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from surveys.models import Answer, Reply, Respondent
from tests.factories import MembershipFactory, build_questionnaire, question

JSON = {"HTTP_ACCEPT": "application/json"}

pytestmark = pytest.mark.django_db


@pytest.fixture
def reply():  # type: ignore[no-untyped-def]
    salvador = Respondent.objects.get(code="SLV")
    questionnaire = build_questionnaire(dispatch_to=[salvador], languages=["en", "fr"])
    return Reply.objects.get(questionnaire=questionnaire, respondent=salvador)


@pytest.fixture
def focal(reply):  # type: ignore[no-untyped-def]
    return MembershipFactory(respondent=reply.respondent, role="focal_point").user


def table(reply):  # type: ignore[no-untyped-def]
    return question(reply.questionnaire, "5")


def stored(reply):  # type: ignore[no-untyped-def]
    answer = Answer.objects.filter(reply=reply, question=table(reply)).first()
    return answer.value if answer else None


def post(client, reply, version=0, accept=JSON, **cells):  # type: ignore[no-untyped-def]
    data = {"question": table(reply).pk, "version": version}
    data.update({f"cell:{key.replace('__', ':')}": value for key, value in cells.items()})
    return client.post(
        reverse("surveys:answer-save", kwargs={"pk": reply.pk}), data, **(accept or {})
    )


def test_autosave_keeps_the_valid_cells_and_names_each_refused_one(client, reply, focal):
    client.force_login(focal)
    response = post(
        client,
        reply,
        **{
            "2005__investigated": "12",
            "2006__arrested": "-4",
            "2006__prosecuted": "9.5",
            "2007__investigated": "7",
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["refused_cells"] == {
        "cell:2006:arrested": "2006, Persons arrested — -4: a count cannot be negative",
        "cell:2006:prosecuted": "2006, Persons prosecuted — 9.5: whole numbers only",
    }
    assert stored(reply) == {"2005": {"investigated": 12}, "2007": {"investigated": 7}}
    assert body["version"] == 1


def test_a_refused_cell_keeps_the_figure_stored_before(client, reply, focal):
    client.force_login(focal)
    assert post(client, reply, **{"2006__arrested": "3"}).json()["refused_cells"] == {}
    response = post(client, reply, version=1, **{"2006__arrested": "3x", "2005__arrested": "1"})
    assert response.json()["refused_cells"] == {
        "cell:2006:arrested": "2006, Persons arrested — 3x: enter a whole number"
    }
    assert stored(reply) == {"2005": {"arrested": 1}, "2006": {"arrested": 3}}


def test_the_same_partial_save_sent_twice_is_no_conflict(client, reply, focal):
    """The answer to the first save was lost: the form sends it again on version 0."""
    client.force_login(focal)
    cells = {"2005__investigated": "12", "2006__arrested": "-4"}
    assert post(client, reply, **cells).status_code == 200
    again = post(client, reply, **cells)
    assert again.status_code == 200
    assert again.json()["refused_cells"]["cell:2006:arrested"].endswith("cannot be negative")
    assert Answer.objects.get(reply=reply, question=table(reply)).version == 1


def test_without_script_the_form_comes_back_with_what_was_typed_and_the_reasons(
    client, reply, focal
):
    client.force_login(focal)
    response = post(
        client, reply, accept=None, **{"2005__investigated": "12", "2006__arrested": "-4"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert stored(reply) == {"2005": {"investigated": 12}}
    assert "2006, Persons arrested — -4: a count cannot be negative" in html
    assert 'value="-4"' in html  # what was typed is still in its cell
    assert html.count('aria-invalid="true"') == 1  # only the refused cell is marked
    assert "the other figures are saved" in html


def test_the_api_refuses_a_table_with_a_bad_cell_whole_and_names_every_cell(client, reply, focal):
    client.force_login(focal)
    response = client.put(
        f"/api/v1/replies/{reply.pk}/answers/{table(reply).pk}/",
        {
            "state": "answered",
            "version": 0,
            "value": {"2005": {"investigated": 12, "arrested": -4}, "2006": {"arrested": "9.5"}},
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    text = str(response.json())
    assert "2005, Persons arrested — -4: a count cannot be negative" in text
    assert "2006, Persons arrested — 9.5: whole numbers only" in text
    assert stored(reply) is None
