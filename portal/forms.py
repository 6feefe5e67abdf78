from django import forms


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
