"""Forms of the secretariat's pages: they read what people type into the shapes the services
take (``cleaned_data`` → keyword arguments). The rules themselves live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import slugify

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
from .answers import KEY
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
    """A section's title per language (its letter is computed from its place)."""

    def __init__(self, *args: Any, questionnaire: Questionnaire, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_texts("title", "Title", questionnaire.languages)
        if questionnaire.is_frozen:
            self.fields["reason"] = _reason_field()

    def service_fields(self) -> dict[str, Any]:
        return {"title": self.texts("title")}

    def service_aliases(self, error: ServiceError) -> dict[str, str]:
        return {"section title": f"title_{self._languages[0]}"}


class ReasonForm(forms.Form):
    """Asks for the reason of a change to a dispatched questionnaire (moves, deletions)."""

    reason = _reason_field()


# --- the question editor: rows of choices, table rows and table columns -------------------

CHOICE_KINDS = ("single_choice", "multiple_choice")
# The row lists the editor shows, per kind: (prefix, singular, plural).
ROW_LISTS = {
    "choices": ("choice", "Choices"),
    "rows": ("row", "Rows of the table"),
    "columns": ("column", "Columns of the table"),
}
MAX_ROWS = 200


def row_lists_for(kind: str) -> list[str]:
    if kind in CHOICE_KINDS:
        return ["choices"]
    if kind == "table":
        return ["rows", "columns"]
    return []


class OptionRowForm(forms.Form):
    """One choice, table row or table column: a short key and a label per language, each in
    its own field named after its language (no separator to type, so no label can land in
    the wrong language)."""

    key = forms.CharField(required=False, max_length=40)

    def __init__(self, *args: Any, languages: list[str], what: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.languages = languages
        self.fields["key"].label = "Value" if what == "choice" else "Key"
        self.fields["key"].widget.attrs.update({"size": "10", "autocomplete": "off"})
        for code in languages:
            attrs = {"lang": code}
            if code in RTL_LANGUAGES:
                attrs["dir"] = "rtl"
            self.fields[f"label_{code}"] = forms.CharField(
                label=f"Label in {LANGUAGE_NAMES[code]}",
                required=False,
                max_length=500,
                widget=forms.TextInput(attrs=attrs),
            )

    def clean_key(self) -> str:
        key = self.cleaned_data["key"].strip()
        if key and not KEY.match(key):
            raise forms.ValidationError("Letters, digits, '.', '_' or '-' only, no spaces.")
        return key

    def labels(self) -> dict[str, str]:
        data = getattr(self, "cleaned_data", {})
        texts = {c: (data.get(f"label_{c}") or "").strip() for c in self.languages}
        return {c: text for c, text in texts.items() if text}

    def label_fields(self) -> list[forms.BoundField]:
        return [self[f"label_{code}"] for code in self.languages]


class BaseOptionRowFormSet(forms.BaseFormSet):
    def items(self) -> list[dict[str, Any]]:
        """The filled rows as ``[{"key": …, "label": {…}}]``; a row without a key takes one
        made from its label (or its place)."""
        items: list[dict[str, Any]] = []
        for position, form in enumerate(self.forms, start=1):
            labels = form.labels()
            key = getattr(form, "cleaned_data", {}).get("key", "")
            if not labels and not key:
                continue
            items.append({"key": key, "label": labels, "_position": position})
        used = {item["key"] for item in items if item["key"]}
        for item in items:
            if not item["key"]:
                item["key"] = _key_from(item["label"], item["_position"], used)
                used.add(item["key"])
            del item["_position"]
        return items

    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[str] = set()
        for form in self.forms:
            key = getattr(form, "cleaned_data", {}).get("key", "")
            if key and key in seen:
                form.add_error("key", f"The value {key!r} is used twice.")
            seen.add(key)
            if key and not form.labels():
                form.add_error(None, "Give the label in at least one language.")


OptionRowFormSet = forms.formset_factory(
    OptionRowForm, formset=BaseOptionRowFormSet, extra=0, max_num=MAX_ROWS, validate_max=True
)


def _key_from(labels: dict[str, str], position: int, used: set[str]) -> str:
    base = slugify(labels.get("en") or next(iter(labels.values()), ""))[:30].replace("-", "_")
    base = base or str(position)
    key, n = base, 2
    while key in used:
        key, n = f"{base}_{n}", n + 1
    return key


def rows_posted(data: Any, prefix: str, languages: list[str]) -> list[dict[str, str]]:
    """What was typed in a row list, row by row, as the form's field values (unchecked: used to
    show the list again after a row was added, removed or moved)."""
    try:
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS", 0)), MAX_ROWS)
    except (TypeError, ValueError):
        total = 0
    rows = []
    for i in range(max(total, 0)):
        row = {"key": data.get(f"{prefix}-{i}-key", "")}
        for code in languages:
            row[f"label_{code}"] = data.get(f"{prefix}-{i}-label_{code}", "")
        rows.append(row)
    return rows


def rows_initial(items: list[dict[str, Any]], languages: list[str], key_name: str) -> list:
    return [
        {
            "key": item.get(key_name, ""),
            **{f"label_{c}": item["label"].get(c, "") for c in languages},
        }
        for item in items or []
    ]


def apply_row_action(rows: list[dict[str, str]], action: str, index: int) -> tuple[list, int]:
    """Add, remove or move one row; returns the rows and the place of the row acted on."""
    rows = list(rows)
    if action == "add":
        rows.append({})
        return rows, len(rows) - 1
    if not 0 <= index < len(rows):
        return rows, -1
    if action == "remove":
        del rows[index]
        return rows, min(index, len(rows) - 1)
    target = index - 1 if action == "up" else index + 1 if action == "down" else index
    if 0 <= target < len(rows):
        rows[index], rows[target] = rows[target], rows[index]
        return rows, target
    return rows, index


class QuestionForm(TextsMixin, forms.Form):
    kind = forms.ChoiceField(choices=Question.Kind.choices, label="Kind of question")
    sub = forms.BooleanField(
        required=False,
        label="Sub-question of the question before it",
        help_text='Numbered after it: "2 (a)", "2 (b)". Numbers follow the order of questions.',
    )
    required = forms.BooleanField(required=False, label="An answer is required")
    totals = forms.BooleanField(required=False, initial=True, label="Show row and column totals")
    minimum = forms.DecimalField(required=False, label="Smallest number allowed")
    maximum = forms.DecimalField(required=False, label="Largest number allowed")
    integer = forms.BooleanField(required=False, label="Whole numbers only")
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
    def initial_for(cls, question: Question) -> dict[str, Any]:
        options = question.options or {}
        return {
            "kind": question.kind,
            "sub": question.sub,
            "required": question.required,
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

    def typed(self) -> dict[str, Any]:
        """What was typed, unchecked, as initial values (to show the form again after a row
        was moved or the kind changed, without error messages yet)."""
        values = {}
        for name, field in self.fields.items():
            values[name] = field.widget.value_from_datadict(self.data, self.files, name)
        return values

    def options(self, row_lists: dict[str, BaseOptionRowFormSet]) -> dict[str, Any]:
        data = self.cleaned_data
        kind = data["kind"]
        if kind in CHOICE_KINDS:
            items = row_lists["choices"].items()
            return {"choices": [{"value": i["key"], "label": i["label"]} for i in items]}
        if kind == "table":
            return {
                "rows": row_lists["rows"].items(),
                "columns": row_lists["columns"].items(),
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
        options = "minimum" if self.cleaned_data.get("kind") == "number" else "kind"
        return {"question text": f"text_{self._languages[0]}", "options": options}

    def service_fields(self, row_lists: dict[str, BaseOptionRowFormSet]) -> dict[str, Any]:
        data = self.cleaned_data
        condition = data.get("condition_question")
        values = []
        if condition is not None:
            prefix = f"{condition}:"
            values = [v[len(prefix) :] for v in data["condition_values"] if v.startswith(prefix)]
        return {
            "kind": data["kind"],
            "sub": data["sub"],
            "required": data["required"],
            "text": self.texts("text"),
            "help_text": self.texts("help"),
            "options": self.options(row_lists),
            "condition_question": condition,
            "condition_values": values,
        }


class MoveToSectionForm(forms.Form):
    section = forms.TypedChoiceField(coerce=int, label="Move to section")
    reason = _reason_field()

    def __init__(self, *args: Any, sections: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = sections


class ImportForm(forms.Form):
    file = forms.FileField(
        label="XLSForm (.xlsx) or Verbale questionnaire (.json)",
        help_text="An XLSForm as KoboToolbox or ODK authors it, or a file exported from Verbale.",
    )
    title = forms.CharField(
        max_length=300,
        required=False,
        help_text="Leave empty to take the title of the file (form_title of an XLSForm).",
    )
    deadline = forms.DateField(label="Deadline for replies", widget=DATE)
    cutoff = forms.DateField(label="Cut-off for the report", widget=DATE)


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


class TranslationImportForm(forms.Form):
    file = forms.FileField(
        label="Translated file",
        help_text="The XLIFF (.xlf) or spreadsheet (.xlsx) exported here, with the translations "
        "filled in.",
    )
    reason = forms.CharField(
        required=False,
        max_length=500,
        label="Reason for the change",
        help_text="Needed once the questionnaire has been dispatched: recorded as a revision.",
    )


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
