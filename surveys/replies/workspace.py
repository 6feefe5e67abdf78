"""The focal-point workspace: what a delegation sees of its replies, and how answers read.

Reads only. Writes stay in ``replies`` (save_answer, attach_file, submit_reply, …); this module
gathers what the workspace pages show (progress per reply, who may download an attachment,
answers as a person reads them, the differences between two submitted revisions) so that
views stay thin and the rules live in one place.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from portal import policy
from portal.errors import ServiceError, StaleAnswerError

from ..models import (
    Answer,
    Attachment,
    Handoff,
    Membership,
    Question,
    Questionnaire,
    Reply,
    Revision,
)
from ..questionnaires import answers, display
from . import selectors
from . import services as replies

# --- who may do what ----------------------------------------------------------------------


def edit_refusal(*, user: Any, reply: Reply) -> str | None:
    """Why this person cannot change the reply's answers now, or None when they can.

    Asks the very check ``replies.save_answer`` makes, so the form never offers an edit the
    service would refuse (and never refuses one the service would accept)."""
    try:
        replies._check_editable(reply, user)  # the one rule, not a copy of it
    except ServiceError as error:
        return error.message
    return None


def form_reply(*, user: Any, pk: int) -> Reply | None:
    """The reply whose form this person may open: a member of the respondent or the
    secretariat. A reviewer never sees a draft, so not through the form either."""
    reply = selectors.replies_visible_to(user).filter(pk=pk).first()
    if reply is None:
        return None
    # Observers open it too (read only): the policy's ``reply.read_draft``.
    if policy.allows(user, "reply.read_draft", selectors.standing(user, reply)):
        return reply
    return None


def attachment_for_download(*, user: Any, pk: int) -> Attachment | None:
    """The attachment if this person may download it, else None (the caller answers 404).

    The rule is ``selectors.attachments_downloadable``, the one every download route asks."""
    return selectors.downloadable_attachment(user=user, pk=pk)


# --- saving -------------------------------------------------------------------------------


def save_answer_once(
    *,
    reply: Reply,
    question: Question,
    user: Any,
    state: str,
    value: Any,
    expected_version: int,
) -> replies.SavedAnswer:
    """``replies.save_answer_cells``, safe to send twice.

    When a save reached the server but its answer was lost on the way back (a dropped
    connection, a proxy timeout), the form sends it again on the version it knew and is refused
    as stale, although what is stored is exactly what it sent. That is no conflict: the stored
    answer is returned. Any real difference still raises StaleAnswerError with both versions."""
    try:
        return replies.save_answer_cells(
            reply=reply,
            question_id=question.pk,
            user=user,
            state=state,
            value=value,
            expected_version=expected_version,
        )
    except StaleAnswerError as error:
        spec = answers.QuestionSpec(question.kind, question.options, question.required)
        refused: dict[str, str] = {}
        try:
            sent = answers.clean_answer(spec, state, value)
        except answers.TableError as cells:  # the valid cells were what the first save kept
            sent = cells.valid or None
            refused = {
                replies.cell_name(row, column): str(cell)
                for (row, column), cell in cells.cells.items()
            }
        stored = Answer.objects.filter(reply=reply, question=question).first()
        if (
            stored is not None
            and stored.updated_by_id == getattr(user, "pk", None)
            and stored.state == state
            and _same_apart_from(stored.value, sent, refused)
        ):
            return replies.SavedAnswer(answer=stored, refused_cells=refused)
        raise error from None


def _same_apart_from(stored: Any, sent: Any, refused: dict[str, str]) -> bool:
    """Whether the stored value is what was sent, the refused cells aside (they kept what
    was stored before the first save)."""
    if not refused:
        return bool(stored == sent)

    def figures(value: Any) -> dict[str, Any]:
        return {
            replies.cell_name(row, column): cell
            for row, cells in (value or {}).items()
            for column, cell in cells.items()
            if replies.cell_name(row, column) not in refused
        }

    return figures(stored) == figures(sent)


# --- the workspace list -------------------------------------------------------------------


def deadline_status(reply: Reply, today: datetime.date) -> tuple[int | None, int | None]:
    """(days left, days overdue) while the reply has not been received and the questionnaire
    is open; (None, None) after (a closed cycle is closed, not "late by 6,926 days")."""
    if reply.received_on is not None or is_closed(reply):
        return None, None
    deadline = reply.questionnaire.deadline
    if deadline >= today:
        return (deadline - today).days, None
    return None, (today - deadline).days


def is_closed(reply: Reply) -> bool:
    """The questionnaire's cycle is over: nothing is drafted or submitted any more."""
    return reply.questionnaire.status == Questionnaire.Status.CLOSED


@dataclass(frozen=True)
class WorkspaceRow:
    reply: Reply
    role: str
    answered: int
    required: int
    required_answered: int
    days_left: int | None
    overdue_days: int | None
    closed: bool = False
    # the last revision submitted (number, date), or None: what a closed cycle shows
    last_submitted: Revision | None = None
    # ready for clearance, or sent back, since the last submission
    handoff: Handoff | None = None


def workspace_rows(*, user: Any, today: datetime.date | None = None) -> list[WorkspaceRow]:
    """The replies of the respondents this person is a member of: those still to be filed
    first, soonest deadline first."""
    today = today or timezone.localdate()
    roles = dict(
        Membership.objects.filter(user=user, is_active=True).values_list("respondent_id", "role")
    )
    qs: QuerySet[Reply] = (
        selectors.replies_visible_to(user)
        .filter(respondent_id__in=list(roles))
        .exclude(questionnaire__status="draft")
        .prefetch_related("answers")
        .order_by("questionnaire__deadline", "questionnaire__title", "respondent__code")
    )
    replies_listed = list(qs)
    last_submitted: dict[int, Revision] = {}
    for revision in Revision.objects.filter(reply__in=replies_listed).order_by("number"):
        last_submitted[revision.reply_id] = revision  # the highest number wins
    handoffs = selectors.current_handoffs(reply.pk for reply in replies_listed)
    rows = []
    for reply in replies_listed:
        answered, required, missing = replies.progress(reply)
        days_left, overdue_days = deadline_status(reply, today)
        rows.append(
            WorkspaceRow(
                reply=reply,
                role=roles[reply.respondent_id],
                answered=answered,
                required=required,
                required_answered=required - len(missing),
                days_left=days_left,
                overdue_days=overdue_days,
                closed=is_closed(reply),
                last_submitted=last_submitted.get(reply.pk),
                handoff=handoffs.get(reply.pk),
            )
        )
    # replies still to be filed come first, soonest deadline first; submitted ones after
    # them; closed cycles last
    rows.sort(key=lambda row: (row.closed, row.reply.status == Reply.Status.SUBMITTED))
    return rows


# --- answers as people read them (shapes and builder: surveys.questionnaires.display) -----


def questions_of(reply: Reply) -> list[Question]:
    return list(
        Question.objects.filter(section__questionnaire_id=reply.questionnaire_id)
        .select_related("section")
        .order_by("section__order", "order", "pk")
    )


def revision_views(
    revision: Revision, questions: Iterable[Question], language: str
) -> dict[int, display.QuestionDisplay]:
    """Each question with its answer as the revision recorded it (questions it left out are
    absent: they were hidden by a condition, or never answered)."""
    result = {}
    for question in questions:
        entry = revision.answers.get(str(question.pk))
        if entry is None:
            continue
        result[question.pk] = display.question_display(question, language, entry)
    return result


# --- differences between two revisions ----------------------------------------------------

TOKENS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


def text_diff(before: str, after: str) -> list[tuple[str, str]]:
    """Word by word: [("equal" | "delete" | "insert", text), …]."""
    a, b = TOKENS.findall(before), TOKENS.findall(after)
    segments: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(("equal", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            segments.append(("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            segments.append(("insert", "".join(b[j1:j2])))
    return segments


@dataclass
class QuestionChange:
    question: Question
    before: display.AnswerDisplay | None
    after: display.AnswerDisplay | None
    changed: bool
    title: str = ""
    text: list[tuple[str, str]] | None = None
    table: list[dict[str, Any]] | None = None
    columns: list[str] = field(default_factory=list)


def compare_revisions(
    *, older: Revision, newer: Revision, questions: Iterable[Question], language: str
) -> list[QuestionChange]:
    """Every question either revision answered, with what changed highlighted: words for text,
    cells for tables, the whole answer otherwise."""
    questions = list(questions)
    before = revision_views(older, questions, language)
    after = revision_views(newer, questions, language)
    changes = []
    for question in questions:
        shown_before, shown_after = before.get(question.pk), after.get(question.pk)
        b = shown_before.answer if shown_before else None
        a = shown_after.answer if shown_after else None
        if b is None and a is None:
            continue
        old = older.answers.get(str(question.pk), {})
        new = newer.answers.get(str(question.pk), {})
        # no entry and an empty answer read the same ("No answer"): not a change
        changed = (old.get("state", answers.ANSWERED), old.get("value")) != (
            new.get("state", answers.ANSWERED),
            new.get("value"),
        )
        change = QuestionChange(
            question=question,
            before=b,
            after=a,
            changed=changed,
            title=display.label(question.text, language),
        )
        both_answered = (
            b is not None
            and a is not None
            and b.state == a.state == answers.ANSWERED
            and not b.empty
            and not a.empty
        )
        if changed and both_answered and question.kind == answers.TEXT:
            change.text = text_diff(b.text, a.text)
        if both_answered and question.kind == answers.TABLE and b.table and a.table:
            change.columns = list(a.table.column_labels)
            change.table = [
                {
                    "label": new_row.label,
                    "cells": [
                        {"before": x, "after": y, "changed": x != y}
                        for x, y in zip(old_row.cells, new_row.cells, strict=True)
                    ],
                }
                for old_row, new_row in zip(b.table.rows, a.table.rows, strict=True)
            ]
        changes.append(change)
    return changes


# --- clearance: the whole reply as it will be sent -----------------------------------------


def changes_since_submission(
    *, reply: Reply, questions: Iterable[Question], language: str
) -> tuple[Revision | None, dict[int, QuestionChange]]:
    """The last submitted revision, and each question's change from it to the draft as it
    would be submitted now (the same comparison as between two revisions); (None, {}) before
    the first submission."""
    latest = selectors.latest_revision(reply)
    if latest is None:
        return None, {}
    draft = Revision(reply=reply, number=latest.number + 1, answers=replies.snapshot(reply))
    changes = compare_revisions(older=latest, newer=draft, questions=questions, language=language)
    return latest, {change.question.pk: change for change in changes}
