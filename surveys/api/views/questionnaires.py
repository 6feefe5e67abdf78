"""Questionnaires, their sections and questions through the API (the secretariat writes)."""

from collections.abc import Mapping

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from portal.permissions import IsSecretariat

from ...models import Question, Section
from ...questionnaires import authoring, dispatch
from ...questionnaires.selectors import questionnaires_visible_to
from ..serializers import (
    CopySerializer,
    DispatchSerializer,
    QuestionnaireSerializer,
    QuestionSerializer,
    SectionSerializer,
)

# --- questionnaires -----------------------------------------------------------------------


class QuestionnaireViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Questionnaires with their sections and questions. Everyone reads those sent to them;
    the secretariat authors, dispatches, copies and sends reminders."""

    serializer_class = QuestionnaireSerializer

    def get_permissions(self):  # type: ignore[no-untyped-def]
        if self.action in ("list", "retrieve"):
            return [IsAuthenticated()]
        return [IsSecretariat()]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return questionnaires_visible_to(self.request.user).prefetch_related("sections__questions")

    def perform_create(self, serializer):  # type: ignore[no-untyped-def]
        serializer.instance = authoring.create_questionnaire(
            by=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):  # type: ignore[no-untyped-def]
        serializer.instance = authoring.update_questionnaire(
            questionnaire=serializer.instance, by=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=DispatchSerializer, responses={200: QuestionnaireSerializer})
    @action(detail=True, methods=["post"], url_path="dispatch")
    def send(self, request: Request, pk: str) -> Response:
        """Send to recipients (union of the choices), freezing the questions."""
        questionnaire = self.get_object()
        params = DispatchSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        recipients = dispatch.select_recipients(
            on=data["sent_on"] or questionnaire.sent_on or timezone.localdate(),
            all_member_states=data["all_member_states"],
            regional_groups=data["regional_groups"],
            kinds=data["kinds"],
            respondent_ids=data["respondents"],
        )
        added = dispatch.dispatch_questionnaire(
            questionnaire=questionnaire,
            by=request.user,
            respondents=recipients,
            reference=data["reference"],
            sent_on=data["sent_on"],
        )
        questionnaire.refresh_from_db()
        return Response({"added": added, **QuestionnaireSerializer(questionnaire).data})

    @extend_schema(request=CopySerializer, responses={201: QuestionnaireSerializer})
    @action(detail=True, methods=["post"])
    def copy(self, request: Request, pk: str) -> Response:
        """Start a new questionnaire from this one."""
        params = CopySerializer(data=request.data)
        params.is_valid(raise_exception=True)
        copy = authoring.copy_questionnaire(
            source=self.get_object(), by=request.user, **params.validated_data
        )
        return Response(QuestionnaireSerializer(copy).data, status=201)

    @extend_schema(
        request=inline_serializer(
            "RemindRequest",
            {
                "respondents": drf_serializers.ListField(
                    child=drf_serializers.IntegerField(),
                    required=False,
                    help_text="Ids of the respondents to remind; omitted: every recipient "
                    "that has not replied.",
                )
            },
        ),
        responses={
            200: inline_serializer(
                "RemindersSent",
                {
                    "sent": drf_serializers.IntegerField(),
                    "reminded": drf_serializers.ListField(child=drf_serializers.CharField()),
                    "skipped": drf_serializers.ListField(child=drf_serializers.DictField()),
                },
            )
        },
    )
    @action(detail=True, methods=["post"])
    def remind(self, request: Request, pk: str) -> Response:
        """Remind every recipient that has not submitted, or the ones named, now; the answer
        names (by code) who was reminded and who was skipped, and why."""
        body = request.data
        if not isinstance(body, Mapping):
            raise ValidationError(
                {"detail": 'Send an object, e.g. {"respondents": [12]}, or nothing.'}
            )
        chosen = body.get("respondents")
        if "respondents" in body and (
            not isinstance(chosen, list)
            or not all(isinstance(i, int) and not isinstance(i, bool) for i in chosen)
        ):
            raise ValidationError(
                {"respondents": "Give a list of respondent ids, or leave it out."}
            )
        result = dispatch.send_reminders(
            questionnaire=self.get_object(), by=request.user, respondent_ids=chosen
        )
        return Response(
            {
                "sent": result.sent,
                "reminded": [r.reply.respondent.code for r in result.reminded],
                "skipped": [
                    {"respondent": r.reply.respondent.code, "reason": r.skipped}
                    for r in result.skipped
                ],
            }
        )


class _StructureViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [IsSecretariat]

    def _reason(self) -> str:
        """The reason for a change to a dispatched questionnaire, from the body or the query."""
        body = self.request.data
        if not isinstance(body, Mapping):
            raise ValidationError({"detail": 'Send an object, e.g. {"reason": "…"}, or nothing.'})
        reason = body.get("reason") or self.request.query_params.get("reason", "")
        if not isinstance(reason, str):
            raise ValidationError({"reason": "Give the reason as text."})
        return reason


class SectionViewSet(_StructureViewSet):
    """Sections of a questionnaire (secretariat). Once dispatched, send a `reason`."""

    serializer_class = SectionSerializer
    queryset = Section.objects.select_related("questionnaire")

    def perform_create(self, serializer):  # type: ignore[no-untyped-def]
        data = serializer.validated_data
        serializer.instance = authoring.add_section(
            questionnaire=data["questionnaire"],
            by=self.request.user,
            number=data["number"],
            title=data["title"],
            reason=data.get("reason"),
        )

    def perform_update(self, serializer):  # type: ignore[no-untyped-def]
        data = {k: v for k, v in serializer.validated_data.items() if k != "questionnaire"}
        serializer.instance = authoring.update_section(
            section=serializer.instance, by=self.request.user, **data
        )

    @extend_schema(parameters=[OpenApiParameter("reason", str)])
    def destroy(self, request: Request, *args: object, **kwargs: object) -> Response:
        authoring.delete_section(section=self.get_object(), by=request.user, reason=self._reason())
        return Response(status=204)


class QuestionViewSet(_StructureViewSet):
    """Numbered questions (secretariat). Once dispatched, send a `reason`."""

    serializer_class = QuestionSerializer
    queryset = Question.objects.select_related("section__questionnaire")

    def perform_create(self, serializer):  # type: ignore[no-untyped-def]
        data = dict(serializer.validated_data)
        section = data.pop("section")
        serializer.instance = authoring.add_question(section=section, by=self.request.user, **data)

    def perform_update(self, serializer):  # type: ignore[no-untyped-def]
        serializer.instance = authoring.update_question(
            question=serializer.instance, by=self.request.user, **serializer.validated_data
        )

    @extend_schema(parameters=[OpenApiParameter("reason", str)])
    def destroy(self, request: Request, *args: object, **kwargs: object) -> Response:
        authoring.delete_question(
            question=self.get_object(), by=request.user, reason=self._reason()
        )
        return Response(status=204)
