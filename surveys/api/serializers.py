from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from reports.formatting import Style

from .. import services
from ..models import Respondent, RespondentName


class RespondentNameSerializer(serializers.ModelSerializer):
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


class RespondentSerializer(serializers.ModelSerializer):
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
                return services.create_respondent(**kwargs)
            return services.update_respondent(respondent=self.instance, **kwargs)
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from None

    def create(self, validated_data: dict[str, Any]) -> Respondent:
        return self._save(**validated_data)

    def update(self, instance: Respondent, validated_data: dict[str, Any]) -> Respondent:
        return self._save(**validated_data)


class FormatRequestSerializer(serializers.Serializer):
    respondents = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        allow_empty=False,
        help_text="Respondent ids, in any order.",
    )
    style = serializers.ChoiceField(
        choices=[s.value for s in Style],
        help_text='"list" for a bare list (footnote, parenthesis), "prose" inside a sentence.',
    )
    date = serializers.DateField(help_text="The document's date: names in force then are used.")
    mentioned = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        help_text="Respondents already named earlier in the document (later-mention forms).",
    )


class FormatResponseSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="The list, without a closing full stop.")
    count = serializers.CharField(
        help_text='The count phrase, e.g. "23 States and one regional organization".'
    )
