"""Settings are chosen by DJANGO_ENV: ``development`` (the default) or ``production``.

Every value is read from the environment in ``base``; the layers only change defaults and
add the checks a public deployment needs.
"""

import os

if os.environ.get("DJANGO_ENV", "development") == "production":
    from .production import *  # noqa: F403
else:
    from .development import *  # noqa: F403
