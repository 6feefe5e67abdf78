"""The audit trail page, for the secretariat: every change, filtered by person, respondent and
dates. It lives with the registry because a respondent is what the secretariat filters by; the
entries themselves are read by ``portal.audit``."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portal import audit
from portal.models import User
from portal.permissions import secretariat_required

from ..models import Respondent
from .selectors import audit_subject


class AuditFilterForm(forms.Form):
    person = forms.ModelChoiceField(
        queryset=User.objects.all(), required=False, empty_label="Anyone"
    )
    respondent = forms.ModelChoiceField(
        queryset=Respondent.objects.prefetch_related("names").order_by("code"),
        required=False,
        empty_label="Any respondent",
    )
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "The end date is before the start date.")
        return data


@secretariat_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    """The audit trail, for the secretariat: filter by person, respondent and dates."""
    form = AuditFilterForm(request.GET or None)
    results = audit.entries()
    if form.is_valid():
        data = form.cleaned_data
        results = audit.entries(
            actor_id=data["person"].pk if data["person"] else None,
            about=audit_subject(data["respondent"]) if data["respondent"] else None,
            since=data["since"],
            until=data["until"],
        )
    page = Paginator(results, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "portal/audit_trail.html", {"form": form, "page": page, "query": query.urlencode()}
    )
