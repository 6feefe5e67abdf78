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


def _up_to(limit: int) -> str:
    """A regular expression for the numbers 1 to ``limit`` in ASCII digits, no leading zero:
    every shorter number, then, digit by digit, those of the same length that stay below it
    (for 2**63 - 1: [1-8] then 18 digits, 9[0-1] then 17, 92[0-1] then 16, …)."""
    digits = str(limit)
    options = [f"[1-9][0-9]{{0,{len(digits) - 2}}}"] if len(digits) > 1 else []
    for i, digit in enumerate(digits):
        low = 1 if i == 0 else 0
        if int(digit) > low:
            rest = len(digits) - i - 1
            options.append(f"{digits[:i]}[{low}-{int(digit) - 1}][0-9]{{{rest}}}")
    options.append(digits)
    return f"(?:{'|'.join(options)})"


# An address whose id could name no row does not match the route at all: a 404 before any
# view, body check or permission runs, on every page and API route alike.
ID_PATTERN = _up_to(MAX_ID)
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
