"""Celery tasks of reports, by area; workers discover ``reports.tasks`` only, so importing the
areas' task modules here registers them (task names are fixed strings: ``reports.build``,
``reports.watchdog``, ``reports.refresh_coding``)."""

from .builds import tasks as builds_tasks  # noqa: F401
from .coding import tasks as coding_tasks  # noqa: F401
