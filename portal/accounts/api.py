"""API tokens through the API: what a sign-in request looks like, and listing and revoking
tokens (one's own; the secretariat everyone's)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from knox.models import AuthToken
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from ..ids import MAX_ID
from . import services


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=254, help_text="The e-mail address.")
    password = serializers.CharField(
        max_length=4096,
        trim_whitespace=False,
        style={"input_type": "password"},
    )
    otp_token = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text="For anyone who uses two-factor sign-in: the six-digit code of the "
        "authenticator app, or a recovery code.",
    )


class IssuedTokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")
    expiry = serializers.DateTimeField(help_text="When the token stops working.")


class TokenSerializer(serializers.ModelSerializer):
    """A token as its owner or the secretariat sees it: never the token itself."""

    id = serializers.CharField(
        source="token_key", read_only=True, help_text="The first characters of the token."
    )
    user_email = serializers.EmailField(source="user.email", read_only=True)
    current = serializers.SerializerMethodField(
        help_text="Whether this request was authenticated with this token."
    )

    class Meta:
        model = AuthToken
        fields = ["id", "user", "user_email", "created", "expiry", "current"]
        read_only_fields = fields

    def get_current(self, token: AuthToken) -> bool:
        used = getattr(self.context.get("request"), "auth", None)
        return isinstance(used, AuthToken) and used.digest == token.digest


@extend_schema(
    parameters=[
        OpenApiParameter(
            "user", int, description="Only this person's tokens (secretariat).", required=False
        )
    ]
)
class TokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """API tokens that still work: one's own; for the secretariat, everyone's. Deleting one
    revokes it at once."""

    serializer_class = TokenSerializer
    lookup_field = "token_key"
    lookup_url_kwarg = "id"
    lookup_value_regex = r"[0-9a-f]{1,25}"
    filter_backends: list[Any] = []

    def get_queryset(self):  # type: ignore[no-untyped-def]
        tokens = services.tokens_visible_to(self.request.user)
        if self.action == "list" and "user" in self.request.query_params:
            chosen = self.request.query_params.getlist("user")
            # A larger number overflows the database driver (a 500): it names nobody.
            person = serializers.IntegerField(min_value=1, max_value=MAX_ID)
            if len(chosen) > 1:
                raise serializers.ValidationError({"user": ["Give one person's id."]})
            try:
                tokens = tokens.filter(user_id=person.run_validation(chosen[0]))
            except serializers.ValidationError as error:
                raise serializers.ValidationError({"user": error.detail}) from None
        return tokens

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        token = get_object_or_404(self.get_queryset(), token_key=kwargs["id"])
        services.revoke_token(token=token, by=request.user)
        return Response(status=204)
