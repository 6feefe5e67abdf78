"""Reads of the respondents registry shared by pages, the API and report rendering."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from ..models import Answer, Attachment, Membership, Reply, Respondent, RespondentName, Revision
from . import formatting


def names_oldest_first() -> QuerySet[RespondentName]:
    """Name history in date order; the open-ended first name first on every database
    (PostgreSQL sorts NULL last by default, SQLite first)."""
    return RespondentName.objects.order_by(F("valid_from").asc(nulls_first=True), "pk")


def respondents() -> QuerySet[Respondent]:
    return Respondent.objects.prefetch_related(Prefetch("names", queryset=names_oldest_first()))


def respondents_in_un_order(on: datetime.date | None = None) -> QuerySet[Respondent]:
    """Respondents by kind (in the order UN documents list them), then by the sort key of the
    name in force on ``on`` (today by default)."""
    on = on or timezone.localdate()
    kind_rank = Case(
        *(When(kind=kind, then=Value(rank)) for rank, kind in enumerate(Respondent.Kind.values)),
        output_field=IntegerField(),
    )
    name_in_force = RespondentName.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=on),
        Q(valid_to__isnull=True) | Q(valid_to__gte=on),
        respondent=OuterRef("pk"),
    )
    return (
        respondents()
        .annotate(
            kind_rank=kind_rank,
            current_sort_key=Subquery(name_in_force.values("sort_key")[:1]),
        )
        .order_by("kind_rank", "current_sort_key", "code")
    )


def to_formatting(respondent: Respondent) -> formatting.Respondent:
    """The formatter's plain view of a respondent (uses prefetched names)."""
    count_noun = (
        (respondent.count_singular, respondent.count_plural) if respondent.count_singular else None
    )
    return formatting.Respondent(
        id=respondent.pk,
        kind=formatting.Kind(respondent.kind),
        names=tuple(_to_formatting_name(name) for name in respondent.names.all()),
        count_noun=count_noun,
    )


def _to_formatting_name(name: RespondentName) -> formatting.Name:
    return formatting.Name(
        list_name=name.list_name,
        text_name=name.text_name,
        sort_key=name.sort_key,
        short_name=name.short_name,
        abbreviation=name.abbreviation,
        valid_from=name.valid_from,
        valid_to=name.valid_to,
        kind=name.kind,
    )


def formatting_respondents(ids: Sequence[int]) -> list[formatting.Respondent]:
    """Load respondents by id, in the order given, for the formatter.

    Unknown ids raise FormatError naming them; duplicates are passed through so that the
    formatter reports them.
    """
    found = {r.pk: r for r in respondents().filter(pk__in=set(ids))}
    missing = sorted({i for i in ids if i not in found})
    if missing:
        raise formatting.FormatError(
            "Unknown respondent id"
            + ("s " if len(missing) > 1 else " ")
            + ", ".join(str(i) for i in missing)
            + "."
        )
    return [to_formatting(found[i]) for i in ids]


def _ids(queryset: QuerySet) -> list[str]:
    return [str(pk) for pk in queryset.values_list("pk", flat=True)]


def audit_subject(respondent: Respondent) -> Q:
    """Audit-trail entries about the respondent itself and about what belongs to it (its names,
    memberships, replies and their answers, attachments and revisions): a condition on
    ``auditlog.LogEntry`` for ``portal.audit.entries``."""
    replies = Reply.objects.filter(respondent=respondent)
    owned = {
        Respondent: [str(respondent.pk)],
        RespondentName: _ids(respondent.names.all()),
        Membership: _ids(respondent.memberships.all()),
        Reply: _ids(replies),
        Answer: _ids(Answer.objects.filter(reply__in=replies)),
        Attachment: _ids(Attachment.objects.filter(reply__in=replies)),
        Revision: _ids(Revision.objects.filter(reply__in=replies)),
    }
    condition = Q(pk__in=[])
    for model, pks in owned.items():
        condition |= Q(content_type=ContentType.objects.get_for_model(model), object_pk__in=pks)
    return condition
