"""A mail backend for the worker the e-mail test starts: a mail server that hangs up on every
message, counting the attempts in a file so the test can read them from outside."""

from __future__ import annotations

import os
import smtplib
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        with open(os.environ["REFUSING_MAIL_LOG"], "a", encoding="utf-8") as log:
            log.write("attempt\n")
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
