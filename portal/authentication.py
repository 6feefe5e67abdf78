"""API authentication (kept apart from portal.api: DRF imports it while loading its views)."""

from __future__ import annotations

import contextlib
from typing import Any

from auditlog.context import auditlog_value
from rest_framework.authentication import TokenAuthentication
from rest_framework.request import Request


class AuditedTokenAuthentication(TokenAuthentication):
    """Token authentication that also names the person in the audit trail.

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
