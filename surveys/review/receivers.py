"""What the reviewer area does when a reply changes (connected in ``SurveysConfig.ready``)."""

from __future__ import annotations

from typing import Any

from .tasks import queue_reply_index, queue_text_extraction


def index_reply(sender: Any, *, reply_id: int, **kwargs: Any) -> None:
    """A submission or a change of restriction changes what search finds."""
    queue_reply_index(reply_id)


def extract_text(sender: Any, *, attachment_id: int, **kwargs: Any) -> None:
    """A new file's text is read in a worker, then indexed."""
    queue_text_extraction(attachment_id)
