"""Settings of the worker whose database connections a test drops in the middle of a build:
a quick heartbeat, and rendering held until the test opens the gate (a file)."""

import os

from portal.settings import *  # noqa: F403

REPORTS_BUILD_HEARTBEAT_SECONDS = 0.5
REPORTS_TEST_RENDER_DELAY_SECONDS = 120
REPORTS_TEST_RENDER_GATE = os.environ["REPORTS_TEST_RENDER_GATE"]
