"""Reads of reports shared by the editor, coding and builds: the report, its sections and sets,
the snapshot a build prints, the preview, and builds."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db.models import Prefetch, QuerySet

from surveys.models import Respondent
from surveys.replies.selectors import replies_in_report

from . import rendering
from .models import (
    AttributionMember,
    AttributionSet,
    Build,
    Paragraph,
    Report,
    Section,
)
from .snapshot import (
    MASTHEAD_FIELDS,
    SNAPSHOT_FORMAT,
    AttributionSetSnapshot,
    Masthead,
    NameSnapshot,
    ParagraphSnapshot,
    ReportSnapshot,
    RespondentSnapshot,
    SectionSnapshot,
)


def reports() -> QuerySet[Report]:
    return Report.objects.all()


def report_sections(report: Report) -> list[Section]:
    """Top-level body sections, then annexes, each with its paragraphs and subsections loaded."""
    paragraphs = Prefetch("paragraphs", queryset=Paragraph.objects.order_by("order", "pk"))
    subsections = Prefetch(
        "subsections",
        queryset=Section.objects.order_by("order", "pk").prefetch_related(paragraphs),
    )
    top = (
        Section.objects.filter(report=report, parent__isnull=True)
        .prefetch_related(paragraphs, subsections)
        .order_by("order", "pk")
    )
    body = [s for s in top if s.kind == Section.Kind.BODY]
    annexes = [s for s in top if s.kind == Section.Kind.ANNEX]
    return body + annexes


def attribution_sets(report: Report, *, with_names: bool = True) -> QuerySet[AttributionSet]:
    """The report's sets with their members; ``with_names`` also loads each member's names."""
    queryset = AttributionMember.objects.all()
    if with_names:
        queryset = queryset.select_related("respondent").prefetch_related("respondent__names")
    members = Prefetch("members", queryset=queryset)
    return AttributionSet.objects.filter(report=report).prefetch_related(members).order_by("key")


def reply_respondent_ids(report: Report) -> list[int]:
    """Respondents whose replies the report is based on (received by the cut-off)."""
    ids = replies_in_report(report.questionnaires.values_list("pk", flat=True)).values_list(
        "respondent_id", flat=True
    )
    return sorted(set(ids))


def _section_data(section: Section) -> SectionSnapshot:
    return SectionSnapshot(
        id=section.pk,
        kind=section.kind,
        title=section.title,
        generated=section.generated,
        paragraphs=tuple(
            ParagraphSnapshot(id=p.pk, kind=p.kind, text=p.text) for p in section.paragraphs.all()
        ),
        # only top-level sections have subsections (the JSON of a subsection has no such key)
        subsections=tuple(_section_data(sub) for sub in section.subsections.all())
        if section.parent_id is None
        else None,
    )


def _respondent_data(respondent: Respondent, report: Report) -> RespondentSnapshot:
    """The respondent with only the names in force on the report's date (all of them when
    none is, so that the renderer can say which name is missing)."""
    names = list(respondent.names.all())
    valid = [n for n in names if n.is_valid_on(report.date)] or names
    current = respondent.current_name()
    return RespondentSnapshot(
        id=respondent.pk,
        kind=respondent.kind,
        label=current.list_name if current else respondent.code,
        count_noun=(respondent.count_singular, respondent.count_plural)
        if respondent.count_singular
        else None,
        names=tuple(
            NameSnapshot(
                list_name=n.list_name,
                text_name=n.text_name,
                short_name=n.short_name,
                abbreviation=n.abbreviation,
                sort_key=n.sort_key,
                valid_from=n.valid_from.isoformat() if n.valid_from else None,
                valid_to=n.valid_to.isoformat() if n.valid_to else None,
            )
            for n in valid
        ),
    )


def masthead(report: Report) -> Masthead:
    """The report's masthead fields (``snapshot.MASTHEAD_FIELDS``), the date in ISO form."""
    values = {name: getattr(report, name) for name in MASTHEAD_FIELDS}
    values["date"] = report.date.isoformat()
    return Masthead(**values)


def report_snapshot(report: Report) -> ReportSnapshot:
    """Everything that decides the printed report (``ReportSnapshot.to_json`` is what a build
    stores).

    Two snapshots with the same content print the same PDF: nothing volatile (timestamps, the
    editor's versions) goes in, and the renderer's layout fingerprint does.
    """
    sets = list(attribution_sets(report, with_names=False))
    replies = reply_respondent_ids(report)
    member_ids = {m.respondent_id for s in sets for m in s.members.all()}
    respondents = Respondent.objects.filter(pk__in=member_ids | set(replies)).prefetch_related(
        "names"
    )
    return ReportSnapshot(
        format=SNAPSHOT_FORMAT,
        layout=rendering.layout_fingerprint(),
        report_id=report.pk,
        masthead=masthead(report),
        sections=tuple(_section_data(s) for s in report_sections(report)),
        attribution_sets=tuple(
            AttributionSetSnapshot(
                key=s.key,
                statement=s.statement,
                members=tuple(sorted(m.respondent_id for m in s.members.all())),
            )
            for s in sets
        ),
        respondents=tuple(
            _respondent_data(r, report) for r in sorted(respondents, key=lambda r: r.pk)
        ),
        replies=tuple(replies),
    )


def snapshot_sha256(snapshot: ReportSnapshot | dict[str, Any]) -> str:
    """A checksum of the snapshot's canonical JSON form (the stored JSON, keys sorted)."""
    data = snapshot.to_json() if isinstance(snapshot, ReportSnapshot) else snapshot
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def builds_of(report: Report) -> QuerySet[Build]:
    return Build.objects.filter(report=report).select_related("requested_by")


def last_good_build(report: Report) -> Build | None:
    return (
        Build.objects.filter(report=report, status=Build.Status.SUCCEEDED)
        .exclude(pdf="")
        .order_by("-finished_at", "-pk")
        .first()
    )


def reusable_build(report: Report, sha256: str) -> Build | None:
    """The last succeeded build, when it printed exactly this snapshot."""
    build = last_good_build(report)
    if build is not None and build.snapshot_sha256 == sha256:
        return build
    return None


def preview(report: Report) -> rendering.Rendered:
    """The editor's live preview of the report as it stands (not frozen, not stored)."""
    return rendering.render_preview_html(report_snapshot(report))


def paragraph_numbers(composition: rendering.Composition) -> dict[int, int | None]:
    """Paragraph id → the number it will print with (None for headings and annex text)."""
    numbers: dict[int, int | None] = {}

    def walk(sections: list[rendering.SectionOut]) -> None:
        for section in sections:
            for paragraph in section.paragraphs:
                if paragraph.id is not None:
                    numbers[paragraph.id] = paragraph.number
            walk(section.subsections)

    walk(composition.sections)
    walk(composition.annexes)
    return numbers


def paragraph_problems(composition: rendering.Composition) -> dict[int, list[str]]:
    problems: dict[int, list[str]] = {}
    for problem in composition.problems:
        if problem.paragraph_id is not None:
            problems.setdefault(problem.paragraph_id, []).append(problem.message)
    return problems
