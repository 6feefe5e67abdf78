"""Every address Verbale answers, found by walking the URL resolver, and the rule for each: who
may read it, who may change something through it, and which object of State A fills each of
its parameters.

The lists below are the specification the probes hold the server to. They are written out by
hand on purpose (reading the rule back from the view's decorators would only test that the
code agrees with itself), and they are complete by construction: a route the resolver finds
but these tables do not classify, or a parameter with no object to fill it, fails
``test_every_route_is_classified_and_every_parameter_has_an_object``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

UNSAFE = ("post", "put", "patch", "delete")

# --- who may read (GET) ----------------------------------------------------------------------

SECRETARIAT = frozenset({"secretariat"})
A_MEMBERS = frozenset({"a_focal", "a_expert", "a_observer"})
SIGNED_IN = frozenset({"a_focal", "a_expert", "a_observer", "b_focal", "reviewer", "secretariat"})
REVIEW = frozenset({"reviewer", "secretariat"})
# A's reply through the API: its people, the secretariat, and reviewers (who get the last
# submitted revision only).
A_REPLY_API = A_MEMBERS | REVIEW
NOBODY: frozenset[str] = frozenset()

# Pages anyone may open before signing in. They are probed for server errors only.
PUBLIC = frozenset(
    {
        "login",
        "health",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "activate",
        "api-token",
        "admin:login",  # the admin's own sign-in form, for staff
        "api-not-found",  # any other address under /api/: a JSON 404 for everyone
    }
)
# One's own account: every signed-in person uses these, whatever their role; they name no
# object of anyone else. Probed for server errors and CSRF, not by role.
OWN_ACCOUNT = frozenset(
    {
        "logout",
        "password_change",
        "password_change_done",
        "two-factor-setup",
        "two-factor-verify",
        "two-factor-recovery-codes",
        "admin:logout",
        # One's own API tokens (from the sec-accounts work: tokens that expire and are revoked).
        "api-tokens",
        "api-token-list",
        "api-token-detail",
        "api-token-revoke",
    }
)

WORKSPACE_REPLY = (
    "surveys:reply-form",
    "surveys:answer-save",
    "surveys:attachment-upload",
    "surveys:reply-submit",
    "surveys:reply-amend",
    "surveys:reply-ready",
    "surveys:reply-send-back",
    "surveys:clarification-post",
    "surveys:reply-revisions",
    "surveys:revision-compare",
    "surveys:revision-detail",
    "surveys:revision-print",
    "surveys:revision-pdf",
    "surveys:attachment-remove",
)
API_REPLY = (
    "reply-detail",
    "reply-answers",
    "reply-attachments",
    "reply-download",
    "reply-remove-attachment",
    "reply-reopen",
    "reply-restrict",
    "reply-review",
    "reply-revisions",
    "reply-save-answer",
    "reply-submit",
)
API_SECRETARIAT = (
    "section-",
    "question-",
    "report-",
    "attribution-",
    "theme-",
    "evidence-",
    "build-",
)

READERS_BY_NAME: dict[str, frozenset[str]] = {
    "home": SIGNED_IN,
    "audit-trail": SECRETARIAT,
    "two-factor-people": SECRETARIAT,
    "two-factor-reset": SECRETARIAT,
    "api-tokens-everyone": SECRETARIAT,
    "api-root": SIGNED_IN,
    "api-schema": SIGNED_IN,
    "api-docs": SIGNED_IN,
    "respondent-list": SIGNED_IN,
    "respondent-detail": SIGNED_IN,
    "respondent-format": SIGNED_IN,  # POST only: GET answers 405 to whoever may ask
    "questionnaire-list": SIGNED_IN,
    # Sent to A and B: both read it (the questionnaire, not anyone's reply).
    "questionnaire-detail": SIGNED_IN,
    "questionnaire-copy": SECRETARIAT,
    "questionnaire-remind": SECRETARIAT,
    "questionnaire-send": SECRETARIAT,
    "reply-list": SIGNED_IN,
    **dict.fromkeys(API_REPLY, A_REPLY_API),
    "surveys:respondent-list": SIGNED_IN,
    "surveys:respondent-detail": SIGNED_IN,
    "surveys:workspace": SIGNED_IN,
    **dict.fromkeys(WORKSPACE_REPLY, A_MEMBERS | SECRETARIAT),
    # A file of A's last submission, not restricted: a reviewer may download it too.
    "surveys:attachment-download": A_MEMBERS | REVIEW,
}


def readers(name: str) -> frozenset[str] | None:
    """Who may GET the route (None: not classified, which fails the completeness test)."""
    if name in PUBLIC or name in OWN_ACCOUNT:
        return SIGNED_IN
    if name in READERS_BY_NAME:
        return READERS_BY_NAME[name]
    if name.startswith("admin:"):
        return NOBODY  # staff only, and none of the people probed is staff
    if name.startswith("reports:") or name.startswith(API_SECRETARIAT):
        return SECRETARIAT
    if name.startswith("surveys:review-") or name == "surveys:reply-browse":
        return REVIEW
    if name.startswith(("surveys:questionnaire-", "surveys:secretariat-")) or name in (
        "surveys:email-log",
    ):
        return SECRETARIAT
    return None


# --- who may change something (POST, PUT, PATCH, DELETE) ----------------------------------------

WRITERS_BY_NAME: dict[str, frozenset[str]] = {
    # Drafting A's reply: its focal point and expert (and the secretariat on its behalf).
    **dict.fromkeys(
        (
            "surveys:answer-save",
            "surveys:attachment-upload",
            "surveys:attachment-remove",
            "surveys:clarification-post",
            "reply-save-answer",
            "reply-attachments",
            "reply-remove-attachment",
        ),
        frozenset({"a_focal", "a_expert", "secretariat"}),
    ),
    # Clearing, submitting and amending: the focal point only.
    **dict.fromkeys(
        ("surveys:reply-submit", "surveys:reply-amend", "reply-submit", "reply-reopen"),
        frozenset({"a_focal", "secretariat"}),
    ),
    # The delegation's own clearance: an expert hands the draft to the focal point, who may
    # send it back; the secretariat takes no part in it.
    "surveys:reply-ready": frozenset({"a_expert"}),
    "surveys:reply-send-back": frozenset({"a_focal"}),
    "surveys:review-export-start": REVIEW,
    # Writes a list of names in UN style for whoever asks; stores nothing.
    "respondent-format": SIGNED_IN,
    # Pages that only show: a POST changes nothing for anyone (the database state says so).
    "home": SIGNED_IN,
    "surveys:respondent-list": SIGNED_IN,
    "surveys:respondent-detail": SIGNED_IN,
}
# Routes that take a file: the probe sends a real one.
UPLOADS = frozenset({"reply-attachments", "surveys:attachment-upload"})


def writers(name: str) -> frozenset[str]:
    """Who may send an unsafe request to the route: the secretariat unless said otherwise;
    nobody probed for the admin (staff only)."""
    if name.startswith("admin:"):
        return NOBODY
    return WRITERS_BY_NAME.get(name, SECRETARIAT)


# --- which object fills each parameter ------------------------------------------------------------

# ``pk`` means a different object on each route: by route name (longest prefix wins).
PK_BY_NAME: dict[str, str] = {
    "two-factor-reset": "a_focal_user",  # whose lost authenticator the secretariat resets
    "respondent-": "respondent",
    "questionnaire-": "questionnaire",
    "section-": "questionnaire_section",
    "question-": "question",
    "reply-": "reply",
    "report-section-": "report_section",
    "report-paragraph-": "paragraph",
    "report-": "report",
    "attribution-set-": "attribution_set",
    "attribution-member-": "member",
    "theme-": "theme",
    "evidence-": "evidence",
    "build-": "build",
    "reports:report-": "report",
    "reports:section-add": "report",
    "reports:annex-note-save": "report",
    "reports:build-list": "report",
    "reports:coding": "report",
    "reports:consistency": "report",
    "reports:footnote-evidence": "report",
    "reports:section-": "report_section",
    "reports:paragraph-add": "report_section",
    "reports:paragraph-": "paragraph",
    "reports:set-": "attribution_set",
    "reports:member-": "member",
    "reports:evidence-": "evidence",
    "reports:build-": "build",
    "surveys:respondent-": "respondent",
    "surveys:questionnaire-": "questionnaire",
    "surveys:secretariat-nominations": "respondent",
    "surveys:secretariat-membership-": "membership",
    "surveys:reply-": "reply",
    "surveys:answer-save": "reply",
    "surveys:attachment-upload": "reply",
    "surveys:clarification-post": "reply",
    "surveys:revision-": "reply",
    "surveys:attachment-": "attachment",
    "surveys:review-reply": "reply",
    "surveys:review-attachment": "reply",
    "surveys:review-dashboard": "questionnaire",
    "surveys:review-export": "export",
}

# Other parameters mean the same object wherever they appear.
PARAMETERS: dict[str, str] = {
    "q": "questionnaire",
    "reply": "reply",
    "answer": "answer",
    "number": "revision_number",
    "section": "questionnaire_section",
    "question": "question",
    "question_id": "question",
    "attachment": "attachment",
    "attachment_id": "attachment",
    "kind": "build_kind",
    "token": "activation_token",
    "uidb64": "reset_uidb64",
    "content_type_id": "reply_content_type",
    "id": "a_focal_token_id",  # an API token of A's focal point (the admin's <id>: below)
    "token_key": "a_focal_token_id",
    "app_label": "app_label",
    "url": "admin_catch_all",
}
# The admin's password page of a person takes their id.
ID_BY_NAME = {"admin:auth_user_password_change": "a_focal_user"}
# The footnote page takes the report's pk and a footnote number.
NUMBER_BY_NAME = {"reports:footnote-evidence": "footnote_number"}
TOKEN_BY_NAME = {"password_reset_confirm": "reset_token"}

# The admin's object pages: an object of the model the page edits, State A's where there is
# one; for other models (logs, tokens, groups…) the model's first row, which must exist.
ADMIN_MODEL_OBJECTS: dict[str, str] = {
    "portal_user": "a_focal_user",
    "surveys_respondent": "respondent",
    "surveys_membership": "membership",
    "surveys_questionnaire": "questionnaire",
    "surveys_reply": "reply",
    "surveys_attachment": "attachment",
    "reports_report": "report",
    "reports_section": "report_section",
    "reports_attributionset": "attribution_set",
    "reports_build": "build",
}

# What a page needs in its query string to show anything at all.
QUERY_BY_NAME = {
    "surveys:questionnaire-section-move": "?direction=down",
    "surveys:questionnaire-question-move": "?direction=down",
}

# Objects that belong to State A: B's focal point gets 404 for any route that names one.
A_OWNED = frozenset({"reply", "answer", "attachment", "membership", "revision_number"})


@dataclass(frozen=True)
class Route:
    name: str  # namespaced URL name ("admin:" alone for the admin's unnamed redirects)
    pattern: str  # as written in the URLconf
    callback: Callable[..., Any]

    @property
    def parameters(self) -> list[str]:
        return [name for name, _, _ in _parameters(self.pattern)]

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/")

    @property
    def has_format_suffix(self) -> bool:
        return "format" in self.parameters

    def unsafe_methods(self) -> list[str]:
        """The unsafe methods the route's view answers (a page: POST)."""
        actions = getattr(self.callback, "actions", None)
        if actions:  # a DRF viewset route: method → action
            return [m for m in UNSAFE if m in actions]
        view_class = getattr(self.callback, "cls", None)
        if view_class is not None:  # a DRF APIView
            return [m for m in UNSAFE if hasattr(view_class, m)]
        return ["post"]

    def __str__(self) -> str:
        return self.pattern or "/"


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern, route, ns)
        elif isinstance(pattern, URLPattern):
            yield Route(f"{namespace}{pattern.name or ''}", route, pattern.callback)


def all_routes() -> list[Route]:
    """Every route once (Django's auth URLs repeat sign-in and sign-out at the same address)."""
    seen: dict[str, Route] = {}
    for route in _walk(get_resolver()):
        seen.setdefault(route.pattern, route)
    return sorted(seen.values(), key=lambda r: r.pattern)


def object_key(route: Route, parameter: str) -> str | None:
    """The name (in World.objects) of what fills ``parameter`` on ``route``, or None."""
    if parameter == "format":
        return "format"
    if route.name.startswith("admin:"):
        if parameter == "object_id":
            if route.name == "admin:view_on_site":
                return "reply"
            model = re.match(r"admin/(\w+)/(\w+)/", route.pattern)
            if model is None:
                return None
            label = f"{model.group(1)}_{model.group(2)}"
            return ADMIN_MODEL_OBJECTS.get(label, f"first_row:{model.group(1)}.{model.group(2)}")
        if parameter == "pk" and route.name.startswith("admin:otp_totp_totpdevice_"):
            return "first_row:otp_totp.totpdevice"
    if parameter == "pk":
        matches = [k for k in PK_BY_NAME if route.name.startswith(k)]
        return PK_BY_NAME[max(matches, key=len)] if matches else None
    if parameter == "number" and route.name in NUMBER_BY_NAME:
        return NUMBER_BY_NAME[route.name]
    if parameter == "id" and route.name in ID_BY_NAME:
        return ID_BY_NAME[route.name]
    if parameter == "token" and route.name in TOKEN_BY_NAME:
        return TOKEN_BY_NAME[route.name]
    return PARAMETERS.get(parameter)


def _parameters(pattern: str) -> list[tuple[str, int, int]]:
    """Each parameter of a route (``<int:pk>`` or a regex group ``(?P<pk>…)``, whose body may
    hold groups of its own) with where it starts and ends in the pattern."""
    converters = re.finditer(r"(?<!\?P)<(?:\w+:)?(\w+)>", pattern)  # not a group's name
    found = [(m.group(1), m.start(), m.end()) for m in converters]
    for match in re.finditer(r"\(\?P<(\w+)>", pattern):
        depth, end = 1, match.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(pattern[end], 0) if pattern[end - 1] != "\\" else 0
            end += 1
        found.append((match.group(1), match.start(), end))
    return sorted(found, key=lambda p: p[1])


def url_for(route: Route, values: dict[str, Any]) -> str:
    """The route's address with every parameter filled from ``values`` (by object_key)."""
    url, last = "", 0
    for name, start, end in _parameters(route.pattern):
        url += route.pattern[last:start]
        last = end
        if name == "format":  # a DRF format suffix: ".json"
            url = url.removesuffix("\\.") + "."
            url += "json"
            continue
        key = object_key(route, name)
        if key is None:
            raise LookupError(f"{route.name or route.pattern}: nothing fills <{name}>")
        value = values[key]
        url += str(getattr(value, "pk", value))
    url += route.pattern[last:]
    url = url.replace("/?", "/").replace("\\", "")
    return "/" + url
