"""The permission policy (portal.policy) against the role matrix written out by hand in
tests/security/routes.py: for every rule and every one of the people the security suite
probes with, the policy's answer is the table's.

The table is the specification (who may read or change each route of State A's reply); the
policy is what pages, templates, the API and the services all ask. A rule that drifts from the
table, or a table entry no rule explains, fails here without a server or a database."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from portal import policy
from surveys.models import Membership
from tests.security import routes


@dataclass(frozen=True)
class Person:
    """What the policy reads of a signed-in person (``portal.models.User``'s attributes)."""

    is_secretariat: bool = False
    is_reviewer: bool = False
    is_authenticated: bool = True
    is_active: bool = True


# The seven people of the security suite, as they stand towards State A's reply (dispatched,
# open); B's focal point is a member of B, so no member of A.
PEOPLE: dict[str, tuple[Person, str | None]] = {
    "a_focal": (Person(), policy.FOCAL_POINT),
    "a_expert": (Person(), policy.EXPERT),
    "a_observer": (Person(), policy.OBSERVER),
    "b_focal": (Person(), None),
    "reviewer": (Person(is_reviewer=True), None),
    "secretariat": (Person(is_secretariat=True), None),
}
ANONYMOUS = Person(is_authenticated=False)


def allowed(rule: str, **state: bool) -> frozenset[str]:
    return frozenset(
        name
        for name, (person, role) in PEOPLE.items()
        if policy.allows(person, rule, policy.Standing(member_role=role, **state))
    )


# Each rule, and the routes of the table it decides (reads: GET; writes: unsafe methods).
READ_RULES = {
    "reply.read_draft": ["surveys:reply-form", "surveys:reply-revisions", "surveys:revision-pdf"],
    "review.read": ["surveys:reply-browse", "surveys:review-search", "surveys:review-compare"],
    "secretariat": ["surveys:questionnaire-list", "reports:report-list", "audit-trail"],
}
WRITE_RULES = {
    "reply.draft": ["surveys:answer-save", "surveys:attachment-upload", "reply-save-answer"],
    "reply.discuss": ["surveys:clarification-post"],
    "reply.submit": ["surveys:reply-submit", "surveys:reply-amend", "reply-reopen"],
    "reply.hand_off": ["surveys:reply-ready"],
    "reply.send_back": ["surveys:reply-send-back"],
    "review.read": ["surveys:review-export-start"],
    "secretariat": ["reply-review", "reply-restrict", "surveys:questionnaire-send"],
}


@pytest.mark.parametrize(
    ("rule", "route"), [(rule, route) for rule, names in READ_RULES.items() for route in names]
)
def test_who_may_read_a_route_is_who_the_policy_allows(rule, route):
    assert allowed(rule) == routes.readers(route)


@pytest.mark.parametrize(
    ("rule", "route"), [(rule, route) for rule, names in WRITE_RULES.items() for route in names]
)
def test_who_may_change_through_a_route_is_who_the_policy_allows(rule, route):
    assert allowed(rule) == routes.writers(route)


def test_every_rule_is_checked_against_the_table_or_below():
    checked = set(READ_RULES) | set(WRITE_RULES)
    below = {
        "reply.read_published",
        "reply.change_when_closed",
        "reply.submit_on_behalf",
        "reply.amend",
    }
    assert checked | below == set(policy.RULES)
    assert set(policy.REFUSALS) == set(policy.RULES)


@pytest.mark.parametrize("rule", sorted(policy.RULES))
def test_nobody_signed_out_or_deactivated_is_allowed_anything(rule):
    gone = Person(is_secretariat=True, is_active=False)
    for person in (ANONYMOUS, gone):
        for role in (None, *policy.MEMBER_ROLES):
            standing = policy.Standing(member_role=role, submitted=True)
            assert not policy.allows(person, rule, standing)


def test_members_read_nothing_of_a_questionnaire_not_yet_sent():
    assert allowed("reply.read_draft", dispatched=False) == {"secretariat"}


def test_reviewers_read_replies_as_published_and_everyone_else_as_it_stands_or_not_at_all():
    assert allowed("reply.read_published") == {"reviewer"}
    assert routes.readers("surveys:attachment-download") == (
        allowed("reply.read_draft") | allowed("reply.read_published")
    )


def test_only_the_secretariat_changes_a_reply_once_the_questionnaire_closes():
    assert allowed("reply.change_when_closed") == {"secretariat"}
    assert allowed("reply.draft", is_open=False) >= {"a_focal", "a_expert"}  # refused later


def test_amending_is_offered_on_a_submitted_reply_while_open_and_always_to_the_secretariat():
    assert allowed("reply.amend", submitted=False) == set()
    assert allowed("reply.amend", submitted=True) == {"a_focal", "secretariat"}
    assert allowed("reply.amend", submitted=True, is_open=False) == {"secretariat"}


def test_the_secretariat_submits_on_behalf_only_of_a_respondent_it_is_not_member_of():
    assert allowed("reply.submit_on_behalf") == {"secretariat"}
    staff = Person(is_secretariat=True)
    as_member = policy.Standing(member_role=policy.FOCAL_POINT)
    assert not policy.allows(staff, "reply.submit_on_behalf", as_member)


def test_a_refusal_is_a_not_allowed_error_with_the_rules_words():
    from portal.errors import NotAllowedError

    with pytest.raises(NotAllowedError, match="clarifications"):
        policy.require(Person(), "reply.discuss", policy.Standing(member_role=policy.OBSERVER))
    policy.require(Person(is_secretariat=True), "reply.discuss")


def test_the_policy_names_the_roles_as_the_memberships_store_them():
    assert {
        policy.FOCAL_POINT,
        policy.EXPERT,
        policy.OBSERVER,
    } == set(Membership.Role.values)
