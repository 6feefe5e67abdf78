"""API tokens and account events.

A token (django-rest-knox: only a hash of it is stored) lasts ``API_TOKEN_LIFETIME_DAYS``
days, ends with the password it was obtained with, and can be revoked by its owner or by the
secretariat. Every step that gives, uses or takes away access — an activation link sent or
used, a password reset asked for, a password set, a token issued or revoked — is an entry of
the audit trail, named after the person whose account it is.
"""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from knox.models import AuthToken

from .. import policy
from ..errors import NotAllowedError


def record(*, user: Any, change: str, detail: str, actor: Any = None) -> LogEntry:
    """An entry of the audit trail about ``user``'s account. Its actor is whoever is signed in
    for the request being served (django-auditlog fills it in, with the address), else
    ``actor``; with neither, someone signed out, known by their address only."""
    entry = LogEntry.objects.log_create(
        user, force_log=True, action=LogEntry.Action.UPDATE, changes={change: ["", detail]}
    )
    if entry.actor_id is None and actor is not None:
        entry.actor, entry.actor_email = actor, getattr(actor, "email", None)
        entry.save(update_fields=["actor", "actor_email"])
    return entry


# --- API tokens ---------------------------------------------------------------------------


def live_tokens() -> QuerySet[AuthToken]:
    """Tokens that still work (knox deletes an expired one only when it is next presented)."""
    return (
        AuthToken.objects.filter(expiry__gt=timezone.now())
        .select_related("user")
        .order_by("-created")
    )


def tokens_visible_to(person: Any) -> QuerySet[AuthToken]:
    """The secretariat sees everyone's tokens; anyone else only their own."""
    tokens = live_tokens()
    return tokens if policy.is_secretariat(person) else tokens.filter(user=person)


@transaction.atomic
def issue_token(*, user: Any) -> tuple[AuthToken, str]:
    """A new token for ``user`` (who has proved their password, and code if they use one).
    Returns the row and the token itself, which is shown once and never stored."""
    token, key = AuthToken.objects.create(user=user)
    record(
        actor=user,
        user=user,
        change="API token",
        detail=f"issued: {token.token_key[:8]}…, expires {token.expiry:%Y-%m-%d %H:%M} UTC",
    )
    return token, key


@transaction.atomic
def revoke_token(*, token: AuthToken, by: Any) -> None:
    """Its owner or the secretariat ends a token at once."""
    if token.user_id != by.pk and not policy.is_secretariat(by):
        raise NotAllowedError("Only its owner or the secretariat can revoke this token.")
    AuthToken.objects.filter(digest=token.digest).delete()
    record(user=token.user, change="API token", detail=f"revoked: {token.token_key[:8]}…")


@transaction.atomic
def revoke_all_tokens(*, user: Any, reason: str) -> int:
    count, _ = AuthToken.objects.filter(user=user).delete()
    if count:
        record(user=user, change="API tokens", detail=f"{count} revoked: {reason}", actor=user)
    return count


# --- passwords ----------------------------------------------------------------------------


def password_changed(*, user: Any) -> None:
    """Called by ``User.save`` once a new password is stored, however it was set (activation,
    change, reset, the admin): tokens obtained with the old one stop working, since whoever
    knew the old password may have obtained them."""
    revoke_all_tokens(user=user, reason="the password changed")
    # Signed out, only the owner can set their password (with their activation or reset link).
    record(user=user, change="password", detail="changed", actor=user)


def password_reset_sent(*, user: Any) -> None:
    """Anyone may ask for a reset link for any address: the entry names no actor, and the
    link goes only to the account's own address."""
    record(user=user, change="password reset", detail="link e-mailed to the account's address")
