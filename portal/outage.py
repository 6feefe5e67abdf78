"""One answer when the database goes away in the middle of a request, for pages, scripts and
the API alike: 503, ``Retry-After``, and the same words.

The request's transaction was rolled back (every service writes in one atomic block), so
nothing was written and the same request can simply be sent again; the reply form's script does
so by itself and keeps the text in the browser meanwhile. ``portal.api.exception_handler`` gives
this answer for the API, ``DatabaseUnavailableMiddleware`` for an error raised by a view, and
:func:`server_error` (``handler500``) for one raised earlier, e.g. while the session is loaded.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

DATABASE_UNAVAILABLE = "The database could not be reached. Nothing was saved: try again."
RETRY_AFTER_SECONDS = 5
OUTAGE_ERRORS = (OperationalError, InterfaceError)


def wants_json(request: HttpRequest) -> bool:
    """A script or an API client, not a person reading a page."""
    return (
        "application/json" in request.headers.get("Accept", "")
        or request.headers.get("HX-Request") == "true"
        or request.path_info.startswith("/api/")
    )


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 in the form the request expects. Renders without the request's context: the context
    processors would go to the database again."""
    response: HttpResponse
    if wants_json(request):
        # "detail" as in every API error; "error" where the reply form's script reads it.
        response = JsonResponse(
            {"detail": DATABASE_UNAVAILABLE, "error": DATABASE_UNAVAILABLE}, status=503
        )
    else:
        html = loader.get_template("503.html").render({"message": DATABASE_UNAVAILABLE})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: an outage raised outside a view (by a middleware loading the session or
    the user) gets the 503 too; any other error the usual page."""
    error = sys.exc_info()[1]
    if isinstance(error, OUTAGE_ERRORS):
        return database_unavailable(request)
    return HttpResponseServerError(loader.get_template("500.html").render())
