"""The status board as data: every recipient's reply with what the secretariat follows (focal
points, reminders, failed e-mails), filtered and sorted; the page, the CSV and the XLSX read
the same rows. A questionnaire has at most a few hundred recipients (195 States and some
organizations): the rows are read in a fixed number of queries and sorted in memory, by the
name in force on the sent date, which no column of the database holds."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import EmailLog, Membership, Questionnaire, Reply

SORTS = {
    "name": "Respondent",
    "status": "Status",
    "received": "Received on",
    "activity": "Last activity",
    "reminders": "Reminders sent",
    "focal_points": "Focal points",
}


@dataclass(frozen=True)
class BoardRow:
    reply: Reply
    name: str
    late: bool
    outside: bool

    @property
    def no_focal_point(self) -> bool:
        return not self.reply.focal_point_count  # type: ignore[attr-defined]


def _count(queryset: QuerySet[Any]) -> Subquery:
    return Subquery(
        queryset.order_by().values("respondent_id").annotate(n=Count("pk")).values("n"),
        output_field=IntegerField(),
    )


def board_replies(questionnaire: Questionnaire, filters: dict[str, Any]) -> QuerySet[Reply]:
    """Every recipient's reply with its counts, filtered (state of the reply, regional group,
    kind, focal point present), in a fixed number of queries."""
    emails = EmailLog.objects.filter(
        questionnaire_id=OuterRef("questionnaire_id"), respondent_id=OuterRef("respondent_id")
    )
    focal_points = Membership.objects.filter(
        respondent_id=OuterRef("respondent_id"),
        role=Membership.Role.FOCAL_POINT,
        is_active=True,
        user__is_active=True,
    )
    rows = (
        questionnaire.replies.select_related("respondent", "questionnaire")
        .prefetch_related("respondent__names")
        .annotate(
            reminders_sent=Coalesce(_count(emails.filter(kind=EmailLog.Kind.REMINDER)), Value(0)),
            emails_failed=Coalesce(_count(emails.filter(status=EmailLog.Status.FAILED)), Value(0)),
            focal_point_count=Coalesce(_count(focal_points), Value(0)),
        )
    )
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    if filters.get("regional_group"):
        rows = rows.filter(respondent__regional_group=filters["regional_group"])
    if filters.get("kind"):
        rows = rows.filter(respondent__kind=filters["kind"])
    if filters.get("focal_point") == "yes":
        rows = rows.filter(focal_point_count__gt=0)
    elif filters.get("focal_point") == "no":
        rows = rows.filter(focal_point_count=0)
    return rows


def _name(reply: Reply, on: datetime.date | None) -> str:
    name = reply.respondent.name_on(on or timezone.localdate())
    return name.list_name if name else reply.respondent.code


def board_rows(
    questionnaire: Questionnaire, filters: dict[str, Any], sort: str = "name"
) -> list[BoardRow]:
    """The board's rows, sorted by ``sort`` (a key of ``SORTS``; ``-`` before it reverses)."""
    on = questionnaire.sent_on
    rows = [
        BoardRow(
            reply=reply,
            name=_name(reply, on),
            late=reply.is_late,
            outside=reply.received_on is not None and not reply.in_report,
        )
        for reply in board_replies(questionnaire, filters)
    ]
    key = sort.removeprefix("-")
    order = list(Reply.Status.values)
    keys = {
        "name": lambda row: (row.name,),
        "status": lambda row: (order.index(row.reply.status), row.name),
        "received": lambda row: (
            row.reply.received_on or datetime.date.max,
            row.name,
        ),
        "activity": lambda row: (
            row.reply.last_activity_at or datetime.datetime.min.replace(tzinfo=datetime.UTC),
            row.name,
        ),
        "reminders": lambda row: (row.reply.reminders_sent, row.name),
        "focal_points": lambda row: (row.reply.focal_point_count, row.name),
    }
    rows.sort(key=keys.get(key, keys["name"]), reverse=sort.startswith("-"))
    return rows


def summary(rows: list[BoardRow]) -> dict[str, int]:
    return {
        "received": sum(1 for row in rows if row.reply.received_on),
        "late": sum(1 for row in rows if row.late),
        "outside": sum(1 for row in rows if row.outside),
        "no_focal_point": sum(1 for row in rows if row.no_focal_point),
        "emails_failed": sum(1 for row in rows if row.reply.emails_failed),  # type: ignore[attr-defined]
    }


# --- export --------------------------------------------------------------------------------

COLUMNS = (
    "Respondent",
    "Code",
    "Kind",
    "Regional group",
    "Status",
    "Review",
    "Received on",
    "Late",
    "In the report",
    "Last activity",
    "Reminders sent",
    "Focal points",
    "Failed e-mails",
)


def export_values(row: BoardRow) -> list[Any]:
    """One row as typed values: dates as dates, counts as numbers, yes/no as booleans."""
    reply = row.reply
    activity = reply.last_activity_at
    return [
        row.name,
        reply.respondent.code,
        reply.respondent.get_kind_display(),
        reply.respondent.get_regional_group_display(),
        reply.get_status_display() + (" (withdrawn)" if reply.withdrawn else ""),
        reply.get_review_state_display(),
        reply.received_on,
        row.late,
        reply.in_report,
        timezone.localtime(activity).replace(tzinfo=None) if activity else None,
        reply.reminders_sent,  # type: ignore[attr-defined]
        reply.focal_point_count,  # type: ignore[attr-defined]
        reply.emails_failed,  # type: ignore[attr-defined]
    ]


def _text_safe(value: Any) -> Any:
    """Text a spreadsheet would run as a formula is written as text (OWASP CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def board_csv(rows: list[BoardRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(
            [
                "" if v is None else ("yes" if v is True else "no" if v is False else _text_safe(v))
                for v in export_values(row)
            ]
        )
    return out.getvalue()


def board_xlsx(rows: list[BoardRow], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Status board"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append(export_values(row))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            elif isinstance(cell.value, datetime.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
    sheet.column_dimensions["A"].width = 40
    workbook.properties.title = title[:250]
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
