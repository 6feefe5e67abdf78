"""Forms of the focal-point workspace, and how one question's inputs become an answer.

Each question of the reply form is its own small HTML form, so the same POST works for the
autosave (sent by static/js/reply-form.js) and for a person whose browser runs no script.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone

from ..models import Question, Reply
from ..questionnaires import answers
from .services import CELL_PREFIX, cell_name

__all__ = ["CELL_PREFIX", "cell_name"]  # the reply form's names for table cells


def answer_from_post(question: Question, data: QueryDict) -> tuple[str, Any]:
    """(state, value) as ``replies.save_answer`` takes them, from one question's form."""
    state = data.get("state") or answers.ANSWERED
    if question.kind == answers.MULTIPLE_CHOICE:
        return state, data.getlist("value")
    if question.kind == answers.TABLE:
        table: dict[str, dict[str, str]] = {}
        for name, cell in data.items():
            if not name.startswith(CELL_PREFIX) or not cell.strip():
                continue  # blank cells are left out: an all-blank table is no answer
            row, _, column = name[len(CELL_PREFIX) :].partition(":")
            table.setdefault(row, {})[column] = cell
        return state, table or None
    if question.kind == answers.FILE:
        return state, None
    return state, data.get("value", "")


class AnswerPostForm(forms.Form):
    """The envelope of an autosave: which question, and which version the form was showing."""

    question = forms.IntegerField(min_value=1)
    version = forms.IntegerField(min_value=0)


class UploadForm(forms.Form):
    question = forms.IntegerField(min_value=1)
    file = forms.FileField(label="Choose a file", allow_empty_file=True)


class ClarificationForm(forms.Form):
    question = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    text = forms.CharField(label="Your reply to the secretariat", widget=forms.Textarea)


class HandoffForm(forms.Form):
    """Ready for clearance (a note, optional) or sent back (a comment, required: the service
    says so, with the same words for the page and any other caller)."""

    comment = forms.CharField(
        label="Comment",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OnBehalfForm(forms.Form):
    """The secretariat records a reply that reached it outside the portal."""

    channel = forms.ChoiceField(
        label="How the reply was received",
        choices=[
            (Reply.Channel.NOTE_VERBALE, Reply.Channel.NOTE_VERBALE.label),
            (Reply.Channel.EMAIL, Reply.Channel.EMAIL.label),
        ],
        widget=forms.RadioSelect,
    )
    received_on = forms.DateField(
        label="Date received",
        help_text="As stamped on the note verbale or shown on the e-mail.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text='e.g. "Note verbale No. 123 of 10 December 2007".',
    )

    def clean_received_on(self) -> datetime.date:
        received: datetime.date = self.cleaned_data["received_on"]
        if received > timezone.localdate():
            raise forms.ValidationError("The date received cannot be in the future.")
        return received


class CompareForm(forms.Form):
    older = forms.IntegerField(label="Earlier revision", min_value=1)
    newer = forms.IntegerField(label="Later revision", min_value=1)
