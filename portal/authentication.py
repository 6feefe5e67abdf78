"""API authentication (kept apart from portal.api: DRF imports it while loading its views)."""

from __future__ import annotations

import contextlib
from typing import Any

from auditlog.context import auditlog_value
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from rest_framework import exceptions
from rest_framework.request import Request


class AuditedTokenAuthentication(TokenAuthentication):
    """django-rest-knox token authentication (``Authorization: Token <token>``) that also names
    the person in the audit trail.

    The audit middleware runs before DRF authenticates a token, so it sees an anonymous
    request; once the token is known, the person is recorded as the actor of every change
    the request makes.
    """

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is not None:
            # Outside a request (no audit context) there is nobody to name.
            with contextlib.suppress(LookupError):
                auditlog_value.get()["actor"] = result[0]
        return result

    def authenticate_credentials(self, token: bytes) -> tuple[Any, Any]:
        # knox decodes the header as UTF-8 and would fail with a server error on bytes that
        # are not: such a header is no token of ours.
        try:
            token.decode("utf-8")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        return super().authenticate_credentials(token)


class AuditedTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes these tokens (drf-spectacular finds it by its target)."""

    target_class = AuditedTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return build_bearer_security_scheme_object(
            header_name="Authorization",
            token_prefix="Token",  # noqa: S106 - the word before the token, not a secret
        )
