"""The client's address, as far as Verbale can trust it.

Sign-in lock-outs (django-axes), API rate limits (DRF) and the audit trail all key on the
address a request came from. Behind a reverse proxy the connection's address (REMOTE_ADDR) is
the proxy's, shared by everyone; the client's is in X-Forwarded-For, which each proxy appends
to — but which any client may also fill with whatever it likes. So only the entries added by
the ``TRUSTED_PROXY_COUNT`` proxies of the installation are believed: with one proxy the last
entry (the one it appended), with two the last but one, and so on. With no proxy (0, the
default) the header is ignored altogether.

This is the rule DRF's throttles apply with ``NUM_PROXIES`` (set to the same count), so a
person is one person for lock-outs and for rate limits alike.
"""

from __future__ import annotations

import ipaddress

from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.http import HttpRequest


def _address(text: str) -> str | None:
    """The address in ``text`` (a bare IPv4/IPv6 address, or one with a port), or None."""
    text = text.strip()
    candidates = [text]
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        candidates.append(text[1 : text.index("]")])
    elif text.count(":") == 1:  # 203.0.113.5:443
        candidates.append(text.split(":")[0])
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def client_address(request: HttpRequest) -> str:
    """The address of the person behind ``request`` (see the module's docstring)."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [a for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if count <= 0 or not forwarded:
        return remote
    # A request that passed through fewer proxies than configured carries fewer entries: the
    # first one is then the nearest to the client there is (DRF does the same).
    # Anything that is not an address (a proxy that wrote "unknown") counts for nothing: the
    # connection's address is used rather than text the database would refuse.
    return _address(forwarded[-min(count, len(forwarded))]) or remote


class AuditedAddressMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware, recording the trusted client address.

    The original takes the first X-Forwarded-For entry as it stands: anyone could write an
    address of their choosing into the audit trail, or text that is not an address at all."""

    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:  # type: ignore[override]
        if settings.AUDITLOG_DISABLE_REMOTE_ADDR:
            return None
        return client_address(request)
