from django import forms

from surveys.models import Respondent

from .models import User


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


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Six-digit code",
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text="As shown now by your authenticator app.",
    )


class SecondFactorForm(forms.Form):
    """The code asked for after the password: six digits from the app, or a recovery code
    (letters and digits, so no numeric keypad)."""

    token = forms.CharField(
        label="Code",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
        help_text="The six digits your authenticator app shows now, or one of your recovery codes.",
    )
