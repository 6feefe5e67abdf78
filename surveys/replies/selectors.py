"""Reads of replies shared by pages, the API, exports and reports: who may open which reply,
what reviewers may read of it (the publication rule) and who may download which file."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Max, OuterRef, Q, QuerySet, Subquery
from django.http import FileResponse

from portal import policy

from ..models import Answer, Attachment, Handoff, Membership, Questionnaire, Reply, Revision


def replies_in_report(questionnaire_ids: Iterable[int]) -> QuerySet[Reply]:
    """Replies a report on these questionnaires is based on: received by the cut-off (or
    included after it by the secretariat), not withdrawn."""
    return (
        Reply.objects.filter(
            questionnaire_id__in=list(questionnaire_ids),
            received_on__isnull=False,
            withdrawn=False,
        )
        .filter(Q(received_on__lte=F("questionnaire__cutoff")) | Q(include_after_cutoff=True))
        .select_related("questionnaire", "respondent")
        .prefetch_related("respondent__names")
    )


def replies_visible_to(user: Any) -> QuerySet[Reply]:
    """The replies a person may open at all (enforced in every view and endpoint).

    Secretariat: all. Reviewer: replies submitted at least once (they read the last submitted
    revision, never the draft). Focal point, expert, observer: their own respondents' replies
    to dispatched questionnaires. Anyone else: none.
    """
    base = Reply.objects.select_related("questionnaire", "respondent").prefetch_related(
        "respondent__names"
    )
    if not policy.is_signed_in(user):
        return base.none()
    if policy.allows(user, "reply.read_draft"):  # the secretariat
        return base
    own = _own(user)
    if policy.is_reviewer(user):
        return base.filter(Q(revisions__isnull=False) | own).distinct()
    return base.filter(own).distinct()


def _own(user: Any) -> Q:
    """Replies of the person's own respondents, once dispatched (filter on Reply)."""
    return Q(
        respondent__memberships__user=user,
        respondent__memberships__is_active=True,
    ) & ~Q(questionnaire__status=Questionnaire.Status.DRAFT)


def latest_revision(reply: Reply) -> Revision | None:
    return reply.revisions.order_by("-number").first()


def restricted_question_ids(reply: Reply) -> set[str]:
    return {
        str(q) for q in reply.answers.filter(restricted=True).values_list("question_id", flat=True)
    }


def published_answers(reply: Reply) -> list[dict[str, Any]]:
    """What a reviewer may read of a reply: the last submitted revision, restricted answers
    (marked at submission or since) left out. The rule itself is ``published_of`` below (which
    applies it to many replies at once for search and exports)."""
    return [
        {
            "question": question_id,
            "state": entry["state"],
            "value": entry["value"],
            "revision": item.revision_number,
        }
        for item in published_of([reply])
        for question_id, entry in item.answers.items()
    ]


# --- attachments: who may download which file ------------------------------------------------
#
# Every route that serves or lists a file asks these functions: the workspace download
# (/attachments/<id>/), the review download, the API, the review page and the export ZIP. A
# second copy of the rule is how a reviewer once downloaded a file marked not for publication
# after submission: keep it here.


def member_role(user: Any, reply: Reply) -> str | None:
    """The user's active role inside the reply's respondent, or None."""
    if not policy.is_signed_in(user):
        return None
    # One membership at most (a constraint); no ordering, so no join to sort by.
    roles = Membership.objects.filter(
        user=user, respondent_id=reply.respondent_id, is_active=True
    ).values_list("role", flat=True)
    return next(iter(roles.order_by()[:1]), None)


def standing(user: Any, reply: Reply) -> policy.Standing:
    """What ``portal.policy`` needs to know to decide what this person may do with the reply."""
    questionnaire = reply.questionnaire
    return policy.Standing(
        member_role=member_role(user, reply),
        dispatched=questionnaire.status != Questionnaire.Status.DRAFT,
        is_open=questionnaire.is_open,
        submitted=reply.status == Reply.Status.SUBMITTED,
    )


def reads_drafts(reply: Reply, user: Any) -> bool:
    """Whether this person reads the reply as it stands, draft and history (the policy's
    ``reply.read_draft``: the secretariat, and members of its respondent once dispatched)."""
    if not policy.is_signed_in(user):
        return False
    if policy.allows(user, "reply.read_draft"):  # the secretariat: no query needed
        return True
    return policy.allows(user, "reply.read_draft", standing(user, reply))


def published_files(
    published: Iterable[Published],
) -> Iterator[tuple[Published, int, Attachment]]:
    """The files reviewers and exports may have, as (item, question id, attachment).

    A file is published when an answer of the reply's last submitted revision lists it and that
    answer is not restricted, at submission or since: exactly the answers of ``Published``. So a
    file removed by a later amendment is not published once that amendment is submitted, and one
    removed in an amendment still in progress stays published until then (reviewers read the
    last submission, not the draft). One query for all files, in the order of ``published``."""
    wanted: dict[int, tuple[Published, int]] = {}
    for item in published:
        for question_id, entry in item.answers.items():
            for listed in entry.get("attachments", []):
                wanted.setdefault(listed["id"], (item, question_id))
    files = Attachment.objects.in_bulk(list(wanted))
    for attachment_id, (item, question_id) in wanted.items():
        attachment = files.get(attachment_id)
        # A revision only ever lists its own reply's files; checked, not assumed.
        if attachment is not None and attachment.reply_id == item.reply.pk:
            yield item, question_id, attachment


def attachments_downloadable(reply: Reply, user: Any) -> QuerySet[Attachment]:
    """The files of this reply the person may download: the one rule of every download route.

    - The secretariat: every file, removed ones included. It records replies on a respondent's
      behalf and audits them, so it reads every revision, and a removed file may still belong
      to one (removal is a soft deletion).
    - Members of the respondent (focal point, expert, observer): every file of their own
      respondent's reply, uploads not yet submitted and removed ones included: they read their
      own draft and their own earlier revisions, which list the files they held then. Never a
      file of another respondent's reply.
    - A reviewer: only ``published_files``, of the last submitted revision, never of a draft
      or an amendment in progress, never of an answer restricted now.
    - Anyone else: nothing.
    Callers answer 404 for a file outside this set, whether or not it exists."""
    files = Attachment.objects.filter(reply_id=reply.pk)
    if reads_drafts(reply, user):
        return files
    if policy.is_reviewer(user):
        return files.filter(
            pk__in=[attachment.pk for _, _, attachment in published_files(published_of([reply]))]
        )
    return files.none()


def attachments_visible(reply: Reply, user: Any) -> QuerySet[Attachment]:
    """The files of the reply as it stands in the latest version this person reads (to list
    them): the current draft's files for the secretariat and the respondent's members, the
    published files of the last submitted revision for a reviewer. Always downloadable."""
    files = attachments_downloadable(reply, user)
    if reads_drafts(reply, user):
        return files.filter(deleted_at__isnull=True)
    return files


def downloadable_attachment(
    *, user: Any, pk: int, reply_id: int | None = None
) -> Attachment | None:
    """The attachment ``pk`` (of reply ``reply_id`` when given) if this person may download
    it, else None: the caller answers 404, so a file's existence never shows."""
    found = Attachment.objects.select_related("reply", "question").filter(pk=pk)
    if reply_id is not None:
        found = found.filter(reply_id=reply_id)
    attachment = found.first()
    if attachment is None:
        return None
    if not attachments_downloadable(attachment.reply, user).filter(pk=pk).exists():
        return None
    return attachment


def attachment_response(attachment: Attachment) -> FileResponse:
    """Serve a stored file as a download, never rendered inline by the browser."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"  # unpublished material: no shared cache
    return response


# --- what is published of many replies --------------------------------------------------------


@dataclass
class Published:
    """A reply as reviewers read it: its last submitted revision minus restricted answers."""

    reply: Reply
    revision_number: int
    submitted_at: datetime.datetime
    received_on: datetime.date
    answers: dict[int, dict[str, Any]] = field(default_factory=dict)


def published_replies(replies: QuerySet[Reply]) -> list[Published]:
    """What reviewers may read of each reply, in three queries whatever the number of replies.

    Same rule as ``published_answers``: the last submitted revision, without answers
    restricted at submission or since. Replies never submitted are left out. Keeps the order of
    ``replies``.
    """
    return _published(list(replies), replies.values("pk"))


def published_of(replies: Sequence[Reply]) -> list[Published]:
    """The same for replies already loaded (a batch of a long export)."""
    return _published(list(replies), [reply.pk for reply in replies])


def _published(reply_list: list[Reply], ids: Any) -> list[Published]:
    latest_number = (
        Revision.objects.filter(reply=OuterRef("reply")).order_by("-number").values("number")[:1]
    )
    revisions = {
        revision.reply_id: revision
        for revision in Revision.objects.filter(reply__in=ids)
        .filter(number=Subquery(latest_number))
        .only("reply_id", "number", "answers", "submitted_at", "received_on")
    }
    hidden: dict[int, set[str]] = defaultdict(set)
    for reply_id, question_id in Answer.objects.filter(reply__in=ids, restricted=True).values_list(
        "reply_id", "question_id"
    ):
        hidden[reply_id].add(str(question_id))
    result = []
    for reply in reply_list:
        revision = revisions.get(reply.pk)
        if revision is None:
            continue
        hidden_here = hidden.get(reply.pk, ())
        result.append(
            Published(
                reply=reply,
                revision_number=revision.number,
                submitted_at=revision.submitted_at,
                received_on=revision.received_on,
                answers={
                    int(question_id): entry
                    for question_id, entry in revision.answers.items()
                    if question_id not in hidden_here and not entry.get("restricted")
                },
            )
        )
    return result


def current_handoff(reply: Reply) -> Handoff | None:
    """The delegation's last hand-off step on the draft (ready for clearance, or sent back),
    unless the reply was submitted after it: then that step is over."""
    return current_handoffs([reply.pk]).get(reply.pk)


def current_handoffs(reply_ids: Iterable[int]) -> dict[int, Handoff]:
    """``current_handoff`` for many replies at once (the workspace list), in two queries."""
    reply_ids = list(reply_ids)
    last: dict[int, Handoff] = {}
    for handoff in (
        Handoff.objects.filter(reply_id__in=reply_ids).select_related("by").order_by("at", "pk")
    ):
        last[handoff.reply_id] = handoff  # the latest wins
    submitted = dict(
        Revision.objects.filter(reply_id__in=list(last))
        .values("reply_id")
        .annotate(at=Max("submitted_at"))
        .values_list("reply_id", "at")
    )
    return {
        reply_id: handoff
        for reply_id, handoff in last.items()
        if reply_id not in submitted or submitted[reply_id] < handoff.at
    }
