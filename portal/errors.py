"""Errors a service raises for a person to read; views and the API turn them into messages."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """Refused: nothing was changed. ``message`` is shown to the person."""

    status = 400

    def __init__(self, message: str, *, field_errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


class NotAllowedError(ServiceError):
    status = 403


class StorageError(ServiceError):
    """The server could not store a file (a full disk): nothing was kept, try again later."""

    status = 503


class FrozenError(ServiceError):
    """A dispatched questionnaire's questions change only by an explicit, recorded revision."""

    status = 409


class StaleAnswerError(ServiceError):
    """Someone saved this answer since the form was loaded."""

    status = 409

    def __init__(self, message: str, *, current: dict[str, Any]) -> None:
        super().__init__(message)
        self.current = current
