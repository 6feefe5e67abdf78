from collections.abc import Mapping

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal import policy
from portal.ids import ID_PATTERN, path_id
from portal.parsers import JSONParser
from portal.permissions import IsSecretariat, ReadAnyWriteSecretariat

from ..models import Question, Reply, Section
from ..questionnaires import authoring, dispatch
from ..questionnaires.selectors import questionnaires_visible_to
from ..replies import selectors
from ..replies import services as replies
from ..respondents import formatting
from ..respondents.filters import RespondentFilter
from ..respondents.selectors import formatting_respondents, respondents_in_un_order
from .serializers import (
    AnswerReadSerializer,
    AnswerSerializer,
    AnswerWriteSerializer,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    CopySerializer,
    DispatchSerializer,
    FormatRequestSerializer,
    FormatResponseSerializer,
    QuestionnaireSerializer,
    QuestionSerializer,
    ReplySerializer,
    RespondentSerializer,
    RestrictSerializer,
    ReviewSerializer,
    RevisionSerializer,
    SectionSerializer,
    SubmitSerializer,
)


class RespondentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The respondents registry: everyone signed in reads it, the secretariat edits it."""

    serializer_class = RespondentSerializer
    permission_classes = [ReadAnyWriteSecretariat]
    filterset_class = RespondentFilter

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return respondents_in_un_order()


class FormatListView(APIView):
    """Write a list of respondents in UN style, as a report's footnote or sentence would."""

    @extend_schema(request=FormatRequestSerializer, responses={200: FormatResponseSerializer})
    def post(self, request: Request) -> Response:
        query = FormatRequestSerializer(data=request.data)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        try:
            items = formatting_respondents(data["respondents"])
            formatting_respondents(data["mentioned"])  # unknown ids are an error too
            tracker = formatting.MentionTracker(data["mentioned"])
            text = formatting.format_list(
                items, style=data["style"], on=data["date"], tracker=tracker
            )
            count = formatting.count_phrase(items)
        except formatting.FormatError as error:
            return Response({"detail": str(error)}, status=400)
        return Response({"text": text, "count": count})


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
        request=None,
        responses={
            200: inline_serializer("RemindersSent", {"sent": drf_serializers.IntegerField()})
        },
    )
    @action(detail=True, methods=["post"])
    def remind(self, request: Request, pk: str) -> Response:
        """Remind every recipient that has not submitted, now."""
        sent = dispatch.send_reminders(questionnaire=self.get_object(), by=request.user)
        return Response({"sent": sent})


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


# --- replies ------------------------------------------------------------------------------

ANSWER = f"answers/(?P<question_id>{ID_PATTERN})"
ATTACHMENT = f"attachments/(?P<attachment_id>{ID_PATTERN})"


class ReplyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Replies, as each person may see them: the secretariat all; a delegation its own (drafts
    included); reviewers only what was submitted, as submitted, without restricted answers."""

    serializer_class = ReplySerializer
    filterset_fields = ["questionnaire", "respondent", "status"]

    # Actions that only need to know the reply is theirs to open: their service reloads and
    # locks it. An autosave is the commonest request of all.
    WRITES = {"save_answer", "restrict", "submit", "reopen"}

    def get_queryset(self):  # type: ignore[no-untyped-def]
        visible = selectors.replies_visible_to(self.request.user)
        if self.action in self.WRITES:
            return visible.select_related(None).prefetch_related(None)
        return visible.order_by("questionnaire", "pk")

    def _reads_revision_only(self, reply: Reply) -> bool:
        user = self.request.user
        return not policy.allows(user, "reply.read_draft", selectors.standing(user, reply))

    @extend_schema(responses={200: AnswerReadSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def answers(self, request: Request, pk: str) -> Response:
        """The answers: the current draft for the delegation and the secretariat, the last
        submitted revision for reviewers (restricted answers left out)."""
        reply = self.get_object()
        if self._reads_revision_only(reply):
            return Response(selectors.published_answers(reply))
        return Response(AnswerSerializer(reply.answers.all(), many=True).data)

    @extend_schema(request=AnswerWriteSerializer, responses={200: AnswerSerializer})
    @action(detail=True, methods=["put"], url_path=ANSWER)
    def save_answer(self, request: Request, pk: str, question_id: str) -> Response:
        """Save one answer. Send the version you loaded; 409 with what is stored if someone
        saved since."""
        question = path_id(question_id)
        params = AnswerWriteSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        answer = replies.save_answer(
            reply=self.get_object(),
            question_id=question,
            user=request.user,
            state=params.validated_data["state"],
            value=params.validated_data["value"],
            expected_version=params.validated_data["version"],
        )
        return Response(AnswerSerializer(answer).data)

    @extend_schema(request=RestrictSerializer, responses={200: AnswerSerializer})
    @action(detail=True, methods=["post"], url_path=rf"{ANSWER}/restrict")
    def restrict(self, request: Request, pk: str, question_id: str) -> Response:
        """Mark an answer not for publication (secretariat)."""
        params = RestrictSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        answer = get_object_or_404(self.get_object().answers, question_id=path_id(question_id))
        answer = replies.set_restricted(
            answer=answer, user=request.user, restricted=params.validated_data["restricted"]
        )
        return Response(AnswerSerializer(answer).data)

    @extend_schema(request=SubmitSerializer, responses={201: RevisionSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        """Clear and submit (focal point), or record on the respondent's behalf (secretariat,
        with channel and date received)."""
        params = SubmitSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        revision = replies.submit_reply(
            reply=self.get_object(), user=request.user, **params.validated_data
        )
        return Response(RevisionSerializer(revision).data, status=201)

    @extend_schema(request=None, responses={200: ReplySerializer})
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:
        """Amend a submitted reply while the questionnaire is open (a new revision follows)."""
        return Response(
            ReplySerializer(replies.reopen_reply(reply=self.get_object(), user=request.user)).data
        )

    @extend_schema(request=ReviewSerializer, responses={200: ReplySerializer})
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        """Review state, and inclusion after the cut-off (secretariat)."""
        reply = self.get_object()
        policy.require(request.user, "secretariat", message="Only the secretariat reviews replies.")
        params = ReviewSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        if "review_state" in params.validated_data:
            reply = replies.set_review_state(
                reply=reply, user=request.user, state=params.validated_data["review_state"]
            )
        if "include_after_cutoff" in params.validated_data:
            reply = replies.set_included_after_cutoff(
                reply=reply,
                user=request.user,
                include=params.validated_data["include_after_cutoff"],
            )
        reply.refresh_from_db()
        return Response(ReplySerializer(reply).data)

    @extend_schema(responses={200: RevisionSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def revisions(self, request: Request, pk: str) -> Response:
        reply = self.get_object()
        data = RevisionSerializer(reply.revisions.select_related("submitted_by"), many=True).data
        if self._reads_revision_only(reply):
            hidden = selectors.restricted_question_ids(reply)
            for revision in data:
                revision["answers"] = {
                    k: v
                    for k, v in revision["answers"].items()
                    if k not in hidden and not v.get("restricted")
                }
        return Response(data)

    @extend_schema(methods=["get"], responses={200: AttachmentSerializer(many=True)})
    @extend_schema(
        methods=["post"],
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, JSONParser],
        pagination_class=None,
    )
    def attachments(self, request: Request, pk: str) -> Response:
        """Files attached to the reply; upload one to a file question (checked by content)."""
        reply = self.get_object()
        if request.method == "POST":
            params = AttachmentUploadSerializer(data=request.data)
            params.is_valid(raise_exception=True)
            attachment = replies.attach_file(
                reply=reply,
                question_id=params.validated_data["question"],
                user=request.user,
                upload=params.validated_data["file"],
            )
            return Response(AttachmentSerializer(attachment).data, status=201)
        visible = selectors.attachments_visible(reply, self.request.user)
        return Response(AttachmentSerializer(visible, many=True).data)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=ATTACHMENT)
    def remove_attachment(self, request: Request, pk: str, attachment_id: str) -> Response:
        reply = self.get_object()
        attachment = get_object_or_404(
            reply.attachments, pk=path_id(attachment_id), deleted_at__isnull=True
        )
        replies.remove_attachment(attachment=attachment, user=request.user)
        return Response(status=204)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path=rf"{ATTACHMENT}/download")
    def download(self, request: Request, pk: str, attachment_id: str) -> FileResponse:
        """The file itself, as a download, to those who may see it."""
        reply = self.get_object()
        attachment = selectors.downloadable_attachment(
            user=request.user, pk=path_id(attachment_id), reply_id=reply.pk
        )
        if attachment is None:
            raise Http404
        return selectors.attachment_response(attachment)
