"""Forms of the secretariat's pages: they read what people type into the shapes the services
take (``cleaned_data`` → keyword arguments). The rules themselves live in the services."""

from __future__ import annotations

from typing import Any

from django import forms

from portal.errors import FrozenError, ServiceError

from ..models import (
    LANGUAGES,
    RTL_LANGUAGES,
    EmailLog,
    Membership,
    Question,
    Questionnaire,
    Reply,
    text_in,
)
from ..models import Respondent as RespondentModel
from .messages import DEFAULT_REMINDER_TEXT, PLACEHOLDERS, PlaceholderError, check_text

LANGUAGE_NAMES = dict(LANGUAGES)
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
REASON_HELP = (
    "This questionnaire has been dispatched: its questions are frozen. Say why this change is "
    "needed; the change is recorded as a revision with your reason."
)


def apply_service_error(form: forms.Form, error: ServiceError) -> None:
    """Show a refused change next to the fields it concerns (the whole message on the first).

    Forms whose fields are named differently from what the services call them say so in
    ``service_aliases``; a change to a frozen questionnaire without a reason lands on the
    reason field.
    """
    aliases_for = getattr(form, "service_aliases", None)
    aliases: dict[str, str] = aliases_for(error) if aliases_for else {}
    named = {aliases.get(name, name): text for name, text in error.field_errors.items()}
    if isinstance(error, FrozenError) and "reason" in form.fields:
        named = {"reason": error.message}
    fields = [name for name in named if name in form.fields]
    if not fields:
        form.add_error(None, error.message)
        return
    form.add_error(fields[0], error.message)
    for name in fields[1:]:
        form.add_error(name, named[name])


def _lang_attrs(code: str) -> dict[str, str]:
    attrs = {"lang": code, "rows": "3"}
    if code in RTL_LANGUAGES:
        attrs["dir"] = "rtl"
    return attrs


def _reason_field() -> forms.CharField:
    return forms.CharField(
        label="Reason for this change",
        required=False,
        help_text=REASON_HELP,
        widget=forms.Textarea(attrs={"rows": "2"}),
    )


class QuestionnaireForm(forms.Form):
    title = forms.CharField(max_length=300)
    mandate_symbol = forms.CharField(
        label="Mandate",
        max_length=200,
        required=False,
        help_text="e.g. Economic and Social Council resolution 2006/27",
    )
    mandate_title = forms.CharField(label="Title of the mandate", max_length=500, required=False)
    reference = forms.CharField(
        label="Note verbale reference", max_length=100, required=False, help_text="e.g. CU 2007/212"
    )
    sent_on = forms.DateField(label="Note verbale sent on", required=False, widget=DATE)
    deadline = forms.DateField(label="Deadline for replies", widget=DATE)
    cutoff = forms.DateField(
        label="Cut-off for the report",
        widget=DATE,
        help_text="The report is based on replies received by this date.",
    )
    languages = forms.MultipleChoiceField(
        choices=LANGUAGES, widget=forms.CheckboxSelectMultiple, initial=["en"]
    )
    reminder_days_before = forms.IntegerField(
        label="Reminders, days before the deadline",
        required=False,
        min_value=0,
        max_value=365,
        help_text="Leave empty to send no scheduled reminders.",
    )

    @classmethod
    def initial_from(cls, questionnaire: Questionnaire) -> dict[str, Any]:
        return {name: getattr(questionnaire, name) for name in cls.base_fields}


class CopyForm(forms.Form):
    title = forms.CharField(label="Title of the new questionnaire", max_length=300)
    deadline = forms.DateField(label="Deadline for replies", widget=DATE)
    cutoff = forms.DateField(label="Cut-off for the report", widget=DATE)


class TextsMixin:
    """One textarea per language of the questionnaire for each text a row carries."""

    def add_texts(self, name: str, label: str, languages: list[str]) -> None:
        for code in languages:
            self.fields[f"{name}_{code}"] = forms.CharField(  # type: ignore[attr-defined]
                label=f"{label} ({LANGUAGE_NAMES[code]})",
                required=False,
                widget=forms.Textarea(attrs=_lang_attrs(code)),
            )
        self._languages = languages

    def texts(self, name: str) -> dict[str, str]:
        data = self.cleaned_data  # type: ignore[attr-defined]
        return {code: data.get(f"{name}_{code}", "") for code in self._languages}

    @staticmethod
    def initial_texts(name: str, texts: dict[str, str]) -> dict[str, str]:
        return {f"{name}_{code}": value for code, value in (texts or {}).items()}


class SectionForm(TextsMixin, forms.Form):
    number = forms.CharField(max_length=10, help_text='e.g. "A" or "1".')

    def __init__(self, *args: Any, questionnaire: Questionnaire, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_texts("title", "Title", questionnaire.languages)
        if questionnaire.is_frozen:
            self.fields["reason"] = _reason_field()

    def service_fields(self) -> dict[str, Any]:
        return {"number": self.cleaned_data["number"], "title": self.texts("title")}

    def service_aliases(self, error: ServiceError) -> dict[str, str]:
        return {"section title": f"title_{self._languages[0]}"}


class ReasonForm(forms.Form):
    """Asks for the reason of a change to a dispatched questionnaire (moves, deletions)."""

    reason = _reason_field()


def _lines(text: str) -> list[list[str]]:
    return [
        [part.strip() for part in line.split("|")]
        for line in (text or "").splitlines()
        if line.strip()
    ]


def parse_keyed(text: str, languages: list[str], key_name: str) -> list[dict[str, Any]]:
    """ "key | label | label in the next language" lines → [{key_name: key, "label": {...}}]."""
    items = []
    for parts in _lines(text):
        labels = {code: label for code, label in zip(languages, parts[1:], strict=False) if label}
        if not labels and parts[0]:
            labels = {languages[0]: parts[0]}
        items.append({key_name: parts[0], "label": labels})
    return items


def format_keyed(items: list[dict[str, Any]], languages: list[str], key_name: str) -> str:
    lines = []
    for item in items or []:
        labels = [item.get("label", {}).get(code, "") for code in languages]
        while labels and not labels[-1]:
            labels.pop()
        lines.append(" | ".join([item.get(key_name, ""), *labels]))
    return "\n".join(lines)


class QuestionForm(TextsMixin, forms.Form):
    number = forms.CharField(max_length=20, help_text='e.g. "1" or "2 (a)".')
    kind = forms.ChoiceField(choices=Question.Kind.choices, label="Kind of question")
    required = forms.BooleanField(required=False, label="An answer is required")
    choices = forms.CharField(
        required=False,
        label="Choices (single and multiple choice)",
        widget=forms.Textarea(attrs={"rows": "4"}),
    )
    rows = forms.CharField(
        required=False,
        label="Table rows (statistical table)",
        widget=forms.Textarea(attrs={"rows": "4"}),
    )
    columns = forms.CharField(
        required=False,
        label="Table columns (statistical table)",
        widget=forms.Textarea(attrs={"rows": "4"}),
    )
    totals = forms.BooleanField(
        required=False, initial=True, label="Show row and column totals (statistical table)"
    )
    minimum = forms.DecimalField(required=False, label="Smallest number allowed (number)")
    maximum = forms.DecimalField(required=False, label="Largest number allowed (number)")
    integer = forms.BooleanField(required=False, label="Whole numbers only (number)")
    condition_question = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Show this question only when the answer to",
        help_text="An earlier yes/no or choice question. Leave empty to always show it.",
    )
    condition_values = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="… is one of",
        help_text="Tick the answers of the question chosen above that show this one.",
    )

    def __init__(
        self,
        *args: Any,
        questionnaire: Questionnaire,
        earlier: list[Question],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        languages = questionnaire.languages
        self.add_texts("text", "Question", languages)
        self.add_texts("help", "Help for respondents", languages)
        order = " | ".join(f"label in {LANGUAGE_NAMES[code]}" for code in languages)
        for name, key in (("choices", "value"), ("rows", "key"), ("columns", "key")):
            self.fields[name].help_text = (
                f"One per line: {key} | {order}. The {key} is short (letters, digits, "
                "'-', '_', '.'); it is what exports show."
            )

        candidates = [
            q for q in earlier if q.kind in ("yes_no", "single_choice", "multiple_choice")
        ]
        self.fields["condition_question"].choices = [("", "— always show —")] + [
            (q.pk, f"{q.number}. {text_in(q.text, 'en')[:80]}") for q in candidates
        ]
        value_choices = []
        for q in candidates:
            values = (
                [("yes", "Yes"), ("no", "No")]
                if q.kind == "yes_no"
                else [(c["value"], text_in(c["label"], "en")) for c in q.options.get("choices", [])]
            )
            value_choices.extend((f"{q.pk}:{v}", f"{q.number}: {label}") for v, label in values)
        self.fields["condition_values"].choices = value_choices
        self._languages_all = languages
        if questionnaire.is_frozen:
            self.fields["reason"] = _reason_field()

    @classmethod
    def initial_for(cls, question: Question, languages: list[str]) -> dict[str, Any]:
        options = question.options or {}
        initial: dict[str, Any] = {
            "number": question.number,
            "kind": question.kind,
            "required": question.required,
            "choices": format_keyed(options.get("choices", []), languages, "value"),
            "rows": format_keyed(options.get("rows", []), languages, "key"),
            "columns": format_keyed(options.get("columns", []), languages, "key"),
            "totals": options.get("totals", True),
            "minimum": options.get("min"),
            "maximum": options.get("max"),
            "integer": options.get("integer", False),
            "condition_question": question.condition_question_id,
            "condition_values": [
                f"{question.condition_question_id}:{v}" for v in question.condition_values
            ],
            **cls.initial_texts("text", question.text),
            **cls.initial_texts("help", question.help_text),
        }
        return initial

    def options(self) -> dict[str, Any]:
        data = self.cleaned_data
        kind = data["kind"]
        languages = self._languages_all
        if kind in ("single_choice", "multiple_choice"):
            return {"choices": parse_keyed(data["choices"], languages, "value")}
        if kind == "table":
            return {
                "rows": parse_keyed(data["rows"], languages, "key"),
                "columns": parse_keyed(data["columns"], languages, "key"),
                "totals": data["totals"],
            }
        if kind == "number":
            options: dict[str, Any] = {"integer": data["integer"]}
            for bound, name in (("min", "minimum"), ("max", "maximum")):
                value = data.get(name)
                if value is not None:
                    options[bound] = (
                        int(value) if value == value.to_integral_value() else float(value)
                    )
            return options
        return {}

    def service_aliases(self, error: ServiceError) -> dict[str, str]:
        kind = self.cleaned_data.get("kind")
        table = "columns" if "column" in error.message else "rows"
        options = {
            "single_choice": "choices",
            "multiple_choice": "choices",
            "table": table,
            "number": "minimum",
        }.get(str(kind), "kind")
        return {"question text": f"text_{self._languages[0]}", "options": options}

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        condition = data.get("condition_question")
        values = []
        if condition is not None:
            prefix = f"{condition}:"
            values = [v[len(prefix) :] for v in data["condition_values"] if v.startswith(prefix)]
        return {
            "number": data["number"],
            "kind": data["kind"],
            "required": data["required"],
            "text": self.texts("text"),
            "help_text": self.texts("help"),
            "options": self.options(),
            "condition_question": condition,
            "condition_values": values,
        }


class RecipientsForm(forms.Form):
    """Recipients chosen as all Member States, by regional group, by kind or one by one."""

    all_member_states = forms.BooleanField(required=False, label="All Member States")
    regional_groups = forms.MultipleChoiceField(
        required=False,
        choices=RespondentModel.RegionalGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Regional groups",
    )
    kinds = forms.MultipleChoiceField(
        required=False,
        choices=RespondentModel.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Every respondent of these kinds",
    )
    respondent_ids = forms.TypedMultipleChoiceField(
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label="Respondents one by one",
    )
    reference = forms.CharField(label="Note verbale reference", max_length=100, required=False)
    sent_on = forms.DateField(label="Note verbale sent on", widget=DATE)

    def __init__(self, *args: Any, respondents: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["respondent_ids"].choices = respondents

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (
            data.get("all_member_states")
            or data.get("regional_groups")
            or data.get("kinds")
            or data.get("respondent_ids")
        ):
            raise forms.ValidationError(
                "Choose the recipients: all Member States, regional groups, kinds or "
                "respondents one by one."
            )
        return data


class NominationForm(forms.Form):
    email = forms.EmailField(label="E-mail address")
    full_name = forms.CharField(label="Full name", max_length=200)
    role = forms.ChoiceField(choices=Membership.Role.choices)
    nomination_reference = forms.CharField(
        label="Nomination reference",
        max_length=200,
        required=False,
        help_text="The note verbale or letter by which the government nominated this person.",
    )
    language = forms.ChoiceField(
        required=False,
        choices=[("", "English (not stated)"), *LANGUAGES],
        label="Corresponds in",
        help_text="Reminders go in this language when the questionnaire's reminder text "
        "exists in it; otherwise in English.",
    )


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *Reply.Status.choices], label="Status"
    )
    regional_group = forms.ChoiceField(
        required=False,
        choices=[("", "Any group"), *RespondentModel.RegionalGroup.choices],
        label="Regional group",
    )
    kind = forms.ChoiceField(
        required=False, choices=[("", "Any kind"), *RespondentModel.Kind.choices], label="Kind"
    )
    focal_point = forms.ChoiceField(
        required=False,
        choices=[("", "With or without"), ("yes", "Has one"), ("no", "Has none")],
        label="Focal point",
    )


class ReviewStateForm(forms.Form):
    review_state = forms.ChoiceField(choices=Reply.ReviewState.choices, label="Review state")


class ClarificationForm(forms.Form):
    text = forms.CharField(
        label="Message", widget=forms.Textarea(attrs={"rows": "3"}), required=False
    )


class EmailFilterForm(forms.Form):
    questionnaire = forms.ModelChoiceField(
        queryset=Questionnaire.objects.all(), required=False, empty_label="Any questionnaire"
    )
    kind = forms.ChoiceField(
        required=False, choices=[("", "Any kind"), *EmailLog.Kind.choices], label="Kind"
    )
    status = forms.ChoiceField(
        required=False, choices=[("", "Any delivery"), *EmailLog.Status.choices], label="Delivery"
    )
    respondent = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Respondent"
    )

    def __init__(self, *args: Any, respondents: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["respondent"].choices = [("", "Any respondent"), *respondents]


class ActivationForm(forms.Form):
    password1 = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters; not a common password.",
    )
    password2 = forms.CharField(
        label="Type it again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        return data


class ReminderTextForm(forms.Form):
    """The reminder's text in each language of the questionnaire (English always), with its
    placeholders checked: a text Verbale could not fill in is refused here, before saving."""

    def __init__(self, *args: Any, questionnaire: Questionnaire, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = dict(LANGUAGES)
        languages = ["en", *[c for c in questionnaire.languages if c != "en"]]
        texts = questionnaire.reminder_texts or {}
        help_text = "Placeholders: " + "; ".join(
            "{" + name + "} " + meaning for name, meaning in PLACEHOLDERS.items()
        )
        for code in languages:
            self.fields[f"text_{code}"] = forms.CharField(
                label=f"Reminder text in {names.get(code, code)}",
                required=False,
                widget=forms.Textarea(attrs={"rows": "6"}),
                initial=texts.get(code, DEFAULT_REMINDER_TEXT if code == "en" else ""),
                help_text=help_text
                if code == "en"
                else "Empty: people who correspond in this language receive the English text.",
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name, text in list(data.items()):
            try:
                check_text(text or "")
            except PlaceholderError as error:
                self.add_error(name, str(error))
        return data

    def texts(self) -> dict[str, str]:
        return {name.removeprefix("text_"): text for name, text in self.cleaned_data.items()}


class ReminderRecipientsForm(forms.Form):
    """Remind every recipient that has not replied, or the ones ticked (one or several)."""

    scope = forms.ChoiceField(
        choices=[
            ("all", "Every recipient that has not replied"),
            ("chosen", "Only the recipients ticked below"),
        ],
        widget=forms.RadioSelect,
        initial="all",
        label="Whom to remind",
    )
    respondent_ids = forms.TypedMultipleChoiceField(
        coerce=int, required=False, label="Recipients", widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, recipients: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["respondent_ids"].choices = recipients

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("scope") == "chosen" and not data.get("respondent_ids"):
            self.add_error("respondent_ids", "Tick at least one recipient, or remind every one.")
        return data

    def chosen(self) -> list[int] | None:
        """The respondents chosen, or None for every recipient that has not replied."""
        if self.cleaned_data["scope"] == "all":
            return None
        return self.cleaned_data["respondent_ids"]
