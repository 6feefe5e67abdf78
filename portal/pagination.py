"""Pages of API lists, with bounds a client cannot talk its way past."""

from __future__ import annotations

import re
from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

# Asked for a larger page, a client gets a 400 saying the limit, not a page the size of the
# table (or, past 2**63, a database error). 1,000 rows of the largest list (replies) is
# about a megabyte of JSON.
MAX_LIMIT = 1000
# No list holds ten million rows; the database's OFFSET overflows at 2**63.
MAX_OFFSET = 10_000_000
_DIGITS = re.compile(r"^[0-9]{1,9}$")


def _bounded(request: Request, name: str, default: int, low: int, high: int) -> int:
    text = request.query_params.get(name)
    if text is None:  # empty is a value lost on the way, not the default (portal.filtering)
        return default
    if not _DIGITS.match(text) or not low <= int(text) <= high:
        raise ValidationError({name: f"Give {name} as a whole number from {low} to {high:,}."})
    return int(text)


class Pagination(LimitOffsetPagination):
    """``?limit=`` (1 to MAX_LIMIT, default PAGE_SIZE) and ``?offset=`` (0 to MAX_OFFSET).

    DRF's own class quietly reads ``limit=abc`` as the default and has no maximum unless
    told; here a value out of bounds is refused with a 400 naming it, so a client learns its
    mistake and the schema's bounds are the ones enforced."""

    max_limit = MAX_LIMIT

    def get_limit(self, request: Request) -> int:
        return _bounded(request, self.limit_query_param, self.default_limit, 1, MAX_LIMIT)

    def get_offset(self, request: Request) -> int:
        return _bounded(request, self.offset_query_param, 0, 0, MAX_OFFSET)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.limit_query_param: {"minimum": 1, "maximum": MAX_LIMIT},
            self.offset_query_param: {"minimum": 0, "maximum": MAX_OFFSET},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters
