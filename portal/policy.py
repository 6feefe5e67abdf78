"""Who may do what in Verbale: the one permission policy.

Every check asks this module: page decorators and DRF permission classes
(``portal.permissions``), templates (``{% may "reply.amend" standing as can_amend %}``,
``portal/templatetags/policy.py``), services (``require``, which raises ``NotAllowedError``)
and the selectors that filter what a person may see (which take their role decisions from
``is_secretariat``/``is_reviewer``/``reads_drafts`` here, and keep only the query).

It sits at the bottom of ``portal`` and knows no app's models: a rule about a reply is given
the person's ``Standing`` towards it (their role in the reply's respondent, whether the
questionnaire is dispatched and open, whether the reply stands submitted), which
``surveys.replies.selectors.standing`` works out from the database. A rule is a plain function
of (person, standing) → bool, so the role matrix in the tests can ask every rule for every role
without a database (tests/portal/test_policy.py).

Why a module of our own rather than django-rules: the rules are few, mostly about one object
(a reply) whose facts come from one query, and a table of plain functions keyed by name is
all the matrix test and the template tag need; it adds no registry filled at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import NotAllowedError

# A person's role inside a respondent (``surveys.models.Membership.Role`` uses these values;
# a test checks that they agree).
FOCAL_POINT = "focal_point"
EXPERT = "expert"
OBSERVER = "observer"
MEMBER_ROLES = frozenset({FOCAL_POINT, EXPERT, OBSERVER})
# Members who write the reply (answers, files, clarifications); observers only read it.
DRAFTERS = frozenset({FOCAL_POINT, EXPERT})


@dataclass(frozen=True)
class Standing:
    """What a rule about one reply needs to know of the person and the reply."""

    member_role: str | None = None  # the person's active role in the reply's respondent
    dispatched: bool = True  # the questionnaire has been sent (members see nothing before)
    is_open: bool = True  # the questionnaire is open (members change the reply only then)
    submitted: bool = False  # the reply stands submitted (amend it to change it)


NO_STANDING = Standing()


def is_signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_secretariat(user: Any) -> bool:
    return is_signed_in(user) and bool(user.is_secretariat)


def is_reviewer(user: Any) -> bool:
    return is_signed_in(user) and bool(user.is_reviewer)


def _member(user: Any, standing: Standing, roles: frozenset[str]) -> bool:
    return is_signed_in(user) and standing.member_role in roles


# --- the rules ----------------------------------------------------------------------------


def _secretariat(user: Any, standing: Standing) -> bool:
    """Questionnaires, dispatch, nominations, the registry's writes, reports, the audit trail,
    restricting answers and a reply's review state."""
    return is_secretariat(user)


def _review_read(user: Any, standing: Standing) -> bool:
    """The reviewers' area: browse, search, compare, dashboards, exports (published content
    only: last submitted revisions, restricted answers left out)."""
    return is_secretariat(user) or is_reviewer(user)


def _reply_read_draft(user: Any, standing: Standing) -> bool:
    """The reply as it stands, draft and history, and every file of it: the secretariat, and
    members of its respondent once the questionnaire is dispatched."""
    return is_secretariat(user) or (standing.dispatched and _member(user, standing, MEMBER_ROLES))


def _reply_draft(user: Any, standing: Standing) -> bool:
    """Answers and files: focal points and experts of the respondent, and the secretariat on
    its behalf."""
    return is_secretariat(user) or _member(user, standing, DRAFTERS)


def _reply_change_when_closed(user: Any, standing: Standing) -> bool:
    """After the questionnaire closes only the secretariat changes a reply (late replies)."""
    return is_secretariat(user)


def _reply_submit(user: Any, standing: Standing) -> bool:
    """Clearing and submitting (and reopening a submitted reply): a focal point of the
    respondent, or the secretariat."""
    return is_secretariat(user) or _member(user, standing, frozenset({FOCAL_POINT}))


def _reply_submit_on_behalf(user: Any, standing: Standing) -> bool:
    """The secretariat submitting for a respondent it is not a member of (recording how the
    reply arrived)."""
    return is_secretariat(user) and standing.member_role is None


def _reply_amend(user: Any, standing: Standing) -> bool:
    """Offered on a submitted reply to whoever may submit it, while the questionnaire is open
    (always for the secretariat)."""
    return (
        standing.submitted
        and _reply_submit(user, standing)
        and (standing.is_open or _reply_change_when_closed(user, standing))
    )


def _reply_discuss(user: Any, standing: Standing) -> bool:
    """Clarifications on an answer: the secretariat and the drafting members."""
    return is_secretariat(user) or _member(user, standing, DRAFTERS)


def _reply_hand_off(user: Any, standing: Standing) -> bool:
    """Marking a draft "ready for clearance": the respondent's experts, for its focal points."""
    return _member(user, standing, frozenset({EXPERT}))


def _reply_send_back(user: Any, standing: Standing) -> bool:
    """Sending a draft back to the experts with a comment: the respondent's focal points (the
    secretariat takes no part in the delegation's own clearance)."""
    return _member(user, standing, frozenset({FOCAL_POINT}))


def _reply_read_published(user: Any, standing: Standing) -> bool:
    """A reply as published (its last submitted revision, restricted answers out): reviewers;
    who reads drafts reads it as it stands instead."""
    return is_reviewer(user) and not _reply_read_draft(user, standing)


Rule = Callable[[Any, Standing], bool]

RULES: dict[str, Rule] = {
    "secretariat": _secretariat,
    "review.read": _review_read,
    "reply.read_draft": _reply_read_draft,
    "reply.read_published": _reply_read_published,
    "reply.draft": _reply_draft,
    "reply.change_when_closed": _reply_change_when_closed,
    "reply.submit": _reply_submit,
    "reply.submit_on_behalf": _reply_submit_on_behalf,
    "reply.amend": _reply_amend,
    "reply.discuss": _reply_discuss,
    "reply.hand_off": _reply_hand_off,
    "reply.send_back": _reply_send_back,
}

# What a person refused by a rule reads (services raise it as ``NotAllowedError``).
REFUSALS: dict[str, str] = {
    "secretariat": "Only the secretariat can do this.",
    "review.read": "Only reviewers and the secretariat can do this.",
    "reply.read_draft": "Only the secretariat and the delegation read this reply as it stands.",
    "reply.read_published": "Only reviewers read replies as published.",
    "reply.draft": "Only focal points and experts of this delegation can edit its reply.",
    "reply.change_when_closed": "This questionnaire is closed: the reply can no longer be changed.",
    "reply.submit": "Only a focal point of this delegation can clear and submit the reply.",
    "reply.submit_on_behalf": "Only the secretariat submits on a respondent's behalf.",
    "reply.amend": "Only a focal point or the secretariat can reopen a reply.",
    "reply.discuss": "Only the secretariat and the delegation take part in clarifications.",
    "reply.hand_off": "Only an expert of this delegation marks its draft ready for clearance.",
    "reply.send_back": "Only a focal point of this delegation sends its draft back to the experts.",
}


def allows(user: Any, rule: str, standing: Standing = NO_STANDING) -> bool:
    """Whether the rule lets this person do it (an unknown rule name is a bug: KeyError)."""
    return RULES[rule](user, standing)


def require(
    user: Any, rule: str, standing: Standing = NO_STANDING, *, message: str | None = None
) -> None:
    """Refuse with ``NotAllowedError`` (403 on pages and in the API) unless the rule allows."""
    if not allows(user, rule, standing):
        raise NotAllowedError(message or REFUSALS[rule])
