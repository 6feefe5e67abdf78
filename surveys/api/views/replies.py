"""Replies through the API: answers, files, submission and amendment, revisions, review."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from portal import policy
from portal.ids import ID_PATTERN, path_id
from portal.parsers import JSONParser

from ...models import Reply
from ...replies import selectors
from ...replies import services as replies
from ..serializers import (
    AnswerReadSerializer,
    AnswerSerializer,
    AnswerWriteSerializer,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    ReplySerializer,
    RestrictSerializer,
    ReviewSerializer,
    RevisionSerializer,
    SubmitSerializer,
)

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
