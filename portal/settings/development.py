"""The embedded default: usable on a laptop with nothing configured."""

import os

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# The demo's secretariat signs in with a password only; set it on to try two-factor sign-in.
SECRETARIAT_TWO_FACTOR = env.bool("SECRETARIAT_TWO_FACTOR", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="verbale-development-only-key-not-for-deployment")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

# The embedded default keeps its database and files under var/: make sure it exists.
VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405
STATIC_ROOT.mkdir(exist_ok=True)  # noqa: F405 - whitenoise warns when it is missing
WHITENOISE_USE_FINDERS = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # Tests use a file, not SQLite's in-memory database: browser tests run the live server in
    # another thread, which must have a connection of its own (one shared in-memory connection
    # used from two threads breaks transactions).
    # One file per test process, so that two runs side by side never share it (Django deletes
    # it when the run ends).
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(VAR_DIR / f"test-verbale-{os.getpid()}.sqlite3")  # noqa: F405
    }
    # Two requests at once (an autosave while a file uploads) each take the write lock when
    # their transaction begins, and the second waits for it; a transaction that reads first
    # and writes later would instead be refused at once with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(  # noqa: F405
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
