"""Forms of the coding page: filing passages, members, rule-based sets and themes."""

from __future__ import annotations

from django import forms


class FilePassageForm(forms.Form):
    """A passage selected in the coding page, filed under a set (its id, or "new")."""

    reply = forms.IntegerField()
    question = forms.IntegerField()
    start = forms.IntegerField(min_value=0)
    end = forms.IntegerField(min_value=1)
    quote = forms.CharField(required=False, strip=False)
    set = forms.CharField()
    new_key = forms.CharField(required=False, max_length=80)
    new_statement = forms.CharField(required=False)
    new_theme = forms.IntegerField(required=False)


class SearchFileForm(forms.Form):
    reply = forms.IntegerField()
    question = forms.IntegerField()
    q = forms.CharField()
    set = forms.IntegerField()


class ManualMemberForm(forms.Form):
    respondent = forms.IntegerField()
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))


class RuleSetForm(forms.Form):
    key = forms.CharField(max_length=80)
    statement = forms.CharField()
    question = forms.IntegerField()
    op = forms.ChoiceField(
        choices=[
            ("equals", "is"),
            ("includes_any", "includes any of"),
            ("greater_than", "reports a number above"),
        ]
    )
    values = forms.CharField(
        help_text="Choice values separated by commas (e.g. shelter, legal_aid), or a number."
    )
    row = forms.CharField(required=False)
    column = forms.CharField(required=False)
    theme = forms.IntegerField(required=False)

    def rule(self) -> dict:
        data = self.cleaned_data
        values = [v.strip() for v in data["values"].split(",") if v.strip()]
        rule: dict = {"question": data["question"], "op": data["op"]}
        if data["op"] == "includes_any":
            rule["values"] = values
        else:
            rule["value"] = values[0] if values else ""
        for key in ("row", "column"):
            if data[key]:
                rule[key] = data[key].strip()
        return rule


class ThemeForm(forms.Form):
    title = forms.CharField(max_length=300)


class SetThemeForm(forms.Form):
    theme = forms.IntegerField(required=False)


class SetSourceForm(forms.Form):
    source = forms.CharField(required=False, max_length=300)
