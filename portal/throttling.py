"""API rate limits: per person, per address for anonymous callers, and a stricter one for
exchanging a password for a token. The rates are settings (``API_RATE_*``).

The counts live in Django's cache: with several gunicorn workers that must be a shared cache
(``CACHE_URL=redis://…``, as docker-compose.yml sets), or each worker counts on its own and
the real limit is the rate times the number of workers.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle


class _RatesFromSettings:
    """DRF copies the rates into the class when it is first imported; these read them on
    each request instead, so that changed settings (tests, a reload) take effect."""

    scope: str | None

    def get_rate(self) -> str | None:
        rates = api_settings.DEFAULT_THROTTLE_RATES
        if self.scope not in rates:
            raise ImproperlyConfigured(f"No API rate is set for the scope {self.scope!r}.")
        return rates[self.scope]


class AnonymousRate(_RatesFromSettings, AnonRateThrottle):
    """Callers not signed in, by address (the trusted one: REST_FRAMEWORK NUM_PROXIES)."""


class PersonRate(_RatesFromSettings, UserRateThrottle):
    """Signed-in people (session or token), each on their own count."""


class ScopedRate(_RatesFromSettings, ScopedRateThrottle):
    """Views that name a ``throttle_scope`` (the token endpoint) have a count of their own."""
