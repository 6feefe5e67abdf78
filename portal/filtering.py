"""Filters of API lists, as their schema documents them."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

EMPTY = "Give a value, or leave the parameter out."


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, refusing an empty value where the schema wants a date, a
    number, an id or one of a list of choices.

    The pages share these filter sets with the API, and their forms send every field, empty
    or not, so django-filter reads ``?on=`` as "no filter". An API client that sends
    ``?on=`` has lost a value on the way: it gets a 400 naming the parameter, not the whole
    list as if it had asked for it. An empty text filter is still a text, and still means
    "any"."""

    def filter_queryset(self, request: Request, queryset: QuerySet, view: Any) -> QuerySet:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            empty = {
                name: EMPTY
                for name, field in filterset_class.base_filters.items()
                if not isinstance(field, django_filters.CharFilter)
                and "" in request.query_params.getlist(name)
            }
            if empty:
                raise ValidationError(empty)
        return super().filter_queryset(request, queryset, view)
