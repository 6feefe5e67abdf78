"""What happens to replies, announced after the transaction commits to whoever listens.

The reply services say what happened; they do not know who needs to hear it, so ``surveys``
never imports ``reports`` and the reply area never imports the reviewer area. Today the reviewer
area indexes published text for search and reads the text of uploaded files
(``surveys.review.receivers``), and reports refresh their rule-based coding when a reply is
submitted (``reports.receivers``); each app connects its receivers in its ``AppConfig.ready``.

Sent after commit, never inside the transaction: the submission or the upload has happened
whatever becomes of a listener, so a listener that fails (a broker that is down, with tasks run
in-process an indexing error) is logged here and never shown to the focal point as a failure.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

# Keyword arguments: reply_id. A reply was submitted (first submission or an amendment).
reply_submitted = Signal()
# Keyword arguments: reply_id. What reviewers may read of a reply changed without a submission
# (the secretariat restricted an answer or lifted a restriction).
reply_published_changed = Signal()
# Keyword arguments: attachment_id. A file was attached to a reply.
attachment_added = Signal()


def send_on_commit(signal: Signal, **kwargs: int) -> None:
    """Send ``signal`` with ``kwargs`` once the current transaction commits (at once outside
    one); a receiver's error is logged, not raised."""

    def send() -> None:
        for receiver, result in signal.send_robust(sender=None, **kwargs):
            if isinstance(result, Exception):
                logger.error(
                    "%s failed on %s",
                    getattr(receiver, "__qualname__", receiver),
                    kwargs,
                    exc_info=result,
                )

    transaction.on_commit(send)
