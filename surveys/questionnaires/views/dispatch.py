"""Sending a questionnaire: choosing recipients, dispatch, reminders, and the e-mail log."""

from __future__ import annotations

import contextlib
import datetime
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from portal.errors import ServiceError
from portal.permissions import secretariat_required
from surveys.models import (
    EmailLog,
    Questionnaire,
    Respondent,
)
from surveys.questionnaires import dispatch
from surveys.questionnaires.forms import (
    EmailFilterForm,
    RecipientsForm,
    ReminderRecipientsForm,
    ReminderTextForm,
    apply_service_error,
)
from surveys.questionnaires.views.display import (
    FIRST_NAMES_SHOWN,
    name_on,
    questionnaire_or_404,
)
from surveys.respondents import selectors


def _recipient_choices(on: datetime.date, exclude: set[int]) -> list[tuple[str, list]]:
    """Respondents in force on a date, grouped by kind in UN order, for the checkbox list."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for respondent in selectors.respondents_in_un_order(on):
        name = respondent.name_on(on)
        if name is None or respondent.pk in exclude:
            continue
        label = f"{name.list_name} ({respondent.code})"
        groups.setdefault(respondent.get_kind_display(), []).append((respondent.pk, label))
    return list(groups.items())


@secretariat_required
def questionnaire_dispatch(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose recipients, confirm with the count and the first names, then dispatch. After
    dispatch, the same page adds recipients."""
    questionnaire = questionnaire_or_404(pk)
    adding = questionnaire.is_frozen
    existing = set(questionnaire.replies.values_list("respondent_id", flat=True))
    on = questionnaire.sent_on or timezone.localdate()
    if request.method == "POST" and not adding and request.POST.get("sent_on"):
        with contextlib.suppress(ValueError):  # the form says what is wrong with the date
            on = datetime.date.fromisoformat(request.POST["sent_on"])
    form = RecipientsForm(
        request.POST or None,
        respondents=_recipient_choices(on, existing),
        initial={"reference": questionnaire.reference, "sent_on": on},
    )
    if adding:
        del form.fields["reference"], form.fields["sent_on"]
    if questionnaire.status == Questionnaire.Status.CLOSED:
        messages.error(request, "This questionnaire is closed: it cannot be sent to anyone more.")
        return redirect("surveys:questionnaire-detail", pk=questionnaire.pk)
    context: dict[str, Any] = {
        "questionnaire": questionnaire,
        "form": form,
        "adding": adding,
        "existing_count": len(existing),
        "on": on,
    }
    if request.method == "POST" and form.is_valid() and not request.POST.get("back"):
        data = form.cleaned_data
        chosen = dispatch.select_recipients(
            on=on,
            all_member_states=data["all_member_states"],
            regional_groups=data["regional_groups"],
            kinds=data["kinds"],
            respondent_ids=data["respondent_ids"],
        )
        new = [r for r in chosen if r.pk not in existing]
        if request.POST.get("confirmed") == "yes":
            try:
                added = dispatch.dispatch_questionnaire(
                    questionnaire=questionnaire,
                    by=request.user,
                    respondents=new,
                    reference=data.get("reference", ""),
                    sent_on=data.get("sent_on"),
                )
            except ServiceError as error:
                apply_service_error(form, error)
            else:
                messages.success(
                    request,
                    f"Sent to {added} new recipient{'s' if added != 1 else ''}. "
                    "Each now has a reply to fill in; their focal points and experts are "
                    "e-mailed an invitation with a direct link to it.",
                )
                return redirect("surveys:questionnaire-status", pk=questionnaire.pk)
        elif not new:
            form.add_error(
                None,
                "None of the respondents chosen is a new recipient"
                + (" (they already receive it)." if chosen else " in force on that date."),
            )
        else:
            names = [
                name_on(r, on)
                for r in Respondent.objects.filter(pk__in=[r.pk for r in new]).prefetch_related(
                    "names"
                )
            ]
            names.sort()
            lacking = dispatch.without_focal_point(r.pk for r in new)
            context.update(
                {
                    "no_focal_point": sorted(
                        ((name_on(r, on), r.pk) for r in new if r.pk in lacking),
                    ),
                    "confirming": True,
                    "count": len(new),
                    "first_names": names[:FIRST_NAMES_SHOWN],
                    "more": max(0, len(names) - FIRST_NAMES_SHOWN),
                    "already": len(chosen) - len(new),
                    "posted": [
                        (name, value)
                        for name in form.fields
                        for value in request.POST.getlist(name)
                    ],
                }
            )
    return render(request, "surveys/secretariat/dispatch.html", context)


def _reminder_recipients(questionnaire: Questionnaire) -> list[tuple[int, str]]:
    """Every recipient, by name, with what a reminder would find (for the checkboxes)."""
    plan = dispatch.plan_reminders(questionnaire=questionnaire)
    on = questionnaire.sent_on
    labels = [(r.reply.respondent_id, name_on(r.reply.respondent, on)) for r in plan.reminded] + [
        (r.reply.respondent_id, f"{name_on(r.reply.respondent, on)} ({r.skipped})")
        for r in plan.skipped
    ]
    return sorted(labels, key=lambda choice: choice[1])


def _named(result: dispatch.ReminderResult, on: datetime.date | None) -> dict[str, list]:
    return {
        "reminded": sorted(
            ({"name": name_on(r.reply.respondent, on), "to": r.to} for r in result.reminded),
            key=lambda row: row["name"],
        ),
        "skipped": sorted(
            (
                {
                    "name": name_on(r.reply.respondent, on),
                    "why": r.skipped,
                    "respondent_id": r.reply.respondent_id,
                }
                for r in result.skipped
            ),
            key=lambda row: row["name"],
        ),
    }


def _sent_key(questionnaire: Questionnaire) -> str:
    return f"reminders-sent-{questionnaire.pk}"


@secretariat_required
def questionnaire_reminders(request: HttpRequest, pk: int) -> HttpResponse:
    """Reminders you can see and aim: the text per language, whom to remind (every recipient
    that has not replied, the ones ticked, or one from the status board), a preview of the
    actual message and of who will be skipped and why, then the result by name."""
    questionnaire = questionnaire_or_404(pk)
    if not questionnaire.is_open:
        messages.error(request, "Reminders go only for a dispatched, open questionnaire.")
        return redirect("surveys:questionnaire-detail", pk=questionnaire.pk)
    action = request.POST.get("action", "")
    text_form = ReminderTextForm(
        request.POST if action == "save-text" else None, questionnaire=questionnaire
    )
    one = request.GET.get("respondent", "")
    initial = {"scope": "chosen", "respondent_ids": [int(one)]} if one.isdigit() else None
    recipients_form = ReminderRecipientsForm(
        request.POST if action in {"preview", "send"} else None,
        recipients=_reminder_recipients(questionnaire),
        initial=initial,
    )
    context: dict[str, Any] = {
        "questionnaire": questionnaire,
        "text_form": text_form,
        "form": recipients_form,
    }
    if request.method == "GET" and request.GET.get("sent"):
        outcome = request.session.pop(_sent_key(questionnaire), None)
        if outcome is not None:
            context.update(outcome, sent=True)
    if action == "save-text" and text_form.is_valid():
        try:
            dispatch.save_reminder_texts(
                questionnaire=questionnaire, texts=text_form.texts(), by=request.user
            )
        except ServiceError as error:
            apply_service_error(text_form, error)
        else:
            messages.success(request, "Reminder text saved. Preview it before sending.")
            return redirect("surveys:questionnaire-reminders", pk=questionnaire.pk)
    elif action in {"preview", "send"} and recipients_form.is_valid():
        chosen = recipients_form.chosen()
        try:
            if action == "send":
                result = dispatch.send_reminders(
                    questionnaire=questionnaire, by=request.user, respondent_ids=chosen
                )
            else:
                result = dispatch.plan_reminders(questionnaire=questionnaire, respondent_ids=chosen)
        except ServiceError as error:
            apply_service_error(recipients_form, error)
        else:
            if action == "send":
                # Shown after a redirect, so that reloading the page sends nothing again.
                request.session[_sent_key(questionnaire)] = {
                    **_named(result, questionnaire.sent_on),
                    "count": result.sent,
                }
                return redirect(
                    reverse("surveys:questionnaire-reminders", args=[questionnaire.pk]) + "?sent=1"
                )
            context.update(_named(result, questionnaire.sent_on))
            context["count"] = result.sent
            if action == "preview":
                context["preview"] = (
                    dispatch.preview_reminder(result.reminded[0].reply) if result.reminded else None
                )
                context["posted"] = [
                    (name, value)
                    for name in ("scope", "respondent_ids")
                    for value in request.POST.getlist(name)
                ]
    return render(request, "surveys/secretariat/reminders.html", context)


@secretariat_required
def email_log(request: HttpRequest) -> HttpResponse:
    with_emails = Respondent.objects.filter(emails__isnull=False).distinct()
    respondents = sorted(
        ((r.pk, str(r)) for r in with_emails.prefetch_related("names")), key=lambda c: c[1]
    )
    form = EmailFilterForm(request.GET or None, respondents=respondents)
    emails = EmailLog.objects.select_related("questionnaire", "respondent", "sent_by", "reply")
    emails = emails.prefetch_related("respondent__names").order_by("-sent_at", "-pk")
    if form.is_valid():
        data = form.cleaned_data
        if data.get("questionnaire"):
            emails = emails.filter(questionnaire=data["questionnaire"])
        if data.get("kind"):
            emails = emails.filter(kind=data["kind"])
        if data.get("status"):
            emails = emails.filter(status=data["status"])
        if data.get("respondent"):
            emails = emails.filter(respondent_id=data["respondent"])
    page = Paginator(emails, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "surveys/secretariat/email_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
