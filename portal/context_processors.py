"""The main navigation, the same on every page, from the person's role."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from . import policy
from .selectors import Link, _link, _links


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    links: list[Link] = []
    if policy.is_secretariat(user):
        links = _links(
            _link("Questionnaires", "surveys:questionnaire-list"),
            _link("Replies", "surveys:reply-browse"),
            _link("Search", "surveys:review-search"),
            _link("Reports", "reports:report-list"),
            _link("Respondents", "surveys:respondent-list"),
            _link("Nominations", "surveys:secretariat-nominations-index"),
            _link("E-mail log", "surveys:email-log"),
            _link("Audit trail", "audit-trail"),
        )
    elif policy.is_reviewer(user):
        links = _links(
            _link("Replies", "surveys:reply-browse"),
            _link("Search", "surveys:review-search"),
            _link("Compare", "surveys:review-compare"),
            _link("Questionnaires", "surveys:review-questionnaires"),
            _link("Exports", "surveys:review-exports"),
        )
    elif user.memberships.filter(is_active=True).exists():
        links = _links(_link("Your questionnaires", "surveys:workspace"))
    path = request.path
    return {
        "navigation": [
            {"label": link.label, "url": link.url, "current": path.startswith(link.url)}
            for link in links
        ]
    }
