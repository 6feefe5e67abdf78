"""Settings for the worker a test kills in the middle of a build: rendering waits first."""

from portal.settings import *  # noqa: F403

REPORTS_TEST_RENDER_DELAY_SECONDS = 60
REPORTS_BUILD_HEARTBEAT_SECONDS = 1
