"""The secretariat's home: what needs attention now. On top of both apps, so that it can put
the cycle's items (``surveys.replies.attention``) beside the reports' own: builds that failed
and consistency findings still open. Registered with the home page in ``ReportsConfig.ready``
(the portal imports no app)."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Subquery
from django.urls import reverse

from portal import policy
from surveys.replies.attention import Attention, cycle_attention

from .coding.selectors import consistency_gate
from .models import Build, Report

# The consistency report composes a report: the home page checks the reports worked on last.
REPORTS_CHECKED = 5


def report_attention() -> list[Attention]:
    items: list[Attention] = []
    last_build = Build.objects.filter(report_id=OuterRef("pk")).order_by("-pk").values("status")[:1]
    failed = Report.objects.annotate(last_status=Subquery(last_build)).filter(
        last_status=Build.Status.FAILED
    )
    for report in failed.order_by("pk"):
        items.append(
            Attention(
                f"Last build failed: {report.title}",
                1,
                reverse("reports:build-list", args=[report.pk]),
                "the reason is on the build page; the last good PDF stays downloadable",
            )
        )
    for report in Report.objects.order_by("-updated_at", "-pk")[:REPORTS_CHECKED]:
        gate = consistency_gate(report)
        open_findings = len(gate.blocking) + len(gate.warnings)
        if open_findings:
            items.append(
                Attention(
                    f"Consistency findings open: {report.title}",
                    open_findings,
                    reverse("reports:consistency", args=[report.pk]),
                    f"{len(gate.blocking)} blocking a build" if gate.blocking else "",
                )
            )
    return items


def secretariat_attention(user: Any) -> list[Attention]:
    """Everything the home page lists for a member of the secretariat; nothing for others."""
    if not policy.is_secretariat(user):
        return []
    return [*cycle_attention(), *report_attention()]
