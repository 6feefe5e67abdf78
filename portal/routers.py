"""The router of every API: ids in addresses are read as ``portal.ids`` reads them."""

from __future__ import annotations

from typing import Any

from rest_framework.routers import DefaultRouter

from .ids import ID_PATTERN


class Router(DefaultRouter):
    """DRF's router, with two changes.

    Object ids match ``ID_PATTERN`` (ASCII digits, no more than a 64-bit id has): anything else
    in their place is an address no endpoint answers, a JSON 404 (``portal.views``).

    No ``.json`` format suffixes: every endpoint answers JSON anyway, and the custom actions do
    not take the ``format`` argument the suffix routes pass (they answered 500)."""

    include_format_suffixes = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._default_value_pattern = ID_PATTERN  # for viewsets that set no lookup_value_regex
