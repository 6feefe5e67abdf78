"""Dispatch, nominations and e-mail: who receives a questionnaire, who acts for a respondent,
and every message Verbale sends (each one logged for the secretariat)."""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from celery import current_app
from celery.exceptions import Retry
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Prefetch, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal.errors import InvalidError

from ..models import LANGUAGES, Activation, EmailLog, Membership, Questionnaire, Reply, Respondent
from . import messages

User = get_user_model()
logger = logging.getLogger(__name__)


def _in_force(on: datetime.date) -> Q:
    return (Q(names__valid_from__isnull=True) | Q(names__valid_from__lte=on)) & (
        Q(names__valid_to__isnull=True) | Q(names__valid_to__gte=on)
    )


def select_recipients(
    *,
    on: datetime.date,
    all_member_states: bool = False,
    regional_groups: Iterable[str] = (),
    kinds: Iterable[str] = (),
    respondent_ids: Iterable[int] = (),
) -> list[Respondent]:
    """Recipients chosen as all Member States, by regional group, by kind or one by one (the
    union of what is asked), among respondents that exist on ``on``."""
    wanted = Q(pk__in=list(respondent_ids))
    if all_member_states:
        wanted |= Q(kind=Respondent.Kind.MEMBER_STATE)
    if groups := list(regional_groups):
        wanted |= Q(regional_group__in=groups)
    if kinds := list(kinds):
        wanted |= Q(kind__in=kinds)
    existing = Respondent.objects.filter(_in_force(on)).values("pk")
    return list(Respondent.objects.filter(wanted, pk__in=existing).order_by("code"))


@transaction.atomic
def dispatch_questionnaire(
    *,
    questionnaire: Questionnaire,
    by: Any,
    respondents: Iterable[Respondent],
    reference: str = "",
    sent_on: datetime.date | None = None,
) -> int:
    """Send the questionnaire to respondents: freezes its questions and opens a reply for each.

    Safe to repeat, and to call again later to add recipients. Returns how many were added.
    """
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if questionnaire.status == Questionnaire.Status.CLOSED:
        raise InvalidError("This questionnaire is closed.")
    if not questionnaire.sections.filter(questions__isnull=False).exists():
        raise InvalidError("Add at least one question before dispatching.")
    respondents = list(respondents)
    if not respondents and not questionnaire.replies.exists():
        raise InvalidError("Choose at least one recipient.")
    if questionnaire.status == Questionnaire.Status.DRAFT:
        questionnaire.status = Questionnaire.Status.DISPATCHED
        questionnaire.dispatched_at = timezone.now()
        questionnaire.sent_on = sent_on or questionnaire.sent_on or timezone.localdate()
        if reference:
            questionnaire.reference = reference
        questionnaire.save()
    existing = set(questionnaire.replies.values_list("respondent_id", flat=True))
    new = [
        Reply(
            questionnaire=questionnaire,
            respondent=r,
            dispatch_reference=reference or questionnaire.reference,
        )
        for r in respondents
        if r.pk not in existing
    ]
    Reply.objects.bulk_create(new)
    invite(
        questionnaire=questionnaire,
        replies=questionnaire.replies.filter(respondent__in=[r.respondent for r in new]),
        by=by,
    )
    return len(new)


def reply_link(reply: Reply) -> str:
    """The absolute address of a reply's form: what an invitation or a reminder links to."""
    return settings.SITE_URL + reverse("surveys:reply-form", kwargs={"pk": reply.pk})


# Django's codes for the six languages a person corresponds in (Chinese: simplified).
DJANGO_LANGUAGES = {"zh": "zh-hans"}


def email_language(membership: Membership) -> str:
    """The language of a person's e-mails: the one they correspond in, else English."""
    code = membership.language or "en"
    return DJANGO_LANGUAGES.get(code, code)


def deadline_text(questionnaire: Questionnaire) -> str:
    """The deadline as the active language writes a date ("15 December 2007" in English)."""
    return date_format(questionnaire.deadline, "DATE_FORMAT")


def invite(*, questionnaire: Questionnaire, replies: Iterable[Reply], by: Any) -> int:
    """E-mail every active focal point and expert of each reply's respondent a direct link to
    the reply, in the language they correspond in (queued on commit, like every message).
    Returns how many were written."""
    written = 0
    for reply in replies:
        for membership in people_of(reply.respondent, INVITED_ROLES):
            with translation.override(email_language(membership)):
                deadline = deadline_text(questionnaire)
                send_email(
                    kind=EmailLog.Kind.INVITATION,
                    to=membership.user.email,
                    subject=_("Questionnaire: %(title)s — replies requested by %(deadline)s")
                    % {"title": questionnaire.title, "deadline": deadline},
                    template="surveys/email/invitation.txt",
                    context={
                        "questionnaire": questionnaire,
                        "respondent": reply.respondent,
                        "membership": membership,
                        "deadline": deadline,
                        "link": reply_link(reply),
                    },
                    questionnaire=questionnaire,
                    respondent=reply.respondent,
                    reply=reply,
                    by=by,
                )
            written += 1
    return written


@transaction.atomic
def close_questionnaire(*, questionnaire: Questionnaire, by: Any) -> Questionnaire:
    questionnaire.status = Questionnaire.Status.CLOSED
    questionnaire.save(update_fields=["status", "updated_at"])
    return questionnaire


# --- e-mail -------------------------------------------------------------------------------


# The task that sends a logged message (surveys.tasks.send_email), sent by name: tasks are an
# interface on top of the services, like views.
EMAIL_TASK = "surveys.send_email"
# What an SMTP server that refuses, drops or cannot be reached raises (socket errors are
# OSErrors): the task tries again later. Anything else is a bug and fails the message at once.
EMAIL_ERRORS: tuple[type[Exception], ...] = (smtplib.SMTPException, OSError)


def send_email(
    *,
    kind: str,
    to: str,
    subject: str,
    template: str,
    context: dict[str, Any],
    private_context: dict[str, tuple[str, str]] | None = None,
    questionnaire: Questionnaire | None = None,
    respondent: Respondent | None = None,
    reply: Reply | None = None,
    by: Any = None,
) -> EmailLog:
    """Log the message as queued, and queue its sending once the transaction commits (never for
    a rolled-back change): the ``surveys.send_email`` task sends it, tries again on SMTP errors
    and records on the log whether it was sent or failed, and why.

    ``private_context`` maps a template variable to (what the person receives, what the log
    keeps): a one-time link is a key to the account, and whoever reads the log (any member of
    the secretariat, a database dump) must not be able to use it. Such a message travels to the
    worker in the task's arguments only, never in a row."""
    private_context = private_context or {}
    sent = {name: value for name, (value, _logged) in private_context.items()}
    logged = {name: text for name, (_value, text) in private_context.items()}
    body = render_email(template, {**context, **sent})
    log = EmailLog.objects.create(
        kind=kind,
        to=to,
        subject=subject,
        body=render_email(template, {**context, **logged}) if private_context else body,
        questionnaire=questionnaire,
        respondent=respondent,
        reply=reply,
        sent_by=by if getattr(by, "pk", None) else None,
        status=EmailLog.Status.QUEUED,
    )
    private_body = body if private_context else None

    def queue() -> None:
        try:
            _send_task(log.pk, private_body)
        except Exception as error:
            # A broker that is down, or (tasks run in-process, errors propagated) the sending
            # itself: the change the message is about has happened; the log says the message
            # did not go, and why.
            logger.exception("E-mail %s was not sent", log.pk)
            if isinstance(error, Retry) and error.exc is not None:
                error = error.exc  # the first attempt's error, raised as Celery's Retry
            tried = EmailLog.objects.filter(pk=log.pk, attempts__gt=0).exists()
            record_email_error(
                log_id=log.pk,
                error=error,
                final=True,
                prefix="" if tried else "Could not be queued for sending: ",
            )

    transaction.on_commit(queue)
    return log


def render_email(template: str, context: dict[str, Any]) -> str:
    """A message's text, as sent and as previewed: links start with ``SITE_URL``."""
    return render_to_string(template, {**context, "site_url": settings.SITE_URL})


def _send_task(log_id: int, private_body: str | None) -> None:
    current_app.signature(EMAIL_TASK).apply_async(
        args=[log_id],
        kwargs={"body": private_body} if private_body else {},
        **({"queue": settings.EMAIL_QUEUE} if settings.EMAIL_QUEUE else {}),
    )


def deliver_email(*, log_id: int, body: str | None = None) -> EmailLog | None:
    """Send one logged message (the ``surveys.send_email`` task); ``body`` is the text with its
    private parts when the log keeps another. An SMTP error goes up for the task to try again
    (:func:`record_email_error`); a message already sent is not sent twice."""
    log = EmailLog.objects.filter(pk=log_id).first()
    if log is None or log.status == EmailLog.Status.SENT:
        return log
    EmailLog.objects.filter(pk=log_id).update(attempts=F("attempts") + 1)
    send_mail(log.subject, body or log.body, settings.DEFAULT_FROM_EMAIL, [log.to])
    EmailLog.objects.filter(pk=log_id).update(
        status=EmailLog.Status.SENT, error="", delivered_at=timezone.now()
    )
    log.refresh_from_db()
    return log


def resend_lost_emails(now: datetime.datetime) -> dict[str, list[int]]:
    """The watchdog's sweep of e-mail (``portal.jobs``): a message still queued that no worker
    has tried after ``MESSAGE_RESEND_SECONDS`` was probably lost by the broker. It is sent again
    once; one whose text held a one-time link cannot be (that text is kept nowhere) and is
    marked failed, so that the secretariat sends a new link; one still untried after being sent
    again is marked failed with the reason. Sending is idempotent (:func:`deliver_email`)."""
    wait = datetime.timedelta(seconds=settings.MESSAGE_RESEND_SECONDS)
    untried = EmailLog.objects.filter(status=EmailLog.Status.QUEUED, attempts=0)
    given_up = list(untried.filter(resent_at__lt=now - wait).values_list("pk", flat=True)) + list(
        untried.filter(
            resent_at__isnull=True, sent_at__lt=now - wait, kind=EmailLog.Kind.ACTIVATION
        ).values_list("pk", flat=True)
    )
    EmailLog.objects.filter(pk__in=given_up).update(
        status=EmailLog.Status.FAILED,
        error="No worker sent this message (it was probably lost while the message queue "
        "restarted). Send it again from Verbale.",
    )
    resent = list(
        untried.filter(resent_at__isnull=True, sent_at__lt=now - wait).values_list("pk", flat=True)
    )
    for log_id in resent:
        # Marked first: a broker still down must not make the next sweep send it twice.
        if EmailLog.objects.filter(pk=log_id, resent_at__isnull=True).update(resent_at=now):
            try:
                _send_task(log_id, None)
            except Exception:
                logger.exception("E-mail %s could not be queued again", log_id)
    return {"failed": given_up, "sent again": resent}


def record_email_error(*, log_id: int, error: BaseException, final: bool, prefix: str = "") -> None:
    """Show on the log why an attempt to send failed: still queued while the task tries again,
    failed once it has given up."""
    reason = f"{prefix}{type(error).__name__}: {error}"[:2000]
    if final:
        status, text = EmailLog.Status.FAILED, reason
    else:
        status, text = EmailLog.Status.QUEUED, f"{reason} (trying again)"
    EmailLog.objects.filter(pk=log_id).exclude(status=EmailLog.Status.SENT).update(
        status=status, error=text
    )


INVITED_ROLES = (Membership.Role.FOCAL_POINT, Membership.Role.EXPERT)


def _active(memberships: QuerySet[Membership], roles: Iterable[str]) -> QuerySet[Membership]:
    return (
        memberships.filter(is_active=True, role__in=list(roles), user__is_active=True)
        .select_related("user")
        .order_by("role", "user__email")
    )


def people_of(respondent: Respondent, roles: Iterable[str]) -> list[Membership]:
    """The active memberships of a respondent in the given roles, with their users."""
    return list(_active(respondent.memberships.all(), roles))


def focal_points(respondent: Respondent) -> list[Any]:
    return [m.user for m in people_of(respondent, [Membership.Role.FOCAL_POINT])]


def without_focal_point(respondent_ids: Iterable[int]) -> set[int]:
    """Which of these respondents have no active focal point: nobody can submit their reply,
    and nobody receives its invitation until their mission nominates one."""
    ids = set(respondent_ids)
    having = Membership.objects.filter(
        respondent_id__in=ids,
        role=Membership.Role.FOCAL_POINT,
        is_active=True,
        user__is_active=True,
    ).values_list("respondent_id", flat=True)
    return ids - set(having)


# --- nominations and activation -----------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def nominate(
    *,
    respondent: Respondent,
    email: str,
    full_name: str,
    role: str,
    by: Any,
    nomination_reference: str = "",
    language: str = "",
) -> Membership:
    """Register a person nominated by their government and send them an activation link."""
    if language and language not in dict(LANGUAGES):
        raise InvalidError("Choose one of the six languages.", field_errors={"language": "?"})
    if role not in Membership.Role.values:
        raise InvalidError("Choose focal point, expert or observer.", field_errors={"role": "?"})
    email = email.strip().lower()
    try:
        from django.core.validators import validate_email

        validate_email(email)
    except ValidationError:
        raise InvalidError(
            "Enter a valid e-mail address.", field_errors={"email": "Invalid."}
        ) from None
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, full_name=full_name.strip())
    elif user.role:
        raise InvalidError("This address belongs to secretariat or reviewer staff.")
    membership, _ = Membership.objects.update_or_create(
        user=user,
        respondent=respondent,
        defaults={
            "role": role,
            "nomination_reference": nomination_reference.strip(),
            "language": language,
            "is_active": True,
        },
    )
    if is_activated(user):
        # They already chose a password: a new one-time link would only be a second way into
        # the account. Tell them what changed; a forgotten password is reset by its owner.
        send_email(
            kind=EmailLog.Kind.OTHER,
            to=user.email,
            subject="Verbale: your access as " + membership.get_role_display().lower(),
            template="surveys/email/nomination.txt",
            context={"membership": membership},
            respondent=respondent,
            by=by,
        )
    else:
        send_activation(membership=membership, by=by)
    return membership


ACTIVATION_LINK_REMOVED = "[activation link removed]"
ALREADY_ACTIVATED = (
    "{email} has already activated their access and signs in with their own password. "
    "If they have forgotten it, they choose a new one with “Forgotten your password?” on the "
    "sign-in page: Verbale sends no new activation link for an active account."
)


def is_activated(user: Any) -> bool:
    """Whether the person has chosen a password (through their activation link or otherwise)."""
    return user.has_usable_password()


@transaction.atomic
def send_activation(*, membership: Membership, by: Any) -> Activation:
    """A new one-time link (earlier unused links stop working), only while the person has not
    activated their access: afterwards the link would let whoever holds it set the password
    of an account in use. The link goes to the person only; the e-mail log keeps the message
    without it."""
    if is_activated(membership.user):
        raise InvalidError(ALREADY_ACTIVATED.format(email=membership.user.email))
    membership.activations.filter(used_at__isnull=True).update(expires_at=timezone.now())
    token = secrets.token_urlsafe(32)
    activation = Activation.objects.create(
        membership=membership,
        token_hash=_token_hash(token),
        expires_at=timezone.now() + datetime.timedelta(days=settings.ACTIVATION_DAYS),
    )
    send_email(
        kind=EmailLog.Kind.ACTIVATION,
        to=membership.user.email,
        subject="Verbale: your access as " + membership.get_role_display().lower(),
        template="surveys/email/activation.txt",
        context={"membership": membership, "days": settings.ACTIVATION_DAYS},
        private_context={
            "link": (
                settings.SITE_URL + reverse("activate", args=[token]),
                ACTIVATION_LINK_REMOVED,
            )
        },
        respondent=membership.respondent,
        by=by,
    )
    return activation


def activation_for(token: str) -> Activation | None:
    activation = (
        Activation.objects.select_related("membership__user")
        .filter(token_hash=_token_hash(token))
        .first()
    )
    if activation is None or activation.used_at or activation.expires_at <= timezone.now():
        return None
    return activation


@transaction.atomic
def activate(*, token: str, password: str) -> Any:
    activation = activation_for(token)
    if activation is None:
        raise InvalidError(
            "This activation link has expired or has been used. Ask the "
            "secretariat to send a new one."
        )
    user = activation.membership.user
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise InvalidError(
            " ".join(error.messages), field_errors={"password": " ".join(error.messages)}
        ) from None
    user.set_password(password)
    user.is_active = True
    user.save()
    activation.used_at = timezone.now()
    activation.save(update_fields=["used_at"])
    return user


# --- reminders ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reminded:
    """The outcome for one recipient: the addresses reminded, or why it was skipped."""

    reply: Reply
    people: tuple[Membership, ...] = ()
    skipped: str = ""

    @property
    def to(self) -> list[str]:
        return [m.user.email for m in self.people]


@dataclass(frozen=True)
class ReminderResult:
    reminded: list[Reminded] = field(default_factory=list)
    skipped: list[Reminded] = field(default_factory=list)

    @property
    def sent(self) -> int:
        return sum(len(r.to) for r in self.reminded)


SKIP_SUBMITTED = "already submitted"
SKIP_WITHDRAWN = "reply withdrawn"
SKIP_NO_FOCAL_POINT = "no active focal point"
SKIP_REMINDED = "already reminded since {since:%-d %B %Y}"


def reminder_text(questionnaire: Questionnaire, language: str) -> str:
    """The secretariat's reminder text in a language, else in English, else the standard one."""
    texts = questionnaire.reminder_texts or {}
    return texts.get(language) or texts.get("en") or messages.DEFAULT_REMINDER_TEXT


@transaction.atomic
def save_reminder_texts(
    *, questionnaire: Questionnaire, texts: dict[str, str], by: Any
) -> Questionnaire:
    """Keep the reminder's text per language; a text with an unknown placeholder is refused
    (nothing is saved) with the language and the reason."""
    errors = {}
    for language, text in texts.items():
        try:
            messages.check_text(text)
        except messages.PlaceholderError as error:
            errors[f"text_{language}"] = str(error)
    if errors:
        raise InvalidError(
            "The reminder text was not saved: " + " ".join(errors.values()), field_errors=errors
        )
    questionnaire.reminder_texts = {lang: text for lang, text in texts.items() if text.strip()}
    questionnaire.save(update_fields=["reminder_texts", "updated_at"])
    return questionnaire


def running_text_name(respondent: Respondent) -> str:
    """The name in force today as running text writes it ("the Niger", not "Niger")."""
    name = respondent.name_on(timezone.localdate())
    return (name.text_name or name.list_name) if name else str(respondent)


def reminder_email(reply: Reply, membership: Membership) -> dict[str, Any]:
    """The reminder one person receives (subject, template, context): what is sent and what
    the preview shows are the same message."""
    questionnaire = reply.questionnaire
    deadline = deadline_text(questionnaire)
    text = messages.fill(
        reminder_text(questionnaire, membership.language),
        {
            "respondent": running_text_name(reply.respondent),
            "deadline": deadline,
            "link": reply_link(reply),
        },
    )
    return {
        "subject": _("Reminder: %(title)s — replies due %(deadline)s")
        % {"title": questionnaire.title, "deadline": deadline},
        "template": "surveys/email/reminder.txt",
        "context": {"questionnaire": questionnaire, "user": membership.user, "text": text},
    }


def reminder_language(questionnaire: Questionnaire, membership: Membership) -> str:
    """The language a reminder goes out in (frame, subject and date with the text): the
    person's, when the secretariat wrote the reminder in it; otherwise English, the text's
    fallback. Call :func:`reminder_email` inside ``translation.override`` of it."""
    code = membership.language or "en"
    if code not in (questionnaire.reminder_texts or {}):
        code = "en"
    return DJANGO_LANGUAGES.get(code, code)


def preview_reminder(reply: Reply) -> dict[str, Any] | None:
    """The reminder the first focal point of this reply's respondent would receive now (to,
    subject, body), or None when nobody would."""
    people = people_of(reply.respondent, [Membership.Role.FOCAL_POINT])
    if not people:
        return None
    with translation.override(reminder_language(reply.questionnaire, people[0])):
        message = reminder_email(reply, people[0])
        return {
            "to": people[0].user.email,
            "subject": message["subject"],
            "body": render_email(message["template"], message["context"]),
        }


def _reminder_sent_since(reply: Reply, since: datetime.date) -> bool:
    return EmailLog.objects.filter(
        kind=EmailLog.Kind.REMINDER,
        questionnaire=reply.questionnaire_id,
        respondent=reply.respondent_id,
        sent_at__date__gte=since,
    ).exists()


def plan_reminders(
    *,
    questionnaire: Questionnaire,
    since: datetime.date | None = None,
    respondent_ids: Iterable[int] | None = None,
) -> ReminderResult:
    """Who a reminder would reach now, and who would be skipped and why: what the page shows
    before sending, and what :func:`send_reminders` then sends. Sends nothing."""
    if not questionnaire.is_open:
        raise InvalidError("Reminders go only for a dispatched, open questionnaire.")
    replies = questionnaire.replies.select_related("respondent", "questionnaire")
    if respondent_ids is not None:
        wanted = set(respondent_ids)
        if not wanted:
            raise InvalidError("Choose at least one recipient to remind.")
        replies = replies.filter(respondent_id__in=wanted)
    # The focal points of every recipient in one query: a cycle has some 200 recipients.
    focal = Prefetch(
        "respondent__memberships",
        queryset=_active(Membership.objects.all(), [Membership.Role.FOCAL_POINT]),
        to_attr="focal_memberships",
    )
    result = ReminderResult()
    for reply in replies.prefetch_related("respondent__names", focal):
        reason = ""
        people = reply.respondent.focal_memberships
        if reply.withdrawn:
            reason = SKIP_WITHDRAWN
        elif reply.received_on is not None:
            reason = SKIP_SUBMITTED
        elif since is not None and _reminder_sent_since(reply, since):
            reason = SKIP_REMINDED.format(since=since)
        elif not people:
            reason = SKIP_NO_FOCAL_POINT
        if reason:
            result.skipped.append(Reminded(reply=reply, skipped=reason))
        else:
            result.reminded.append(Reminded(reply=reply, people=tuple(people)))
    return result


@transaction.atomic
def send_reminders(
    *,
    questionnaire: Questionnaire,
    by: Any = None,
    since: datetime.date | None = None,
    respondent_ids: Iterable[int] | None = None,
) -> ReminderResult:
    """Remind the focal points of every recipient that has not submitted, or of the chosen
    ones (``respondent_ids``); the result names who was reminded and who was skipped, and why.

    With ``since``, a recipient already reminded on or after that date is skipped (what makes
    the scheduled run safe to repeat).
    """
    result = plan_reminders(questionnaire=questionnaire, since=since, respondent_ids=respondent_ids)
    for reminded in result.reminded:
        for membership in reminded.people:
            with translation.override(reminder_language(questionnaire, membership)):
                send_email(
                    kind=EmailLog.Kind.REMINDER,
                    to=membership.user.email,
                    questionnaire=questionnaire,
                    respondent=reminded.reply.respondent,
                    reply=reminded.reply,
                    by=by,
                    **reminder_email(reminded.reply, membership),
                )
    return result


def send_due_reminders(*, today: datetime.date) -> int:
    """For every open questionnaire whose reminder day has come (N days before the deadline,
    up to the deadline), remind recipients not yet reminded since that day."""
    sent = 0
    questionnaires = Questionnaire.objects.filter(
        status=Questionnaire.Status.DISPATCHED,
        reminder_days_before__isnull=False,
        deadline__gte=today,
    )
    for questionnaire in questionnaires:
        due = questionnaire.deadline - datetime.timedelta(days=questionnaire.reminder_days_before)
        if today >= due:
            sent += send_reminders(questionnaire=questionnaire, since=due).sent
    return sent
