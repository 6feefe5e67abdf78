"""Sending a questionnaire: choosing recipients, dispatch, reminders, and the e-mail log."""

from __future__ import annotations

import contextlib
import datetime
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

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
                    "Each now has a reply to fill in.",
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
            context.update(
                {
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


@require_POST
@secretariat_required
def questionnaire_reminders(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = questionnaire_or_404(pk)
    try:
        sent = dispatch.send_reminders(questionnaire=questionnaire, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        if sent:
            messages.success(
                request,
                f"{sent} reminder{'s' if sent != 1 else ''} sent to the focal points of "
                "recipients that have not submitted.",
            )
        else:
            messages.warning(
                request,
                "No reminder was sent: every recipient has submitted, or those that have not "
                "have no active focal point.",
            )
    return redirect("surveys:questionnaire-status", pk=questionnaire.pk)


@secretariat_required
def email_log(request: HttpRequest) -> HttpResponse:
    with_emails = Respondent.objects.filter(emails__isnull=False).distinct()
    respondents = sorted(
        ((r.pk, str(r)) for r in with_emails.prefetch_related("names")), key=lambda c: c[1]
    )
    form = EmailFilterForm(request.GET or None, respondents=respondents)
    emails = EmailLog.objects.select_related("questionnaire", "respondent", "sent_by")
    emails = emails.prefetch_related("respondent__names").order_by("-sent_at", "-pk")
    if form.is_valid():
        data = form.cleaned_data
        if data.get("questionnaire"):
            emails = emails.filter(questionnaire=data["questionnaire"])
        if data.get("kind"):
            emails = emails.filter(kind=data["kind"])
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
