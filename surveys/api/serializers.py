from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from portal import serializers as strict
from portal.ids import MAX_ID

from ..models import (
    Answer,
    Attachment,
    Question,
    Questionnaire,
    Reply,
    Respondent,
    RespondentName,
    Revision,
    Section,
)
from ..respondents import selectors, services
from ..respondents.formatting import Style

# A larger number sent as an id is refused as invalid instead of overflowing the database
# driver (portal.ids reads ids in addresses the same way).


def id_field(**kwargs: Any) -> strict.IntegerField:
    """An integer that names a row."""
    return strict.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class RespondentNameSerializer(strict.ModelSerializer):
    class Meta:
        model = RespondentName
        fields = [
            "list_name",
            "text_name",
            "short_name",
            "abbreviation",
            "sort_key",
            "valid_from",
            "valid_to",
            "source",
            "note",
        ]


class RespondentSerializer(strict.ModelSerializer):
    names = RespondentNameSerializer(many=True, help_text="Name history, oldest first.")
    name = serializers.SerializerMethodField(help_text="The list form of today's name.")

    class Meta:
        model = Respondent
        fields = [
            "id",
            "code",
            "kind",
            "regional_group",
            "iso3",
            "m49",
            "count_singular",
            "count_plural",
            "name",
            "names",
        ]

    def get_name(self, respondent: Respondent) -> str | None:
        current = respondent.current_name()
        return current.list_name if current else None

    def _save(self, **kwargs: Any) -> Respondent:
        try:
            if self.instance is None:
                saved = services.create_respondent(**kwargs)
            else:
                saved = services.update_respondent(respondent=self.instance, **kwargs)
            return selectors.respondents().get(pk=saved.pk)  # names in date order
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from None

    def create(self, validated_data: dict[str, Any]) -> Respondent:
        return self._save(**validated_data)

    def update(self, instance: Respondent, validated_data: dict[str, Any]) -> Respondent:
        return self._save(**validated_data)


class FormatRequestSerializer(serializers.Serializer):
    respondents = serializers.ListField(
        child=id_field(),
        allow_empty=False,
        help_text="Respondent ids, in any order.",
    )
    style = strict.ChoiceField(
        choices=[s.value for s in Style],
        help_text='"list" for a bare list (footnote, parenthesis), "prose" inside a sentence.',
    )
    date = strict.DateField(help_text="The document's date: names in force then are used.")
    mentioned = serializers.ListField(
        child=id_field(),
        required=False,
        default=list,
        help_text="Respondents already named earlier in the document (later-mention forms).",
    )


class FormatResponseSerializer(serializers.Serializer):
    text = strict.CharField(help_text="The list, without a closing full stop.")
    count = strict.CharField(
        help_text='The count phrase, e.g. "23 States and one regional organization".'
    )


# --- questionnaires -----------------------------------------------------------------------


class QuestionSerializer(strict.ModelSerializer):
    reason = strict.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        help_text="Required once the questionnaire is dispatched: why the question changes.",
    )
    text = serializers.JSONField(help_text='Per language: {"en": "…", "fr": "…"}.')
    help_text = serializers.JSONField(required=False)
    options = serializers.JSONField(required=False)
    condition_values = serializers.JSONField(required=False)

    class Meta:
        model = Question
        fields = [
            "id",
            "section",
            "number",
            "order",
            "kind",
            "text",
            "help_text",
            "required",
            "options",
            "condition_question",
            "condition_values",
            "reason",
        ]
        read_only_fields = ["order"]


class SectionSerializer(strict.ModelSerializer):
    questions = QuestionSerializer(many=True, read_only=True)
    title = serializers.JSONField(help_text='Per language: {"en": "…"}.')
    reason = strict.CharField(write_only=True, required=False, allow_blank=True)

    class Meta:
        model = Section
        fields = ["id", "questionnaire", "number", "title", "order", "questions", "reason"]
        read_only_fields = ["order"]


class QuestionnaireSerializer(strict.ModelSerializer):
    sections = SectionSerializer(many=True, read_only=True)
    languages = serializers.ListField(child=strict.CharField(), allow_empty=False)

    class Meta:
        model = Questionnaire
        fields = [
            "id",
            "title",
            "mandate_symbol",
            "mandate_title",
            "reference",
            "sent_on",
            "deadline",
            "cutoff",
            "languages",
            "reminder_days_before",
            "status",
            "dispatched_at",
            "revision",
            "based_on",
            "sections",
        ]
        read_only_fields = ["status", "dispatched_at", "revision", "based_on"]


class DispatchSerializer(serializers.Serializer):
    all_member_states = strict.BooleanField(default=False)
    regional_groups = serializers.ListField(
        child=strict.ChoiceField(choices=Respondent.RegionalGroup.values), default=list
    )
    kinds = serializers.ListField(
        child=strict.ChoiceField(choices=Respondent.Kind.values), default=list
    )
    respondents = serializers.ListField(child=id_field(), default=list)
    reference = strict.CharField(required=False, allow_blank=True, default="")
    sent_on = strict.DateField(required=False, allow_null=True, default=None)


class CopySerializer(serializers.Serializer):
    title = strict.CharField()
    deadline = strict.DateField()
    cutoff = strict.DateField()


# --- replies ------------------------------------------------------------------------------


class AnswerSerializer(strict.ModelSerializer):
    class Meta:
        model = Answer
        fields = ["question", "state", "value", "restricted", "version", "updated_at"]


class AnswerReadSerializer(serializers.Serializer):
    """An answer as a person reads it: the delegation and the secretariat the current draft
    (with its version, for the next save), reviewers the last submitted revision."""

    question = strict.IntegerField()
    state = strict.ChoiceField(choices=Answer.State.choices)
    value = serializers.JSONField(allow_null=True)
    restricted = strict.BooleanField(required=False, help_text="Delegation, secretariat.")
    version = strict.IntegerField(required=False, help_text="Delegation, secretariat.")
    updated_at = serializers.DateTimeField(required=False, help_text="Delegation, secretariat.")
    revision = strict.IntegerField(
        required=False, help_text="Reviewers: the number of the revision read."
    )


class AnswerWriteSerializer(serializers.Serializer):
    state = strict.ChoiceField(choices=Answer.State.values, default=Answer.State.ANSWERED)
    value = serializers.JSONField(required=False, allow_null=True, default=None)
    version = strict.IntegerField(
        min_value=0, help_text="The version your copy shows (0 for a new answer)."
    )


class ReplySerializer(strict.ModelSerializer):
    respondent_name = strict.CharField(source="respondent.__str__", read_only=True)
    # Blank until the reply is first received: the schema says so.
    review_state = strict.ChoiceField(
        choices=Reply.ReviewState.choices, allow_blank=True, read_only=True
    )
    channel = strict.ChoiceField(choices=Reply.Channel.choices, allow_blank=True, read_only=True)
    late = strict.BooleanField(source="is_late", read_only=True)
    in_report = strict.BooleanField(read_only=True)

    class Meta:
        model = Reply
        fields = [
            "id",
            "questionnaire",
            "respondent",
            "respondent_name",
            "status",
            "review_state",
            "received_on",
            "channel",
            "late",
            "in_report",
            "include_after_cutoff",
            "last_activity_at",
        ]
        read_only_fields = fields


class SubmitSerializer(serializers.Serializer):
    channel = strict.ChoiceField(choices=Reply.Channel.choices, default="portal")
    received_on = strict.DateField(required=False, allow_null=True, default=None)
    note = strict.CharField(required=False, allow_blank=True, default="")


class ReviewSerializer(serializers.Serializer):
    review_state = strict.ChoiceField(choices=Reply.ReviewState.values, required=False)
    include_after_cutoff = strict.BooleanField(required=False)


class RestrictSerializer(serializers.Serializer):
    restricted = strict.BooleanField()


class RevisionSerializer(strict.ModelSerializer):
    submitted_by = serializers.StringRelatedField()

    class Meta:
        model = Revision
        fields = [
            "number",
            "answers",
            "submitted_by",
            "submitted_at",
            "channel",
            "on_behalf",
            "received_on",
            "note",
        ]


class AttachmentSerializer(strict.ModelSerializer):
    class Meta:
        model = Attachment
        fields = [
            "id",
            "question",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
        ]


class AttachmentUploadSerializer(serializers.Serializer):
    question = strict.FormIdField()
    file = serializers.FileField()
