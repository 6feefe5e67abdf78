"""The page shell: home page per role, health check, error pages, signing out."""

from base64 import b32encode
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import AuthenticationFailed, NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from surveys.services.errors import ServiceError

from . import audit, selectors, two_factor
from .forms import AuditFilterForm, TokenForm
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


class SignOutView(auth_views.LogoutView):
    """Signing out also asks the browser to forget what this site stored on the computer.

    The reply form keeps typed text in the browser's storage until the server has it; on a
    computer shared in a mission, the next person must not find it there. (The sign-out
    button warns first when some of it has not reached Verbale: static/js/sign-out.js.)"""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"storage"'
        return response


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The site's page, except under /api/: a client that asked for JSON gets JSON, even for an
    address no endpoint answers (an id that is not a number, a misspelt path)."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)


@extend_schema(exclude=True)
class ApiNotFound(APIView):
    """Every address under /api/ that no endpoint answers (an id that is not a number, a
    misspelt path): a JSON 404 for a signed-in caller, 401/403 for anyone else. ``not_found``
    alone is not enough: with DEBUG on, Django answers an unmatched address with its HTML
    debug page before any handler runs."""

    def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        raise NotFound()

    post = put = patch = delete = options = get


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


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


@never_cache
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app: scan the code, then type the six digits it shows."""
    form = TokenForm(request.POST or None)
    device = two_factor.pending_device(request.user)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.confirm_device(request=request, token=form.cleaned_data["token"])
        except ServiceError as error:
            form.add_error("token", error.message)
        else:
            messages.success(request, "Two-factor sign-in is on for your account.")
            return redirect(_next_url(request))
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr": two_factor.qr_svg(device),
            "secret": b32encode(device.bin_key).decode(),
            "required": request.user.is_secretariat and settings.SECRETARIAT_TWO_FACTOR,
            "next": _next_url(request),
        },
    )


@never_cache
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.verify(request=request, token=form.cleaned_data["token"])
        except ServiceError as error:
            form.add_error("token", error.message)
        else:
            return redirect(_next_url(request))
    return render(
        request, "registration/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


class ObtainToken(ObtainAuthToken):
    """An API token for an e-mail and password, plus `otp_token` (the six-digit code) for
    anyone who uses two-factor sign-in."""

    @extend_schema(
        responses={
            200: AuthTokenSerializer,
            429: OpenApiResponse(
                inline_serializer("LockedOut", {"detail": serializers.CharField()}),
                description="Too many failed attempts for this e-mail from this address.",
            ),
        }
    )
    def post(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        # django-axes refuses a locked-out pair inside authenticate(), but its middleware only
        # turns that into the lockout answer for Django's own request, not DRF's: say it here.
        credentials = {"username": str(request.data.get("username", ""))}
        if AxesProxyHandler.is_locked(request._request, credentials):
            return Response(
                {
                    "detail": "Too many failed sign-in attempts: this account is paused from "
                    "this address. Try again later or reset your password."
                },
                status=429,
            )
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        if two_factor.required_for(user) and not two_factor.token_matches(
            user, str(request.data.get("otp_token", ""))
        ):
            raise AuthenticationFailed(
                "Give otp_token: the six-digit code of your authenticator app."
            )
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
