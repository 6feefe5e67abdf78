"""The API's JSON parser: DRF's, refusing what Verbale could not store or show again."""

from __future__ import annotations

import codecs
import math
from typing import Any

from rest_framework.exceptions import ParseError, UnsupportedMediaType
from rest_framework.negotiation import DefaultContentNegotiation
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


class ContentNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, which also refuses at once a body no parser of the view reads.

    DRF reads a body only when the view asks for ``request.data``, and answers 415 then, with
    one exception: when something has read a form body before it (``portal.middleware``
    checks the text of every form), a view that parses JSON only is handed an empty form
    instead, where a missing boolean reads as false. Checking the media type here, before
    the view runs, answers every such body with a 415 instead.

    Who may ask still comes first, as when DRF reads the body: without a sign-in, a CSRF
    token or the role, the answer is the 401 or 403 it would have been."""

    def select_renderer(self, request: Any, renderers: Any, format_suffix: Any = None) -> Any:
        if _has_body(request) and self.select_parser(request, request.parsers) is None:
            view = request.parser_context.get("view")
            if view is not None:
                view.perform_authentication(request)
                view.check_permissions(request)
            raise UnsupportedMediaType(request.content_type)
        return super().select_renderer(request, renderers, format_suffix)


def _has_body(request: Any) -> bool:
    length = request.META.get("CONTENT_LENGTH") or "0"
    chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
    return chunked or (length.isascii() and length.isdigit() and int(length) > 0)
