"""Reports through the API: secretariat only, like the pages."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from portal.permissions import IsSecretariat

from .. import selectors
from ..builds import services
from ..builds.views import build_file_response
from ..coding import selectors as coding_selectors
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
from .serializers import (
    AttributionMemberSerializer,
    AttributionSetSerializer,
    BuildRequestSerializer,
    BuildSerializer,
    ConsistencySerializer,
    EvidenceSerializer,
    ParagraphMoveSerializer,
    PreviewSerializer,
    ReportParagraphSerializer,
    ReportSectionSerializer,
    ReportSerializer,
    SectionMoveSerializer,
    SyncResultSerializer,
    ThemeSerializer,
)


class ReportViewSet(viewsets.ModelViewSet):
    """Reports of the Secretary-General and their mastheads."""

    serializer_class = ReportSerializer
    permission_classes = [IsSecretariat]
    queryset = Report.objects.prefetch_related("questionnaires")

    @extend_schema(responses={200: PreviewSerializer})
    @action(detail=True, methods=["get"])
    def preview(self, request: Request, pk: str | None = None) -> Response:
        """The report as it stands: preview HTML, numbers and the problems to fix."""
        rendered = selectors.preview(self.get_object())
        composition = rendered.composition
        data = {
            "html": rendered.html,
            "paragraph_count": composition.paragraph_count,
            "footnote_count": len(composition.footnotes),
            "problems": [
                {"where": p.where, "message": p.message, "paragraph_id": p.paragraph_id}
                for p in composition.problems
            ],
        }
        return Response(PreviewSerializer(data).data)

    @extend_schema(
        methods=["post"],
        request=BuildRequestSerializer,
        responses={
            201: OpenApiResponse(
                BuildSerializer,
                description="Build queued (or failed at once, with the blocking findings).",
            ),
            200: OpenApiResponse(
                BuildSerializer, description="Unchanged since the last good build: reused."
            ),
            409: OpenApiResponse(
                ConsistencySerializer,
                description="The consistency report has warnings: send acknowledge_warnings.",
            ),
        },
    )
    @extend_schema(methods=["get"], responses={200: BuildSerializer(many=True)})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def builds(self, request: Request, pk: str | None = None) -> Response:
        """GET lists the report's builds; POST freezes the report and starts a build."""
        report = self.get_object()
        if request.method == "POST":
            query = BuildRequestSerializer(data=request.data)
            query.is_valid(raise_exception=True)
            try:
                build = services.start_build(
                    report=report,
                    requested_by=request.user,
                    acknowledge_warnings=query.validated_data["acknowledge_warnings"],
                )
            except services.WarningsNotAcknowledgedError:
                data = _consistency_data(coding_selectors.consistency_gate(report))
                data["detail"] = (
                    "The consistency report has warnings: read them and send "
                    '{"acknowledge_warnings": true} to build anyway.'
                )
                return Response(data, status=status.HTTP_409_CONFLICT)
            code = status.HTTP_200_OK if build.reused_from_id else status.HTTP_201_CREATED
            return Response(BuildSerializer(build).data, status=code)
        return Response(BuildSerializer(selectors.builds_of(report), many=True).data)

    @extend_schema(responses={200: ConsistencySerializer})
    @action(detail=True, methods=["get"])
    def consistency(self, request: Request, pk: str | None = None) -> Response:
        """The consistency report: what blocks a build, what to acknowledge, what to know."""
        return Response(_consistency_data(coding_selectors.consistency_gate(self.get_object())))

    @extend_schema(request=None, responses={200: ThemeSerializer(many=True)})
    @action(detail=True, methods=["post"], url_path="themes-from-sections", pagination_class=None)
    def themes_from_sections(self, request: Request, pk: str | None = None) -> Response:
        """One theme per section and subsection of the report (safe to repeat)."""
        themes = coding.themes_from_sections(report=self.get_object())
        return Response(ThemeSerializer(themes, many=True).data)

    @extend_schema(request=None, responses={200: SyncResultSerializer})
    @action(detail=True, methods=["post"], url_path="sync-rules")
    def sync_rules(self, request: Request, pk: str | None = None) -> Response:
        """Bring every rule-based set of the report in step with the replies."""
        result = coding.sync_rule_sets(report=self.get_object())
        return Response(SyncResultSerializer(result).data)


class ReportSectionViewSet(viewsets.ModelViewSet):
    """Sections (I., II.), subsections (A., B.; with a parent) and annexes of reports."""

    serializer_class = ReportSectionSerializer
    permission_classes = [IsSecretariat]
    queryset = Section.objects.order_by("report", "kind", "parent_id", "order", "pk")
    filterset_fields = ["report", "parent", "kind"]

    def perform_destroy(self, instance: Section) -> None:
        editor.delete_section(section=instance)

    @extend_schema(request=SectionMoveSerializer, responses={200: ReportSectionSerializer})
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str | None = None) -> Response:
        """Move the section up or down among its siblings."""
        query = SectionMoveSerializer(data=request.data)
        query.is_valid(raise_exception=True)
        section = editor.shift_section(
            section=self.get_object(), offset=int(query.validated_data["offset"])
        )
        return Response(ReportSectionSerializer(section).data)


class ReportParagraphViewSet(viewsets.ModelViewSet):
    """Paragraphs in markup (see the editor's help) and italic headings."""

    serializer_class = ReportParagraphSerializer
    permission_classes = [IsSecretariat]
    queryset = Paragraph.objects.select_related("section").order_by("section", "order", "pk")
    filterset_fields = ["section", "section__report"]

    def perform_destroy(self, instance: Paragraph) -> None:
        editor.delete_paragraph(paragraph=instance)

    @extend_schema(request=ParagraphMoveSerializer, responses={200: ReportParagraphSerializer})
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str | None = None) -> Response:
        """Move the paragraph to a place in a section of the same report."""
        paragraph = self.get_object()
        query = ParagraphMoveSerializer(data=request.data)
        query.is_valid(raise_exception=True)
        moved = editor.move_paragraph(
            paragraph=paragraph,
            section=query.validated_data["section"],
            position=query.validated_data["position"],
        )
        return Response(ReportParagraphSerializer(moved).data)


class AttributionSetViewSet(viewsets.ModelViewSet):
    """Statements and the respondents who made them, cited as {fn:key}, {list:key}, {count:key};
    with a rule, members are kept in step with the replies."""

    serializer_class = AttributionSetSerializer
    permission_classes = [IsSecretariat]
    queryset = AttributionSet.objects.prefetch_related("members").order_by("report", "key")
    filterset_fields = ["report", "key", "theme"]

    @extend_schema(request=None, responses={200: SyncResultSerializer})
    @action(detail=True, methods=["post"])
    def sync(self, request: Request, pk: str | None = None) -> Response:
        """Re-apply the set's rule to the replies now (idempotent)."""
        result = coding.sync_rule_set(attribution_set=self.get_object())
        return Response(SyncResultSerializer(result).data)


class ThemeViewSet(viewsets.ModelViewSet):
    """Themes group a report's attribution sets in the coding work, often one per section."""

    serializer_class = ThemeSerializer
    permission_classes = [IsSecretariat]
    queryset = Theme.objects.order_by("report", "order", "pk")
    filterset_fields = ["report", "section"]

    def perform_destroy(self, instance: Theme) -> None:
        coding.delete_theme(theme=instance)


class EvidenceViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Passages of replies behind the members of attribution sets; each says whether it is
    still in the reply's last submission (stale evidence is kept, never dropped)."""

    serializer_class = EvidenceSerializer
    permission_classes = [IsSecretariat]
    queryset = Evidence.objects.select_related("member", "question").order_by("pk")
    filterset_fields = ["member", "member__attribution_set", "reply", "kind"]

    def get_serializer(self, *args: Any, **kwargs: Any) -> EvidenceSerializer:
        serializer = super().get_serializer(*args, **kwargs)
        instances = args[0] if args else None
        if instances is not None and not isinstance(instances, Evidence):
            # a page of evidence: what the replies say now, read once for the whole page
            views = coding_selectors.evidence_views(instances)
            serializer.child.context["evidence_views"] = {v.evidence.pk: v for v in views}  # type: ignore[attr-defined]
        return serializer

    def perform_destroy(self, instance: Evidence) -> None:
        coding.remove_evidence(evidence=instance)


class AttributionMemberViewSet(viewsets.ModelViewSet):
    """Members of attribution sets, each with an optional note."""

    serializer_class = AttributionMemberSerializer
    permission_classes = [IsSecretariat]
    queryset = AttributionMember.objects.order_by("attribution_set", "respondent")
    filterset_fields = ["attribution_set", "respondent"]


def _consistency_data(gate: Any) -> dict[str, Any]:
    return ConsistencySerializer(
        {
            "blocking": len(gate.blocking),
            "warnings": len(gate.warnings),
            "notes": len(gate.notes),
            "findings": [
                {
                    "check": f.check.value,
                    "severity": f.severity.value,
                    "where": f.where,
                    "message": f.message,
                    "set_key": f.set_key,
                    "respondent_id": f.respondent_id,
                    "paragraph_id": f.paragraph_id,
                    "evidence_id": f.evidence_id,
                }
                for f in gate.findings
            ],
        }
    ).data


class BuildViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Builds: poll one until it succeeds or fails, then download its files."""

    serializer_class = BuildSerializer
    permission_classes = [IsSecretariat]
    queryset = Build.objects.select_related("report").order_by("-created_at", "-pk")
    filterset_fields = ["report", "status"]

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: None})
    @action(detail=True, methods=["get"], url_path="pdf", url_name="pdf")
    def pdf(self, request: Request, pk: str | None = None) -> FileResponse:
        """The build's PDF."""
        return build_file_response(self.get_object(), "pdf")

    @extend_schema(
        responses={
            (
                200,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ): OpenApiTypes.BINARY,
            404: None,
        }
    )
    @action(detail=True, methods=["get"], url_path="docx", url_name="docx")
    def docx(self, request: Request, pk: str | None = None) -> FileResponse:
        """The build's Word version, with Word footnotes."""
        return build_file_response(self.get_object(), "docx")
