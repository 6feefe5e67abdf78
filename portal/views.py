"""The page shell: home page per role, health check, error pages."""

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from . import audit, selectors
from .forms import AuditFilterForm
from .permissions import secretariat_required


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


@secretariat_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    """The audit trail, for the secretariat: filter by person, respondent and dates."""
    form = AuditFilterForm(request.GET or None)
    results = audit.entries()
    if form.is_valid():
        data = form.cleaned_data
        results = audit.entries(
            actor_id=data["person"].pk if data["person"] else None,
            respondent=data["respondent"],
            since=data["since"],
            until=data["until"],
        )
    page = Paginator(results, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "portal/audit_trail.html", {"form": form, "page": page, "query": query.urlencode()}
    )
