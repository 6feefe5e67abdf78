"""Reading the audit trail: who changed what, when, filterable by person, subject and date.

The subject is a condition on entries given by the caller (for a respondent:
``surveys.respondents.selectors.audit_subject``), so the accounts layer knows nothing of surveys.
"""

from __future__ import annotations

import datetime

from auditlog.models import LogEntry
from django.db.models import Q, QuerySet


def entries(
    *,
    actor_id: int | None = None,
    about: Q | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[LogEntry]:
    result = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")
    if actor_id:
        result = result.filter(actor_id=actor_id)
    if about is not None:
        result = result.filter(about)
    if since:
        result = result.filter(timestamp__date__gte=since)
    if until:
        result = result.filter(timestamp__date__lte=until)
    return result
