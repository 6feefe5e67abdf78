"""The respondents registry through the API, and UN-style lists of names."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.permissions import ReadAnyWriteSecretariat

from ...respondents import formatting
from ...respondents.filters import RespondentFilter
from ...respondents.selectors import formatting_respondents, respondents_in_un_order
from ..serializers import (
    FormatRequestSerializer,
    FormatResponseSerializer,
    RespondentSerializer,
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
