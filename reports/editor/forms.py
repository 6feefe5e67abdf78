"""Forms of the report editor: the masthead, sections and paragraphs."""

from __future__ import annotations

from django import forms

from surveys.models import Questionnaire

from ..models import Paragraph, Report, Section
from ..snapshot import MASTHEAD_FIELDS


class ReportForm(forms.ModelForm):
    questionnaires = forms.ModelMultipleChoiceField(
        queryset=Questionnaire.objects.order_by("-deadline", "title"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The report is based on the replies to these questionnaires.",
    )

    class Meta:
        model = Report
        fields = [*MASTHEAD_FIELDS, "questionnaires"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "agenda_title": forms.Textarea(attrs={"rows": 2}),
            "title": forms.Textarea(attrs={"rows": 2}),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # a form that does not say (an older page, a script) keeps today's type
        self.fields["document_type"].required = False

    def clean_document_type(self) -> str:
        return self.cleaned_data.get("document_type") or Report.DocumentType.SG_REPORT


class SectionForm(forms.Form):
    title = forms.CharField(max_length=300)
    kind = forms.ChoiceField(choices=Section.Kind.choices, initial=Section.Kind.BODY)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    generated = forms.ChoiceField(choices=Section.Generated.choices, required=False)


class ParagraphSaveForm(forms.Form):
    text = forms.CharField(required=False, widget=forms.Textarea)
    version = forms.IntegerField(min_value=1)
    kind = forms.ChoiceField(choices=Paragraph.Kind.choices, required=False)
    question = forms.IntegerField(required=False, min_value=1)


class ParagraphAddForm(forms.Form):
    kind = forms.ChoiceField(choices=Paragraph.Kind.choices, initial=Paragraph.Kind.TEXT)
    after = forms.IntegerField(required=False)
    text = forms.CharField(required=False)


class ParagraphMoveForm(forms.Form):
    offset = forms.IntegerField(required=False, min_value=-1, max_value=1)
    section = forms.IntegerField(required=False)
    position = forms.IntegerField(required=False, min_value=0)
