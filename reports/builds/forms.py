"""Forms of the build page."""

from __future__ import annotations

from django import forms


class BuildForm(forms.Form):
    acknowledge = forms.BooleanField(required=False)
