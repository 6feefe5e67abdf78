"""Settings shared by every environment, all read through django-environ.

With no variable set Verbale runs embedded: SQLite under ``var/``, Celery tasks executed
in-process, files under ``var/media/``. ``DATABASE_URL``, ``CELERY_BROKER_URL`` and
``STORAGE_URL`` switch to PostgreSQL, Redis and an S3-compatible object store with no code change.
"""

import contextlib
import os
from datetime import timedelta
from pathlib import Path

import environ

from .files import default_storage_from_env

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("VERBALE_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The address people open Verbale at (scheme, host, port, no trailing slash): every absolute
# link in an e-mail (invitations, reminders, activation links) starts with it, since a worker
# sending mail has no request to take the host from. Production refuses to start without it.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").strip().rstrip("/")
# The secretariat's home lists drafts nobody has touched for this many days.
DRAFT_UNTOUCHED_DAYS = env.int("DRAFT_UNTOUCHED_DAYS", default=21)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",  # API tokens: hashed, expiring, several per person, revocable
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "axes",
    "auditlog",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "portal",
    "surveys",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "portal.middleware.InvalidTextMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.network.AuditedAddressMiddleware",  # django-auditlog's, with the trusted address
    "portal.middleware.LoginRequiredMiddleware",
    "portal.middleware.TwoFactorMiddleware",
    # axes must be last: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
    # A service's refusal a page view let through: 403/404/409/400/503 with its message.
    "portal.middleware.ServiceErrorMiddleware",
    # Except for this one, which changes no response and must be innermost to see a view's
    # error first: a view that loses the database answers 503 "Nothing was saved", as the API.
    "portal.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'verbale.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A server keeps its PostgreSQL connection between requests (checked before reuse): opening
# one costs more than a whole autosave. SQLite's file needs no such thing.
DATABASES["default"]["CONN_MAX_AGE"] = env.int(
    "DATABASE_CONN_MAX_AGE",
    default=0 if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" else 60,
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that does not answer at all (rather than refusing) would otherwise hold a
    # request, and /health/, for as long as the operating system waits: give up after a while.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    # axes first, so that a locked-out address never reaches the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Uploads: size limit, and the document types accepted (checked on content, not on names).
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_MB", default=20) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
ALLOWED_UPLOAD_TYPES = {
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.spreadsheet",
    "text/plain",
    "text/csv",
    "image/png",
    "image/jpeg",
}
# Text extraction of attachments (for reviewers' search) runs in a worker, in a child process
# that gets at most EXTRACTION_MEMORY_MB of address space and EXTRACTION_SECONDS; before any
# parser runs, DOCX/XLSX/ODT are refused beyond the unpacked size or compression ratio their ZIP
# directory declares, PDFs beyond a page count. The file is kept, marked with the reason.
EXTRACTION_MAX_UNPACKED_BYTES = env.int("EXTRACTION_MAX_UNPACKED_MB", default=50) * 1024 * 1024
EXTRACTION_MAX_COMPRESSION_RATIO = env.int("EXTRACTION_MAX_COMPRESSION_RATIO", default=100)
EXTRACTION_MAX_PDF_PAGES = env.int("EXTRACTION_MAX_PDF_PAGES", default=2000)
EXTRACTION_MAX_TEXT_BYTES = env.int("EXTRACTION_MAX_TEXT_MB", default=5) * 1024 * 1024
EXTRACTION_MEMORY_BYTES = env.int("EXTRACTION_MEMORY_MB", default=512) * 1024 * 1024
EXTRACTION_SECONDS = env.int("EXTRACTION_SECONDS", default=120)
# Uploads larger than 2.5 MB are spooled here while the request is read; a request cut off by a
# restart leaves its file behind, which the files-sweep task removes after an hour.
FILE_UPLOAD_TEMP_DIR = Path(env.str("FILE_UPLOAD_TEMP_DIR", default=str(VAR_DIR / "uploads")))
with contextlib.suppress(OSError):  # a read-only tree says so at the first large upload
    FILE_UPLOAD_TEMP_DIR.mkdir(parents=True, exist_ok=True)
# Files in MEDIA_ROOT that no row points to (an upload cut off between the file and its row)
# and spooled uploads are removed by the files-sweep task once older than this.
ORPHAN_FILE_AGE = timedelta(minutes=env.int("ORPHAN_FILE_AGE_MINUTES", default=60))
# Activation links sent to nominees expire after this many days (they can be sent again).
ACTIVATION_DAYS = env.int("ACTIVATION_DAYS", default=10)
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60 * 24 * 3)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)
# API tokens (django-rest-knox) stop working this many days after they were issued, and at
# once when their owner's password changes (portal/accounts/services.py).
API_TOKEN_LIFETIME_DAYS = env.int("API_TOKEN_LIFETIME_DAYS", default=30)
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=API_TOKEN_LIFETIME_DAYS),
    "AUTH_HEADER_PREFIX": "Token",  # clients keep sending "Authorization: Token <token>"
    "AUTO_REFRESH": False,  # a token in use still ends on its date
}

# Two-factor authentication (TOTP): required for the secretariat when on; on by default
# outside development. Everyone may set it up, and then always needs it.
SECRETARIAT_TWO_FACTOR = env.bool("SECRETARIAT_TWO_FACTOR", default=not DEBUG)
OTP_TOTP_ISSUER = "Verbale"

# Login attempts: after AXES_FAILURE_LIMIT failures for one e-mail from one address the pair is
# locked for AXES_COOLOFF_TIME; each failure is logged in the axes tables.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
# Reverse proxies of the installation in front of Verbale, each appending to X-Forwarded-For:
# lock-outs, rate limits and the audit trail take the client's address from what they added
# (portal/network.py). 0: no proxy, the header is ignored (anyone can send it).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "portal.network.client_address"

# Content Security Policy: scripts only from Verbale itself (no inline script, no eval);
# inline styles allowed for the Django admin's widgets.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("ar", "العربية"),
    ("zh-hans", "中文"),
    ("en", "English"),
    ("fr", "Français"),
    ("ru", "Русский"),
    ("es", "Español"),
]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
# The catalogs (.po, written by hand; compiled to .mo by `make install` and .ci/run).
LOCALE_PATHS = [BASE_DIR / "locale"]
# UN style dates in English ("29 January 2008"); the other languages keep Django's formats.
FORMAT_MODULE_PATH = ["portal.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
MEDIA_URL = "media/"  # never served directly: files go through permission-checked views
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    # Local disk under MEDIA_ROOT (written under a temporary name and renamed when whole), or,
    # with STORAGE_URL=s3://… or AWS_STORAGE_BUCKET_NAME set, an S3-compatible object store
    # that every machine shares (portal/settings/files.py).
    "default": default_storage_from_env(os.environ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# The cache holds API rate-limit counts. The default is per process: with several gunicorn
# workers set CACHE_URL=redis://host:6379/2 so that they share one count.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Verbale <verbale@localhost>")

# Celery: with no broker configured tasks run in-process (embedded default).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=10 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=9 * 60)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# WeasyPrint holds on to memory between documents: recycle worker processes now and then.
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_WORKER_MAX_TASKS_PER_CHILD", default=50)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Every kind of background job (builds, exports; portal/jobs.py): a job whose worker died is
    # queued again or failed, one nobody started fails, a lost message is sent again.
    "jobs-watchdog": {"task": "portal.jobs_watchdog", "schedule": 60.0},
    # Reminders N days before each open questionnaire's deadline; safe to run more than once.
    "questionnaire-reminders": {"task": "surveys.send_due_reminders", "schedule": 60.0 * 60},
    # Removes stored files no row points to and spooled uploads left by cut-off requests.
    "files-sweep": {"task": "portal.sweep_orphan_files", "schedule": 60.0 * 15},
}

# Report builds (reports/builds/services.py). A running build's worker writes a heartbeat every
# REPORTS_BUILD_HEARTBEAT_SECONDS (unset: 10, or none at all when tasks run in-process); the
# watchdog above takes a build whose heartbeat is silent for REPORTS_BUILD_STALE_SECONDS (never
# less than three beats) for dead and queues it again. A dead worker is noticed within the
# silence plus the watchdog's period: 60 s + 60 s = 120 s by default.
REPORTS_BUILD_HEARTBEAT_SECONDS = env.float("REPORTS_BUILD_HEARTBEAT_SECONDS", default=None)
REPORTS_BUILD_STALE_SECONDS = env.float("REPORTS_BUILD_STALE_SECONDS", default=60)
# A build nobody started within this time fails ("is a Celery worker running?").
REPORTS_BUILD_QUEUE_TIMEOUT_SECONDS = env.float("REPORTS_BUILD_QUEUE_TIMEOUT_SECONDS", default=1800)
# A build still queued after this time has its message sent again (the broker may have lost it).
REPORTS_BUILD_RESEND_SECONDS = env.float("REPORTS_BUILD_RESEND_SECONDS", default=300)
# Celery queue for build tasks ("": the default queue), e.g. for workers sized for WeasyPrint.
REPORTS_BUILD_QUEUE = env.str("REPORTS_BUILD_QUEUE", default="")

# Exports of replies (surveys/review/exports.py), watched by the same watchdog. An export beats
# on its progress (at least every 30 s while it writes rows); silent for EXPORT_STALE_SECONDS it
# fails ("ask again"), as does one nobody started within EXPORT_QUEUE_TIMEOUT_SECONDS; one still
# queued after EXPORT_RESEND_SECONDS has its message sent again.
EXPORT_STALE_SECONDS = env.float("EXPORT_STALE_SECONDS", default=5 * 60)
EXPORT_QUEUE_TIMEOUT_SECONDS = env.float("EXPORT_QUEUE_TIMEOUT_SECONDS", default=30 * 60)
EXPORT_RESEND_SECONDS = env.float("EXPORT_RESEND_SECONDS", default=5 * 60)

# E-mail is sent by the surveys.send_email task, never in the web request. An SMTP server that
# refuses or cannot be reached is tried again EMAIL_MAX_RETRIES times, waiting
# EMAIL_RETRY_BACKOFF_SECONDS, then twice as long each time (at most an hour); then the message
# is marked failed on the e-mail log with the reason.
EMAIL_MAX_RETRIES = env.int("EMAIL_MAX_RETRIES", default=5)
EMAIL_RETRY_BACKOFF_SECONDS = env.int("EMAIL_RETRY_BACKOFF_SECONDS", default=60)
# Celery queue for e-mail ("": the default queue), e.g. so that a long build never delays mail.
EMAIL_QUEUE = env.str("EMAIL_QUEUE", default="")
# A message no worker has tried after MESSAGE_RESEND_SECONDS (an e-mail, a file's text to read)
# was probably lost by the broker: the watchdog sends it again once, and gives up with the
# reason after as long again.
MESSAGE_RESEND_SECONDS = env.float("MESSAGE_RESEND_SECONDS", default=5 * 60)
# Tests only: rendering waits this long, or until REPORTS_TEST_RENDER_GATE (a file) exists, so a
# test can kill a worker or drop its database connections in the middle of a build.
REPORTS_TEST_RENDER_DELAY_SECONDS = 0.0
REPORTS_TEST_RENDER_GATE = ""

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "portal.authentication.AuditedTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["portal.filtering.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "portal.pagination.Pagination",
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "portal.api.exception_handler",
    # Bodies with invalid text, non-finite numbers or absurd nesting are a 400 (portal.parsers).
    # JSON only: form bodies read a missing boolean as false and an empty date as none. The
    # one upload (a reply's attachments) takes multipart on its own action.
    "DEFAULT_PARSER_CLASSES": ["portal.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "portal.parsers.ContentNegotiation",
    "DEFAULT_RENDERER_CLASSES": [
        "portal.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # Anonymous rate limits count by address: the same trusted proxies as portal/network.py.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    # Rate limits (portal/throttling.py), answered with 429 and Retry-After. Per person, far
    # above what autosave needs (one save a second per question being typed); the exchange of
    # a password for a token, per address, well below what guessing would need.
    "DEFAULT_THROTTLE_CLASSES": [
        "portal.throttling.AnonymousRate",
        "portal.throttling.PersonRate",
        "portal.throttling.ScopedRate",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("API_RATE_PERSON", default="600/minute"),
        "anon": env.str("API_RATE_ANONYMOUS", default="60/minute"),
        "sign-in": env.str("API_RATE_SIGN_IN", default="10/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Verbale API",
    "DESCRIPTION": "Questionnaires, replies, coding and reports of the Secretary-General.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI is served from the drf-spectacular-sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ReplyChannelEnum": "surveys.models.Reply.Channel",
        "AnswerStateEnum": "surveys.models.Answer.State",
    },
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # The errors every endpoint may answer with are documented too (portal/openapi.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.openapi.document_error_responses",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"weasyprint": {"level": "ERROR"}, "fontTools": {"level": "ERROR"}},
}
