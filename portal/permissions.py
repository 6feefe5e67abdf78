"""The policy (``portal.policy``) as page decorators and DRF permission classes, so that pages
and the API enforce the same rules."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from . import policy

is_secretariat = policy.is_secretariat


def rule_required(
    rule: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Pages only those the rule allows may open (403 for everyone else who is signed in).
    For rules about a person's role, not about one object: those are asked in the view or
    service with the object's ``policy.Standing``."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not policy.allows(request.user, rule):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


secretariat_required = rule_required("secretariat")
review_required = rule_required("review.read")


class Allows(BasePermission):
    """A DRF permission asking one rule of the policy (subclass it naming ``rule``), so that the
    API refuses with the policy's words, as the services do."""

    rule = "secretariat"

    @property
    def message(self) -> str:  # type: ignore[override]
        return policy.REFUSALS[self.rule]

    def has_permission(self, request: Request, view: APIView) -> bool:
        return policy.allows(request.user, self.rule)


class IsSecretariat(Allows):
    rule = "secretariat"


class ReadAnyWriteSecretariat(BasePermission):
    """Any signed-in person reads; only the secretariat writes (e.g. the respondents registry)."""

    message = "Only the secretariat may change this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or policy.allows(request.user, "secretariat")
