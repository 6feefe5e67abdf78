"""Reads of reports shared by the editor, coding and builds: the report, its sections and sets,
the snapshot a build prints, the preview, and builds."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db.models import Prefetch, QuerySet

from surveys.models import Question, Respondent, Revision, text_in
from surveys.replies.selectors import replies_in_report

from . import rendering
from .models import (
    AnnexNote,
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
    StatTableSnapshot,
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


def _paragraph_data(
    paragraph: Paragraph, tables: dict[int, StatTableSnapshot]
) -> ParagraphSnapshot:
    table = None
    if paragraph.kind == Paragraph.Kind.TABLE and paragraph.question_id is not None:
        table = tables.get(paragraph.question_id)
    return ParagraphSnapshot(id=paragraph.pk, kind=paragraph.kind, text=paragraph.text, table=table)


def _section_data(section: Section, tables: dict[int, StatTableSnapshot]) -> SectionSnapshot:
    return SectionSnapshot(
        id=section.pk,
        kind=section.kind,
        title=section.title,
        generated=section.generated,
        paragraphs=tuple(_paragraph_data(p, tables) for p in section.paragraphs.all()),
        # only top-level sections have subsections (the JSON of a subsection has no such key)
        subsections=tuple(_section_data(sub, tables) for sub in section.subsections.all())
        if section.parent_id is None
        else None,
        numbered=section.numbered,
        numbering=section.numbering if section.kind == Section.Kind.ANNEX else "",
        respondents_layout=section.respondents_layout if section.generated else "columns",
    )


def table_questions(report: Report) -> list[Question]:
    """The statistical-table questions of the report's questionnaires, which a table block can
    sum, in questionnaire order."""
    return list(
        Question.objects.filter(
            kind=Question.Kind.TABLE, section__questionnaire__in=report.questionnaires.all()
        )
        .select_related("section__questionnaire")
        .order_by("section__questionnaire__title", "section__order", "order", "pk")
    )


def statistical_tables(report: Report, question_ids: set[int]) -> dict[int, StatTableSnapshot]:
    """Each statistical-table question of the report's questionnaires, summed cell by cell over
    the last submission of every reply in the report.

    A cell left blank is "not reported" and adds nothing; a cell no respondent reported stays
    None (printed as a dash, never 0). Answers marked not for publication are left out, as
    everywhere the report prints. Questions outside the report's questionnaires are left out:
    the composition then says the table has nothing to sum.
    """
    if not question_ids:
        return {}
    questionnaire_ids = list(report.questionnaires.values_list("pk", flat=True))
    questions = Question.objects.filter(
        pk__in=question_ids,
        kind=Question.Kind.TABLE,
        section__questionnaire_id__in=questionnaire_ids,
    )
    if not questions:
        return {}
    respondent_of = dict(replies_in_report(questionnaire_ids).values_list("pk", "respondent_id"))
    reply_ids = list(respondent_of)
    latest: dict[int, Revision] = {}
    for revision in Revision.objects.filter(reply_id__in=reply_ids).order_by("reply_id", "number"):
        latest[revision.reply_id] = revision
    tables = {}
    for question in questions:
        rows = tuple(
            (r["key"], text_in(r["label"], "en")) for r in question.options.get("rows", [])
        )
        columns = tuple(
            (c["key"], text_in(c["label"], "en")) for c in question.options.get("columns", [])
        )
        cells: dict[str, dict[str, int | None]] = {
            r: dict.fromkeys(k for k, _ in columns) for r, _ in rows
        }
        reporting: list[int] = []
        for revision in latest.values():
            entry = revision.answers.get(str(question.pk)) or {}
            if entry.get("restricted") or entry.get("state", "answered") != "answered":
                continue
            value = entry.get("value") or {}
            reported = False
            for row_key, row in value.items():
                for column_key, figure in (row or {}).items():
                    if figure is None or row_key not in cells or column_key not in cells[row_key]:
                        continue
                    cells[row_key][column_key] = (cells[row_key][column_key] or 0) + int(figure)
                    reported = True
            if reported:
                reporting.append(respondent_of[revision.reply_id])
        tables[question.pk] = StatTableSnapshot(
            question_id=question.pk,
            question=f"{question.number}. {text_in(question.text, 'en')}",
            rows=rows,
            columns=columns,
            cells=cells,
            reporting=tuple(sorted(reporting)),
        )
    return tables


def _respondent_data(
    respondent: Respondent, report: Report, annex_notes: dict[int, str]
) -> RespondentSnapshot:
    """The respondent with only the names in force on the report's date (all of them when
    none is, so that the renderer can say which name is missing)."""
    names = list(respondent.names.all())
    valid = [n for n in names if n.is_valid_on(report.date)] or names
    return RespondentSnapshot(
        id=respondent.pk,
        kind=respondent.kind,
        label=_label(respondent, report),
        annex_note=annex_notes.get(respondent.pk, ""),
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
                kind=n.kind,
            )
            for n in valid
        ),
    )


def _label(respondent: Respondent, report: Report) -> str:
    """How pages call a respondent: its name today, else its name on the report's date, else
    the last name it had; never its code (every respondent has a name)."""
    name = respondent.current_name() or respondent.name_on(report.date)
    if name is None:
        names = list(respondent.names.all())
        name = names[-1] if names else None
    return name.list_name if name is not None else respondent.code


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
    sections = report_sections(report)
    question_ids = {
        p.question_id
        for s in sections
        for sec in (s, *s.subsections.all())
        for p in sec.paragraphs.all()
        if p.kind == Paragraph.Kind.TABLE and p.question_id
    }
    tables = statistical_tables(report, question_ids)
    annex_notes = dict(AnnexNote.objects.filter(report=report).values_list("respondent_id", "note"))
    return ReportSnapshot(
        format=SNAPSHOT_FORMAT,
        layout=rendering.layout_fingerprint(),
        report_id=report.pk,
        masthead=masthead(report),
        sections=tuple(_section_data(s, tables) for s in sections),
        attribution_sets=tuple(
            AttributionSetSnapshot(
                key=s.key,
                statement=s.statement,
                members=tuple(sorted(m.respondent_id for m in s.members.all())),
                source=s.source,
            )
            for s in sets
        ),
        respondents=tuple(
            _respondent_data(r, report, annex_notes)
            for r in sorted(respondents, key=lambda r: r.pk)
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
