"""The page shell: home page per role, health check, error pages."""

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from . import selectors


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"sections": selectors.home_sections(request.user)})


@login_not_required
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and the compose healthcheck: answers only whether the database does."""
    try:
        connection.ensure_connection()
    except Exception:
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)
