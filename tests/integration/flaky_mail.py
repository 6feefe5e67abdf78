"""A mail backend for the worker of the invitation and reminder test: a mail server that hangs
up on the first attempt at each message and takes it the second time, writing what it took to
a file the test reads from outside (one JSON line per message)."""

from __future__ import annotations

import json
import os
import smtplib
from pathlib import Path
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


class FlakyBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        folder = Path(os.environ["FLAKY_MAIL_DIR"])
        for message in email_messages:
            key = f"{message.to[0]} {message.subject}"
            tried = folder / "tried.txt"
            seen = tried.read_text(encoding="utf-8").splitlines() if tried.exists() else []
            if key not in seen:
                with tried.open("a", encoding="utf-8") as out:
                    out.write(key + "\n")
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            with (folder / "delivered.jsonl").open("a", encoding="utf-8") as out:
                out.write(
                    json.dumps({"to": message.to, "subject": message.subject, "body": message.body})
                    + "\n"
                )
        return len(email_messages)
