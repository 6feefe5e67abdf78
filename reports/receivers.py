"""What reports do when something happens in surveys (connected in ``ReportsConfig.ready``)."""

from __future__ import annotations

from typing import Any

from .tasks import queue_coding_refresh


def refresh_coding(sender: Any, *, reply_id: int, **kwargs: Any) -> None:
    """A submitted reply may join or leave the rule-based attribution sets of reports."""
    queue_coding_refresh(reply_id)
