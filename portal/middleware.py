"""Every page needs a login unless its view says otherwise with ``@login_not_required``; no
request carries text Verbale could not store."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.urls import Resolver404, ResolverMatch, resolve, reverse
from rest_framework.views import APIView

from . import errors, outage, text, two_factor


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
    """A signed-in person who must use a second factor and has not given it yet may only give
    it (or, before their first authenticator exists, set one up) or sign out.

    Pages redirect to the code page (or the set-up page on first enrolment); API calls through
    the session get 403. The set-up page is closed to such a session once a confirmed device
    exists: with it open, the password alone would let anyone enrol a phone of their own.
    API tokens are asked for with the password and a code (``ObtainToken``), not the session.
    """

    ALWAYS_OPEN = frozenset({"two-factor-verify", "logout", "health"})
    FIRST_ENROLMENT = frozenset({"two-factor-setup"})

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
            enrolled = two_factor.has_confirmed_device(user)
            open_names = self.ALWAYS_OPEN if enrolled else self.ALWAYS_OPEN | self.FIRST_ENROLMENT
            match = resolve_or_none(request.path_info)
            if match is None or match.view_name not in open_names:
                if request.path_info.startswith("/api/"):
                    return JsonResponse(
                        {
                            "detail": "Give your two-factor code in the pages first, or use an "
                            "API token."
                        },
                        status=403,
                    )
                target = reverse("two-factor-verify" if enrolled else "two-factor-setup")
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


def resolve_or_none(path: str) -> ResolverMatch | None:
    try:
        return resolve(path)
    except Resolver404:
        return None


class DatabaseUnavailableMiddleware:
    """A view that loses the database answers 503 with ``Retry-After`` and "Nothing was saved"
    (JSON for scripts, a page otherwise), as the API does, instead of a 500 page that the reply
    form's script could only call an error (see ``portal.outage``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, outage.OUTAGE_ERRORS):
            return None
        outage.logger.warning(
            "The database went away during %s %s: answered 503",
            request.method,
            request.path,
            exc_info=exception,
        )
        return outage.database_unavailable(request)


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


class ServiceErrorMiddleware:
    """The one place a page turns a service's refusal into a response: the status comes from
    ``portal.errors.http_status`` (as in the API), the message is the service's own.

    Views catch a ``ServiceError`` only to show it in place (next to a field, in the form they
    render again); whatever they let through ends here. ``NotAllowedError`` gets the site's
    403 page, ``NotFoundError`` its 404 page; a script that asked for JSON gets
    ``{"error": message}``. API views never get here: DRF answers inside the view
    (``portal.api.exception_handler``)."""

    TEMPLATES = {403: "403.html", 404: "404.html"}

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, errors.ServiceError):
            return None
        status = errors.http_status(exception)
        if "application/json" in request.headers.get("Accept", ""):
            return JsonResponse({"error": exception.message}, status=status)
        template = self.TEMPLATES.get(status, "refused.html")
        return render(request, template, {"message": exception.message}, status=status)
