"""What text Verbale accepts from outside, checked once at the boundary. Pure Python.

A JSON body may spell a lone UTF-16 surrogate (``"\\ud800"``): Python decodes it into a string
that cannot be written out as UTF-8 again, so once stored, every page and API answer that shows
it fails, for everyone. NUL cannot be stored by PostgreSQL at all. And a body nested tens of
thousands deep exhausts the decoder's stack. All three are refused before any view sees them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

# Deep enough for any payload Verbale takes (a table answer is three levels), far below the
# depth at which Python's recursion would fail.
MAX_DEPTH = 64
INVALID = re.compile("[\x00\ud800-\udfff]")
INVALID_TEXT = (
    "contains a character that is not valid text (a NUL or a lone UTF-16 surrogate): "
    "nothing was saved."
)
TOO_DEEP = f"The JSON is nested more than {MAX_DEPTH} levels deep: nothing was saved."


def is_valid_text(value: str) -> bool:
    return INVALID.search(value) is None


def _name(key: Any) -> str:
    """A field name fit to show in a message: never the invalid text itself."""
    return key if isinstance(key, str) and is_valid_text(key) and len(key) <= 60 else "a field"


def data_problem(data: Any) -> str | None:
    """Why decoded JSON ``data`` is refused, or None. Walks iteratively: the depth is what is
    being checked, so it must not cost recursion."""
    stack: list[tuple[Any, int, str]] = [(data, 1, "")]
    while stack:
        value, depth, field = stack.pop()
        if depth > MAX_DEPTH:
            return TOO_DEEP
        if isinstance(value, str):
            if not is_valid_text(value):
                return f"{field or 'The text'} {INVALID_TEXT}".lstrip()
        elif isinstance(value, Mapping):
            for key, item in value.items():
                if isinstance(key, str) and not is_valid_text(key):
                    return f"A field name {INVALID_TEXT}"
                stack.append((item, depth + 1, field or f"The field {_name(key)!r}"))
        elif isinstance(value, list | tuple):
            stack.extend((item, depth + 1, field) for item in value)
    return None


def strings_problem(pairs: Iterable[tuple[str, str]]) -> str | None:
    """Why form or query-string fields are refused, or None."""
    for key, value in pairs:
        if not is_valid_text(key):
            return f"A field name {INVALID_TEXT}"
        if not is_valid_text(value):
            return f"The field {_name(key)!r} {INVALID_TEXT}"
    return None
