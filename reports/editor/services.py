"""Writes of the report editor: the masthead, sections and paragraphs.

Each write is atomic and takes keyword arguments; pages, the API, the demo and the admin call
these alike.  A paragraph saved from a stale editor is refused (:class:`StaleEditError`), never
merged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import F, Max

from portal import errors
from portal.errors import ConflictError, InvalidError

from ..models import AnnexNote, Paragraph, Report, Section
from ..snapshot import MASTHEAD_FIELDS


class StaleEditError(ConflictError):
    """Someone saved the paragraph since this editor loaded it."""


# What create_report and update_report accept: the masthead, declared once in reports/snapshot.py.
REPORT_FIELDS = frozenset(MASTHEAD_FIELDS)


def _check_report_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - REPORT_FIELDS
    if unknown:
        raise TypeError(f"Unknown report fields: {', '.join(sorted(unknown))}")


@transaction.atomic
def create_report(
    *, created_by: Any = None, questionnaire_ids: Sequence[int] = (), **fields: Any
) -> Report:
    _check_report_fields(fields)
    report = Report(created_by=created_by, **fields)
    errors.full_clean(report)
    report.save()
    if questionnaire_ids:
        report.questionnaires.set(questionnaire_ids)
    return report


@transaction.atomic
def update_report(
    *, report: Report, questionnaire_ids: Sequence[int] | None = None, **fields: Any
) -> Report:
    _check_report_fields(fields)
    for name, value in fields.items():
        setattr(report, name, value)
    errors.full_clean(report)
    report.save()
    if questionnaire_ids is not None:
        report.questionnaires.set(questionnaire_ids)
    return report


def _next_order(queryset: Any) -> int:
    return (queryset.aggregate(m=Max("order"))["m"] or 0) + 1


@transaction.atomic
def add_section(
    *,
    report: Report,
    title: str,
    parent: Section | None = None,
    kind: str = Section.Kind.BODY,
    generated: str = "",
    numbered: bool = True,
    numbering: str = "",
    respondents_layout: str = Section.RespondentsLayout.COLUMNS,
) -> Section:
    """A section, a subsection (A., B. under a section or an annex, which takes its parent's
    kind), or an annex."""
    if parent is not None:
        if parent.report_id != report.pk or parent.parent_id is not None:
            raise InvalidError.of("A subsection belongs under a section of the same report.")
        kind = parent.kind
        if generated:
            raise InvalidError.of("Only an annex itself can hold generated content.")
    if generated and kind != Section.Kind.ANNEX:
        raise InvalidError.of("Only an annex can hold generated content.")
    siblings = Section.objects.filter(report=report, parent=parent, kind=kind)
    section = Section(
        report=report,
        parent=parent,
        kind=kind,
        title=title.strip(),
        generated=generated,
        numbered=numbered,
        numbering=numbering,
        respondents_layout=respondents_layout,
        order=_next_order(siblings),
    )
    _check_section(section)
    errors.full_clean(section)
    section.save()
    return section


def _check_section(section: Section) -> None:
    if section.numbering and (section.kind != Section.Kind.ANNEX or section.parent_id):
        raise InvalidError.of(
            "Only an annex numbers its own paragraphs: a section's paragraphs take the "
            "document's numbers, a subsection's those of its annex."
        )
    if not section.numbered and section.kind == Section.Kind.ANNEX and not section.parent_id:
        raise InvalidError.of("Annexes are always numbered when there are several.")


@transaction.atomic
def update_section(
    *,
    section: Section,
    title: str | None = None,
    generated: str | None = None,
    numbered: bool | None = None,
    numbering: str | None = None,
    respondents_layout: str | None = None,
) -> Section:
    if title is not None:
        section.title = title.strip()
    if generated is not None:
        if generated and (section.kind != Section.Kind.ANNEX or section.parent_id):
            raise InvalidError.of("Only an annex can hold generated content.")
        section.generated = generated
    if numbered is not None:
        section.numbered = numbered
    if numbering is not None:
        section.numbering = numbering
    if respondents_layout is not None:
        section.respondents_layout = respondents_layout
    _check_section(section)
    errors.full_clean(section)
    section.save()
    return section


@transaction.atomic
def set_annex_note(*, report: Report, respondent_id: int, note: str) -> AnnexNote | None:
    """What the annex of respondents prints after a respondent's name in this report; an empty
    note removes it."""
    note = note.strip()
    if not note:
        AnnexNote.objects.filter(report=report, respondent_id=respondent_id).delete()
        return None
    item, _ = AnnexNote.objects.update_or_create(
        report=report, respondent_id=respondent_id, defaults={"note": note}
    )
    errors.full_clean(item)
    return item


@transaction.atomic
def delete_section(*, section: Section) -> None:
    """Delete an empty section; one with text must be emptied first, so nothing is lost."""
    if section.paragraphs.exists() or section.subsections.exists():
        raise InvalidError.of(
            "This section still holds paragraphs or subsections: move or delete them first."
        )
    section.delete()


def _siblings(section: Section) -> list[Section]:
    return list(
        Section.objects.select_for_update()
        .filter(report_id=section.report_id, parent_id=section.parent_id, kind=section.kind)
        .order_by("order", "pk")
    )


@transaction.atomic
def shift_section(*, section: Section, offset: int) -> Section:
    """Move a section up (-1) or down (+1) among its siblings."""
    siblings = _siblings(section)
    index = next(i for i, s in enumerate(siblings) if s.pk == section.pk)
    target = max(0, min(len(siblings) - 1, index + offset))
    siblings.insert(target, siblings.pop(index))
    for order, sibling in enumerate(siblings, start=1):
        if sibling.order != order:
            Section.objects.filter(pk=sibling.pk).update(order=order)
    section.refresh_from_db()
    return section


@transaction.atomic
def add_paragraph(
    *,
    section: Section,
    text: str = "",
    kind: str = Paragraph.Kind.TEXT,
    after: Paragraph | None = None,
    question_id: int | None = None,
) -> Paragraph:
    paragraphs = list(
        Paragraph.objects.select_for_update().filter(section=section).order_by("order", "pk")
    )
    paragraph = Paragraph(section=section, text=text, kind=kind, question_id=question_id)
    errors.full_clean(paragraph, exclude=["order"])
    position = len(paragraphs)
    if after is not None:
        position = next((i + 1 for i, p in enumerate(paragraphs) if p.pk == after.pk), position)
    paragraph.order = 0
    paragraph.save()
    paragraphs.insert(position, paragraph)
    _renumber(paragraphs)
    paragraph.refresh_from_db()
    return paragraph


def _renumber(paragraphs: list[Paragraph]) -> None:
    for order, item in enumerate(paragraphs, start=1):
        if item.order != order:
            Paragraph.objects.filter(pk=item.pk).update(order=order)
            item.order = order


@transaction.atomic
def save_paragraph(
    *,
    paragraph_id: int,
    text: str,
    version: int,
    kind: str | None = None,
    question_id: int | None = None,
) -> Paragraph:
    """Save an editor's text, refusing it if someone else saved since ``version``."""
    paragraph = Paragraph.objects.select_for_update().get(pk=paragraph_id)
    if paragraph.version != version:
        raise StaleEditError(
            "Someone else changed this paragraph since you opened it (version "
            f"{paragraph.version}, yours {version}). Copy your text, reload, and apply it again."
        )
    paragraph.text = text
    if kind is not None:
        paragraph.kind = kind
    if question_id is not None:
        paragraph.question_id = question_id
    errors.full_clean(paragraph, exclude=["order"])
    paragraph.version = F("version") + 1
    paragraph.save()
    paragraph.refresh_from_db()
    return paragraph


@transaction.atomic
def move_paragraph(*, paragraph: Paragraph, section: Section, position: int) -> Paragraph:
    """Put a paragraph at ``position`` (0-based) in ``section``, which may be another one."""
    if section.report_id != paragraph.section.report_id:
        raise InvalidError.of("A paragraph can only move within its report.")
    source_id = paragraph.section_id
    if source_id != section.pk:
        rest = list(
            Paragraph.objects.select_for_update()
            .filter(section_id=source_id)
            .exclude(pk=paragraph.pk)
            .order_by("order", "pk")
        )
        _renumber(rest)
    target = list(
        Paragraph.objects.select_for_update()
        .filter(section=section)
        .exclude(pk=paragraph.pk)
        .order_by("order", "pk")
    )
    position = max(0, min(len(target), position))
    Paragraph.objects.filter(pk=paragraph.pk).update(section=section, order=0)
    paragraph.section_id = section.pk
    paragraph.order = 0
    target.insert(position, paragraph)
    _renumber(target)
    paragraph.refresh_from_db()
    return paragraph


@transaction.atomic
def shift_paragraph(*, paragraph: Paragraph, offset: int) -> Paragraph:
    """Move a paragraph up (-1) or down (+1) within its section."""
    siblings = list(
        Paragraph.objects.select_for_update()
        .filter(section_id=paragraph.section_id)
        .order_by("order", "pk")
    )
    index = next(i for i, p in enumerate(siblings) if p.pk == paragraph.pk)
    return move_paragraph(
        paragraph=paragraph, section=paragraph.section, position=max(0, index + offset)
    )


@transaction.atomic
def delete_paragraph(*, paragraph: Paragraph) -> None:
    section_id = paragraph.section_id
    paragraph.delete()
    _renumber(list(Paragraph.objects.filter(section_id=section_id).order_by("order", "pk")))
