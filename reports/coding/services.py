"""Coding replies into attribution sets: themes, passages filed as evidence, rule-based sets.

Every write here is atomic, takes keyword arguments and is what the coding page, the API, the
demo and the Celery task after a submission call alike.

Evidence quotes the reply's last submission (a :class:`~surveys.models.Revision`), never a
draft: the offsets are into the answer as :func:`answer_text` writes it, which is also what the
coding page shows, so a selection in the browser maps onto the stored text exactly.  Whether a
quoted passage is still in the reply after an amendment is computed on read
(``reports.coding.consistency.evidence_state``): amended replies flag evidence stale, never drop
it.

Rules
=====

A set may carry a rule over a structured question of the report's questionnaires; its members
are then kept in sync with the replies in the report (:func:`sync_rule_set`, run on demand and
after every submission).  The rule is JSON::

    {"question": 12, "op": "equals", "value": "yes"}              # yes/no, single choice, number
    {"question": 12, "op": "includes_any", "values": ["shelter"]}  # multiple or single choice
    {"question": 5, "op": "greater_than", "value": 0,              # number, or a table cell:
     "row": "2006", "column": "prosecuted"}                         # row/column optional

Only published answers count (not restricted, last submission), so a rule never cites what a
State asked to keep unpublished.  A member filed by hand in a rule-based set (a note from
another source, a passage) stays when the rule stops matching; a member only the rule put there
goes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from portal import errors
from portal.errors import InvalidError
from surveys.models import Question, Reply, Respondent
from surveys.replies.selectors import published_replies
from surveys.review import search as survey_search

from ..models import (
    RESERVED_KEYS,
    AttributionMember,
    AttributionSet,
    Evidence,
    Report,
    Section,
    Theme,
)
from ..selectors import report_sections
from . import consistency
from .rules import OPS_BY_KIND, rule_matches
from .selectors import answer_text, latest_revisions, report_replies

# --- attribution sets ----------------------------------------------------------------------------


def _check_key(report: Report, key: str, *, exclude: int | None = None) -> None:
    if key in RESERVED_KEYS:
        raise InvalidError.of({"key": f"{key!r} is reserved by the markup; choose another key."})
    clash = AttributionSet.objects.filter(report=report, key=key)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise InvalidError.of({"key": f"This report already has a set with the key {key!r}."})


@transaction.atomic
def create_attribution_set(
    *, report: Report, key: str, statement: str, respondent_ids: Sequence[int] = ()
) -> AttributionSet:
    _check_key(report, key)
    attribution_set = AttributionSet(report=report, key=key, statement=statement)
    errors.full_clean(attribution_set, validate_constraints=False)
    attribution_set.save()
    for respondent_id in dict.fromkeys(respondent_ids):
        add_member(attribution_set=attribution_set, respondent_id=respondent_id)
    return attribution_set


@transaction.atomic
def update_attribution_set(
    *, attribution_set: AttributionSet, key: str | None = None, statement: str | None = None
) -> AttributionSet:
    if key is not None and key != attribution_set.key:
        _check_key(attribution_set.report, key, exclude=attribution_set.pk)
        attribution_set.key = key
    if statement is not None:
        attribution_set.statement = statement
    errors.full_clean(attribution_set, validate_constraints=False)
    attribution_set.save()
    return attribution_set


@transaction.atomic
def add_member(
    *, attribution_set: AttributionSet, respondent_id: int, note: str = ""
) -> AttributionMember:
    if not Respondent.objects.filter(pk=respondent_id).exists():
        raise InvalidError.of({"respondent": f"No respondent has the id {respondent_id}."})
    member, created = AttributionMember.objects.get_or_create(
        attribution_set=attribution_set, respondent_id=respondent_id, defaults={"note": note}
    )
    if not created and note and member.note != note:
        member.note = note
        member.save(update_fields=["note"])
    return member


@transaction.atomic
def remove_member(*, member: AttributionMember) -> None:
    member.delete()


# --- answers as the coder reads them -------------------------------------------------------------


# --- themes ------------------------------------------------------------------------------------


@transaction.atomic
def create_theme(*, report: Report, title: str, section: Section | None = None) -> Theme:
    if section is not None and section.report_id != report.pk:
        raise InvalidError.of({"section": "The section belongs to another report."})
    theme = Theme(
        report=report,
        title=title.strip(),
        section=section,
        order=(max((t.order for t in report.themes.all()), default=0) + 1),
    )
    errors.full_clean(theme, validate_constraints=False)
    if section is not None and Theme.objects.filter(report=report, section=section).exists():
        raise InvalidError.of({"section": "A theme already mirrors this section."})
    theme.save()
    return theme


@transaction.atomic
def update_theme(
    *, theme: Theme, title: str | None = None, section: Section | bool | None = False
) -> Theme:
    """``section=False`` leaves the link as it is; None removes it."""
    if title is not None:
        theme.title = title.strip()
    if section is not False:
        if section is not None and section.report_id != theme.report_id:  # type: ignore[union-attr]
            raise InvalidError.of({"section": "The section belongs to another report."})
        theme.section = section  # type: ignore[assignment]
    errors.full_clean(theme)
    theme.save()
    return theme


@transaction.atomic
def delete_theme(*, theme: Theme) -> None:
    """Delete a theme; its sets stay, without a theme."""
    theme.delete()


@transaction.atomic
def themes_from_sections(*, report: Report) -> list[Theme]:
    """One theme per body section and subsection, in reading order; safe to run again (a
    section that already has its theme keeps it, titles are refreshed)."""
    existing = {t.section_id: t for t in Theme.objects.filter(report=report, section__isnull=False)}
    themes, order = [], 0
    for section in report_sections(report):
        if section.kind != Section.Kind.BODY:
            continue
        for item in [section, *section.subsections.all()]:
            order += 1
            theme = existing.get(item.pk)
            if theme is None:
                theme = Theme.objects.create(
                    report=report, section=item, title=item.title, order=order
                )
            elif (theme.title, theme.order) != (item.title, order):
                theme.title, theme.order = item.title, order
                theme.save(update_fields=["title", "order"])
            themes.append(theme)
    return themes


# --- sets --------------------------------------------------------------------------------------


def _number(value: Any, what: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidError.of({"rule": f"{what} must be a number."}) from None


def clean_rule(rule: Any, *, report: Report) -> dict[str, Any] | None:
    """The rule checked against its question, in canonical form; None (no rule) for empty."""
    if rule in (None, "", {}):
        return None
    if not isinstance(rule, dict):
        raise InvalidError.of({"rule": "A rule is an object with question, op and value(s)."})
    try:
        question = Question.objects.select_related("section").get(
            pk=int(rule.get("question")),
            section__questionnaire__in=report.questionnaires.all(),
        )
    except (Question.DoesNotExist, TypeError, ValueError):
        raise InvalidError.of(
            {"rule": "The rule's question must be a question of the report's questionnaires."}
        ) from None
    op = rule.get("op")
    allowed = OPS_BY_KIND.get(question.kind, ())
    if op not in allowed:
        raise InvalidError.of(
            {
                "rule": f"Question {question.number} ({question.get_kind_display()}) takes "
                + (f"the rule {' or '.join(allowed)}." if allowed else "no rule.")
            }
        )
    choices = {c["value"] for c in question.options.get("choices", [])}
    if question.kind == Question.Kind.YES_NO:
        choices = {"yes", "no"}
    clean: dict[str, Any] = {"question": question.pk, "op": op}
    if op == "includes_any":
        values = rule.get("values")
        if not isinstance(values, list) or not values:
            raise InvalidError.of({"rule": "List the choices to look for in values."})
        unknown = [v for v in values if v not in choices]
        if unknown:
            raise InvalidError.of(
                {
                    "rule": f"Question {question.number} has no choice "
                    + ", ".join(map(str, unknown))
                    + "."
                }
            )
        clean["values"] = list(dict.fromkeys(values))
    elif op == "equals" and question.kind != Question.Kind.NUMBER:
        if rule.get("value") not in choices:
            raise InvalidError.of(
                {"rule": f"Question {question.number} has no choice {rule.get('value')!r}."}
            )
        clean["value"] = rule["value"]
    else:
        clean["value"] = float(_number(rule.get("value"), "The rule's value"))
    if question.kind == Question.Kind.TABLE:
        for axis, key in (("rows", "row"), ("columns", "column")):
            wanted = rule.get(key)
            if wanted in (None, ""):
                continue
            keys = {item["key"] for item in question.options.get(axis, [])}
            if wanted not in keys:
                raise InvalidError.of(
                    {"rule": f"Question {question.number} has no {key} {wanted!r}."}
                )
            clean[key] = wanted
    return clean


@transaction.atomic
def create_set(
    *,
    report: Report,
    key: str,
    statement: str,
    theme: Theme | None = None,
    rule: Any = None,
    respondent_ids: Sequence[int] = (),
    source: str = "",
) -> AttributionSet:
    """A new attribution set; with a rule its members are filled from the replies at once."""
    attribution_set = create_attribution_set(
        report=report, key=key, statement=statement, respondent_ids=respondent_ids
    )
    return update_set(attribution_set=attribution_set, theme=theme, rule=rule, source=source)


@transaction.atomic
def update_set(
    *,
    attribution_set: AttributionSet,
    key: str | None = None,
    statement: str | None = None,
    theme: Theme | bool | None = False,
    rule: Any = False,
    source: str | None = None,
) -> AttributionSet:
    """Change a set; ``theme``/``rule`` left False stay as they are, None removes them.
    ``source`` states a source other than replies the members are cited from ("" for none)."""
    if key is not None or statement is not None:
        update_attribution_set(attribution_set=attribution_set, key=key, statement=statement)
    fields = []
    if source is not None and source.strip() != attribution_set.source:
        attribution_set.source = source.strip()
        errors.full_clean(attribution_set)
        fields.append("source")
    if theme is not False:
        if theme is not None and theme.report_id != attribution_set.report_id:  # type: ignore[union-attr]
            raise InvalidError.of({"theme": "The theme belongs to another report."})
        attribution_set.theme = theme  # type: ignore[assignment]
        fields.append("theme")
    if rule is not False:
        attribution_set.rule = clean_rule(rule, report=attribution_set.report)
        fields.append("rule")
    if fields:
        attribution_set.save(update_fields=[*fields, "updated_at"])
    if rule is not False:
        sync_rule_set(attribution_set=attribution_set)
    return attribution_set


@transaction.atomic
def add_manual_member(
    *, attribution_set: AttributionSet, respondent_id: int, note: str
) -> AttributionMember:
    """A member on the strength of information from another source, said in the note."""
    if not note.strip():
        raise InvalidError.of({"note": "Say where this comes from (a member without a passage)."})
    return add_member(
        attribution_set=attribution_set, respondent_id=respondent_id, note=note.strip()
    )


# --- filing passages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Passage:
    reply: Reply
    question: Question
    revision_number: int
    text: str  # the whole answer
    start: int
    end: int

    @property
    def quote(self) -> str:
        return self.text[self.start : self.end]


def passage(
    *,
    report: Report,
    reply: Reply,
    question_id: int,
    start: int,
    end: int,
    quote: str = "",
) -> Passage:
    """Check a selection against the reply's last submission and trim it to its words.

    ``quote`` is what the person saw selected: when the answer has changed under it, the
    passage is looked for nearby, and refused if it is gone."""
    if not report_replies(report).filter(pk=reply.pk).exists():
        raise InvalidError.of("This reply is not among the replies the report is based on.")
    revision = latest_revisions([reply.pk]).get(reply.pk)
    question = Question.objects.filter(
        pk=question_id, section__questionnaire_id=reply.questionnaire_id
    ).first()
    if revision is None or question is None or str(question_id) not in revision.answers:
        raise InvalidError.of("That question is not answered in the reply's last submission.")
    text = answer_text(question, revision.answers[str(question_id)])
    if quote and text[start:end] != quote:
        found = consistency.locate(text, quote, start)
        if found is None:
            raise InvalidError.of(
                "The reply has changed since you selected this passage: reload the reply and "
                "select it again."
            )
        start, end = found
    if not 0 <= start < end <= len(text):
        raise InvalidError.of("Select a passage of the answer first.")
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        raise InvalidError.of("Select a passage of the answer first.")
    return Passage(reply, question, revision.number, text, start, end)


@transaction.atomic
def file_passage(*, attribution_set: AttributionSet, passage: Passage, by: Any = None) -> Evidence:
    """File a passage under a set: the reply's respondent becomes (or stays) a member, backed by
    the passage.  Filing the same passage twice files it once."""
    member = add_member(attribution_set=attribution_set, respondent_id=passage.reply.respondent_id)
    evidence, _ = Evidence.objects.get_or_create(
        member=member,
        reply=passage.reply,
        question=passage.question,
        kind=Evidence.Kind.PASSAGE,
        revision_number=passage.revision_number,
        start=passage.start,
        end=passage.end,
        defaults={"quote": passage.quote, "created_by": by},
    )
    return evidence


@transaction.atomic
def file_passage_in_new_set(
    *,
    report: Report,
    key: str,
    statement: str,
    passage: Passage,
    theme: Theme | None = None,
    by: Any = None,
) -> Evidence:
    attribution_set = create_set(report=report, key=key, statement=statement, theme=theme)
    return file_passage(attribution_set=attribution_set, passage=passage, by=by)


@transaction.atomic
def remove_evidence(*, evidence: Evidence) -> None:
    """Remove one passage; the member stays (remove it on its own if it should go)."""
    evidence.delete()


_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")


def sentence_around(text: str, terms: Sequence[str]) -> tuple[int, int]:
    """The sentence holding the first search term (the whole answer when none is found)."""
    lowered = text.lower()
    hits = [lowered.find(t.lower()) for t in terms if t and lowered.find(t.lower()) != -1]
    if not hits:
        return 0, len(text)
    at = min(hits)
    start = 0
    for boundary in _SENTENCE_END.finditer(text):
        if boundary.end() <= at:
            start = boundary.end()
        else:
            return start, boundary.start()
    return start, len(text.rstrip())


def hit_passage(*, report: Report, reply: Reply, question_id: int, query: str) -> Passage:
    """The sentence of an answer a search hit points at, ready to file."""
    revision = latest_revisions([reply.pk]).get(reply.pk)
    question = Question.objects.filter(pk=question_id).first()
    entry = revision.answers.get(str(question_id)) if revision else None
    if question is None or entry is None:
        raise InvalidError.of("That question is not answered in the reply's last submission.")
    text = answer_text(question, entry)
    start, end = sentence_around(text, survey_search.search_terms(query))
    return passage(report=report, reply=reply, question_id=question_id, start=start, end=end)


# --- rule-based sets ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SyncResult:
    added: int = 0
    removed: int = 0
    updated: int = 0


@transaction.atomic
def sync_rule_set(*, attribution_set: AttributionSet) -> SyncResult:
    """Make a rule-based set's members those whose published answers match its rule, each
    with the answer as evidence.  Idempotent: a second run changes nothing."""
    rule = attribution_set.rule
    if not rule:
        return SyncResult()
    AttributionSet.objects.select_for_update().filter(pk=attribution_set.pk).first()
    question = Question.objects.filter(pk=rule["question"]).first()
    matches: dict[int, tuple[Reply, int, str]] = {}
    if question is not None:
        replies = report_replies(attribution_set.report).filter(
            questionnaire_id=question.section.questionnaire_id
        )
        for published in published_replies(replies):
            entry = published.answers.get(question.pk)
            if rule_matches(rule, entry):
                matches[published.reply.respondent_id] = (
                    published.reply,
                    published.revision_number,
                    answer_text(question, entry),
                )
    added = removed = updated = 0
    members = {
        m.respondent_id: m
        for m in AttributionMember.objects.filter(attribution_set=attribution_set).prefetch_related(
            "evidence"
        )
    }
    for respondent_id, member in members.items():
        values = [e for e in member.evidence.all() if e.kind == Evidence.Kind.VALUE]
        if respondent_id in matches:
            reply, number, text = matches[respondent_id]
            wanted = (reply.pk, question.pk, number, text)  # type: ignore[union-attr]
            if [(e.reply_id, e.question_id, e.revision_number, e.quote) for e in values] != [
                wanted
            ]:
                Evidence.objects.filter(pk__in=[e.pk for e in values]).delete()
                _value_evidence(member, reply, question, number, text)  # type: ignore[arg-type]
                updated += 1
            if not member.by_rule:
                member.by_rule = True
                member.save(update_fields=["by_rule"])
                updated += 1
            continue
        if not member.by_rule and not values:
            continue  # filed by hand: the rule has no say
        Evidence.objects.filter(pk__in=[e.pk for e in values]).delete()
        others = [e for e in member.evidence.all() if e.kind != Evidence.Kind.VALUE]
        if others or member.note.strip():
            member.by_rule = False
            member.save(update_fields=["by_rule"])
            updated += 1
        else:
            member.delete()
            removed += 1
    for respondent_id, (reply, number, text) in matches.items():
        if respondent_id in members:
            continue
        member = AttributionMember.objects.create(
            attribution_set=attribution_set, respondent_id=respondent_id, by_rule=True
        )
        _value_evidence(member, reply, question, number, text)  # type: ignore[arg-type]
        added += 1
    AttributionSet.objects.filter(pk=attribution_set.pk).update(synced_at=timezone.now())
    return SyncResult(added, removed, updated)


def _value_evidence(
    member: AttributionMember, reply: Reply, question: Question, number: int, text: str
) -> None:
    Evidence.objects.create(
        member=member,
        reply=reply,
        question=question,
        kind=Evidence.Kind.VALUE,
        revision_number=number,
        quote=text,
    )


def sync_rule_sets(*, report: Report) -> SyncResult:
    """Re-apply every rule of the report (the coding page's "Sync rule-based sets")."""
    total = SyncResult()
    for attribution_set in AttributionSet.objects.filter(report=report, rule__isnull=False):
        result = sync_rule_set(attribution_set=attribution_set)
        total = SyncResult(
            total.added + result.added,
            total.removed + result.removed,
            total.updated + result.updated,
        )
    return total


def refresh_after_submission(*, reply_id: int) -> int:
    """After a reply is submitted (or amended): re-apply the rules of every report on its
    questionnaire.  Evidence staleness needs no refresh: it is computed on read.  Returns how
    many reports were looked at; safe to run twice."""
    questionnaire_id = Reply.objects.filter(pk=reply_id).values_list("questionnaire_id", flat=True)
    reports = Report.objects.filter(questionnaires__in=questionnaire_id).distinct()
    for report in reports:
        sync_rule_sets(report=report)
    return len(reports)
