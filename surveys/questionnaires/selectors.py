"""Reads of questionnaires shared by pages and the API."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from portal import policy

from ..models import Questionnaire


def questionnaires_visible_to(user: Any) -> QuerySet[Questionnaire]:
    if not policy.is_signed_in(user):
        return Questionnaire.objects.none()
    if policy.is_secretariat(user):
        return Questionnaire.objects.all()
    if policy.is_reviewer(user):
        return Questionnaire.objects.exclude(status=Questionnaire.Status.DRAFT)
    return (
        Questionnaire.objects.filter(
            replies__respondent__memberships__user=user,
            replies__respondent__memberships__is_active=True,
        )
        .exclude(status=Questionnaire.Status.DRAFT)
        .distinct()
    )
