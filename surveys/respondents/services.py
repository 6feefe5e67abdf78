"""Writes to the respondents registry. Every write is atomic and checks name periods."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import Respondent, RespondentName
from .reference_data import NameRow, ReferenceDataError, RespondentRow, check_periods

NAME_FIELDS = (
    "list_name",
    "text_name",
    "short_name",
    "abbreviation",
    "sort_key",
    "valid_from",
    "valid_to",
    "source",
    "note",
)
RESPONDENT_FIELDS = (
    "code",
    "kind",
    "regional_group",
    "m49",
    "iso3",
    "count_singular",
    "count_plural",
)


def _check_names(code: str, names: list[Mapping[str, Any]]) -> None:
    if not names:
        raise ValidationError({"names": "A respondent needs at least one name."})
    rows = [
        NameRow(
            **{
                f: name.get(f) or ("" if f not in ("valid_from", "valid_to") else None)
                for f in NAME_FIELDS
            }
        )
        for name in names
    ]
    try:
        check_periods(code, rows)
    except ReferenceDataError as error:
        raise ValidationError({"names": str(error)}) from None


def _check_state_fields(fields: Mapping[str, Any]) -> None:
    is_state = fields.get("kind") in Respondent.STATE_KINDS
    if not is_state and (fields.get("iso3") or fields.get("m49") or fields.get("regional_group")):
        raise ValidationError("Only States carry ISO and M49 codes and a regional group.")
    if bool(fields.get("count_singular")) != bool(fields.get("count_plural")):
        raise ValidationError("Give both the singular and the plural counting noun, or neither.")


@transaction.atomic
def create_respondent(*, names: list[Mapping[str, Any]], **fields: Any) -> Respondent:
    """Register a respondent (e.g. an NGO that replied) with its names."""
    _check_state_fields(fields)
    _check_names(fields["code"], names)
    respondent = Respondent(**{k: v for k, v in fields.items() if k in RESPONDENT_FIELDS})
    respondent.full_clean()
    respondent.save()
    for name in names:
        RespondentName.objects.create(respondent=respondent, **_name_values(name))
    return respondent


@transaction.atomic
def update_respondent(
    *, respondent: Respondent, names: list[Mapping[str, Any]] | None = None, **fields: Any
) -> Respondent:
    """Change a respondent; ``names``, when given, replaces its whole name history."""
    merged = {f: fields.get(f, getattr(respondent, f)) for f in RESPONDENT_FIELDS}
    _check_state_fields(merged)
    if names is not None:
        _check_names(merged["code"], names)
    for key, value in merged.items():
        setattr(respondent, key, value)
    respondent.full_clean()
    respondent.save()
    if names is not None:
        respondent.names.all().delete()
        for name in names:
            RespondentName.objects.create(respondent=respondent, **_name_values(name))
    return respondent


def _name_values(name: Mapping[str, Any]) -> dict[str, Any]:
    values = {f: name.get(f) for f in NAME_FIELDS}
    for key in NAME_FIELDS:
        if values[key] is None and key not in ("valid_from", "valid_to"):
            values[key] = ""
    return values


def load_reference_respondents(
    rows: Iterable[RespondentRow],
    *,
    respondent_model: type[Respondent] = Respondent,
    name_model: type[RespondentName] = RespondentName,
) -> tuple[int, int]:
    """Create or update the shipped registry, keyed by code and by a name's start date.

    Takes the model classes so the data migration can pass its historical models. Names the
    secretariat added itself (another start date) are kept.
    Returns (respondents created, names created).
    """
    created_respondents = created_names = 0
    with transaction.atomic():
        for row in rows:
            respondent, created = respondent_model.objects.update_or_create(
                code=row.code,
                defaults={f: getattr(row, f) for f in RESPONDENT_FIELDS if f != "code"},
            )
            created_respondents += created
            for name in row.names:
                _, name_created = name_model.objects.update_or_create(
                    respondent=respondent,
                    valid_from=name.valid_from,
                    defaults={f: getattr(name, f) for f in NAME_FIELDS if f != "valid_from"},
                )
                created_names += name_created
    return created_respondents, created_names
