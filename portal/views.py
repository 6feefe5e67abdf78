"""The page shell: home page per role, health check, error pages, signing out."""

import logging
from base64 import b32encode
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed, NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import health as health_checks
from . import selectors, two_factor
from .accounts import services as account_services
from .accounts.api import IssuedTokenSerializer, TokenRequestSerializer
from .errors import ServiceError
from .forms import SecondFactorForm, TokenForm
from .models import User
from .parsers import JSONParser
from .permissions import secretariat_required

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/home.html",
        {
            "sections": selectors.home_sections(request.user),
            "attention": selectors.attention(request.user),
        },
    )


@login_not_required
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and the compose healthcheck: 200 when the database answers a query
    and the broker (when tasks go to workers) answers; else 503 naming what is down."""
    down = health_checks.problems()
    if down:
        for part, problem in down.items():
            logger.error("Health check: the %s does not answer: %s", part, problem)
        # Which part, not the error itself: this address answers anyone.
        parts = {part: "unavailable" if part in down else "ok" for part in ("database", "broker")}
        return JsonResponse({"status": "unavailable", **parts}, status=503)
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


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _to_verify(request: HttpRequest) -> HttpResponse:
    query = urlencode({"next": request.get_full_path()})
    return redirect(f"{reverse('two-factor-verify')}?{query}")


def _recovery_codes_shown(request: HttpRequest, codes: list[str]) -> HttpResponse:
    """The codes are shown on this one answer and never again (no redirect that would have to
    carry them)."""
    return render(
        request,
        "registration/two_factor_recovery_codes.html",
        {"codes": codes, "next": _next_url(request)},
    )


@never_cache
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app, or replace the one in use: scan the code, then type the six
    digits it shows. Replacing needs a session that gave the current code or a recovery code."""
    if not two_factor.may_set_up(request.user):
        # The middleware already sends such a session to the code page; this keeps the rule
        # in the view too, should the page ever be opened to more sessions.
        return _to_verify(request)
    form = TokenForm(request.POST or None)
    device = two_factor.pending_device(request.user)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.confirm_device(request=request, token=form.cleaned_data["token"])
        except ServiceError as error:
            form.add_error("token", error.message)
        else:
            messages.success(request, "Two-factor sign-in is on for your account.")
            return _recovery_codes_shown(request, codes)
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr": two_factor.qr_svg(device),
            "secret": b32encode(device.bin_key).decode(),
            "required": request.user.is_secretariat and settings.SECRETARIAT_TWO_FACTOR,
            "replacing": two_factor.has_confirmed_device(request.user),
            "next": _next_url(request),
        },
    )


@never_cache
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The code of the authenticator app, or one recovery code, after the password."""
    if not two_factor.has_confirmed_device(request.user):
        return redirect("two-factor-setup")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor.verify(request=request, token=form.cleaned_data["token"])
        except ServiceError as error:
            form.add_error("token", error.message)
        else:
            if isinstance(device, StaticDevice):
                left = two_factor.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    f"You used a recovery code; {left} left. If your phone is lost, set up "
                    "your authenticator again now: the old one then stops working.",
                )
            return redirect(_next_url(request))
    return render(
        request, "registration/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


@never_cache
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    """Your two-factor sign-in: how many recovery codes are left, and a new set on request."""
    user = request.user
    if not two_factor.has_confirmed_device(user):
        return redirect("two-factor-setup")
    if not user.is_verified():  # type: ignore[union-attr]
        return _to_verify(request)
    if request.method == "POST":
        try:
            codes = two_factor.regenerate_recovery_codes(request=request)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "New recovery codes: the earlier ones no longer work.")
            return _recovery_codes_shown(request, codes)
    return render(
        request,
        "registration/two_factor_overview.html",
        {"left": two_factor.recovery_codes_left(user)},
    )


@require_POST
@secretariat_required
def two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretariat turns off someone's two-factor sign-in after they lost their phone and
    their recovery codes; they set it up again at their next sign-in."""
    person = get_object_or_404(User, pk=pk)
    if two_factor.reset(user=person, by=request.user):
        messages.success(
            request,
            f"Two-factor sign-in of {person.email} is reset: they set up a new authenticator "
            "at their next sign-in.",
        )
    else:
        messages.info(request, f"{person.email} had no two-factor sign-in to reset.")
    return redirect(_next_url(request))


@secretariat_required
def two_factor_people(request: HttpRequest) -> HttpResponse:
    """Everyone with two-factor sign-in on, for the secretariat to reset a lost authenticator."""
    query = request.GET.get("q", "").strip()
    people = selectors.people_with_two_factor(search=query)
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    return render(request, "portal/two_factor_people.html", {"page": page, "q": query})


class ObtainToken(APIView):
    """An API token for an e-mail and password, plus `otp_token` (the six-digit code) for
    anyone who uses two-factor sign-in. Each call issues a new token, which stops working
    after API_TOKEN_LIFETIME_DAYS days, when the password changes, or when revoked."""

    permission_classes = [AllowAny]
    throttle_scope = "sign-in"
    # The rest of the API reads JSON only (portal.parsers); credentials may also come as a
    # form, as for DRF's own token view: every field is text, which a form says as well.
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: IssuedTokenSerializer,
            429: OpenApiResponse(
                inline_serializer("LockedOut", {"detail": serializers.CharField()}),
                description="Too many failed attempts for this e-mail from this address, or "
                "too many requests from this address (see Retry-After).",
            ),
        },
    )
    def post(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        # The shape first: a body that is not an object of strings ([], null, a number) is a
        # 400 before anything is looked up (text that is not text never gets past the parser).
        params = TokenRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        email, password = params.validated_data["username"], params.validated_data["password"]
        # django-axes refuses a locked-out pair inside authenticate(), but its middleware only
        # turns that into the lockout answer for Django's own request, not DRF's: say it here.
        if AxesProxyHandler.is_locked(request._request, {"username": email}):
            return Response(
                {
                    "detail": "Too many failed sign-in attempts: this account is paused from "
                    "this address. Try again later or reset your password."
                },
                status=429,
            )
        user = authenticate(request=request, username=email, password=password)
        if user is None:
            raise serializers.ValidationError(
                {"non_field_errors": ["Unable to log in with provided credentials."]}
            )
        if two_factor.required_for(user) and not two_factor.token_matches(
            user, params.validated_data.get("otp_token", "")
        ):
            raise AuthenticationFailed(
                "Give otp_token: the six-digit code of your authenticator app."
            )
        token, key = account_services.issue_token(user=user)
        return Response({"token": key, "expiry": token.expiry})
