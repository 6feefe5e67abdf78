"""The secretariat's small services: moving sections and questions, ending a membership."""

from __future__ import annotations

import pytest
from django.utils import timezone

from portal.errors import FrozenError, ServiceError
from surveys.models import Question, QuestionnaireRevision, Respondent
from surveys.questionnaires import dispatch
from surveys.questionnaires import services as secretariat
from tests.factories import SecretariatFactory, build_questionnaire, question

pytestmark = pytest.mark.django_db


def numbers(section) -> list[str]:  # type: ignore[no-untyped-def]
    return list(
        Question.objects.filter(section=section)
        .order_by("order", "pk")
        .values_list("number", flat=True)
    )


def texts(section) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [
        (q.number, q.text["en"][:12])
        for q in Question.objects.filter(section=section).order_by("order", "pk")
    ]


def test_moving_a_question_swaps_it_with_its_neighbour_and_renumbers_the_questions():
    q = build_questionnaire()
    moved = question(q, "3")
    secretariat.move_question(question=moved, by=SecretariatFactory(), direction="up")
    assert texts(moved.section) == [
        ("1", "Has your Sta"),
        ("1 (a)", "In which yea"),
        ("2", "Stage of leg"),
        ("3", "Describe the"),
    ]
    assert list(
        Question.objects.filter(section=moved.section)
        .order_by("order", "pk")
        .values_list("order", flat=True)
    ) == [1, 2, 3, 4]
    secretariat.move_question(question=moved, by=SecretariatFactory(), direction="down")
    assert numbers(moved.section) == ["1", "1 (a)", "2", "3"]
    assert question(q, "3").text == {"en": "Stage of legislation"}


def test_a_question_cannot_move_above_the_question_its_condition_rests_on():
    q = build_questionnaire()
    with pytest.raises(ServiceError, match="would no longer come before it"):
        secretariat.move_question(question=question(q, "1 (a)"), by=None, direction="up")
    assert numbers(q.sections.get(number="A")) == ["1", "1 (a)", "2", "3"]
    assert question(q, "1 (a)").text == {"en": "In which year?"}


def test_moving_past_the_end_is_refused():
    q = build_questionnaire()
    with pytest.raises(ServiceError, match="already the last"):
        secretariat.move_question(question=question(q, "3"), by=None, direction="down")
    with pytest.raises(ServiceError, match="already the first"):
        secretariat.move_section(section=q.sections.first(), by=None, direction="up")
    with pytest.raises(ServiceError, match="up or down"):
        secretariat.move_section(section=q.sections.first(), by=None, direction="sideways")


def test_moving_a_section_reletters_the_sections_and_renumbers_their_questions():
    q = build_questionnaire()
    second = q.sections.get(number="B")
    secretariat.move_section(section=second, by=None, direction="up")
    assert list(q.sections.values_list("number", "order", "title__en")) == [
        ("A", 1, "Enforcement"),
        ("B", 2, "Ratification and legislation"),
    ]
    assert texts(q.sections.get(number="A"))[0] == ("1", "Which units ")
    assert texts(q.sections.get(number="B"))[0] == ("4", "Has your Sta")


def test_a_dispatched_questionnaire_moves_only_with_a_reason_recorded_once():
    by = SecretariatFactory()
    q = build_questionnaire(by=by, dispatch_to=[Respondent.objects.get(code="NER")])
    moved = question(q, "3")
    with pytest.raises(FrozenError):
        secretariat.move_question(question=moved, by=by, direction="up")
    assert numbers(moved.section) == ["1", "1 (a)", "2", "3"]
    secretariat.move_question(question=moved, by=by, direction="up", reason="Legislation first")
    assert texts(moved.section)[2] == ("2", "Stage of leg")
    revision = QuestionnaireRevision.objects.get(questionnaire=q)
    assert revision.reason == "Legislation first" and revision.changed_by == by
    assert [x["number"] for x in revision.before[0]["questions"]] == ["1", "1 (a)", "2", "3"]


def test_deactivating_a_membership_ends_access_and_its_unused_links():
    membership = dispatch.nominate(
        respondent=Respondent.objects.get(code="SLV"),
        email="fp@example.org",
        full_name="F. P.",
        role="focal_point",
        by=SecretariatFactory(),
    )
    secretariat.deactivate_membership(membership=membership, by=None)
    membership.refresh_from_db()
    assert not membership.is_active
    assert not membership.activations.filter(expires_at__gt=timezone.now()).exists()
    with pytest.raises(ServiceError, match="already inactive"):
        secretariat.deactivate_membership(membership=membership, by=None)
