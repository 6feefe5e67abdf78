"""Verbale's API against its own OpenAPI schema, for every endpoint and every role.

Schemathesis generates requests from the schema served at ``/api/schema/`` (valid ones and
deliberately invalid ones) and sends them in-process to the WSGI application, as an anonymous
caller, the secretariat, a reviewer, a focal point of El Salvador and a focal point of Estonia.
Every answer must be something other than a server error, with a status code, content type and
body the schema documents.

Generated ids rarely name a row, so a path id is mapped onto the rows the fixture made (a reply
of each State, a draft and a submitted one, a report, a build…): the requests reach real
objects, including other respondents' ones. Examples are few and derandomized: the module runs in
a few minutes and fails the same way every time.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
import schemathesis
from django.core.files.base import ContentFile
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from portal.wsgi import application
from reports.models import Build
from surveys.models import Reply, Respondent
from surveys.services import replies
from tests.factories import (
    MembershipFactory,
    ReviewerFactory,
    SecretariatFactory,
    build_questionnaire,
    question,
)
from tests.reports.factories import file_reply, report_with_replies

# Slow (a few minutes): run by `make test-integration`, on PostgreSQL, and by hand on SQLite.
pytestmark = [pytest.mark.django_db, pytest.mark.integration]

ROLES = ("anonymous", "secretariat", "reviewer", "focal_point", "other_state")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 8


@pytest.fixture
def _wsgi_in_the_test_transaction(settings):  # type: ignore[no-untyped-def]
    """Requests go through the real WSGI handler, inside the test's transaction: Django's own
    test client does the same by not closing the connection at the end of each request."""
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(_wsgi_in_the_test_transaction, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """El Salvador's draft, Estonia's submitted reply, a report on them with a build."""
    salvador, estonia = Respondent.objects.get(code="SLV"), Respondent.objects.get(code="EST")
    secretariat = SecretariatFactory()
    q = build_questionnaire(by=secretariat, dispatch_to=[salvador, estonia])
    people = {
        "secretariat": secretariat,
        "reviewer": ReviewerFactory(),
        "focal_point": MembershipFactory(respondent=salvador, role="focal_point").user,
        "other_state": MembershipFactory(respondent=estonia, role="focal_point").user,
    }
    draft = Reply.objects.get(questionnaire=q, respondent=salvador)
    submitted = Reply.objects.get(questionnaire=q, respondent=estonia)
    with django_capture_on_commit_callbacks(execute=True):
        replies.save_answer(
            reply=draft,
            question_id=question(q, "2").pk,
            user=people["focal_point"],
            value="A draft El Salvador has not cleared.",
            expected_version=0,
        )
        file_reply(submitted, secretariat, {"1": "no", "2": "Estonia's submitted answer."})
    report = report_with_replies()
    build = Build.objects.create(
        report=report,
        snapshot={},
        snapshot_sha256="0" * 64,
        status=Build.Status.SUCCEEDED,
        finished_at=datetime.datetime(2008, 1, 29, tzinfo=datetime.UTC),
    )
    build.pdf.save("report.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    ids: dict[str, list[int]] = {
        "replies": [draft.pk, submitted.pk],
        "questionnaires": [q.pk],
        "sections": list(q.sections.values_list("pk", flat=True)),
        "questions": [question(q, n).pk for n in ("1", "2", "6")],
        "respondents": [salvador.pk, estonia.pk],
        "reports": [report.pk],
        "report-sections": list(report.sections.values_list("pk", flat=True)),
        "report-paragraphs": list(
            report.sections.values_list("paragraphs__pk", flat=True).exclude(paragraphs__pk=None)
        ),
        "attribution-sets": list(report.attribution_sets.values_list("pk", flat=True)),
        "attribution-members": list(report.attribution_sets.values_list("members__pk", flat=True)),
        "themes": [],
        "evidence": [],
        "builds": [build.pk],
        "question_id": [question(q, n).pk for n in ("1", "2", "6")],
        "attachment_id": [],
    }
    tokens = {role: Token.objects.create(user=person).key for role, person in people.items()}
    return {"ids": ids, "tokens": tokens, "people": people}


def _call_as(role: str, case: Any, world: dict[str, Any]) -> int:
    _aim_at_known_rows(case, world["ids"])
    headers = {}
    if role != "anonymous":
        headers["Authorization"] = f"Token {world['tokens'][role]}"
    return case.call_and_validate(headers=headers, checks=CHECKS).status_code


_RESOURCE = re.compile(r"^/api/v1/([\w-]+)/")


def _aim_at_known_rows(case: Any, ids: dict[str, list[int]]) -> None:
    """Map generated integer path ids onto rows that exist (one in five stays as generated:
    mostly a 404)."""
    match = _RESOURCE.match(case.operation.path)
    resource = match.group(1) if match else ""
    for name, value in list((case.path_parameters or {}).items()):
        pool = ids.get(resource if name == "id" else name) or []
        number = value if isinstance(value, int) else None
        if number is None and isinstance(value, str) and value.isdigit():
            number = int(value)
        if pool and number is not None and number % 5:
            case.path_parameters[name] = pool[number % len(pool)]


def _fuzz(
    operation: Any,
    mode: GenerationMode,
    role: str,
    world: dict[str, Any],
    answered: dict[str, set[int]],
) -> None:
    """A few derandomized examples of one operation in one mode; raises on the first failure."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    def run(case: Any) -> None:
        answered.setdefault(operation.label, set()).add(_call_as(role, case, world))

    run()


@pytest.mark.parametrize("role", ROLES)
def test_every_endpoint_answers_as_its_schema_says(role, world):  # type: ignore[no-untyped-def]
    """Every operation, with valid and with invalid requests, as one role. Failures of all
    operations are gathered, so one run names them all."""
    api = schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json",
        application,
        headers={"Authorization": f"Token {world['tokens']['secretariat']}"},
    )
    failures: list[str] = []
    answered: dict[str, set[int]] = {}
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) > 50
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(operation, mode, role, world, answered)
            except (Exception, BaseExceptionGroup) as error:  # gathered, reported below
                failures.append(f"{operation.label} ({mode}):\n{error}")
    assert not failures, "\n\n".join(failures)
    if role == "secretariat":
        # The mapping of ids works: the run reached real rows, not only 404s.
        reached = [label for label, codes in answered.items() if codes & {200, 201, 204}]
        assert len(reached) > len(operations) / 3, sorted(answered.items())
