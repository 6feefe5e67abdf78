"""Every page needs a login unless its view says otherwise with ``@login_not_required``."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponse
from rest_framework.views import APIView


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
