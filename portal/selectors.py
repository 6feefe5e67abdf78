"""What the home page offers each person, from their role and memberships."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse

from . import policy, two_factor
from .models import User


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    hint: str = ""


@dataclass(frozen=True)
class Section:
    title: str
    text: str
    links: list[Link] = field(default_factory=list)


def _link(label: str, url_name: str, hint: str = "", **kwargs: object) -> Link | None:
    """A link to a page that exists in this installation, or None while it does not."""
    try:
        return Link(label=label, url=reverse(url_name, kwargs=kwargs or None), hint=hint)
    except NoReverseMatch:
        return None


def _links(*links: Link | None) -> list[Link]:
    return [link for link in links if link is not None]


# What needs attention now, from the apps (the portal imports none): each registered function
# takes the person and returns items with ``label``, ``count``, ``url`` and ``hint``.
ATTENTION: list[Callable[[User], list[Any]]] = []


def register_attention(source: Callable[[User], list[Any]]) -> None:
    if source not in ATTENTION:
        ATTENTION.append(source)


def attention(user: User) -> list[Any]:
    return [item for source in ATTENTION for item in source(user)]


def home_sections(user: User) -> list[Section]:
    sections: list[Section] = []
    if policy.is_secretariat(user):
        sections.append(
            Section(
                "Secretariat",
                "Author and dispatch questionnaires, follow replies, code them and compile "
                "the report of the Secretary-General.",
                _links(
                    _link("Questionnaires", "surveys:questionnaire-list"),
                    _link(
                        "Respondents",
                        "surveys:respondent-list",
                        "Member States, observer States and organizations, with dated names",
                    ),
                    _link(
                        "Submitted replies",
                        "surveys:reply-browse",
                        "browse, search, compare and export",
                    ),
                    _link("Reports", "reports:report-list"),
                    _link("Audit trail", "audit-trail", "who changed what, and when"),
                    _link(
                        "Two-factor sign-in",
                        "two-factor-people",
                        "who uses it; reset a lost authenticator",
                    ),
                    _link("Administration", "admin:index"),
                    _link("API documentation", "api-docs"),
                ),
            )
        )
    if policy.is_reviewer(user):
        sections.append(
            Section(
                "Review",
                "Read submitted replies, search them and compare answers across respondents. "
                "Drafts are never shown.",
                _links(
                    _link("Submitted replies", "surveys:reply-browse"),
                    _link("Respondents", "surveys:respondent-list"),
                    _link("API documentation", "api-docs"),
                ),
            )
        )
    memberships = user.memberships.filter(is_active=True).select_related("respondent")
    for membership in memberships.prefetch_related("respondent__names"):
        role = membership.get_role_display()
        what = {
            "focal_point": "You draft, clear and submit replies.",
            "expert": "You draft answers for your focal point to clear and submit.",
            "observer": "You read the replies of your delegation.",
        }[membership.role]
        sections.append(
            Section(
                f"{membership.respondent} — {role.lower()}",
                what,
                _links(_link("Questionnaires and replies", "surveys:workspace")),
            )
        )
    if not sections:
        sections.append(
            Section(
                "No role yet",
                "Your account has no role in Verbale yet. The secretariat gives focal points, "
                "experts and observers access once their government has nominated them.",
            )
        )
    return sections


def people_with_two_factor(*, search: str = "") -> QuerySet[User]:
    """Everyone with a confirmed authenticator or recovery codes, by e-mail address."""
    people = User.objects.filter(two_factor.with_confirmed_device())
    if search:
        people = people.filter(Q(email__icontains=search) | Q(full_name__icontains=search))
    return people.order_by("email")
