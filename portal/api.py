"""API plumbing shared by every app."""

from __future__ import annotations

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from . import outage
from .errors import ServiceError, StaleAnswerError, http_status


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """A refused service call becomes a 4xx (or 503) with the message a person would see in the
    pages (and, for a stale save, what is stored now). The only place the API turns a service's
    refusal into a status (``portal.errors.http_status``); views do not catch them."""
    if isinstance(exc, ServiceError):
        body: dict[str, Any] = {"detail": exc.message}
        if exc.field_errors:
            body["errors"] = exc.field_errors
        if isinstance(exc, StaleAnswerError):
            body["current"] = exc.current
        return Response(body, status=http_status(exc))
    if isinstance(exc, outage.OUTAGE_ERRORS):
        # The database went away mid-request (restart, fail-over, dropped connection): the
        # transaction was rolled back, so nothing was written and the same request can be sent
        # again. Say so, rather than a bare 500 (the pages say the same: portal.outage).
        return Response(
            {"detail": outage.DATABASE_UNAVAILABLE},
            status=503,
            headers={"Retry-After": str(outage.RETRY_AFTER_SECONDS)},
        )
    return drf_exception_handler(exc, context)
