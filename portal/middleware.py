"""Every page needs a login unless its view says otherwise with ``@login_not_required``; no
request carries text Verbale could not store."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect
from django.urls import Resolver404, ResolverMatch, resolve, reverse
from django_otp import user_has_device
from rest_framework.views import APIView

from . import text, two_factor


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Django's middleware, except for API views.

    DRF authenticates tokens inside the view, after middleware has run, so a token request
    would look anonymous here and be redirected to the login page. API views enforce
    authentication themselves (``DEFAULT_PERMISSION_CLASSES``) and answer 401/403.
    """

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        view_class = getattr(view_func, "cls", None)
        if view_class is not None and issubclass(view_class, APIView):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class TwoFactorMiddleware:
    """Sends a signed-in person who must use a second factor to set it up or to give a code
    before anything else (pages redirect; API calls through the session get 403)."""

    OPEN = frozenset({"two-factor-setup", "two-factor-verify", "logout", "health", "login"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()  # type: ignore[union-attr]
            and not request.path_info.startswith(("/static/", "/api/v1/auth/token/"))
            and two_factor.required_for(user)
        ):
            match = resolve_or_none(request.path_info)
            if match is None or match.url_name not in self.OPEN:
                if request.path_info.startswith("/api/"):
                    return JsonResponse(
                        {
                            "detail": "Give your two-factor code in the pages first, or use an "
                            "API token."
                        },
                        status=403,
                    )
                has_device = user_has_device(user, confirmed=True)
                target = reverse("two-factor-verify" if has_device else "two-factor-setup")
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


def resolve_or_none(path: str) -> ResolverMatch | None:
    try:
        return resolve(path)
    except Resolver404:
        return None


class InvalidTextMiddleware:
    """Refuses, with a 400 and before any view runs, a query string or form whose text holds
    a NUL (which PostgreSQL cannot store) or a lone surrogate.

    Django decodes forms with replacement characters, so surrogates rarely get this far; NUL
    does, and would reach a search or an autosave. JSON bodies are checked by the API's parser
    (``portal.parsers``)."""

    FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = text.strings_problem(request.GET.items())
        if problem is None and request.content_type in self.FORMS:
            try:
                problem = text.strings_problem(request.POST.items())
            except MultiPartParserError:  # no boundary, a truncated body…
                problem = "The form could not be read: nothing was saved."
        if problem is None:
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": problem}, status=400)
        return HttpResponseBadRequest(problem, content_type="text/plain; charset=utf-8")
