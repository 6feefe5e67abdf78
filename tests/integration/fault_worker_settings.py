"""Settings of the worker the broker-restart test starts: a lost build message is sent again
after one second instead of five minutes."""

from portal.settings import *  # noqa: F403

REPORTS_BUILD_RESEND_SECONDS = 1
