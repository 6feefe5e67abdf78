"""Filters shared by the respondents page and the API."""

import django_filters
from django.db.models import Q, QuerySet

from .models import Respondent


class RespondentFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Respondent.Kind.choices)
    regional_group = django_filters.ChoiceFilter(choices=Respondent.RegionalGroup.choices)
    name = django_filters.CharFilter(method="filter_name", label="Name, abbreviation or code")

    class Meta:
        model = Respondent
        fields = ["kind", "regional_group", "name"]

    def filter_name(self, queryset: QuerySet[Respondent], _: str, value: str) -> QuerySet:
        matching = (
            Q(names__list_name__icontains=value)
            | Q(names__abbreviation__iexact=value)
            | Q(code__iexact=value)
        )
        return queryset.filter(pk__in=Respondent.objects.filter(matching).values("pk"))
