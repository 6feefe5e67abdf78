"""Reading the audit trail: who changed what, when, filterable by person, respondent and date."""

from __future__ import annotations

import datetime

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from surveys.models import (
    Answer,
    Attachment,
    Membership,
    Reply,
    Respondent,
    RespondentName,
    Revision,
)


def _ids(queryset: QuerySet) -> list[str]:
    return [str(pk) for pk in queryset.values_list("pk", flat=True)]


def respondent_filter(respondent: Respondent) -> Q:
    """Entries about the respondent itself and about what belongs to it (its names,
    memberships, replies and their answers, attachments and revisions)."""
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


def entries(
    *,
    actor_id: int | None = None,
    respondent: Respondent | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[LogEntry]:
    result = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")
    if actor_id:
        result = result.filter(actor_id=actor_id)
    if respondent is not None:
        result = result.filter(respondent_filter(respondent))
    if since:
        result = result.filter(timestamp__date__gte=since)
    if until:
        result = result.filter(timestamp__date__lte=until)
    return result
