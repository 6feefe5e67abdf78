"""Reads of coding: what the coding page, the consistency report and the traceability panel read."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from surveys.models import Answer, Question, Reply, Respondent, Revision, text_in
from surveys.questionnaires import display
from surveys.replies.selectors import replies_in_report
from surveys.respondents import formatting
from surveys.respondents.selectors import to_formatting

from .. import markup, rendering
from ..models import AttributionMember, AttributionSet, Evidence, Report, Theme
from ..selectors import attribution_sets, report_snapshot
from ..snapshot import ReportSnapshot, SectionSnapshot
from . import consistency, rules


def un_ordered(respondents: Iterable[Respondent], *, on: datetime.date) -> list[Respondent]:
    """Respondents in UN order (kind, then the sort key of the name in force on ``on``), by the
    list formatter's own rule; those without a name on that date go last."""
    items = {r.pk: r for r in respondents}
    named = [r for r in items.values() if any(n.is_valid_on(on) for n in r.names.all())]
    ordered = formatting.sort_respondents([to_formatting(r) for r in named], on=on)
    rest = sorted((r for r in items.values() if r not in named), key=lambda r: r.code)
    return [items[r.id] for r in ordered] + rest


def coding_replies(report: Report) -> list[Reply]:
    """The replies the report is based on, respondent by respondent in UN order."""
    replies = list(report_replies(report))
    order = {
        r.pk: i for i, r in enumerate(un_ordered([x.respondent for x in replies], on=report.date))
    }
    for reply in replies:
        reply.label = str(reply.respondent.name_on(report.date) or reply.respondent)  # type: ignore[attr-defined]
    return sorted(replies, key=lambda r: (order[r.respondent_id], r.questionnaire_id))


def _questions_of(questionnaire_ids: Iterable[int]) -> dict[int, Question]:
    return {
        q.pk: q
        for q in Question.objects.filter(section__questionnaire_id__in=list(questionnaire_ids))
        .select_related("section")
        .order_by("section__order", "order", "pk")
    }


def _restricted(reply_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(reply, question) pairs marked not for publication now."""
    return set(
        Answer.objects.filter(reply_id__in=list(reply_ids), restricted=True).values_list(
            "reply_id", "question_id"
        )
    )


def report_evidence(report: Report) -> QuerySet[Evidence]:
    return Evidence.objects.filter(member__attribution_set__report=report).select_related(
        "member", "member__attribution_set", "question"
    )


@dataclass(frozen=True)
class EvidenceView:
    """A piece of evidence with its state against the reply's last submission."""

    evidence: Evidence
    facts: consistency.EvidenceFacts

    @property
    def state(self) -> str:
        return consistency.evidence_state(self.facts).value


def evidence_views(evidence: Iterable[Evidence]) -> list[EvidenceView]:
    """Evidence with what the reply says now: staleness computed on read, in a few queries."""
    evidence = list(evidence)
    reply_ids = {e.reply_id for e in evidence}
    revisions = latest_revisions(list(reply_ids))
    hidden = _restricted(reply_ids)
    views = []
    for item in evidence:
        revision = revisions.get(item.reply_id)
        entry = revision.answers.get(str(item.question_id)) if revision else None
        current = answer_text(item.question, entry) if entry else None
        views.append(
            EvidenceView(
                item,
                consistency.EvidenceFacts(
                    id=item.pk,
                    kind=item.kind,
                    quote=item.quote,
                    start=item.start,
                    end=item.end,
                    revision_number=item.revision_number,
                    question_number=item.question.number,
                    current_text=current,
                    current_revision=revision.number if revision else None,
                    restricted=(item.reply_id, item.question_id) in hidden
                    or bool(entry and entry.get("restricted")),
                ),
            )
        )
    return views


def cited_keys(snapshot: ReportSnapshot) -> frozenset[str]:
    """Keys of the sets the report's text cites (footnotes, lists, counts)."""
    texts = [snapshot.masthead.summary]

    def walk(sections: Iterable[SectionSnapshot]) -> None:
        for section in sections:
            texts.extend(p.text for p in section.paragraphs if p.kind == "text")
            walk(section.children)

    walk(snapshot.sections)
    keys = set()
    for text in texts:
        try:
            parsed = markup.parse_paragraph(text)
        except markup.MarkupError:
            continue  # the renderer reports it
        keys.update(ref.key for ref in markup.references(parsed))
    keys.discard(markup.REPLIES_KEY)
    return frozenset(keys)


def coding_facts(report: Report, snapshot: ReportSnapshot) -> consistency.CodingFacts:
    sets = list(attribution_sets(report))
    views = evidence_views(report_evidence(report))
    by_member: dict[int, list[consistency.EvidenceFacts]] = {}
    for view in views:
        by_member.setdefault(view.evidence.member_id, []).append(view.facts)
    labels = {r.id: r.label for r in snapshot.respondents}
    replies = report_replies(report)
    ordered = un_ordered([r.respondent for r in replies], on=report.date)
    withdrawn = Reply.objects.filter(
        questionnaire__in=report.questionnaires.all(), withdrawn=True
    ).values_list("respondent_id", flat=True)
    return consistency.CodingFacts(
        sets=tuple(
            consistency.SetFacts(
                key=s.key,
                members=tuple(
                    consistency.MemberFacts(
                        respondent_id=m.respondent_id,
                        label=labels.get(m.respondent_id) or str(m.respondent),
                        note=m.note,
                        by_rule=m.by_rule,
                        evidence=tuple(by_member.get(m.pk, ())),
                    )
                    for m in s.members.all()
                ),
                source=s.source,
            )
            for s in sets
        ),
        cited_keys=cited_keys(snapshot),
        reply_respondents={r.pk: labels.get(r.pk) or str(r) for r in ordered},
        withdrawn_respondents=frozenset(withdrawn),
    )


def consistency_gate(report: Report, snapshot: ReportSnapshot | None = None) -> consistency.Gate:
    """Every finding of the consistency report (the same checks a build runs first)."""
    snapshot = snapshot or report_snapshot(report)
    problems = rendering.compose(snapshot).problems
    return consistency.Gate(tuple(consistency.check(problems, coding_facts(report, snapshot))))


@dataclass
class AnswerSegment:
    text: str
    sets: list[str]  # keys of the sets whose evidence covers this stretch


@dataclass
class CodedAnswer:
    """An answer on the coding page: its one-line text (``display.answer_line``, the text
    evidence offsets count in) cut into stretches by the sets whose passages cover them."""

    question: Question
    question_text: str
    text: str
    state: str
    restricted: bool
    segments: list[AnswerSegment]


def _segments(text: str, spans: list[tuple[int, int, str]]) -> list[AnswerSegment]:
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out = []
    for a, b in itertools.pairwise(cuts):
        if a >= b:
            continue
        keys = sorted({key for s, e, key in spans if s <= a and b <= e})
        out.append(AnswerSegment(text[a:b], keys))
    return out


def reply_answers(report: Report, reply: Reply) -> tuple[Revision | None, list[CodedAnswer]]:
    """The reply's last submission, question by question, with the passages already filed
    for this report marked where they still are."""
    revision = latest_revisions([reply.pk]).get(reply.pk)
    if revision is None:
        return None, []
    questions = _questions_of([reply.questionnaire_id])
    hidden = _restricted([reply.pk])
    spans: dict[int, list[tuple[int, int, str]]] = {}
    for view in evidence_views(
        report_evidence(report).filter(reply=reply, kind=Evidence.Kind.PASSAGE)
    ):
        facts = view.facts
        place = consistency.locate(facts.current_text or "", facts.quote, facts.start)
        if place:
            key = view.evidence.member.attribution_set.key
            spans.setdefault(view.evidence.question_id, []).append((*place, key))
    answers = []
    for question in questions.values():
        entry = revision.answers.get(str(question.pk))
        if not entry:
            continue
        text = answer_text(question, entry)
        if not text:
            continue
        answers.append(
            CodedAnswer(
                question=question,
                question_text=text_in(question.text, "en"),
                text=text,
                state=entry.get("state", "answered"),
                restricted=(reply.pk, question.pk) in hidden or bool(entry.get("restricted")),
                segments=_segments(text, spans.get(question.pk, [])),
            )
        )
    return revision, answers


def coding_sets(report: Report) -> tuple[list[tuple[Theme | None, list[AttributionSet]]], int]:
    """The report's sets grouped by theme (themes in order, then sets without one), and the
    number of sets."""
    sets = list(
        AttributionSet.objects.filter(report=report)
        .select_related("theme")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=AttributionMember.objects.select_related("respondent").prefetch_related(
                    "respondent__names"
                ),
            )
        )
        .order_by("key")
    )
    groups: list[tuple[Theme | None, list[AttributionSet]]] = [
        (theme, [s for s in sets if s.theme_id == theme.pk])
        for theme in Theme.objects.filter(report=report).order_by("order", "pk")
    ]
    groups.append((None, [s for s in sets if s.theme_id is None]))
    questions = _questions_of(report.questionnaires.values_list("pk", flat=True))
    for attribution_set in sets:
        question = questions.get(attribution_set.rule["question"]) if attribution_set.rule else None
        attribution_set.rule_text = rules.describe_rule(attribution_set.rule, question)  # type: ignore[attr-defined]
        by_respondent = {m.respondent_id: m for m in attribution_set.members.all()}
        ordered = un_ordered([m.respondent for m in by_respondent.values()], on=report.date)
        for respondent in ordered:
            by_respondent[respondent.pk].label = str(respondent.name_on(report.date) or respondent)  # type: ignore[attr-defined]
        attribution_set.ordered_members = [by_respondent[r.pk] for r in ordered]  # type: ignore[attr-defined]
    return groups, len(sets)


def rule_questions(report: Report) -> list[Question]:
    """Structured questions of the report's questionnaires, which rules may look at."""
    questions = [
        q
        for q in _questions_of(report.questionnaires.values_list("pk", flat=True)).values()
        if q.kind in rules.OPS_BY_KIND
    ]
    for question in questions:
        values = [c["value"] for c in question.options.get("choices", [])]
        if question.kind == Question.Kind.YES_NO:
            values = ["yes", "no"]
        question.label = f"{question.number}. {text_in(question.text, 'en')[:90]}"  # type: ignore[attr-defined]
        question.values_hint = ", ".join(values)  # type: ignore[attr-defined]
    return questions


@dataclass
class MemberSources:
    member: AttributionMember
    label: str
    evidence: list[EvidenceView]


@dataclass
class SetSources:
    attribution_set: AttributionSet
    members: list[MemberSources]


def set_sources(attribution_set: AttributionSet) -> list[MemberSources]:
    """The set's members in UN order, each with its evidence (state computed on read)."""
    on = attribution_set.report.date
    members = {
        m.respondent_id: m
        for m in AttributionMember.objects.filter(attribution_set=attribution_set)
        .select_related("respondent")
        .prefetch_related("respondent__names")
    }
    views: dict[int, list[EvidenceView]] = {}
    for view in evidence_views(
        Evidence.objects.filter(member__attribution_set=attribution_set)
        .select_related("question", "reply")
        .order_by("question__section__order", "question__order", "start", "pk")
    ):
        views.setdefault(view.evidence.member_id, []).append(view)
    return [
        MemberSources(members[r.pk], str(r.name_on(on) or r), views.get(members[r.pk].pk, []))
        for r in un_ordered([m.respondent for m in members.values()], on=on)
    ]


def rule_text(attribution_set: AttributionSet) -> str:
    rule = attribution_set.rule
    question = Question.objects.filter(pk=rule["question"]).first() if rule else None
    return rules.describe_rule(rule, question)


def footnote_sources(report: Report, number: int) -> tuple[str, list[SetSources]] | None:
    """What footnote ``number`` of the preview prints, and per set and respondent (UN order)
    the passages and notes behind it; None when the report has no such footnote."""
    composition = rendering.compose(report_snapshot(report))
    note = next((n for n in composition.footnotes if n.number == number), None)
    if note is None:
        return None
    sets = {
        s.key: s
        for s in AttributionSet.objects.filter(report=report, key__in=note.keys).select_related(
            "report"
        )
    }
    return rendering.plain_text(note.children), [
        SetSources(sets[key], set_sources(sets[key])) for key in note.keys if key in sets
    ]


def answer_text(question: Question, entry: dict[str, Any] | None) -> str:
    """An answer as one plain text, the text evidence quotes and offsets count in (the line
    ``surveys.questionnaires.display`` writes for exports and search too)."""
    return display.answer_line(question, entry)


def report_replies(report: Report) -> Any:
    """Replies the report is based on (received by the cut-off, not withdrawn)."""
    return replies_in_report(report.questionnaires.values_list("pk", flat=True))


def latest_revisions(reply_ids: Sequence[int]) -> dict[int, Revision]:
    """The last submission of each reply, in one query."""
    revisions: dict[int, Revision] = {}
    for revision in Revision.objects.filter(reply_id__in=list(reply_ids)).order_by(
        "reply_id", "number"
    ):
        revisions[revision.reply_id] = revision
    return revisions
