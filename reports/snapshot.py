"""The frozen report a build prints, as typed data, and the masthead's field list.

Pure: no Django, no database. ``reports.selectors.report_snapshot`` fills a
:class:`ReportSnapshot` from the rows; ``reports.rendering`` reads one; a build stores
:meth:`ReportSnapshot.to_json` and its ``snapshot_sha256``. The JSON form is the one builds have
always stored, key for key, so that an unchanged report hashes the same and reuses its last good
build (``tests/reports/test_snapshot.py`` holds the demo report's JSON as main printed it).

The masthead (what prints above the title: organ, symbol, distribution, …) is declared once here,
as :class:`Masthead`; the report form, the API serializer, the services' field check and the
snapshot all take their field list from :data:`MASTHEAD_FIELDS`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SNAPSHOT_FORMAT = 1


@dataclass(frozen=True)
class Masthead:
    """The fields of a report the secretariat edits and the first page prints, in the order the
    report form shows them. Each is a field of ``reports.models.Report`` of the same name; the
    date is in ISO form (``YYYY-MM-DD``), as the snapshot stores it."""

    document_type: str = "sg_report"
    symbol: str = ""
    short_title: str = ""
    date: str = ""
    organ: str = ""
    subsidiary_body: str = ""
    session: str = ""
    place_and_dates: str = ""
    agenda_item: str = ""
    agenda_title: str = ""
    agenda_symbol: str = ""
    distribution: str = ""
    original_language: str = ""
    page_size: str = ""
    job_number: str = ""
    title: str = ""
    subtitle: str = ""
    summary: str = ""

    @property
    def running_head(self) -> str:
        """What the running header prints: the symbol, else the short title."""
        return self.symbol or self.short_title

    @property
    def has_agenda_note(self) -> bool:
        """The agenda item carries the footnote "* E/CN.15/2008/1." naming the agenda."""
        return bool(self.agenda_item and self.agenda_symbol)

    def to_json(self) -> dict[str, str]:
        """Fields added since the first format are left out at their default, so that a report
        that does not use them hashes as it always did and reuses its last build."""
        return {
            name: getattr(self, name)
            for name in MASTHEAD_FIELDS
            if name not in _LATER_FIELDS or getattr(self, name) != _LATER_FIELDS[name]
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Masthead:
        return cls(
            **{name: str(data.get(name) or _LATER_FIELDS.get(name, "")) for name in MASTHEAD_FIELDS}
        )


# Masthead fields added after the first snapshot format, with the default they are omitted at.
_LATER_FIELDS = {"document_type": "sg_report", "short_title": ""}


MASTHEAD_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Masthead))


@dataclass(frozen=True)
class StatTableSnapshot:
    """A table summed from the answers to a statistical-table question, frozen for the build.

    ``cells`` maps row key → column key → the sum over the respondents that reported a figure
    in that cell, or None when none did ("not reported" never becomes 0). ``reporting`` holds
    the respondents whose reply in the report gave at least one figure of the table.
    """

    question_id: int
    question: str
    rows: tuple[tuple[str, str], ...]
    columns: tuple[tuple[str, str], ...]
    cells: Mapping[str, Mapping[str, int | None]]
    reporting: tuple[int, ...]

    def cell(self, row: str, column: str) -> int | None:
        return self.cells.get(row, {}).get(column)

    def to_json(self) -> dict[str, Any]:
        return {
            "question_id": self.question_id,
            "question": self.question,
            "rows": [list(r) for r in self.rows],
            "columns": [list(c) for c in self.columns],
            "cells": {r: dict(cols) for r, cols in self.cells.items()},
            "reporting": list(self.reporting),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> StatTableSnapshot:
        return cls(
            question_id=int(data["question_id"]),
            question=data.get("question", ""),
            rows=tuple((str(k), str(v)) for k, v in data.get("rows", [])),
            columns=tuple((str(k), str(v)) for k, v in data.get("columns", [])),
            cells={r: dict(cols) for r, cols in (data.get("cells") or {}).items()},
            reporting=tuple(int(i) for i in data.get("reporting", [])),
        )


@dataclass(frozen=True)
class ParagraphSnapshot:
    """A block of a section. ``kind`` is one of ``reports.models.Paragraph.Kind``; a table
    block (kind "table") carries its figures, summed when the snapshot was taken."""

    id: int | None
    kind: str
    text: str
    table: StatTableSnapshot | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "kind": self.kind, "text": self.text}
        if self.table is not None:
            data["table"] = self.table.to_json()
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ParagraphSnapshot:
        table = data.get("table")
        return cls(
            id=data.get("id"),
            kind=data.get("kind", "text"),
            text=data.get("text", ""),
            table=StatTableSnapshot.from_json(table) if table else None,
        )


@dataclass(frozen=True)
class SectionSnapshot:
    """A section, subsection or annex. ``subsections`` is None for a subsection: only top-level
    sections carry the key in the stored JSON (subsections do not nest further).

    ``numbered`` is False for an unnumbered section ("Introduction"); ``numbering`` is an
    annex's numbering of its paragraphs ("", "paragraphs", "recommendations");
    ``respondents_layout`` the generated list's layout ("columns" or "runs"). These three are
    in the JSON only when not at their default, so that older snapshots hash the same."""

    id: int
    kind: str
    title: str
    generated: str
    paragraphs: tuple[ParagraphSnapshot, ...]
    subsections: tuple[SectionSnapshot, ...] | None = None
    numbered: bool = True
    numbering: str = ""
    respondents_layout: str = "columns"

    @property
    def children(self) -> tuple[SectionSnapshot, ...]:
        return self.subsections or ()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "generated": self.generated,
            "paragraphs": [p.to_json() for p in self.paragraphs],
        }
        if not self.numbered:
            data["numbered"] = False
        if self.numbering:
            data["numbering"] = self.numbering
        if self.respondents_layout != "columns":
            data["respondents_layout"] = self.respondents_layout
        if self.subsections is not None:
            data["subsections"] = [s.to_json() for s in self.subsections]
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SectionSnapshot:
        subsections = data.get("subsections")
        return cls(
            id=data["id"],
            kind=data.get("kind", "body"),
            title=data.get("title", ""),
            generated=data.get("generated") or "",
            paragraphs=tuple(ParagraphSnapshot.from_json(p) for p in data.get("paragraphs", [])),
            subsections=None
            if subsections is None
            else tuple(SectionSnapshot.from_json(s) for s in subsections),
            numbered=bool(data.get("numbered", True)),
            numbering=data.get("numbering") or "",
            respondents_layout=data.get("respondents_layout") or "columns",
        )


@dataclass(frozen=True)
class NameSnapshot:
    """One name of a respondent with the dates it is in force (ISO form, None when open)."""

    list_name: str
    text_name: str
    sort_key: str
    short_name: str = ""
    abbreviation: str = ""
    valid_from: str | None = None
    valid_to: str | None = None
    kind: str = ""  # the respondent's kind while the name is in force, when it differs

    def to_json(self) -> dict[str, Any]:
        data = {
            "list_name": self.list_name,
            "text_name": self.text_name,
            "short_name": self.short_name,
            "abbreviation": self.abbreviation,
            "sort_key": self.sort_key,
            "valid_from": self.valid_from,
            "valid_to": self.valid_to,
        }
        if self.kind:
            data["kind"] = self.kind
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> NameSnapshot:
        return cls(
            list_name=data["list_name"],
            text_name=data["text_name"],
            sort_key=data["sort_key"],
            short_name=data.get("short_name", ""),
            abbreviation=data.get("abbreviation", ""),
            valid_from=data.get("valid_from"),
            valid_to=data.get("valid_to"),
            kind=data.get("kind") or "",
        )


@dataclass(frozen=True)
class RespondentSnapshot:
    id: int
    kind: str
    label: str
    names: tuple[NameSnapshot, ...]
    count_noun: tuple[str, str] | None = None
    annex_note: str = ""  # printed after the name in the annex of respondents

    def to_json(self) -> dict[str, Any]:
        data = {
            "id": self.id,
            "kind": self.kind,
            "label": self.label,
            "count_noun": list(self.count_noun) if self.count_noun else None,
            "names": [n.to_json() for n in self.names],
        }
        if self.annex_note:
            data["annex_note"] = self.annex_note
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RespondentSnapshot:
        noun = data.get("count_noun")
        return cls(
            id=int(data["id"]),
            kind=data["kind"],
            label=data.get("label") or "",
            names=tuple(NameSnapshot.from_json(n) for n in data.get("names", [])),
            count_noun=(str(noun[0]), str(noun[1])) if noun else None,
            annex_note=data.get("annex_note") or "",
        )


@dataclass(frozen=True)
class AttributionSetSnapshot:
    """``source``: a source other than replies the set's members are cited from on purpose
    (then a member without a reply is no slip)."""

    key: str
    statement: str
    members: tuple[int, ...]
    source: str = ""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "key": self.key,
            "statement": self.statement,
            "members": list(self.members),
        }
        if self.source:
            data["source"] = self.source
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AttributionSetSnapshot:
        return cls(
            key=data["key"],
            statement=data.get("statement", ""),
            members=tuple(data.get("members", [])),
            source=data.get("source") or "",
        )


@dataclass(frozen=True)
class ReportSnapshot:
    """Everything that decides the printed report. Nothing volatile goes in (timestamps, the
    editor's versions); the renderer's layout fingerprint does."""

    report_id: int
    masthead: Masthead
    layout: str = ""
    sections: tuple[SectionSnapshot, ...] = ()
    attribution_sets: tuple[AttributionSetSnapshot, ...] = ()
    respondents: tuple[RespondentSnapshot, ...] = ()
    replies: tuple[int, ...] = ()
    format: int = SNAPSHOT_FORMAT

    @property
    def body(self) -> list[SectionSnapshot]:
        return [s for s in self.sections if s.kind == "body"]

    @property
    def annexes(self) -> list[SectionSnapshot]:
        return [s for s in self.sections if s.kind == "annex"]

    def to_json(self) -> dict[str, Any]:
        """The JSON document builds store and ``snapshot_sha256`` hashes."""
        return {
            "format": self.format,
            "layout": self.layout,
            "report": {"id": self.report_id, **self.masthead.to_json()},
            "sections": [s.to_json() for s in self.sections],
            "attribution_sets": [s.to_json() for s in self.attribution_sets],
            "respondents": [r.to_json() for r in self.respondents],
            "replies": list(self.replies),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ReportSnapshot:
        """A snapshot stored on a build (or written by hand in a test) read back."""
        report = data["report"]
        return cls(
            format=int(data.get("format", SNAPSHOT_FORMAT)),
            layout=data.get("layout", ""),
            report_id=report.get("id", 0),
            masthead=Masthead.from_json(report),
            sections=tuple(SectionSnapshot.from_json(s) for s in data.get("sections", [])),
            attribution_sets=tuple(
                AttributionSetSnapshot.from_json(s) for s in data.get("attribution_sets", [])
            ),
            respondents=tuple(RespondentSnapshot.from_json(r) for r in data.get("respondents", [])),
            replies=tuple(data.get("replies", [])),
        )


def as_snapshot(snapshot: ReportSnapshot | Mapping[str, Any]) -> ReportSnapshot:
    """The typed snapshot, from itself or from its JSON form (as a build stores it)."""
    if isinstance(snapshot, ReportSnapshot):
        return snapshot
    return ReportSnapshot.from_json(snapshot)
