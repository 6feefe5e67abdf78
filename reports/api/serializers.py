"""API shapes of reports; writes go through the services of each area."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from portal import serializers as strict
from surveys.api.serializers import id_field
from surveys.models import Question, Questionnaire, Reply

from ..coding import services as coding
from ..editor import services as editor
from ..models import (
    AttributionMember,
    AttributionSet,
    Build,
    Evidence,
    Paragraph,
    Report,
    Section,
    Theme,
)
from ..snapshot import MASTHEAD_FIELDS


class ReportSerializer(strict.ModelSerializer):
    questionnaires = strict.PrimaryKeyRelatedField(
        many=True,
        queryset=Questionnaire.objects.all(),
        required=False,
        help_text="Questionnaires whose replies the report is based on.",
    )

    class Meta:
        model = Report
        fields = [
            "id",
            *MASTHEAD_FIELDS,
            "questionnaires",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def _fields(self, data: dict[str, Any]) -> tuple[dict[str, Any], list[int] | None]:
        questionnaires = data.pop("questionnaires", None)
        ids = None if questionnaires is None else [q.pk for q in questionnaires]
        return data, ids

    def create(self, validated_data: dict[str, Any]) -> Report:
        fields, ids = self._fields(validated_data)
        return editor.create_report(
            created_by=self.context["request"].user, questionnaire_ids=ids or (), **fields
        )

    def update(self, instance: Report, validated_data: dict[str, Any]) -> Report:
        fields, ids = self._fields(validated_data)
        return editor.update_report(report=instance, questionnaire_ids=ids, **fields)


class ReportSectionSerializer(strict.ModelSerializer):
    class Meta:
        model = Section
        fields = ["id", "report", "parent", "kind", "title", "generated", "order"]
        read_only_fields = ["order"]

    def create(self, validated_data: dict[str, Any]) -> Section:
        return editor.add_section(**validated_data)

    def update(self, instance: Section, validated_data: dict[str, Any]) -> Section:
        return editor.update_section(
            section=instance,
            title=validated_data.get("title"),
            generated=validated_data.get("generated"),
        )


class SectionMoveSerializer(serializers.Serializer):
    offset = strict.ChoiceField(choices=[-1, 1], help_text="-1 moves up, 1 moves down.")


class ReportParagraphSerializer(strict.ModelSerializer):
    after = strict.PrimaryKeyRelatedField(
        queryset=Paragraph.objects.all(),
        required=False,
        allow_null=True,
        write_only=True,
        help_text="On creation: put the new paragraph after this one (default: at the end).",
    )
    version = strict.IntegerField(
        required=False,
        min_value=1,
        help_text="On update: the version you edited; a stale version is refused with 409.",
    )

    class Meta:
        model = Paragraph
        fields = ["id", "section", "kind", "text", "order", "version", "after", "updated_at"]
        read_only_fields = ["order", "updated_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        after = attrs.get("after")
        if after is not None and after.section_id != attrs.get("section", after.section).pk:
            raise serializers.ValidationError({"after": "That paragraph is in another section."})
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError({"version": "Send the version you edited."})
        moved = self.instance is not None and "section" in attrs
        if moved and attrs["section"].pk != self.instance.section_id:
            raise serializers.ValidationError(
                {"section": "Use the move action to move a paragraph to another section."}
            )
        return attrs

    def create(self, validated_data: dict[str, Any]) -> Paragraph:
        validated_data.pop("version", None)
        return editor.add_paragraph(
            section=validated_data["section"],
            text=validated_data.get("text", ""),
            kind=validated_data.get("kind", Paragraph.Kind.TEXT),
            after=validated_data.get("after"),
        )

    def update(self, instance: Paragraph, validated_data: dict[str, Any]) -> Paragraph:
        return editor.save_paragraph(
            paragraph_id=instance.pk,
            text=validated_data.get("text", instance.text),
            version=validated_data["version"],
            kind=validated_data.get("kind"),
        )


class ParagraphMoveSerializer(serializers.Serializer):
    section = strict.PrimaryKeyRelatedField(
        queryset=Section.objects.all(), help_text="The section (or subsection) to move into."
    )
    position = strict.IntegerField(
        min_value=0, help_text="0-based place among that section's paragraphs."
    )


class EvidenceSerializer(strict.ModelSerializer):
    """A passage of a reply (or a rule-based member's answer) behind a member of a set.

    On creation, send the set, the reply, the question and the offsets into the answer as the
    coding page shows it (``quote`` too, to be refused if the reply changed under you)."""

    attribution_set = strict.PrimaryKeyRelatedField(
        queryset=AttributionSet.objects.all(),
        write_only=True,
        help_text="On creation: the set to file the passage under.",
    )
    respondent = strict.IntegerField(source="member.respondent_id", read_only=True)
    reply = strict.PrimaryKeyRelatedField(queryset=Reply.objects.all())
    question = strict.PrimaryKeyRelatedField(queryset=Question.objects.all())
    start = strict.IntegerField(min_value=0, allow_null=True, required=True)
    end = strict.IntegerField(min_value=1, allow_null=True, required=True)
    quote = strict.CharField(required=False, allow_blank=True, trim_whitespace=False)
    state = serializers.SerializerMethodField(
        help_text="current, moved (still in the amended answer, elsewhere) or stale (gone)."
    )
    restricted = serializers.SerializerMethodField(
        help_text="The answer is marked not for publication."
    )

    class Meta:
        model = Evidence
        fields = [
            "id",
            "member",
            "attribution_set",
            "respondent",
            "reply",
            "question",
            "kind",
            "revision_number",
            "quote",
            "start",
            "end",
            "state",
            "restricted",
            "created_at",
        ]
        read_only_fields = ["member", "kind", "revision_number", "created_at"]

    def _view(self, evidence: Evidence) -> Any:
        views = self.context.get("evidence_views")
        if views is None or evidence.pk not in views:
            from ..coding.selectors import evidence_views

            views = {v.evidence.pk: v for v in evidence_views([evidence])}
            self.context["evidence_views"] = {**self.context.get("evidence_views", {}), **views}
        return views[evidence.pk]

    def get_state(self, evidence: Evidence) -> str:
        return self._view(evidence).state

    def get_restricted(self, evidence: Evidence) -> bool:
        return self._view(evidence).facts.restricted

    def create(self, validated_data: dict[str, Any]) -> Evidence:
        attribution_set = validated_data["attribution_set"]
        if validated_data.get("start") is None or validated_data.get("end") is None:
            raise serializers.ValidationError({"start": "Give the passage's start and end."})
        passage = coding.passage(
            report=attribution_set.report,
            reply=validated_data["reply"],
            question_id=validated_data["question"].pk,
            start=validated_data["start"],
            end=validated_data["end"],
            quote=validated_data.get("quote", ""),
        )
        return coding.file_passage(
            attribution_set=attribution_set,
            passage=passage,
            by=self.context["request"].user,
        )


class AttributionMemberSerializer(strict.ModelSerializer):
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = AttributionMember
        fields = ["id", "attribution_set", "respondent", "note", "by_rule", "evidence"]
        read_only_fields = ["by_rule"]

    def create(self, validated_data: dict[str, Any]) -> AttributionMember:
        return coding.add_member(
            attribution_set=validated_data["attribution_set"],
            respondent_id=validated_data["respondent"].pk,
            note=validated_data.get("note", ""),
        )

    def update(
        self, instance: AttributionMember, validated_data: dict[str, Any]
    ) -> AttributionMember:
        if validated_data.get("respondent", instance.respondent) != instance.respondent or (
            validated_data.get("attribution_set", instance.attribution_set)
            != instance.attribution_set
        ):
            raise serializers.ValidationError("Only the note of a member can change.")
        return coding.add_member(
            attribution_set=instance.attribution_set,
            respondent_id=instance.respondent_id,
            note=validated_data.get("note", instance.note),
        )


class NestedMemberSerializer(strict.ModelSerializer):
    class Meta:
        model = AttributionMember
        fields = ["id", "respondent", "note", "by_rule"]


class ThemeSerializer(strict.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["id", "report", "title", "section", "order"]
        read_only_fields = ["order"]
        validators: list = []  # the service says why in words

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None and attrs.get("report", self.instance.report) != (
            self.instance.report
        ):
            raise serializers.ValidationError({"report": "A theme stays with its report."})
        return attrs

    def create(self, validated_data: dict[str, Any]) -> Theme:
        return coding.create_theme(
            report=validated_data["report"],
            title=validated_data["title"],
            section=validated_data.get("section"),
        )

    def update(self, instance: Theme, validated_data: dict[str, Any]) -> Theme:
        return coding.update_theme(
            theme=instance,
            title=validated_data.get("title"),
            section=validated_data.get("section", False),
        )


class AttributionSetSerializer(strict.ModelSerializer):
    members = NestedMemberSerializer(many=True, read_only=True)
    respondents = serializers.ListField(
        child=id_field(),
        required=False,
        write_only=True,
        help_text="On creation: respondent ids of the first members.",
    )
    rule = serializers.JSONField(
        required=False,
        allow_null=True,
        help_text='Members from answers: {"question": id, "op": "equals"|"includes_any"|'
        '"greater_than", "value": … or "values": […], "row": …, "column": …}; null for none.',
    )

    class Meta:
        model = AttributionSet
        fields = [
            "id",
            "report",
            "key",
            "statement",
            "theme",
            "rule",
            "synced_at",
            "members",
            "respondents",
        ]
        read_only_fields = ["synced_at"]
        validators: list = []  # the service checks the key and says so in words

    def create(self, validated_data: dict[str, Any]) -> AttributionSet:
        return coding.create_set(
            report=validated_data["report"],
            key=validated_data["key"],
            statement=validated_data["statement"],
            theme=validated_data.get("theme"),
            rule=validated_data.get("rule"),
            respondent_ids=validated_data.get("respondents", []),
        )

    def update(self, instance: AttributionSet, validated_data: dict[str, Any]) -> AttributionSet:
        if validated_data.get("report", instance.report) != instance.report:
            raise serializers.ValidationError({"report": "A set stays with its report."})
        return coding.update_set(
            attribution_set=instance,
            key=validated_data.get("key"),
            statement=validated_data.get("statement"),
            theme=validated_data.get("theme", False),
            rule=validated_data.get("rule", False),
        )


class SyncResultSerializer(serializers.Serializer):
    added = strict.IntegerField()
    removed = strict.IntegerField()
    updated = strict.IntegerField()


class FindingSerializer(serializers.Serializer):
    check = strict.CharField(help_text="What was checked, e.g. member-without-reply.")
    severity = strict.ChoiceField(
        choices=["blocking", "warning", "note"],
        help_text="blocking: fix before building; warning: acknowledge before building; "
        "note: for information.",
    )
    where = strict.CharField()
    message = strict.CharField()
    set_key = strict.CharField(allow_blank=True)
    respondent_id = strict.IntegerField(allow_null=True)
    paragraph_id = strict.IntegerField(allow_null=True)
    evidence_id = strict.IntegerField(allow_null=True)


class ConsistencySerializer(serializers.Serializer):
    blocking = strict.IntegerField()
    warnings = strict.IntegerField()
    notes = strict.IntegerField()
    findings = FindingSerializer(many=True)


class BuildRequestSerializer(serializers.Serializer):
    acknowledge_warnings = strict.BooleanField(
        default=False,
        help_text="Build even though the consistency report has warnings (recorded on the build).",
    )


class BuildSerializer(strict.ModelSerializer):
    pdf_url = serializers.SerializerMethodField()
    docx_url = serializers.SerializerMethodField()

    class Meta:
        model = Build
        fields = [
            "id",
            "report",
            "status",
            "error",
            "snapshot_sha256",
            "created_at",
            "queued_at",
            "started_at",
            "finished_at",
            "duration",
            "page_count",
            "pdf_size",
            "pdf_sha256",
            "attempts",
            "acknowledged_warnings",
            "reused_from",
            "requested_by",
            "pdf_url",
            "docx_url",
        ]
        read_only_fields = fields

    def get_pdf_url(self, build: Build) -> str | None:
        return reverse("build-pdf", args=[build.pk]) if build.pdf else None

    def get_docx_url(self, build: Build) -> str | None:
        return reverse("build-docx", args=[build.pk]) if build.docx else None


class ProblemSerializer(serializers.Serializer):
    where = strict.CharField()
    message = strict.CharField()
    paragraph_id = strict.IntegerField(allow_null=True)


class PreviewSerializer(serializers.Serializer):
    html = strict.CharField(help_text="The preview as an HTML fragment.")
    paragraph_count = strict.IntegerField()
    footnote_count = strict.IntegerField()
    problems = ProblemSerializer(many=True)
