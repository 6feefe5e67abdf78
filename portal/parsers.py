"""The API's JSON parser: DRF's, refusing what Verbale could not store or show again."""

from __future__ import annotations

import codecs
import math
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser as DRFJSONParser
from rest_framework.utils import json

from . import text


def _finite(literal: str) -> float:
    # JSON has no infinity, but "1e5000" reads as one: refuse it as the literal it stands for.
    number = float(literal)
    if not math.isfinite(number):
        raise ValueError(f"Number out of range at {literal[:20]}…")
    return number


class JSONParser(DRFJSONParser):
    """A body that is not valid UTF-8 JSON, spells a lone surrogate or NUL, a number too large
    for a float, or is nested more than ``text.MAX_DEPTH`` levels deep is a 400, before any
    view sees it."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        encoding = (parser_context or {}).get("encoding") or "utf-8"
        try:
            data = json.load(
                codecs.getreader(encoding)(stream),
                parse_constant=json.strict_constant,
                parse_float=_finite,
            )
        except RecursionError:
            raise ParseError(text.TOO_DEEP) from None
        except ValueError as error:  # JSON and UTF-8 errors quote positions, never the text
            raise ParseError(f"JSON parse error - {error}") from None
        problem = text.data_problem(data)
        if problem:
            raise ParseError(problem)
        return data
