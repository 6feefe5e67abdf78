"""API fields that read JSON as the schema describes it, not as a form would.

DRF's fields were made to read HTML forms too, where every value arrives as text: its
CharField turns ``0`` into ``"0"``, its BooleanField reads ``0``, ``"no"`` or ``"off"`` as
false, its IntegerField reads ``"5"`` and ``"٣"`` as numbers, its DateField reads
``"20071112"`` and Arabic-Indic digits, and a ChoiceField or a related field matches ``"1"``
to the choice or row ``1``. Verbale's API reads JSON only (``portal.parsers``), so those
guesses only hide a client's mistake: whoever sends ``{"title": 0}`` meant something else. Each
field here refuses a value of another JSON type than its schema says, with DRF's own message;
``ModelSerializer`` uses them for the fields it makes from models.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from rest_framework import relations, serializers
from rest_framework.fields import empty

from .ids import MAX_ID, parse_id


def _whole_number(value: Any) -> bool:
    """An integer as JSON Schema means it: 5 or 5.0, not 5.5, "5" or true."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _json_type(value: Any) -> str:
    """The JSON type a parsed value came from (true is not the number 1 here)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return type(value).__name__


class CharField(serializers.CharField):
    """Text: a number is refused, not written out as text."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class BooleanField(serializers.BooleanField):
    """``true`` or ``false``: not ``0``, ``"no"`` or ``"off"``; and missing is missing.

    DRF reads a boolean missing from a form as false (an unticked checkbox sends nothing);
    an empty form body still reaches a view as a form, so a required boolean is required."""

    default_empty_html = empty

    def to_internal_value(self, data: Any) -> bool | None:
        if data is None and self.allow_null:
            return None
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class IntegerField(serializers.IntegerField):
    """A JSON number without a fraction: not a string of digits, nor true."""

    def to_internal_value(self, data: Any) -> int:
        if not _whole_number(data):
            self.fail("invalid")
        return super().to_internal_value(data)


class FormIdField(serializers.IntegerField):
    """A row id in a multipart form, where every value is text: ASCII digits that could name
    a row (``portal.ids``), not "٣" or "5.0". Only an upload's form needs it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)

    def to_internal_value(self, data: Any) -> int:
        number = parse_id(data)
        if number is None:
            self.fail("invalid")
        return number


_FULL_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", re.ASCII)


class DateField(serializers.DateField):
    """A date written YYYY-MM-DD in ASCII digits, as the schema's ``date`` format says."""

    def to_internal_value(self, value: Any) -> datetime.date:
        if not isinstance(value, str) or not _FULL_DATE.match(value):
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(value)


class ChoiceField(serializers.ChoiceField):
    """One of the choices, of the same JSON type: ``"1"`` is not the choice ``1``."""

    def to_internal_value(self, data: Any) -> Any:
        if data == "" and self.allow_blank:
            return ""
        if not any(_json_type(data) == _json_type(choice) for choice in self.choices):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


class PrimaryKeyRelatedField(relations.PrimaryKeyRelatedField):
    """A row named by its integer id: ``"5"`` and ``5.5`` (which the database would read as
    5) are refused like ``true`` already is."""

    def to_internal_value(self, data: Any) -> Any:
        if self.pk_field is None and not _whole_number(data):
            self.fail("incorrect_type", data_type=_json_type(data))
        return super().to_internal_value(data)


_STRICT = {
    serializers.CharField: CharField,
    serializers.BooleanField: BooleanField,
    serializers.IntegerField: IntegerField,
    serializers.DateField: DateField,
}


class ModelSerializer(serializers.ModelSerializer):
    """DRF's ModelSerializer, making the strict fields above from the model's fields."""

    serializer_field_mapping = {
        model_field: _STRICT.get(field, field)
        for model_field, field in serializers.ModelSerializer.serializer_field_mapping.items()
    }
    serializer_related_field = PrimaryKeyRelatedField
    serializer_choice_field = ChoiceField
