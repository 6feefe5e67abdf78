"""The API's JSON renderer."""

from __future__ import annotations

from typing import Any

from rest_framework.renderers import JSONRenderer as DRFJSONRenderer


class JSONRenderer(DRFJSONRenderer):
    """DRF's renderer, which writes UTF-8; text that cannot be UTF-8 (a lone surrogate stored
    before the parser refused them) is written as a JSON ``\\u`` escape instead of failing the
    whole answer with a 500."""

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Any = None,
    ) -> bytes:
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            escaping = type(self)()
            escaping.ensure_ascii = True
            return DRFJSONRenderer.render(escaping, data, accepted_media_type, renderer_context)
