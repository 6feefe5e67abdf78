"""Replies: autosaved answers, attachments, submission, amendment, review and clarification.

Rules (DESIGN.md): experts draft, only a focal point clears and submits, observers read; the
secretariat may enter a reply on a respondent's behalf. Nothing typed is lost: a stale save is
refused with both versions, submissions are atomic, revisions immutable.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from portal import policy
from portal.errors import (
    InvalidError,
    StaleAnswerError,
    StorageError,
)
from portal.storage import deleted_unless_committed

from .. import events
from ..models import (
    Answer,
    Attachment,
    ClarificationMessage,
    EmailLog,
    Handoff,
    Membership,
    Question,
    Reply,
    Revision,
)
from ..questionnaires import answers, dispatch
from . import selectors

EDITABLE = (Reply.Status.NOT_STARTED, Reply.Status.DRAFT, Reply.Status.REOPENED)


member_role = selectors.member_role


def _locked(reply_id: int) -> Reply:
    """The reply, locked until the transaction ends, with its questionnaire and respondent.

    Only the reply's own row is locked (``of``): locking the joined questionnaire too would
    make every delegation's autosave wait for every other's. ``no_key`` leaves answers and
    attachments free to refer to the reply meanwhile. The respondent's names come along, so
    the audit trail can name the reply without another query."""
    return (
        Reply.objects.select_for_update(of=("self",), no_key=True)
        .select_related("questionnaire", "respondent")
        .prefetch_related("respondent__names")
        .get(pk=reply_id)
    )


def _check_editable(reply: Reply, user: Any) -> None:
    standing = selectors.standing(user, reply)
    policy.require(user, "reply.draft", standing)
    if not standing.is_open and not policy.allows(user, "reply.change_when_closed", standing):
        raise InvalidError("This questionnaire is closed: the reply can no longer be changed.")
    if reply.status not in EDITABLE:
        raise InvalidError(
            "This reply has been submitted. To change it, choose 'Amend the reply' first."
        )


def _question_of(reply: Reply, question_id: int) -> Question:
    question = Question.objects.filter(
        pk=question_id, section__questionnaire_id=reply.questionnaire_id
    ).first()
    if question is None:
        raise InvalidError("This question is not part of the questionnaire.")
    return question


def answer_payload(answer: Answer | None) -> dict[str, Any]:
    if answer is None:
        return {"state": answers.ANSWERED, "value": None, "version": 0}
    return {
        "state": answer.state,
        "value": answer.value,
        "version": answer.version,
        "updated_by": str(answer.updated_by) if answer.updated_by else "",
        "updated_at": answer.updated_at.isoformat(),
    }


@dataclass(frozen=True)
class SavedAnswer:
    """An answer saved, and the cells of a statistical table that were not: each cell name
    ("cell:<row>:<column>") with what was typed and why it was refused. The stored answer
    keeps those cells as they were before."""

    answer: Answer
    refused_cells: dict[str, str]


@transaction.atomic
def save_answer(
    *,
    reply: Reply,
    question_id: int,
    user: Any,
    state: str = answers.ANSWERED,
    value: Any = None,
    expected_version: int,
) -> Answer:
    """Save one answer (the autosave). ``expected_version`` is the version the person's form
    was showing (0 for a new answer); if someone saved since, the save is refused and the
    error carries what is stored now, so both versions can be shown.

    A table with a refused cell is refused whole, every refused cell named (the API: a
    request either applies or changes nothing); the reply form saves what it can instead,
    through ``save_answer_cells``."""
    return _save_answer(
        reply=reply,
        question_id=question_id,
        user=user,
        state=state,
        value=value,
        expected_version=expected_version,
        keep_valid_cells=False,
    ).answer


@transaction.atomic
def save_answer_cells(
    *,
    reply: Reply,
    question_id: int,
    user: Any,
    state: str = answers.ANSWERED,
    value: Any = None,
    expected_version: int,
) -> SavedAnswer:
    """``save_answer`` as the reply form's autosave uses it: in a statistical table, the cells
    that hold figures are saved, and each refused cell keeps what was stored before and is
    returned with its reason, so one figure typed wrong neither discards the table nor marks
    every cell as wrong."""
    return _save_answer(
        reply=reply,
        question_id=question_id,
        user=user,
        state=state,
        value=value,
        expected_version=expected_version,
        keep_valid_cells=True,
    )


def _field_errors(question: Question, error: answers.AnswerError) -> dict[str, str]:
    errors = {str(question.pk): str(error)}
    if isinstance(error, answers.TableError):
        for (row, column), cell_error in error.cells.items():
            errors[cell_name(row, column)] = str(cell_error)
    return errors


CELL_PREFIX = "cell:"  # cell:<row key>:<column key>; keys never contain ":"


def cell_name(row: str, column: str) -> str:
    """The name of a table cell's input in the reply form (and in field errors)."""
    return f"{CELL_PREFIX}{row}:{column}"


def _save_answer(
    *,
    reply: Reply,
    question_id: int,
    user: Any,
    state: str,
    value: Any,
    expected_version: int,
    keep_valid_cells: bool,
) -> SavedAnswer:
    reply = _locked(reply.pk)
    _check_editable(reply, user)
    question = _question_of(reply, question_id)
    if question.kind == answers.FILE and state == answers.ANSWERED:
        # Files arrive through attach_file; "answered" here only switches back from "not
        # known"/"not applicable" to the files attached (if any).
        if value not in (None, [], ""):
            raise InvalidError("Attach files with the upload button.")
        value = (
            list(
                reply.attachments.filter(question=question, deleted_at__isnull=True)
                .order_by("uploaded_at")
                .values_list("pk", flat=True)
            )
            or None
        )
    refused: dict[tuple[str, str], answers.CellError] = {}
    try:
        cleaned = answers.clean_answer(
            answers.QuestionSpec(question.kind, question.options, question.required), state, value
        )
    except answers.TableError as error:
        if not keep_valid_cells:
            raise InvalidError(str(error), field_errors=_field_errors(question, error)) from None
        cleaned, refused = error.valid, error.cells
    except answers.AnswerError as error:
        raise InvalidError(str(error), field_errors=_field_errors(question, error)) from None
    answer = Answer.objects.select_for_update().filter(reply=reply, question=question).first()
    if refused:
        # A refused cell keeps the figure stored before (nothing typed wrong replaces it).
        before = answer.value if answer and answer.state == answers.ANSWERED else None
        for row, column in refused:
            kept = ((before or {}).get(row) or {}).get(column)
            if kept is not None:
                cleaned.setdefault(row, {})[column] = kept
        cleaned = cleaned or None
    current_version = answer.version if answer else 0
    if expected_version != current_version:
        if answer is None:
            # A version the answer never had (a client's mistake, not someone else's save).
            raise StaleAnswerError(
                f"Question {question.number} has no saved answer yet: save it as version 0.",
                current=answer_payload(answer),
            )
        raise StaleAnswerError(
            f"{answer.updated_by or 'Someone'} saved a different answer to question "
            f"{question.number} since you opened it. Your text has not been saved: compare "
            "both versions below and choose which to keep.",
            current=answer_payload(answer),
        )
    if answer is None:
        answer = Answer(reply=reply, question=question, version=0)
    else:
        answer.reply, answer.question = reply, question  # loaded: the audit trail names them
    answer.state, answer.value = state, cleaned
    answer.version += 1
    answer.updated_by = user
    answer.save()
    _touch(reply)
    return SavedAnswer(
        answer=answer,
        refused_cells={
            cell_name(row, column): str(error) for (row, column), error in refused.items()
        },
    )


def _touch(reply: Reply) -> None:
    """Note the activity; a reply not started becomes a draft (that change is audited, the
    time of the last keystroke is not: it changes with every autosave)."""
    reply.last_activity_at = timezone.now()
    if reply.status == Reply.Status.NOT_STARTED:
        reply.status = Reply.Status.DRAFT
        reply.save(update_fields=["last_activity_at", "status"])
    else:
        Reply.objects.filter(pk=reply.pk).update(last_activity_at=reply.last_activity_at)


# --- attachments --------------------------------------------------------------------------


def sniff(head: bytes) -> str:
    """The content type of a file by its content (libmagic), not by its name."""
    import magic

    return magic.from_buffer(head, mime=True)


def attach_file(*, reply: Reply, question_id: int, user: Any, upload: UploadedFile) -> Attachment:
    # The file is stored inside the transaction that creates its row: if that transaction
    # does not commit (an error, a COMMIT the database refuses) the file is deleted again.
    with deleted_unless_committed() as stored, transaction.atomic():
        return _attach_file(
            reply=reply, question_id=question_id, user=user, upload=upload, stored=stored
        )


def _attach_file(
    *, reply: Reply, question_id: int, user: Any, upload: UploadedFile, stored: list[Any]
) -> Attachment:
    reply = _locked(reply.pk)
    _check_editable(reply, user)
    question = _question_of(reply, question_id)
    if question.kind != answers.FILE:
        raise InvalidError("This question does not take files.")
    limit = settings.MAX_UPLOAD_BYTES
    if upload.size is None or upload.size > limit:
        raise InvalidError(f"The file is larger than {limit // (1024 * 1024)} MB.")
    if upload.size == 0:
        raise InvalidError("The file is empty.")
    upload.seek(0)
    content_type = sniff(upload.read(8192))
    allowed = settings.ALLOWED_UPLOAD_TYPES
    if content_type not in allowed:
        raise InvalidError(
            "This file is not one of the accepted document types (PDF, Word, OpenDocument, "
            f"Excel, plain text, PNG or JPEG): its content is {content_type}."
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        reply=reply,
        question=question,
        original_name=upload.name[-255:],
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=user,
    )
    try:
        attachment.file.save(attachment.sha256, upload, save=False)
    except OSError as error:
        # The storage writes whole files or none (portal.storage): nothing to clean up.
        raise StorageError(
            f"The file could not be stored on the server ({error.strerror or error}). Nothing "
            "was attached: try again later, and tell the secretariat if it happens again."
        ) from error
    stored.append(attachment.file)
    attachment.save()
    _sync_file_answer(reply, question, user)
    events.send_on_commit(events.attachment_added, attachment_id=attachment.pk)
    return attachment


@transaction.atomic
def remove_attachment(*, attachment: Attachment, user: Any) -> None:
    """Soft deletion: the file stays for earlier revisions and the audit trail."""
    reply = _locked(attachment.reply_id)
    _check_editable(reply, user)
    attachment.deleted_at = timezone.now()
    attachment.save(update_fields=["deleted_at"])
    _sync_file_answer(reply, attachment.question, user)


def _sync_file_answer(reply: Reply, question: Question, user: Any) -> None:
    ids = list(
        reply.attachments.filter(question=question, deleted_at__isnull=True)
        .order_by("uploaded_at")
        .values_list("pk", flat=True)
    )
    answer, _ = Answer.objects.get_or_create(
        reply=reply, question=question, defaults={"version": 0}
    )
    answer.state, answer.value = answers.ANSWERED, ids or None
    answer.version += 1
    answer.updated_by = user
    answer.save()
    _touch(reply)


# --- completeness, submission, revisions --------------------------------------------------


def visible_questions(reply: Reply, values: dict[int, Any]) -> list[Question]:
    """The questions shown, given the answers: conditional ones only when their condition holds."""
    questions = list(
        Question.objects.filter(section__questionnaire_id=reply.questionnaire_id)
        .select_related("section")
        .order_by("section__order", "order", "pk")
    )
    shown: set[int] = set()
    result = []
    for question in questions:
        cond = question.condition_question_id
        if cond is not None and (
            cond not in shown
            or not answers.condition_met(question.condition_values, values.get(cond))
        ):
            continue
        shown.add(question.pk)
        result.append(question)
    return result


def progress(reply: Reply) -> tuple[int, int, list[Question]]:
    """(answered, required, missing required questions) over the visible questions."""
    current = {a.question_id: a for a in reply.answers.all()}
    values = {qid: a.value for qid, a in current.items() if a.state == answers.ANSWERED}
    visible = visible_questions(reply, values)
    missing = [
        q
        for q in visible
        if q.required
        and not (q.pk in current and answers.is_answered(current[q.pk].state, current[q.pk].value))
    ]
    answered = sum(
        1
        for q in visible
        if q.pk in current and answers.is_answered(current[q.pk].state, current[q.pk].value)
    )
    return answered, sum(1 for q in visible if q.required), missing


def snapshot(reply: Reply) -> dict[str, Any]:
    """The answers as they stand, for an immutable revision (hidden questions left out)."""
    current = {a.question_id: a for a in reply.answers.select_related("question")}
    values = {qid: a.value for qid, a in current.items() if a.state == answers.ANSWERED}
    data: dict[str, Any] = {}
    for question in visible_questions(reply, values):
        answer = current.get(question.pk)
        if answer is None:
            continue
        entry: dict[str, Any] = {
            "state": answer.state,
            "value": answer.value,
            "restricted": answer.restricted,
        }
        if question.kind == answers.FILE and answer.value:
            entry["attachments"] = [
                {"id": a.pk, "name": a.original_name, "sha256": a.sha256, "size": a.size}
                for a in Attachment.objects.filter(pk__in=answer.value)
            ]
        data[str(question.pk)] = entry
    return data


@transaction.atomic
def submit_reply(
    *,
    reply: Reply,
    user: Any,
    channel: str = Reply.Channel.PORTAL,
    received_on: datetime.date | None = None,
    note: str = "",
) -> Revision:
    """Clear and submit: writes an immutable revision and acknowledges receipt.

    The secretariat may submit on the respondent's behalf, recording how the reply arrived
    (note verbale, e-mail) and the date it was received.
    """
    reply = _locked(reply.pk)
    standing = selectors.standing(user, reply)
    on_behalf = policy.allows(user, "reply.submit_on_behalf", standing)
    policy.require(user, "reply.submit", standing)
    if reply.status not in EDITABLE:
        raise InvalidError("This reply has already been submitted.")
    if not standing.is_open and not policy.allows(user, "reply.change_when_closed", standing):
        raise InvalidError("This questionnaire is closed.")
    if channel not in Reply.Channel.values or (not on_behalf and channel != Reply.Channel.PORTAL):
        raise InvalidError("Choose how the reply was received.")
    _, _, missing = progress(reply)
    if missing:
        numbers = ", ".join(q.number for q in missing)
        raise InvalidError(
            f"Answer the required questions before submitting: {numbers}. "
            "'Not known' and 'Not applicable' count as answers.",
            field_errors={str(q.pk): "This question must be answered." for q in missing},
        )
    today = timezone.localdate()
    received = received_on if on_behalf and received_on else today
    if received > today:
        raise InvalidError("The date received cannot be in the future.")
    number = reply.revisions.count() + 1
    revision = Revision.objects.create(
        reply=reply,
        number=number,
        answers=snapshot(reply),
        submitted_by=user,
        channel=channel,
        on_behalf=on_behalf,
        received_on=received,
        note=note.strip(),
    )
    if reply.received_on is None:
        reply.received_on = received
        reply.channel = channel
        reply.review_state = Reply.ReviewState.RECEIVED
    reply.status = Reply.Status.SUBMITTED
    reply.last_activity_at = timezone.now()
    reply.save()
    for person in dispatch.focal_points(reply.respondent):
        dispatch.send_email(
            kind=EmailLog.Kind.ACKNOWLEDGEMENT,
            to=person.email,
            subject=f"Received: reply of {reply.respondent} to {reply.questionnaire.title}",
            template="surveys/email/acknowledgement.txt",
            context={"reply": reply, "revision": revision, "user": person},
            questionnaire=reply.questionnaire,
            respondent=reply.respondent,
            by=user,
        )
    events.send_on_commit(events.reply_submitted, reply_id=reply.pk)
    return revision


@transaction.atomic
def reopen_reply(*, reply: Reply, user: Any) -> Reply:
    """Amend after submission (a focal point, while the questionnaire is open) or reopen (the
    secretariat). The next submission writes a new revision."""
    reply = _locked(reply.pk)
    standing = selectors.standing(user, reply)
    policy.require(user, "reply.submit", standing, message=policy.REFUSALS["reply.amend"])
    if reply.status != Reply.Status.SUBMITTED:
        raise InvalidError("Only a submitted reply can be reopened.")
    if not standing.is_open and not policy.allows(user, "reply.change_when_closed", standing):
        raise InvalidError("This questionnaire is closed: the reply can no longer be amended.")
    reply.status = Reply.Status.REOPENED
    reply.last_activity_at = timezone.now()
    reply.save(update_fields=["status", "last_activity_at"])
    return reply


# --- secretariat --------------------------------------------------------------------------


def _secretariat(user: Any) -> None:
    policy.require(user, "secretariat")


@transaction.atomic
def set_restricted(*, answer: Answer, user: Any, restricted: bool) -> Answer:
    """Mark an answer "not for publication": secretariat only, never exported or printed."""
    _secretariat(user)
    answer.restricted = restricted
    answer.save(update_fields=["restricted", "updated_at"])
    events.send_on_commit(events.reply_published_changed, reply_id=answer.reply_id)
    return answer


@transaction.atomic
def set_review_state(*, reply: Reply, user: Any, state: str) -> Reply:
    _secretariat(user)
    reply = _locked(reply.pk)
    if reply.received_on is None:
        raise InvalidError("Only a received reply has a review state.")
    if state not in Reply.ReviewState.values:
        raise InvalidError("Choose received, clarification requested or accepted.")
    reply.review_state = state
    reply.save(update_fields=["review_state"])
    return reply


@transaction.atomic
def set_included_after_cutoff(*, reply: Reply, user: Any, include: bool) -> Reply:
    _secretariat(user)
    reply = _locked(reply.pk)
    if reply.received_on is None:
        raise InvalidError("Only a received reply can be included after the cut-off.")
    reply.include_after_cutoff = include
    reply.save(update_fields=["include_after_cutoff"])
    return reply


@transaction.atomic
def post_clarification(
    *, reply: Reply, question_id: int, user: Any, text: str
) -> ClarificationMessage:
    """The secretariat asks about one answer, or a member of the delegation replies."""
    reply = _locked(reply.pk)
    policy.require(user, "reply.discuss", selectors.standing(user, reply))
    if not text.strip():
        raise InvalidError("Write a message.", field_errors={"text": "Required."})
    question = _question_of(reply, question_id)
    message = ClarificationMessage.objects.create(
        reply=reply, question=question, author=user, text=text.strip()
    )
    if policy.is_secretariat(user):
        if reply.received_on is not None:
            reply.review_state = Reply.ReviewState.CLARIFICATION
            reply.save(update_fields=["review_state"])
        for person in dispatch.focal_points(reply.respondent):
            dispatch.send_email(
                kind=EmailLog.Kind.CLARIFICATION,
                to=person.email,
                subject=f"Question about your reply to {reply.questionnaire.title}",
                template="surveys/email/clarification.txt",
                context={"reply": reply, "question": question, "message": message},
                questionnaire=reply.questionnaire,
                respondent=reply.respondent,
                by=user,
            )
    return message


# --- the delegation's own clearance: an expert hands the draft over, a focal point sends it back


def _check_handoff(reply: Reply, user: Any, rule: str) -> None:
    standing = selectors.standing(user, reply)
    policy.require(user, rule, standing)
    if not standing.is_open:
        raise InvalidError("This questionnaire is closed: the reply can no longer be changed.")
    if reply.status not in EDITABLE:
        raise InvalidError("This reply has been submitted: there is no draft to hand over.")


@transaction.atomic
def mark_ready_for_clearance(*, reply: Reply, user: Any, comment: str = "") -> Handoff:
    """An expert tells the focal points the draft is ready for them to clear; they receive an
    e-mail with a link to the clearance page."""
    reply = _locked(reply.pk)
    _check_handoff(reply, user, "reply.hand_off")
    handoff = Handoff.objects.create(
        reply=reply, kind=Handoff.Kind.READY, by=user, comment=comment.strip()
    )
    for person in dispatch.focal_points(reply.respondent):
        dispatch.send_email(
            kind=EmailLog.Kind.HANDOFF,
            to=person.email,
            subject=f"Ready for clearance: reply of {reply.respondent} to "
            f"{reply.questionnaire.title}",
            template="surveys/email/ready_for_clearance.txt",
            context={"reply": reply, "handoff": handoff},
            questionnaire=reply.questionnaire,
            respondent=reply.respondent,
            by=user,
        )
    return handoff


@transaction.atomic
def send_back(*, reply: Reply, user: Any, comment: str) -> Handoff:
    """A focal point returns the draft to the experts with what is to change (a comment is
    required: "sent back" alone tells nobody what to do)."""
    reply = _locked(reply.pk)
    _check_handoff(reply, user, "reply.send_back")
    if not comment.strip():
        raise InvalidError(
            "Say what should change before sending the draft back.",
            field_errors={"comment": "Required."},
        )
    handoff = Handoff.objects.create(
        reply=reply, kind=Handoff.Kind.RETURNED, by=user, comment=comment.strip()
    )
    experts = Membership.objects.filter(
        respondent=reply.respondent,
        role=Membership.Role.EXPERT,
        is_active=True,
        user__is_active=True,
    ).select_related("user")
    for membership in experts:
        dispatch.send_email(
            kind=EmailLog.Kind.HANDOFF,
            to=membership.user.email,
            subject=f"Sent back: reply of {reply.respondent} to {reply.questionnaire.title}",
            template="surveys/email/sent_back.txt",
            context={"reply": reply, "handoff": handoff},
            questionnaire=reply.questionnaire,
            respondent=reply.respondent,
            by=user,
        )
    return handoff
