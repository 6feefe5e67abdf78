"""Filters shared by the respondents page and the API."""

import datetime

import django_filters
from django.db.models import Q, QuerySet

from ..models import Respondent


class RespondentFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Respondent.Kind.choices)
    regional_group = django_filters.ChoiceFilter(choices=Respondent.RegionalGroup.choices)
    name = django_filters.CharFilter(method="filter_name", label="Name, abbreviation or code")

    on = django_filters.DateFilter(
        method="filter_on",
        label="Existing on (date)",
        help_text="Only respondents with a name in force on this date (YYYY-MM-DD).",
    )

    class Meta:
        model = Respondent
        fields = ["kind", "regional_group", "name", "on"]

    def filter_name(self, queryset: QuerySet[Respondent], _: str, value: str) -> QuerySet:
        matching = (
            Q(names__list_name__icontains=value)
            | Q(names__abbreviation__iexact=value)
            | Q(code__iexact=value)
        )
        return queryset.filter(pk__in=Respondent.objects.filter(matching).values("pk"))

    def filter_on(self, queryset: QuerySet[Respondent], _: str, value: datetime.date) -> QuerySet:
        in_force = (Q(names__valid_from__isnull=True) | Q(names__valid_from__lte=value)) & (
            Q(names__valid_to__isnull=True) | Q(names__valid_to__gte=value)
        )
        return queryset.filter(pk__in=Respondent.objects.filter(in_force).values("pk"))
