"""Published replies as tables: side-by-side comparisons, aggregated statistical tables, the
response dashboard, and exports to CSV, XLSX, JSON and a ZIP of attachments.

Everything here starts from ``replies.selectors.published_replies`` (the last submitted
revision, restricted answers left out), so no page and no file ever shows a draft or a
restricted answer. Respondent names are those in force on the questionnaire's date (when it
was sent, else its deadline).

An export's life
================

``services.request_export`` fingerprints the data the browse filter selects (which replies, their
last revision, restrictions, names, questionnaire revisions) together with the format and the
filter.
If a finished export has the same fingerprint, its file is reused at once; otherwise an
``ExportJob`` is queued and the ``surveys.run_export`` task calls :func:`run_export`, which claims
the job, writes the file while recording its progress (its heartbeat), and stores it. The
watchdog of every background job (``portal.jobs``, the ``portal.jobs_watchdog`` task, every
minute) fails a job whose worker went silent, ran past the time limit or never started, with the
reason, and sends again the message of one left queued; :func:`reap_stalled_exports` does it for
exports alone.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import logging
import re
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from portal import jobs, policy

from ..models import (
    Answer,
    Attachment,
    ExportJob,
    Question,
    Questionnaire,
    QuestionnaireRevision,
    Reply,
    Respondent,
    RespondentName,
    Revision,
    text_in,
)
from ..questionnaires import answers as answer_rules
from ..questionnaires import display
from ..replies.selectors import Published, published_files, published_of, published_replies
from .search import (
    browse,
    names_date,
    respondent_name,
    un_order_key,
)

logger = logging.getLogger(__name__)

# Policy of the export task, also used by the watchdog to tell "slow" from "gone".
EXPORT_SOFT_TIME_LIMIT = 14 * 60
EXPORT_TIME_LIMIT = 15 * 60
EXPORT_TASK = "surveys.run_export"  # surveys.review.tasks.run_export
# Bump when the layout of the files changes, so that older files are not reused.
EXPORT_LAYOUT = 2  # 2: the XLSX has wide sheets (issue 18)


def stale_after() -> timedelta:
    """Silence after which a running export's worker is taken for dead (it beats on progress):
    ``EXPORT_STALE_SECONDS``."""
    return timedelta(seconds=settings.EXPORT_STALE_SECONDS)


def queue_timeout() -> timedelta:
    """An export nobody started within ``EXPORT_QUEUE_TIMEOUT_SECONDS`` fails."""
    return timedelta(seconds=settings.EXPORT_QUEUE_TIMEOUT_SECONDS)


def resend_after() -> timedelta:
    """An export still queued after ``EXPORT_RESEND_SECONDS`` has its message sent again."""
    return timedelta(seconds=settings.EXPORT_RESEND_SECONDS)


# --- questions of several questionnaires -------------------------------------------------------


def questions_of(questionnaire_ids: Sequence[int]) -> dict[int, list[Question]]:
    """Questions per questionnaire, in questionnaire order (one query)."""
    result: dict[int, list[Question]] = defaultdict(list)
    for question in (
        Question.objects.filter(section__questionnaire_id__in=list(questionnaire_ids))
        .select_related("section")
        .order_by("section__questionnaire_id", "section__order", "section__pk", "order", "pk")
    ):
        result[question.section.questionnaire_id].append(question)
    return result


def in_un_order(published: list[Published]) -> list[Published]:
    """Replies by questionnaire (latest first), then respondents in UN order of that date."""
    return sorted(
        published,
        key=lambda p: (
            -p.reply.questionnaire.deadline.toordinal(),
            p.reply.questionnaire_id,
            un_order_key(p.reply.respondent, names_date(p.reply.questionnaire)),
        ),
    )


EXPORT_BATCH = 500  # replies whose revisions are held in memory at once while exporting


def batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def published_in_batches(replies: QuerySet[Reply]) -> tuple[int, Iterator[Published]]:
    """How many replies, and what is published of each in UN order, read a batch at a time so
    that an export of thousands of replies never holds all their revisions in memory."""
    ordered = sorted(
        replies.select_related("questionnaire", "respondent").prefetch_related("respondent__names"),
        key=lambda r: (
            -r.questionnaire.deadline.toordinal(),
            r.questionnaire_id,
            un_order_key(r.respondent, names_date(r.questionnaire)),
        ),
    )

    def generate() -> Iterator[Published]:
        for batch in batches(ordered, EXPORT_BATCH):
            yield from published_of(batch)

    return len(ordered), generate()


# --- comparison: one question or section across respondents ------------------------------------


@dataclass(slots=True)
class Cell:
    text: str
    state: str = ""
    anchor: str = ""


@dataclass
class ComparisonRow:
    reply: Reply
    name: str
    revision_number: int
    cells: list[Cell]


@dataclass
class Comparison:
    questionnaire: Questionnaire
    questions: list[Question]
    rows: list[ComparisonRow]


def compare_across_respondents(
    replies: QuerySet[Reply], questionnaire: Questionnaire, question_ids: Sequence[int] | None
) -> Comparison:
    """Published answers of every reply to the chosen questions (all when None), one row per
    respondent in UN order. A fixed number of queries, whatever the number of respondents."""
    questions = questions_of([questionnaire.pk])[questionnaire.pk]
    if question_ids:
        wanted = set(question_ids)
        questions = [q for q in questions if q.pk in wanted]
    published = in_un_order(published_replies(replies.filter(questionnaire=questionnaire)))
    on = names_date(questionnaire)
    writers = [(q.pk, display.answer_writer(q), f"q-{q.pk}") for q in questions]
    rows = []
    for item in published:
        answers = item.answers
        cells = []
        for pk, write, anchor in writers:
            entry = answers.get(pk)
            cells.append(Cell(write(entry), entry.get("state", "") if entry else "", anchor))
        rows.append(
            ComparisonRow(
                reply=item.reply,
                name=respondent_name(item.reply.respondent, on),
                revision_number=item.revision_number,
                cells=cells,
            )
        )
    return Comparison(questionnaire=questionnaire, questions=questions, rows=rows)


# --- comparison: one respondent across questionnaires -------------------------------------------


@dataclass
class HistoryRow:
    number: str
    text: str
    cells: list[Cell]


@dataclass
class History:
    respondent: Respondent
    columns: list[Published]
    rows: list[HistoryRow]


def _number_key(number: str) -> tuple[Any, ...]:
    """Sort "2", "2 (a)", "10" as people read them."""
    return tuple(int(p) if p.isdigit() else p for p in re.findall(r"\d+|[^\d\s()]+", number))


def respondent_history(replies: QuerySet[Reply], respondent: Respondent) -> History:
    """One respondent's published replies over the years, questions matched by number."""
    published = sorted(
        published_replies(replies.filter(respondent=respondent)),
        key=lambda p: (p.reply.questionnaire.deadline, p.reply.questionnaire_id),
    )
    questions = questions_of([p.reply.questionnaire_id for p in published])
    by_number: dict[str, dict[int, Question]] = defaultdict(dict)
    for questionnaire_id, items in questions.items():
        for question in items:
            by_number[question.number][questionnaire_id] = question
    rows = []
    for number in sorted(by_number, key=_number_key):
        matched = by_number[number]
        latest = next(
            (
                matched[p.reply.questionnaire_id]
                for p in reversed(published)
                if p.reply.questionnaire_id in matched
            ),
            None,
        )
        cells = []
        for item in published:
            question = matched.get(item.reply.questionnaire_id)
            entry = item.answers.get(question.pk) if question else None
            cells.append(
                Cell(
                    text=display.answer_line(question, entry) if question else "",
                    state=(entry or {}).get("state", "") if question else "absent",
                    anchor=f"q-{question.pk}" if question else "",
                )
            )
        rows.append(
            HistoryRow(
                number=number, text=text_in(latest.text, "en") if latest else "", cells=cells
            )
        )
    return History(respondent=respondent, columns=published, rows=rows)


# --- series: the same question across the rounds of a questionnaire --------------------------


def rounds_of(
    questionnaire: Questionnaire, visible: QuerySet[Questionnaire]
) -> list[Questionnaire]:
    """The rounds of a questionnaire, oldest first: those it was started from ("based on",
    as ``authoring.copy_questionnaire`` records it), itself, and those started from it or from
    its later rounds. Only questionnaires in ``visible``; one query, whatever the length."""
    links = dict(visible.values_list("pk", "based_on_id"))
    if questionnaire.pk not in links:
        return []
    wanted = {questionnaire.pk}
    parent = links[questionnaire.pk]
    while parent is not None and parent in links and parent not in wanted:
        wanted.add(parent)
        parent = links[parent]
    children: dict[int, list[int]] = defaultdict(list)
    for pk, based_on in links.items():
        if based_on is not None:
            children[based_on].append(pk)
    stack = [questionnaire.pk]
    while stack:
        for child in children[stack.pop()]:
            if child not in wanted:
                wanted.add(child)
                stack.append(child)
    return sorted(visible.filter(pk__in=wanted).order_by(), key=lambda q: (q.deadline, q.pk))


@dataclass
class SeriesRow:
    respondent: Respondent
    name: str
    cells: list[Cell]  # one per round; state "absent": not asked, "noreply": no published reply


@dataclass
class Series:
    """One question across the rounds of a questionnaire, matched by its number."""

    question: Question
    rounds: list[Questionnaire]
    questions: list[Question | None]  # the matching question of each round (None: not asked)
    rows: list[SeriesRow]
    counts: list[ChoiceCount | None]  # for a yes/no or choice question, per round


def question_series(
    replies: QuerySet[Reply],
    question: Question,
    rounds: Sequence[Questionnaire],
    respondent_id: int | None = None,
) -> Series:
    """The published answers to ``question`` and to the question of the same number in every
    round, one row per respondent in UN order (names of the latest round), one column per
    round. A fixed number of queries, whatever the number of rounds and respondents."""
    round_ids = [q.pk for q in rounds]
    by_round = questions_of(round_ids)
    matched: list[Question | None] = [
        next((q for q in by_round.get(pk, []) if q.number == question.number), None)
        for pk in round_ids
    ]
    chosen = replies.filter(questionnaire_id__in=round_ids)
    if respondent_id is not None:
        chosen = chosen.filter(respondent_id=respondent_id)
    published = published_replies(chosen)
    answers: dict[tuple[int, int], Published] = {
        (item.reply.respondent_id, item.reply.questionnaire_id): item for item in published
    }
    respondents = {item.reply.respondent_id: item.reply.respondent for item in published}
    on = names_date(rounds[-1]) if rounds else timezone.localdate()
    writers = [display.answer_writer(q) if q else None for q in matched]
    rows = []
    for respondent in sorted(respondents.values(), key=lambda r: un_order_key(r, on)):
        cells = []
        for pk, matched_question, write in zip(round_ids, matched, writers, strict=True):
            if matched_question is None or write is None:
                cells.append(Cell("", "absent"))
                continue
            item = answers.get((respondent.pk, pk))
            if item is None:
                cells.append(Cell("", "noreply"))
                continue
            entry = item.answers.get(matched_question.pk)
            cells.append(
                Cell(write(entry), (entry or {}).get("state", ""), f"q-{matched_question.pk}")
            )
        rows.append(
            SeriesRow(respondent=respondent, name=respondent_name(respondent, on), cells=cells)
        )
    counts: list[ChoiceCount | None] = []
    if question.kind in CHOICE_KINDS:
        for pk, matched_question in zip(round_ids, matched, strict=True):
            if matched_question is None or matched_question.kind != question.kind:
                counts.append(None)
                continue
            in_round = [item for item in published if item.reply.questionnaire_id == pk]
            counts.append(_count(matched_question, in_round))
    return Series(
        question=question, rounds=list(rounds), questions=matched, rows=rows, counts=counts
    )


# --- statistical tables aggregated ------------------------------------------------------------


@dataclass
class Aggregate:
    """Sums of a statistical table over respondents, and how many respondents reported.

    A sum is None where nobody reported a number: a blank is "not reported", never 0."""

    question: Question
    rows: list[dict[str, Any]]
    columns: list[dict[str, Any]]
    sums: dict[str, dict[str, int | None]]  # row key -> column key -> sum (None: not reported)
    reporting: dict[str, dict[str, int]]  # row key -> column key -> respondents with a number
    column_totals: dict[str, int | None]
    column_reporting: dict[str, int]
    respondents_reporting: int
    respondents: int
    groups: list[dict[str, Any]] = field(default_factory=list)


def _add(total: int | None, number: int) -> int:
    return number if total is None else total + number


def group_labels() -> dict[str, str]:
    """Labels of what respondents are grouped by: the regional group of a State, else its kind."""
    return {
        str(k): str(v) for k, v in [*Respondent.RegionalGroup.choices, *Respondent.Kind.choices]
    }


def group_of(respondent: Respondent) -> str:
    return respondent.regional_group or respondent.kind


def _group_order(key: str) -> tuple[int, int]:
    groups = list(Respondent.RegionalGroup.values)
    if key in groups:
        return (0, groups.index(key))
    return (1, KIND_ORDER.get(key, 99))


KIND_ORDER = {kind: rank for rank, kind in enumerate(Respondent.Kind.values)}


def aggregate_table(replies: QuerySet[Reply], question: Question) -> Aggregate:
    """Sum a statistical table by row (e.g. year) and by regional group, counting respondents
    that gave a number. A blank cell is "not reported", not zero: a sum stays None until some
    respondent reports a number in it."""
    questionnaire = question.section.questionnaire
    published = published_replies(replies.filter(questionnaire=questionnaire))
    rows = question.options.get("rows", [])
    columns = question.options.get("columns", [])
    column_keys = [c["key"] for c in columns]
    sums: dict[str, dict[str, int | None]] = {r["key"]: dict.fromkeys(column_keys) for r in rows}
    reporting = {r["key"]: dict.fromkeys(column_keys, 0) for r in rows}
    column_totals: dict[str, int | None] = dict.fromkeys(column_keys)
    column_reporting = dict.fromkeys(column_keys, 0)
    group_sums: dict[str, dict[str, int | None]] = defaultdict(lambda: dict.fromkeys(column_keys))
    group_reporting: dict[str, int] = defaultdict(int)
    anyone = 0
    for item in published:
        entry = item.answers.get(question.pk)
        value = (entry or {}).get("value") if (entry or {}).get("state") == "answered" else None
        if not value:
            continue
        reported_columns = set()
        for row in rows:
            cells = value.get(row["key"]) or {}
            for key in column_keys:
                number = cells.get(key)
                if number is None:
                    continue
                sums[row["key"]][key] = _add(sums[row["key"]][key], number)
                reporting[row["key"]][key] += 1
                reported_columns.add(key)
        if not reported_columns:
            continue
        anyone += 1
        group = group_of(item.reply.respondent)
        group_reporting[group] += 1
        _, totals, _ = answer_rules.table_totals(question.options, value)
        for key in reported_columns:
            column_reporting[key] += 1
            column_totals[key] = _add(column_totals[key], totals[key])
            group_sums[group][key] = _add(group_sums[group][key], totals[key])
    labels = group_labels()
    groups = [
        {
            "key": key,
            "label": labels.get(key, key),
            "sums": group_sums[key],
            "reporting": group_reporting[key],
        }
        for key in sorted(group_reporting, key=_group_order)
    ]
    return Aggregate(
        question=question,
        rows=rows,
        columns=columns,
        sums=sums,
        reporting=reporting,
        column_totals=column_totals,
        column_reporting=column_reporting,
        respondents_reporting=anyone,
        respondents=len(published),
        groups=groups,
    )


# --- yes/no and choice questions counted -------------------------------------------------------

CHOICE_KINDS = (answer_rules.YES_NO, answer_rules.SINGLE_CHOICE, answer_rules.MULTIPLE_CHOICE)


@dataclass
class ChoiceGroup:
    """The answers of one regional group (or kind of respondent) to a choice question."""

    key: str
    label: str
    replies: int = 0  # published replies of the group
    answered: int = 0  # of which chose at least one option
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def not_reported(self) -> int:
        return self.replies - self.answered


@dataclass
class ChoiceCount:
    """How many respondents chose each option of a yes/no or choice question.

    ``answered`` respondents chose something; the others with a published reply are "not
    reported" (no answer, "not known", "not applicable", or the answer restricted), counted
    apart and never as a "no" or a 0 in an option. Shares are of those who answered."""

    question: Question
    options: list[tuple[str, str]]  # (value, label) in the question's order
    counts: dict[str, int]
    replies: int = 0
    answered: int = 0
    not_known: int = 0
    not_applicable: int = 0
    groups: list[ChoiceGroup] = field(default_factory=list)

    @property
    def not_reported(self) -> int:
        return self.replies - self.answered

    @property
    def multiple(self) -> bool:
        return self.question.kind == answer_rules.MULTIPLE_CHOICE


def _options(question: Question) -> list[tuple[str, str]]:
    if question.kind == answer_rules.YES_NO:
        return list(display.YES_NO_LABELS.items())
    return [
        (choice["value"], display.label(choice["label"], "en"))
        for choice in (question.options or {}).get("choices", [])
    ]


def count_choices(
    replies: QuerySet[Reply], questionnaire: Questionnaire, question_ids: Sequence[int] | None
) -> list[ChoiceCount]:
    """Counts of every yes/no and choice question (the chosen ones when given) over the
    published replies, overall and by regional group. A fixed number of queries."""
    questions = [
        q for q in questions_of([questionnaire.pk])[questionnaire.pk] if q.kind in CHOICE_KINDS
    ]
    if question_ids:
        wanted = set(question_ids)
        questions = [q for q in questions if q.pk in wanted]
    published = published_replies(replies.filter(questionnaire=questionnaire))
    return [_count(question, published) for question in questions]


def _count(question: Question, published: Sequence[Published]) -> ChoiceCount:
    """Counts of one choice question over these published replies, overall and by group."""
    labels = group_labels()
    options = _options(question)
    values = [value for value, _ in options]
    result = ChoiceCount(question=question, options=options, counts=dict.fromkeys(values, 0))
    groups: dict[str, ChoiceGroup] = {}
    for item in published:
        key = group_of(item.reply.respondent)
        group = groups.get(key)
        if group is None:
            group = groups[key] = ChoiceGroup(
                key=key, label=labels.get(key, key), counts=dict.fromkeys(values, 0)
            )
        result.replies += 1
        group.replies += 1
        entry = item.answers.get(question.pk) or {}
        state = entry.get("state")
        if state == answer_rules.NOT_KNOWN:
            result.not_known += 1
        elif state == answer_rules.NOT_APPLICABLE:
            result.not_applicable += 1
        value = entry.get("value") if state == answer_rules.ANSWERED else None
        chosen = [v for v in (value if isinstance(value, list) else [value]) if v in values]
        if not chosen:
            continue
        result.answered += 1
        group.answered += 1
        for choice in chosen:
            result.counts[choice] += 1
            group.counts[choice] += 1
    result.groups = [groups[key] for key in sorted(groups, key=_group_order)]
    return result


# --- response dashboard -----------------------------------------------------------------------


@dataclass
class Dashboard:
    questionnaire: Questionnaire
    recipients: int
    received: int
    on_time: int
    late: int
    after_cutoff: int
    timeline: list[tuple[datetime.date, int]]  # cumulative replies received by each date
    groups: list[dict[str, Any]]
    kinds: list[dict[str, Any]]
    not_replied: list[str]


def _tally(rows: list[Reply], questionnaire: Questionnaire) -> dict[str, int]:
    received = [r for r in rows if r.received_on is not None]
    return {
        "recipients": len(rows),
        "received": len(received),
        "on_time": sum(1 for r in received if r.received_on <= questionnaire.deadline),
        "late": sum(
            1 for r in received if questionnaire.deadline < r.received_on <= questionnaire.cutoff
        ),
        "after_cutoff": sum(1 for r in received if r.received_on > questionnaire.cutoff),
        "not_replied": len(rows) - len(received),
    }


def response_dashboard(questionnaire: Questionnaire) -> Dashboard:
    """Who was asked, who replied and when, against the deadline and the cut-off.

    Counts every recipient (a reply row exists for each from dispatch); a reply counts as
    received from its first submission. Nothing of a draft is shown, only that no reply came."""
    rows = list(
        Reply.objects.filter(questionnaire=questionnaire)
        .select_related("respondent")
        .prefetch_related("respondent__names")
    )
    on = names_date(questionnaire)
    received_dates = sorted(r.received_on for r in rows if r.received_on is not None)
    start = questionnaire.sent_on or (received_dates[0] if received_dates else on)
    end = max([questionnaire.cutoff, *received_dates[-1:]])
    timeline: list[tuple[datetime.date, int]] = []
    count = 0
    index = 0
    day = start
    while day <= end:
        while index < len(received_dates) and received_dates[index] <= day:
            count += 1
            index += 1
        timeline.append((day, count))
        day += timedelta(days=1)
    totals = _tally(rows, questionnaire)
    by_group: dict[str, list[Reply]] = defaultdict(list)
    by_kind: dict[str, list[Reply]] = defaultdict(list)
    for reply in rows:
        if reply.respondent.regional_group:
            by_group[reply.respondent.regional_group].append(reply)
        by_kind[reply.respondent.kind].append(reply)
    groups = [
        {"label": label, **_tally(by_group[key], questionnaire)}
        for key, label in Respondent.RegionalGroup.choices
        if key in by_group
    ]
    kinds = [
        {"label": label, **_tally(by_kind[key], questionnaire)}
        for key, label in Respondent.Kind.choices
        if key in by_kind
    ]
    silent = sorted(
        (r.respondent for r in rows if r.received_on is None and not r.withdrawn),
        key=lambda respondent: un_order_key(respondent, on),
    )
    return Dashboard(
        questionnaire=questionnaire,
        recipients=totals["recipients"],
        received=totals["received"],
        on_time=totals["on_time"],
        late=totals["late"],
        after_cutoff=totals["after_cutoff"],
        timeline=timeline,
        groups=groups,
        kinds=kinds,
        not_replied=[respondent_name(r, on) for r in silent],
    )


# --- export rows -------------------------------------------------------------------------------

COLUMNS = (
    "questionnaire",
    "questionnaire_reference",
    "respondent_code",
    "respondent",
    "respondent_kind",
    "regional_group",
    "received_on",
    "late",
    "revision",
    "section",
    "question",
    "question_text",
    "question_kind",
    "state",
    "row",
    "column",
    "value",
)


def answer_rows(
    published: Iterable[Published],
    *,
    total: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """One row per respondent and question; a statistical table in long format, one row per cell
    (row, column, value). Unanswered questions (and restricted ones) give an empty row. Rows
    come in the order of ``published``."""
    questions: dict[int, list[Question]] = {}
    kinds = dict(Respondent.Kind.choices)
    groups = dict(Respondent.RegionalGroup.choices)
    writers: dict[int, Callable[[dict[str, Any] | None], str]] = {}
    for done, item in enumerate(published, start=1):
        if progress is not None:
            progress(done, total)
        if item.reply.questionnaire_id not in questions:
            questions.update(questions_of([item.reply.questionnaire_id]))
        reply = item.reply
        questionnaire = reply.questionnaire
        common = {
            "questionnaire": questionnaire.title,
            "questionnaire_reference": questionnaire.reference,
            "respondent_code": reply.respondent.code,
            "respondent": respondent_name(reply.respondent, names_date(questionnaire)),
            "respondent_kind": str(kinds.get(reply.respondent.kind, reply.respondent.kind)),
            "regional_group": str(groups.get(reply.respondent.regional_group, "")),
            "received_on": (reply.received_on or item.received_on).isoformat(),
            "late": "yes" if reply.is_late else "no",
            "revision": item.revision_number,
        }
        for question in questions[questionnaire.pk]:
            write = writers.get(question.pk)
            if write is None:
                write = writers[question.pk] = display.answer_writer(question)
            entry = item.answers.get(question.pk) or {}
            where = {
                **common,
                "section": question.section.number,
                "question": question.number,
                "question_text": text_in(question.text, "en"),
                "question_kind": question.kind,
                "state": entry.get("state", ""),
            }
            value = entry.get("value")
            if question.kind == answer_rules.TABLE and entry.get("state") == "answered" and value:
                for row in question.options.get("rows", []):
                    for column in question.options.get("columns", []):
                        yield {
                            **where,
                            "row": text_in(row["label"], "en"),
                            "column": text_in(column["label"], "en"),
                            "value": (value.get(row["key"]) or {}).get(column["key"]),
                        }
                continue
            if question.kind == answer_rules.NUMBER and entry.get("state") == "answered":
                shown: Any = value
            else:
                shown = write(entry)
            yield {**where, "row": "", "column": "", "value": shown}


# --- the wide layout: one row per reply, one column per question or table cell ----------------

WIDE_COMMON = (
    "respondent",
    "respondent_code",
    "respondent_kind",
    "regional_group",
    "questionnaire",
    "questionnaire_reference",
    "received_on",
    "late",
    "revision",
)
# Widths (in characters) of the common columns in the XLSX.
WIDE_COMMON_WIDTHS = (28, 10, 20, 24, 30, 14, 12, 6, 9)


@dataclass(frozen=True)
class WideColumn:
    """A column of the wide layout: a question, or one cell of a statistical table."""

    header: str
    question: Question
    row: str | None = None
    column: str | None = None

    @property
    def width(self) -> int:
        if self.question.kind in (answer_rules.NUMBER, answer_rules.TABLE):
            return 14
        if self.question.kind in CHOICE_KINDS:
            return 18
        return 40


def wide_columns(questions: Sequence[Question]) -> list[WideColumn]:
    """One column per question, one per cell for a statistical table, in questionnaire order.
    Headers carry the number and the text: "5 Cases [2005 / Investigated]"."""
    columns = []
    for question in questions:
        text = f"{question.number} {text_in(question.text, 'en')}".strip()
        if question.kind == answer_rules.TABLE:
            for row in question.options.get("rows", []):
                for column in question.options.get("columns", []):
                    cell = f"{text_in(row['label'], 'en')} / {text_in(column['label'], 'en')}"
                    columns.append(
                        WideColumn(f"{text} [{cell}]", question, row["key"], column["key"])
                    )
        else:
            columns.append(WideColumn(text, question))
    return columns


def wide_cells(
    item: Published,
    columns: Sequence[WideColumn],
    writers: dict[int, Callable[[dict[str, Any] | None], str]],
) -> list[Any]:
    """The answers of one reply in the columns of the wide layout: numbers as numbers (a
    blank table cell stays blank: not reported), "Not known" or "Not applicable" as said,
    everything else as the one line every page shows."""
    cells: list[Any] = []
    for column in columns:
        question = column.question
        entry = item.answers.get(question.pk)
        if not entry:
            cells.append(None)
            continue
        state = entry.get("state")
        value = entry.get("value")
        if state != answer_rules.ANSWERED:
            cells.append(display.STATE_LABELS.get(state, state))
        elif question.kind == answer_rules.TABLE:
            cells.append(((value or {}).get(column.row) or {}).get(column.column))
        elif question.kind == answer_rules.NUMBER:
            cells.append(value)
        else:
            write = writers.get(question.pk)
            if write is None:
                write = writers[question.pk] = display.answer_writer(question)
            cells.append(write(entry) or None)
    return cells


def wide_common(item: Published) -> list[Any]:
    """The columns of the wide layout that say whose reply it is (a date as a date)."""
    reply = item.reply
    questionnaire = reply.questionnaire
    return [
        respondent_name(reply.respondent, names_date(questionnaire)),
        reply.respondent.code,
        str(dict(Respondent.Kind.choices).get(reply.respondent.kind, reply.respondent.kind)),
        str(dict(Respondent.RegionalGroup.choices).get(reply.respondent.regional_group, "")),
        questionnaire.title,
        questionnaire.reference,
        reply.received_on or item.received_on,
        "yes" if reply.is_late else "no",
        item.revision_number,
    ]


def exported_questionnaires(replies: QuerySet[Reply]) -> list[Questionnaire]:
    """The questionnaires of the exported replies, in the order the rows come (latest first)."""
    return sorted(
        Questionnaire.objects.filter(pk__in=replies.order_by().values("questionnaire_id")),
        key=lambda q: (-q.deadline.toordinal(), q.pk),
    )


def write_wide_csv(
    published: Iterable[Published],
    out: io.TextIOBase,
    questionnaires: Sequence[Questionnaire],
) -> int:
    """The wide layout as CSV: the header and the cells of the XLSX's "Replies" sheet. With
    several questionnaires, each has its own columns side by side, headed "Title (year): …"."""
    questions = questions_of([q.pk for q in questionnaires])
    several = len(questionnaires) > 1
    blocks: dict[int, tuple[int, list[WideColumn]]] = {}
    header = list(WIDE_COMMON)
    used: set[str] = set()
    for questionnaire in questionnaires:
        columns = wide_columns(questions[questionnaire.pk])
        blocks[questionnaire.pk] = (len(header), columns)
        label = f"{questionnaire.title} ({questionnaire.deadline.year})"
        if label in used:  # two rounds of one title in a year: headers must still differ
            label = f"{label} #{questionnaire.pk}"
        used.add(label)
        prefix = f"{label}: " if several else ""
        header.extend(prefix + column.header for column in columns)
    writer = csv.writer(out)
    writer.writerow(header)
    writers: dict[int, Callable[[dict[str, Any] | None], str]] = {}
    count = 0
    for item in published:
        start, columns = blocks[item.reply.questionnaire_id]
        row: list[Any] = [None] * len(header)
        common = wide_common(item)
        common[6] = common[6].isoformat()
        row[: len(common)] = common
        row[start : start + len(columns)] = wide_cells(item, columns, writers)
        writer.writerow(["" if v is None else _spreadsheet_safe(v) for v in row])
        count += 1
    return count


def _spreadsheet_safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is written as text (OWASP CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "@", "\t", "\r"):
        return "'" + value
    if isinstance(value, str) and value[:1] == "-" and value[1:2] not in (" ", ""):
        return "'" + value
    return value


def write_csv(rows: Iterator[dict[str, Any]], out: io.TextIOBase) -> None:
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _spreadsheet_safe(v) for k, v in row.items()})


def _sheet_title(questionnaire: Questionnaire, used: set[str], only: bool) -> str:
    """A sheet name Excel accepts (31 characters, none of []:*?/\\), unique in the workbook."""
    if only:
        title = "Replies"
    else:
        base = re.sub(r"[\[\]:*?/\\]", " ", questionnaire.reference or questionnaire.title)
        title = f"Replies {base}"[:31].strip()
    candidate, counter = title, 2
    while candidate.lower() in used:
        candidate = f"{title[:27]} ({counter})"
        counter += 1
    used.add(candidate.lower())
    return candidate


def write_xlsx(
    published: Iterable[Published],
    path: str,
    questionnaires: Sequence[Questionnaire],
    *,
    total: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """A workbook Excel users can work with: a wide sheet per questionnaire ("Replies": one
    row per reply, one column per question or table cell) and the long sheet ("Answers": one
    row per respondent and question, a table one row per cell). Numbers and dates are typed
    cells, text is never a formula, columns have widths, the header row is frozen (with the
    respondent's name on the wide sheets) and carries filters. Returns the number of rows of
    the long sheet."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")

    def header_row(sheet: Any, names: Sequence[str]) -> list[Any]:
        cells = []
        for name in names:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = bold
            cell.alignment = wrap
            cell.data_type = "s"
            cells.append(cell)
        return cells

    def typed(sheet: Any, value: Any) -> Any:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula, whatever the text starts with
        elif isinstance(value, datetime.date):
            cell.number_format = "yyyy-mm-dd"
        return cell

    questions = questions_of([q.pk for q in questionnaires])
    used: set[str] = set()
    wide: dict[int, tuple[Any, list[WideColumn]]] = {}
    written: dict[str, list[int]] = {}  # sheet title -> [columns, rows] for the filters
    for questionnaire in questionnaires:
        sheet = workbook.create_sheet(_sheet_title(questionnaire, used, len(questionnaires) == 1))
        columns = wide_columns(questions[questionnaire.pk])
        widths = [*WIDE_COMMON_WIDTHS, *(column.width for column in columns)]
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "B2"
        sheet.append(header_row(sheet, [*WIDE_COMMON, *(c.header for c in columns)]))
        wide[questionnaire.pk] = (sheet, columns)
        written[sheet.title] = [len(widths), 1]

    long = workbook.create_sheet("Answers")
    for index, name in enumerate(COLUMNS, start=1):
        width = {"question_text": 40, "value": 40, "respondent": 28, "questionnaire": 30}.get(
            name, 14
        )
        long.column_dimensions[get_column_letter(index)].width = width
    long.freeze_panes = "A2"
    long.append(header_row(long, COLUMNS))
    writers: dict[int, Callable[[dict[str, Any] | None], str]] = {}

    def passing(items: Iterable[Published]) -> Iterator[Published]:
        for item in items:  # the wide row is written as the long rows of the reply are made
            sheet, columns = wide[item.reply.questionnaire_id]
            values = [*wide_common(item), *wide_cells(item, columns, writers)]
            sheet.append([typed(sheet, value) for value in values])
            written[sheet.title][1] += 1
            yield item

    count = 0
    for row in answer_rows(passing(published), total=total, progress=progress):
        values = dict(row)
        values["received_on"] = datetime.date.fromisoformat(row["received_on"])
        long.append([typed(long, values[name]) for name in COLUMNS])
        count += 1
    written[long.title] = [len(COLUMNS), count + 1]
    for sheet in workbook.worksheets:  # write-only sheets write their filter when saved
        width, height = written[sheet.title]
        sheet.auto_filter.ref = f"A1:{get_column_letter(width)}{height}"
    workbook.save(path)
    return count


def write_json(rows: Iterator[dict[str, Any]], out: io.TextIOBase, options: dict[str, Any]) -> None:
    out.write('{"exported_at": ' + json.dumps(timezone.now().isoformat()))
    out.write(', "filter": ' + json.dumps(options, sort_keys=True))
    out.write(', "columns": ' + json.dumps(list(COLUMNS)) + ', "rows": [')
    for index, row in enumerate(rows):
        out.write((",\n" if index else "\n") + json.dumps(row, ensure_ascii=False))
    out.write("\n]}\n")


_UNSAFE = re.compile(r"[^\w .,()\-]+", re.UNICODE)


def _safe_name(text: str, limit: int = 80) -> str:
    return _UNSAFE.sub("_", text).strip(" ._")[:limit] or "file"


def published_attachments(
    published: Iterable[Published],
) -> Iterator[tuple[Published, str, Attachment]]:
    """The published files (``published_files``, the rule reviewers download by) with
    their question's number, in the order of ``published``, a batch of replies at a time."""
    numbers: dict[int, str] = {}
    numbered: set[int] = set()  # questionnaires whose question numbers are loaded
    for batch in batches(published, EXPORT_BATCH):
        for item, question_id, attachment in published_files(batch):
            questionnaire_id = item.reply.questionnaire_id
            if questionnaire_id not in numbered:
                numbered.add(questionnaire_id)
                numbers.update(
                    Question.objects.filter(section__questionnaire_id=questionnaire_id).values_list(
                        "pk", "number"
                    )
                )
            yield item, numbers.get(question_id, str(question_id)), attachment


def write_zip(
    published: Iterable[Published], path: str, progress: Callable[[int, int], None], total: int
) -> int:
    """All published attachments, one folder per questionnaire and respondent, and a manifest."""
    done_replies: set[int] = set()

    def counted() -> Iterator[Published]:
        for item in published:
            done_replies.add(item.reply.pk)
            progress(len(done_replies), total)
            yield item

    items = published_attachments(counted())
    count = 0
    manifest = io.StringIO()
    writer = csv.writer(manifest)
    writer.writerow(["file", "questionnaire", "respondent", "question", "original_name", "sha256"])
    used: set[str] = set()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item, number, attachment in items:
            count += 1
            reply = item.reply
            name = respondent_name(reply.respondent, names_date(reply.questionnaire))
            folder = (
                f"{_safe_name(reply.questionnaire.title, 60)}/"
                f"{_safe_name(reply.respondent.code + ' ' + name, 80)}"
            )
            arcname = (
                f"{folder}/{_safe_name('Q' + number)} - {_safe_name(attachment.original_name, 120)}"
            )
            stem, dot, extension = arcname.rpartition(".")
            counter = 2
            while arcname in used:
                arcname = f"{stem} ({counter}).{extension}" if dot else f"{arcname} ({counter})"
                counter += 1
            used.add(arcname)
            with attachment.file.open("rb") as source, archive.open(arcname, "w") as target:
                for chunk in iter(lambda: source.read(1 << 20), b""):
                    target.write(chunk)
            writer.writerow(
                [
                    arcname,
                    reply.questionnaire.title,
                    name,
                    number,
                    attachment.original_name,
                    attachment.sha256,
                ]
            )
        archive.writestr("manifest.csv", manifest.getvalue())
    return count


# --- export jobs -------------------------------------------------------------------------------


def export_replies(user: Any, options: dict[str, Any]) -> QuerySet[Reply]:
    """The replies the browse filter selects for this person (the same rule as the page)."""
    filterset = browse(user, options)
    if not filterset.is_valid():
        return filterset.queryset.none()
    return filterset.qs


def fingerprint(replies: QuerySet[Reply], *, export_format: str, options: dict[str, Any]) -> str:
    """What a file made now would be made of: the replies chosen, their last revisions, the
    restrictions on their answers, the names and questionnaire revisions, the format."""
    chosen = replies.order_by()  # the browse order costs a sort of every reply: not needed
    reply_ids = sorted(chosen.values_list("pk", flat=True))
    revisions = Revision.objects.filter(reply__in=chosen.values("pk")).aggregate(
        last=Max("pk"), count=Count("pk")
    )
    restricted = sorted(
        Answer.objects.filter(reply__in=chosen.values("pk"), restricted=True).values_list(
            "reply_id", "question_id"
        )
    )
    names = RespondentName.objects.aggregate(last=Max("pk"), count=Count("pk"))
    changes = QuestionnaireRevision.objects.aggregate(last=Max("pk"))
    payload = json.dumps(
        {
            "layout": EXPORT_LAYOUT,
            "format": export_format,
            "options": options,
            "replies": reply_ids,
            "revisions": revisions,
            "restricted": restricted,
            "names": names,
            "questionnaire_changes": changes,
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def file_name(job: ExportJob) -> str:
    today = timezone.localdate().isoformat()
    stem, extension = {
        ExportJob.Format.ZIP: ("verbale-attachments", "zip"),
        ExportJob.Format.CSV_WIDE: ("verbale-replies-wide", "csv"),
    }.get(job.format, ("verbale-replies", job.format))
    return f"{stem}-{today}-{job.pk}.{extension}"


def _running(job: ExportJob) -> QuerySet[ExportJob]:
    """The job's row while this attempt is the one in charge (``portal.jobs.running``)."""
    return jobs.running(EXPORTS, job)


def _progress_recorder(job: ExportJob, total: int) -> Callable[[int, int], None]:
    """Progress is the export's heartbeat: recorded at least every 30 s while rows are written."""
    last = {"percent": -1, "at": timezone.now()}

    def record(done: int, of: int | None = None) -> None:
        of = of or total or 1
        percent = min(99, int(done * 100 / of))
        now = timezone.now()
        elapsed = (now - last["at"]).total_seconds()
        if done == of or (percent != last["percent"] and elapsed >= 1) or elapsed >= 30:
            _running(job).update(progress=percent, heartbeat_at=now)
            last.update(percent=percent, at=now)

    return record


def run_export(*, job_id: int, task_id: str | None = None, retries: int = 0) -> ExportJob:
    """Make a queued export (called by the ``surveys.run_export`` task); safe to run twice.

    A transient database error propagates for the task to retry, and the retried message goes on
    with the same attempt (``portal.jobs.claim``)."""
    job = jobs.claim(EXPORTS, job_id, task_id, retries)
    if job is None:
        return ExportJob.objects.get(pk=job_id)
    try:
        _make(job)
    except SoftTimeLimitExceeded:
        jobs.finish_failed(
            EXPORTS,
            job,
            f"The export took longer than {EXPORT_SOFT_TIME_LIMIT // 60} minutes and stopped: "
            "narrow the filter and ask again.",
        )
    except jobs.TRANSIENT_DATABASE_ERRORS:
        raise  # the job stays running; the retried message carries on with this attempt
    except Exception as error:  # a bug: record it rather than leave the job running
        logger.exception("Export %s failed", job_id)
        jobs.finish_failed(
            EXPORTS, job, f"Unexpected error while exporting: {type(error).__name__}: {error}"
        )
    return ExportJob.objects.get(pk=job_id)


def _make(job: ExportJob) -> None:
    user = job.requested_by
    replies = export_replies(user, job.options)
    stamp = fingerprint(replies, export_format=job.format, options=job.options)
    total, published = published_in_batches(replies)
    record = _progress_recorder(job, total)
    name = file_name(job)
    with tempfile.NamedTemporaryFile(suffix="." + name.rsplit(".", 1)[-1]) as handle:
        if job.format == ExportJob.Format.ZIP:
            count = write_zip(published, handle.name, record, total)
        elif job.format == ExportJob.Format.XLSX:
            count = write_xlsx(
                published,
                handle.name,
                exported_questionnaires(replies),
                total=total,
                progress=record,
            )
        elif job.format == ExportJob.Format.CSV_WIDE:
            with open(handle.name, "w", encoding="utf-8", newline="") as out:
                out.write("\ufeff")  # Excel reads UTF-8 only with the mark
                count = write_wide_csv(
                    _progressing(published, total, record),
                    out,  # type: ignore[arg-type]
                    exported_questionnaires(replies),
                )
        else:
            counted = _Counting(answer_rows(published, total=total, progress=record))
            with open(handle.name, "w", encoding="utf-8", newline="") as out:
                if job.format == ExportJob.Format.CSV:
                    out.write("\ufeff")  # Excel reads UTF-8 only with the mark
                    write_csv(counted, out)  # type: ignore[arg-type]
                else:
                    write_json(counted, out, job.options)  # type: ignore[arg-type]
            count = counted.count
        handle.seek(0)
        stored = default_storage.save(f"exports/{job.pk}/{name}", File(handle, name=name))
    try:
        updated = _running(job).update(
            status=ExportJob.Status.SUCCEEDED,
            progress=100,
            row_count=count,
            file=stored,
            file_name=name,
            fingerprint=stamp,
            finished_at=timezone.now(),
        )
    except BaseException:
        default_storage.delete(stored)  # no file that no row names; the retry writes it again
        raise
    if not updated:  # the watchdog gave up on this job meanwhile: keep its verdict
        default_storage.delete(stored)


def _progressing(
    published: Iterable[Published], total: int, record: Callable[[int, int], None]
) -> Iterator[Published]:
    for done, item in enumerate(published, start=1):
        record(done, total)
        yield item


class _Counting:
    """Rows passed through, counted on the way."""

    def __init__(self, rows: Iterator[dict[str, Any]]) -> None:
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for row in self.rows:
            self.count += 1
            yield row


def reap_stalled_exports() -> dict[str, list[int]]:
    """Fail exports nobody is making any more (``portal.jobs.reap``): running past the task's
    hard time limit, with no progress for longer than :func:`stale_after` (the worker died), or
    queued for longer than :func:`queue_timeout`; a queued export whose message may have been
    lost is sent again after :func:`resend_after`."""
    return jobs.reap(EXPORTS)


# One attempt: an export that killed its worker is not tried again behind the person's back;
# they are told and may ask again with a narrower filter.
EXPORTS = jobs.register(
    jobs.JobKind(
        name="export",
        model=ExportJob,
        task=EXPORT_TASK,
        noun="export",
        time_limit=EXPORT_TIME_LIMIT,
        max_attempts=1,
        stale_after=stale_after,
        queue_timeout=queue_timeout,
        resend_after=resend_after,
        watched=lambda: True,
        ran_too_long="The export ran for more than {minutes} minutes and was stopped: "
        "narrow the filter and ask again.",
        went_silent="The worker making this export stopped responding (silent for {silent} s). "
        "Ask for the export again.",
    )
)


def can_download(job: ExportJob, user: Any) -> bool:
    """The person who asked for it, or the secretariat; only reviewers and the secretariat."""
    if not policy.allows(user, "review.read"):
        return False
    return job.requested_by_id == user.pk or policy.allows(user, "secretariat")
