"""Questionnaires and replies through the API, with the same rules as the pages."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from surveys.models import Answer, Reply, Respondent
from surveys.replies import services as replies
from tests.factories import (
    MembershipFactory,
    ReviewerFactory,
    SecretariatFactory,
    UserFactory,
    build_questionnaire,
    question,
)
from tests.surveys.replies.test_replies import PDF, fill_required

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def setting():  # type: ignore[no-untyped-def]
    salvador, estonia = Respondent.objects.get(code="SLV"), Respondent.objects.get(code="EST")
    q = build_questionnaire(dispatch_to=[salvador, estonia])
    reply = Reply.objects.get(questionnaire=q, respondent=salvador)
    people = {
        "secretariat": SecretariatFactory(),
        "reviewer": ReviewerFactory(),
        "focal_point": MembershipFactory(respondent=salvador, role="focal_point").user,
        "expert": MembershipFactory(respondent=salvador, role="expert").user,
        "observer": MembershipFactory(respondent=salvador, role="observer").user,
        "other_state": MembershipFactory(respondent=estonia, role="focal_point").user,
        "no_role": UserFactory(),
    }
    return q, reply, people


def as_(client, user):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client


def test_full_cycle_through_the_api(client):
    secretariat = SecretariatFactory()
    api = as_(client, secretariat)
    created = api.post(
        "/api/v1/questionnaires/",
        {
            "title": "Trafficking in persons",
            "deadline": "2007-12-15",
            "cutoff": "2008-01-24",
            "languages": ["en", "fr"],
            "mandate_symbol": "Economic and Social Council resolution 2006/27",
        },
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    qid = created.json()["id"]
    section = api.post(
        "/api/v1/sections/",
        {"questionnaire": qid, "number": "A", "title": {"en": "Legislation"}},
        content_type=JSON,
    ).json()
    q1 = api.post(
        "/api/v1/questions/",
        {
            "section": section["id"],
            "number": "1",
            "kind": "table",
            "required": True,
            "text": {"en": "Cases by year"},
            "options": {
                "rows": [{"key": "2007", "label": {"en": "2007"}}],
                "columns": [{"key": "cases", "label": {"en": "Cases"}}],
            },
        },
        content_type=JSON,
    )
    assert q1.status_code == 201, q1.content
    sent = api.post(
        f"/api/v1/questionnaires/{qid}/dispatch/",
        {
            "respondents": [Respondent.objects.get(code="SLV").pk],
            "reference": "CU 2007/212",
            "sent_on": "2007-11-12",
        },
        content_type=JSON,
    )
    assert sent.status_code == 200 and sent.json()["added"] == 1
    assert sent.json()["status"] == "dispatched"
    frozen = api.patch(
        f"/api/v1/questions/{q1.json()['id']}/", {"text": {"en": "Changed"}}, content_type=JSON
    )
    assert frozen.status_code == 409 and "frozen" in frozen.json()["detail"]

    focal = MembershipFactory(respondent=Respondent.objects.get(code="SLV")).user
    api = as_(client, focal)
    (reply,) = api.get(f"/api/v1/replies/?questionnaire={qid}").json()["results"]
    saved = api.put(
        f"/api/v1/replies/{reply['id']}/answers/{q1.json()['id']}/",
        {"value": {"2007": {"cases": 39}}, "version": 0},
        content_type=JSON,
    )
    assert saved.status_code == 200, saved.content
    submitted = api.post(f"/api/v1/replies/{reply['id']}/submit/", {}, content_type=JSON)
    assert submitted.status_code == 201, submitted.content
    revisions = api.get(f"/api/v1/replies/{reply['id']}/revisions/").json()
    assert revisions[0]["answers"][str(q1.json()["id"])]["value"] == {"2007": {"cases": 39}}


def test_stale_save_answers_409_with_what_is_stored(client, setting):
    q, reply, people = setting
    q2 = question(q, "2")
    url = f"/api/v1/replies/{reply.pk}/answers/{q2.pk}/"
    assert (
        as_(client, people["focal_point"])
        .put(url, {"value": "First", "version": 0}, content_type=JSON)
        .status_code
        == 200
    )
    stale = as_(client, people["expert"]).put(
        url, {"value": "Second", "version": 0}, content_type=JSON
    )
    assert stale.status_code == 409
    assert stale.json()["current"]["value"] == "First"
    assert Answer.objects.get(reply=reply, question=q2).value == "First"


@pytest.mark.parametrize(
    ("payload", "status", "message"),
    [
        ({"value": "x"}, 400, "version"),
        ({"value": "x", "version": -1}, 400, "version"),
        ({"value": "x", "version": "one"}, 400, "version"),
        ({"value": 12, "version": 0}, 400, "Enter text"),
        ({"state": "maybe", "version": 0}, 400, "not a valid choice"),
        ("not json at all", 400, "JSON parse error"),
    ],
)
def test_malformed_answer_payloads_get_400_and_change_nothing(
    client, setting, payload, status, message
):
    q, reply, people = setting
    api = as_(client, people["focal_point"])
    body = payload if isinstance(payload, str) else json.dumps(payload)
    url = f"/api/v1/replies/{reply.pk}/answers/{question(q, '2').pk}/"
    response = api.generic("PUT", url, body, content_type=JSON)
    assert response.status_code == status
    assert message in response.content.decode()
    assert not Answer.objects.exists()


def test_unknown_question_is_refused(client, setting):
    _, reply, people = setting
    response = as_(client, people["focal_point"]).put(
        f"/api/v1/replies/{reply.pk}/answers/999999/",
        {"value": "x", "version": 0},
        content_type=JSON,
    )
    assert response.status_code == 400
    assert "not part of the questionnaire" in response.json()["detail"]


def test_upload_checks_content_and_download_is_an_attachment(client, setting):
    q, reply, people = setting
    api = as_(client, people["focal_point"])
    url = f"/api/v1/replies/{reply.pk}/attachments/"
    bad = api.post(
        url,
        {
            "question": question(q, "6").pk,
            "file": SimpleUploadedFile("x.pdf", b"<html><body>hi</body></html>"),
        },
    )
    assert bad.status_code == 400 and "accepted document types" in bad.json()["detail"]
    good = api.post(
        url, {"question": question(q, "6").pk, "file": SimpleUploadedFile("law.pdf", PDF)}
    )
    assert good.status_code == 201, good.content
    download = api.get(f"{url}{good.json()['id']}/download/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="law.pdf"')
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF


# The permission matrix: (endpoint, method, who may) for every role.
ROLES = ["secretariat", "reviewer", "focal_point", "expert", "observer", "other_state", "no_role"]


def _expect(allowed, role):  # type: ignore[no-untyped-def]
    return role in allowed


@pytest.mark.parametrize("role", ROLES)
def test_reply_visibility_for_every_role(client, setting, role):
    _q, reply, people = setting
    api = as_(client, people[role])
    listed = {r["id"] for r in api.get("/api/v1/replies/").json()["results"]}
    detail = api.get(f"/api/v1/replies/{reply.pk}/")
    answers = api.get(f"/api/v1/replies/{reply.pk}/answers/")
    sees_draft = role in ("secretariat", "focal_point", "expert", "observer")
    assert (reply.pk in listed) is sees_draft
    assert detail.status_code == (200 if sees_draft else 404)
    assert answers.status_code == (200 if sees_draft else 404)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_save_an_answer(client, setting, role):
    q, reply, people = setting
    response = as_(client, people[role]).put(
        f"/api/v1/replies/{reply.pk}/answers/{question(q, '2').pk}/",
        {"value": "Text", "version": 0},
        content_type=JSON,
    )
    expected = {"secretariat": 200, "focal_point": 200, "expert": 200, "observer": 403}
    assert response.status_code == expected.get(role, 404)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_submit(client, setting, role):
    _q, reply, people = setting
    fill_required(reply, people["expert"])
    response = as_(client, people[role]).post(
        f"/api/v1/replies/{reply.pk}/submit/", {}, content_type=JSON
    )
    expected = {"secretariat": 201, "focal_point": 201, "expert": 403, "observer": 403}
    assert response.status_code == expected.get(role, 404)


@pytest.mark.parametrize("role", ROLES)
def test_after_submission_reviewers_read_the_revision_without_restricted_answers(
    client, setting, role
):
    q, reply, people = setting
    fill_required(reply, people["focal_point"])
    replies.submit_reply(reply=reply, user=people["focal_point"])
    restricted = question(q, "2")
    replies.set_restricted(
        answer=reply.answers.get(question=restricted), user=people["secretariat"], restricted=True
    )
    api = as_(client, people[role])
    response = api.get(f"/api/v1/replies/{reply.pk}/answers/")
    if role in ("other_state", "no_role"):
        assert response.status_code == 404
        return
    assert response.status_code == 200
    questions = {a["question"] for a in response.json()}
    assert (restricted.pk in questions) is (role != "reviewer")
    revisions = api.get(f"/api/v1/replies/{reply.pk}/revisions/").json()
    assert (str(restricted.pk) in revisions[0]["answers"]) is (role != "reviewer")


def test_reviewer_never_sees_the_amended_draft(client, setting):
    q, reply, people = setting
    fill_required(reply, people["focal_point"])
    replies.submit_reply(reply=reply, user=people["focal_point"])
    replies.reopen_reply(reply=reply, user=people["focal_point"])
    replies.save_answer(
        reply=reply,
        question_id=question(q, "2").pk,
        user=people["focal_point"],
        value="Unfinished new wording",
        expected_version=1,
    )
    body = as_(client, people["reviewer"]).get(f"/api/v1/replies/{reply.pk}/answers/").json()
    assert "Unfinished new wording" not in str(body)
    assert {a["question"]: a["state"] for a in body}[question(q, "2").pk] == "not_known"


@pytest.mark.parametrize("role", ROLES)
def test_attachment_download_for_every_role(client, setting, role):
    q, reply, people = setting
    attachment = replies.attach_file(
        reply=reply,
        question_id=question(q, "6").pk,
        user=people["focal_point"],
        upload=SimpleUploadedFile("law.pdf", PDF),
    )
    response = as_(client, people[role]).get(
        f"/api/v1/replies/{reply.pk}/attachments/{attachment.pk}/download/"
    )
    allowed = ("secretariat", "focal_point", "expert", "observer")
    assert response.status_code == (200 if role in allowed else 404)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_secretariat_authors_and_dispatches(client, setting, role):
    q, reply, people = setting
    api = as_(client, people[role])
    create = api.post(
        "/api/v1/questionnaires/",
        {"title": "X", "deadline": "2008-01-01", "cutoff": "2008-02-01", "languages": ["en"]},
        content_type=JSON,
    )
    remind = api.post(f"/api/v1/questionnaires/{q.pk}/remind/", {}, content_type=JSON)
    review = api.post(
        f"/api/v1/replies/{reply.pk}/review/", {"include_after_cutoff": True}, content_type=JSON
    )
    if role == "secretariat":
        assert create.status_code == 201
        assert remind.status_code == 200
        assert review.status_code == 400  # not received yet: a clear message
    else:
        assert create.status_code == 403
        assert remind.status_code in (403, 404)
        assert review.status_code in (403, 404)
        assert not Reply.objects.get(pk=reply.pk).include_after_cutoff


def test_anonymous_gets_nothing(client, setting):
    _, reply, _ = setting
    for url in (
        "/api/v1/questionnaires/",
        "/api/v1/replies/",
        f"/api/v1/replies/{reply.pk}/",
        f"/api/v1/replies/{reply.pk}/answers/",
    ):
        assert client.get(url).status_code in (401, 403), url


def test_an_autosave_runs_a_fixed_small_number_of_queries(
    client, setting, django_assert_max_num_queries
):
    q, reply, people = setting
    api = as_(client, people["focal_point"])
    url = f"/api/v1/replies/{reply.pk}/answers/{question(q, '2').pk}/"
    assert api.put(url, {"value": "First", "version": 0}, content_type=JSON).status_code == 200
    # Session, user and two-factor device; visibility; a savepoint opened and released around
    # the locked reply with its names, membership, question, the answer (locked, then read
    # again by the audit trail), the audit entry and two updates.
    with django_assert_max_num_queries(15):
        response = api.put(url, {"value": "Second", "version": 1}, content_type=JSON)
    assert response.status_code == 200 and response.json()["version"] == 2


def test_autosaves_are_audited_without_logging_every_keystroke_time(client, setting):
    from auditlog.models import LogEntry

    q, reply, people = setting
    api = as_(client, people["focal_point"])
    url = f"/api/v1/replies/{reply.pk}/answers/{question(q, '2').pk}/"
    for version, text in enumerate(["First", "Second", "Third"]):
        saved = api.put(url, {"value": text, "version": version}, content_type=JSON)
        assert saved.status_code == 200
    answer = Answer.objects.get(reply=reply, question=question(q, "2"))
    answer_entries = LogEntry.objects.get_for_object(answer).order_by("timestamp")
    assert answer_entries.count() == 3
    assert all(e.actor == people["focal_point"] for e in answer_entries)
    assert answer_entries.last().object_repr.startswith("El Salvador – ")
    assert answer_entries.last().changes_dict["value"] == ['"Second"', '"Third"']  # as JSON
    # The reply's move from "not started" to "draft" is recorded once; the time of each
    # autosave is kept on the reply, not in the trail.
    reply_entries = LogEntry.objects.get_for_object(reply)
    assert [e.changes_dict for e in reply_entries] == [{"status": ["not_started", "draft"]}]
    reply.refresh_from_db()
    assert reply.status == Reply.Status.DRAFT and reply.last_activity_at is not None
