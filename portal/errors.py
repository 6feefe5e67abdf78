"""The one vocabulary in which services refuse something; nothing was changed when they do.

Services in every app (surveys, reports, accounts) raise these, with a message a person can
read, and know nothing of HTTP. ``HTTP_STATUS`` below is the only place a refusal becomes a
status: pages through ``portal.middleware.ServiceErrorMiddleware``, the API through
``portal.api.exception_handler``. A view catches an error only to show it in place (next to
a field, in a form it renders again); whatever it does not catch is answered by that mapping.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError


class ServiceError(Exception):
    """Refused: nothing was changed. ``message`` is shown to the person, ``field_errors``
    (field name → message) next to the fields concerned."""

    def __init__(self, message: str, *, field_errors: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field_errors: dict[str, str] = dict(field_errors or {})

    @property
    def messages(self) -> list[str]:
        """Every message, the general one first (as Django's ``ValidationError.messages``)."""
        extra = [text for text in self.field_errors.values() if text not in self.message]
        return [self.message, *extra] if self.message else extra

    def __str__(self) -> str:
        return " ".join(self.messages)


class InvalidError(ServiceError):
    """What was sent cannot be accepted as it is (a missing field, a value out of range, an
    action the object's state does not allow)."""

    @classmethod
    def of(cls, problem: str | Mapping[str, str]) -> InvalidError:
        """From one message, or from field → message (the message is all of them)."""
        if isinstance(problem, str):
            return cls(problem)
        return cls(" ".join(problem.values()), field_errors=problem)

    @classmethod
    def from_django(cls, error: DjangoValidationError) -> InvalidError:
        """A model's ``full_clean`` refusal in this vocabulary, its fields kept."""
        fields = (
            {name: " ".join(texts) for name, texts in error.message_dict.items()}
            if hasattr(error, "error_dict")
            else {}
        )
        return cls(" ".join(error.messages), field_errors=fields)


def full_clean(instance: Any, **options: Any) -> None:
    """``instance.full_clean(**options)``, refusing with ``InvalidError`` rather than Django's
    ``ValidationError``, so that services speak one vocabulary."""
    try:
        instance.full_clean(**options)
    except DjangoValidationError as error:
        raise InvalidError.from_django(error) from None


class NotFoundError(ServiceError):
    """The thing named does not exist, or the person may not know that it does."""


class NotAllowedError(ServiceError):
    """The person may not do this (``portal.policy`` says who may)."""


class ConflictError(ServiceError):
    """The thing changed, or is in a state, that makes this request no longer apply."""


class FrozenError(ConflictError):
    """A dispatched questionnaire's questions change only by an explicit, recorded revision."""


class StaleAnswerError(ConflictError):
    """Someone saved this answer since the form was loaded."""

    def __init__(self, message: str, *, current: dict[str, Any]) -> None:
        super().__init__(message)
        self.current = current


class UnavailableError(ServiceError):
    """The server cannot do this now (a full disk, a service down): try again later."""


class StorageError(UnavailableError):
    """The server could not store a file (a full disk): nothing was kept, try again later."""


# The most specific class wins (checked in this order).
HTTP_STATUS: tuple[tuple[type[ServiceError], int], ...] = (
    (NotFoundError, 404),
    (NotAllowedError, 403),
    (ConflictError, 409),
    (UnavailableError, 503),
    (InvalidError, 400),
    (ServiceError, 400),
)


def http_status(error: ServiceError) -> int:
    """The HTTP status for a refusal, the same for pages and the API."""
    for kind, status in HTTP_STATUS:
        if isinstance(error, kind):
            return status
    return 400
