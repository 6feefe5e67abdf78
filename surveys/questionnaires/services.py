"""Small writes the secretariat's pages need beyond authoring, dispatch and replies.

Each one goes through the existing services for the rules they own (a dispatched questionnaire
changes only with a recorded reason: ``authoring``), and adds only what those lack.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from portal.errors import InvalidError

from ..models import Membership, Question, Section
from . import authoring

UP = "up"
DOWN = "down"


def _moved(items: list[Any], item: Any, direction: str) -> list[Any]:
    if direction not in (UP, DOWN):
        raise InvalidError("Choose to move up or down.")
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index - 1 if direction == UP else index + 1
    if not 0 <= target < len(items):
        where = "first" if direction == UP else "last"
        raise InvalidError(f"It is already the {where}.")
    items = list(items)
    items[index], items[target] = items[target], items[index]
    return items


@transaction.atomic
def move_section(
    *, section: Section, by: Any, direction: str, reason: str | None = None
) -> Section:
    """Move a section one place up or down; sections and questions are renumbered in order.

    The moved section goes through ``authoring.update_section``, so a dispatched questionnaire
    asks for a reason and records one revision holding the order before the move; its
    neighbours follow in the same transaction.
    """
    siblings = list(Section.objects.filter(questionnaire_id=section.questionnaire_id))
    ordered = _moved(siblings, section, direction)
    new_order = {item.pk: position for position, item in enumerate(ordered, start=1)}
    moved = authoring.update_section(
        section=section, by=by, reason=reason, order=new_order[section.pk]
    )
    for other in ordered:
        if other.pk != section.pk and other.order != new_order[other.pk]:
            other.order = new_order[other.pk]
            other.save(update_fields=["order"])
    authoring.renumber(section.questionnaire)
    moved.refresh_from_db()
    return moved


@transaction.atomic
def move_question(
    *, question: Question, by: Any, direction: str, reason: str | None = None
) -> Question:
    """Move a question one place up or down inside its section (see ``move_section``)."""
    siblings = list(Question.objects.filter(section_id=question.section_id).order_by("order", "pk"))
    ordered = _moved(siblings, question, direction)
    new_order = {item.pk: position for position, item in enumerate(ordered, start=1)}
    moved = authoring.update_question(
        question=question, by=by, reason=reason, order=new_order[question.pk]
    )
    for other in ordered:
        if other.pk != question.pk and other.order != new_order[other.pk]:
            other.order = new_order[other.pk]
            other.save(update_fields=["order"])
    authoring.renumber(question.section.questionnaire)
    moved.refresh_from_db()
    return moved


@transaction.atomic
def deactivate_membership(*, membership: Membership, by: Any) -> Membership:
    """End a person's access for a respondent (their government withdrew the nomination).

    The membership is kept, inactive, for the record; unused activation links stop working.
    Nominating the person again reactivates it.
    """
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        raise InvalidError("This membership is already inactive.")
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    membership.activations.filter(used_at__isnull=True, expires_at__gt=timezone.now()).update(
        expires_at=timezone.now()
    )
    return membership
