"""Row ids as they arrive in addresses, query strings and forms.

A row id is a positive 64-bit integer on PostgreSQL and SQLite. Django refuses a larger number
quietly for a primary-key lookup, but a foreign-key lookup hands it to the database driver,
which overflows (a 500); ``str.isdigit`` also accepts "²" and "٣", which ``int`` then refuses
or reads. So an id is read here once, strictly: ASCII digits, at most ``MAX_ID``; anything else
names no row.
"""

from __future__ import annotations

import re

from django.http import Http404

MAX_ID = 2**63 - 1
# ASCII digits only (``\d`` would match any script's digits), at most as many as MAX_ID has.
ID_PATTERN = "[0-9]{1,19}"
_ID = re.compile(f"^{ID_PATTERN}$")


def parse_id(value: object) -> int | None:
    """The id written in ``value``, or None when it cannot name a row."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _ID.match(value):
        number = int(value)
    else:
        return None
    return number if 0 < number <= MAX_ID else None


def path_id(value: str) -> int:
    """An id captured from an address: one that cannot name a row is a 404, like a missing one."""
    number = parse_id(value)
    if number is None:
        raise Http404("No such object.")
    return number


class IdConverter:
    """``<id:pk>`` in a page's route: matches only what ``parse_id`` accepts, so a too-large
    number is a 404 before the view runs."""

    regex = ID_PATTERN

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)  # Django reads this as "the route does not match"
        return number

    def to_url(self, value: int | str) -> str:
        return str(value)
