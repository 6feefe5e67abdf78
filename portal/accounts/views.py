"""Pages of one's account: API tokens (and, for the secretariat, everyone's), and asking for
a password reset (recorded in the audit trail)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from portal import policy
from portal.permissions import secretariat_required

from ..errors import ServiceError
from . import services


def tokens(request: HttpRequest) -> HttpResponse:
    """One's own API tokens, with a button to revoke each."""
    return render(
        request,
        "portal/api_tokens.html",
        {"tokens": services.live_tokens().filter(user=request.user), "everyone": False},
    )


@secretariat_required
def everyones_tokens(request: HttpRequest) -> HttpResponse:
    """Every API token that still works, for the secretariat to revoke any of them."""
    page = Paginator(services.live_tokens(), 100).get_page(request.GET.get("page"))
    return render(request, "portal/api_tokens.html", {"tokens": page, "everyone": True})


@require_POST
def revoke(request: HttpRequest, token_key: str) -> HttpResponse:
    token = services.tokens_visible_to(request.user).filter(token_key=token_key).first()
    if token is None:
        raise Http404
    try:
        services.revoke_token(token=token, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"The token {token.token_key[:8]}… of {token.user.email} is revoked."
        )
    back = "api-tokens-everyone" if request.POST.get("everyone") else "api-tokens"
    if back == "api-tokens-everyone" and not policy.is_secretariat(request.user):
        back = "api-tokens"
    return redirect(back)


class AuditedPasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form; each reset link e-mailed is also an entry of the audit trail."""

    def send_mail(self, *args: Any, **kwargs: Any) -> None:
        super().send_mail(*args, **kwargs)
        context = kwargs.get("context", args[2] if len(args) > 2 else {})
        services.password_reset_sent(user=context["user"])


class PasswordResetView(auth_views.PasswordResetView):
    form_class = AuditedPasswordResetForm
