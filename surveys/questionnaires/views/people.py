"""Who answers for each respondent: nominations of focal points, experts and observers,
their activation links, and the page where a nominee chooses a password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from portal.errors import ServiceError
from portal.ids import parse_id
from portal.permissions import secretariat_required
from portal.selectors import people_with_two_factor
from surveys.models import (
    Membership,
)
from surveys.questionnaires import dispatch
from surveys.questionnaires import services as secretariat
from surveys.questionnaires.forms import (
    ActivationForm,
    NominationForm,
    apply_service_error,
)
from surveys.questionnaires.views.display import (
    posted,
)
from surveys.respondents import selectors


@secretariat_required
def nominations_index(request: HttpRequest) -> HttpResponse:
    chosen = parse_id(request.GET.get("respondent", ""))
    if chosen is not None:
        return redirect("surveys:secretariat-nominations", pk=chosen)
    respondents = [
        (r.pk, f"{r} ({r.code})") for r in selectors.respondents_in_un_order() if r.current_name()
    ]
    recent = (
        Membership.objects.select_related("user", "respondent")
        .prefetch_related("respondent__names")
        .order_by("-created_at")[:20]
    )
    return render(
        request,
        "surveys/secretariat/nominations_index.html",
        {"respondents": respondents, "recent": recent},
    )


@secretariat_required
def nominations(request: HttpRequest, pk: int) -> HttpResponse:
    respondent = get_object_or_404(selectors.respondents(), pk=pk)
    form = NominationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            membership = dispatch.nominate(
                respondent=respondent, by=request.user, **form.cleaned_data
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            sent = (
                "they already have access, and were told by e-mail"
                if dispatch.is_activated(membership.user)
                else f"an activation link was sent to {membership.user.email}"
            )
            messages.success(
                request,
                f"{membership.user} is registered as {membership.get_role_display().lower()}; "
                f"{sent}.",
            )
            return redirect("surveys:secretariat-nominations", pk=respondent.pk)
    memberships = (
        respondent.memberships.select_related("user")
        .annotate(
            activated=Count("activations", filter=Q(activations__used_at__isnull=False)),
            links_sent=Count("activations"),
            two_factor=Exists(people_with_two_factor().filter(pk=OuterRef("user_id"))),
        )
        .order_by("-is_active", "role", "user__email")
    )
    return render(
        request,
        "surveys/secretariat/nominations.html",
        {"respondent": respondent, "form": form, "memberships": memberships},
    )


def _membership(pk: int) -> Membership:
    return get_object_or_404(Membership.objects.select_related("user", "respondent"), pk=pk)


@require_POST
@secretariat_required
def membership_activation(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(pk)
    if not membership.is_active:
        messages.error(request, "This membership is inactive: nominate the person again first.")
        return redirect("surveys:secretariat-nominations", pk=membership.respondent_id)
    try:
        dispatch.send_activation(membership=membership, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"A new activation link was sent to {membership.user.email}.")
    return redirect("surveys:secretariat-nominations", pk=membership.respondent_id)


@require_POST
@secretariat_required
def membership_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(pk)
    try:
        secretariat.deactivate_membership(membership=membership, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{membership.user} no longer acts for {membership.respondent}.")
    return redirect("surveys:secretariat-nominations", pk=membership.respondent_id)


@login_not_required
def activate(request: HttpRequest, token: str) -> HttpResponse:
    """A nominee opens the link from their activation e-mail and chooses a password."""
    activation = dispatch.activation_for(token)
    form = ActivationForm(request.POST or None)
    if activation is None:
        return render(request, "surveys/activate.html", {"expired": True}, status=410)
    if request.method == "POST" and form.is_valid():
        try:
            user = dispatch.activate(token=token, password=form.cleaned_data["password1"])
        except ServiceError as error:
            form.add_error("password1", error.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Your access is active. Welcome to Verbale.")
            return redirect("home")
    return render(
        request, "surveys/activate.html", {"form": form, "membership": activation.membership}
    )
