"""A public deployment: refuses to start without a secret key and host names."""

import re

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
# Keys that were ever written down somewhere (a compose file, an example, a tutorial) are known
# to everyone who read it: a deployment must never start with one, however long it is.
KNOWN_PLACEHOLDER_KEYS = {
    "change-me-to-64-random-characters-before-any-real-use-0123456789",
    "verbale-development-only-key-not-for-deployment",
}
PLACEHOLDER_WORDS = ("change-me", "changeme", "placeholder", "insecure", "example", "not-for")
HOW_TO_MAKE_A_KEY = '(python -c "import secrets; print(secrets.token_urlsafe(64))")'
if not SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "DJANGO_ENV=production needs SECRET_KEY: at least 50 random characters "
        + HOW_TO_MAKE_A_KEY
        + "."
    )
if SECRET_KEY in KNOWN_PLACEHOLDER_KEYS or any(
    word in SECRET_KEY.lower() for word in PLACEHOLDER_WORDS
):
    raise ImproperlyConfigured(
        "DJANGO_ENV=production refuses this SECRET_KEY: it is a placeholder, not a secret. "
        "Set a random one " + HOW_TO_MAKE_A_KEY + "."
    )
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ENV=production needs ALLOWED_HOSTS, e.g. ALLOWED_HOSTS=verbale.example.org"
    )

# Links in e-mails are written by workers, which have no request to take the address from:
# without SITE_URL they would point at the development default, which nobody can open.
SITE_URL = env.str("SITE_URL", default="").strip().rstrip("/")
if not re.fullmatch(r"https?://[^/\s?#]+(/[^\s?#]*)?", SITE_URL):
    raise ImproperlyConfigured(
        "DJANGO_ENV=production needs SITE_URL, the address people open Verbale at, used for "
        "every link in e-mails, e.g. SITE_URL=https://verbale.example.org"
        + (f" (not {SITE_URL!r})" if SITE_URL else "")
    )

SECRETARIAT_TWO_FACTOR = True  # never optional in a deployment

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
