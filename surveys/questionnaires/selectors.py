"""Reads of questionnaires shared by pages and the API."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ..models import Questionnaire


def questionnaires_visible_to(user: Any) -> QuerySet[Questionnaire]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Questionnaire.objects.none()
    if user.is_secretariat:
        return Questionnaire.objects.all()
    if user.is_reviewer:
        return Questionnaire.objects.exclude(status=Questionnaire.Status.DRAFT)
    return (
        Questionnaire.objects.filter(
            replies__respondent__memberships__user=user,
            replies__respondent__memberships__is_active=True,
        )
        .exclude(status=Questionnaire.Status.DRAFT)
        .distinct()
    )
