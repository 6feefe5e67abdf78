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

    symbol: str = ""
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
    def has_agenda_note(self) -> bool:
        """The agenda item carries the footnote "* E/CN.15/2008/1." naming the agenda."""
        return bool(self.agenda_item and self.agenda_symbol)

    def to_json(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in MASTHEAD_FIELDS}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Masthead:
        return cls(**{name: str(data.get(name) or "") for name in MASTHEAD_FIELDS})


MASTHEAD_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Masthead))


@dataclass(frozen=True)
class ParagraphSnapshot:
    id: int | None
    kind: str
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "text": self.text}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ParagraphSnapshot:
        return cls(id=data.get("id"), kind=data.get("kind", "text"), text=data.get("text", ""))


@dataclass(frozen=True)
class SectionSnapshot:
    """A section, subsection or annex. ``subsections`` is None for a subsection: only top-level
    sections carry the key in the stored JSON (subsections do not nest further)."""

    id: int
    kind: str
    title: str
    generated: str
    paragraphs: tuple[ParagraphSnapshot, ...]
    subsections: tuple[SectionSnapshot, ...] | None = None

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

    def to_json(self) -> dict[str, Any]:
        return {
            "list_name": self.list_name,
            "text_name": self.text_name,
            "short_name": self.short_name,
            "abbreviation": self.abbreviation,
            "sort_key": self.sort_key,
            "valid_from": self.valid_from,
            "valid_to": self.valid_to,
        }

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
        )


@dataclass(frozen=True)
class RespondentSnapshot:
    id: int
    kind: str
    label: str
    names: tuple[NameSnapshot, ...]
    count_noun: tuple[str, str] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "label": self.label,
            "count_noun": list(self.count_noun) if self.count_noun else None,
            "names": [n.to_json() for n in self.names],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RespondentSnapshot:
        noun = data.get("count_noun")
        return cls(
            id=int(data["id"]),
            kind=data["kind"],
            label=data.get("label") or "",
            names=tuple(NameSnapshot.from_json(n) for n in data.get("names", [])),
            count_noun=(str(noun[0]), str(noun[1])) if noun else None,
        )


@dataclass(frozen=True)
class AttributionSetSnapshot:
    key: str
    statement: str
    members: tuple[int, ...]

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "statement": self.statement, "members": list(self.members)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AttributionSetSnapshot:
        return cls(
            key=data["key"],
            statement=data.get("statement", ""),
            members=tuple(data.get("members", [])),
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
