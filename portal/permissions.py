"""Role checks shared by pages and the API, so that both enforce the same rules."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView


def is_secretariat(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_secretariat)


def secretariat_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages only the secretariat may open (403 for everyone else who is signed in)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_secretariat(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


class IsSecretariat(BasePermission):
    message = "Only the secretariat may do this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_secretariat(request.user)


class ReadAnyWriteSecretariat(BasePermission):
    """Any signed-in person reads; only the secretariat writes (e.g. the respondents registry)."""

    message = "Only the secretariat may change this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or is_secretariat(request.user)
