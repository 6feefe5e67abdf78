"""The focal-point workspace: who reaches which page, autosave, conflicts, files, submission,
amendment, revisions and printable copies."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from surveys.models import Answer, Attachment, ClarificationMessage, Reply, Respondent
from surveys.replies import services as replies
from surveys.replies import workspace
from tests.factories import (
    MembershipFactory,
    ReviewerFactory,
    SecretariatFactory,
    UserFactory,
    build_questionnaire,
    question,
)

PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
JSON = {"HTTP_ACCEPT": "application/json"}

pytestmark = pytest.mark.django_db


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture
def salvador():
    return Respondent.objects.get(code="SLV")


@pytest.fixture
def estonia():
    return Respondent.objects.get(code="EST")


@pytest.fixture
def questionnaire(salvador, estonia):
    return build_questionnaire(dispatch_to=[salvador, estonia], languages=["en", "fr", "ar"])


@pytest.fixture
def reply(questionnaire, salvador):
    return Reply.objects.get(questionnaire=questionnaire, respondent=salvador)


@pytest.fixture
def people(salvador, estonia):
    return {
        "focal_point": MembershipFactory(respondent=salvador, role="focal_point").user,
        "expert": MembershipFactory(respondent=salvador, role="expert").user,
        "observer": MembershipFactory(respondent=salvador, role="observer").user,
        "other_state": MembershipFactory(respondent=estonia, role="focal_point").user,
        "reviewer": ReviewerFactory(),
        "secretariat": SecretariatFactory(),
    }


def fill_required(reply, user):  # type: ignore[no-untyped-def]
    q = reply.questionnaire
    for number, kwargs in (
        ("1", {"value": "yes"}),
        ("1 (a)", {"value": "2004"}),
        ("2", {"value": "Trafficking is an offence under article 3."}),
    ):
        current = Answer.objects.filter(reply=reply, question=question(q, number)).first()
        replies.save_answer(
            reply=reply,
            question_id=question(q, number).pk,
            user=user,
            expected_version=current.version if current else 0,
            **kwargs,
        )


def attach(reply, user, name="law.pdf"):  # type: ignore[no-untyped-def]
    return replies.attach_file(
        reply=reply,
        question_id=question(reply.questionnaire, "6").pk,
        user=user,
        upload=SimpleUploadedFile(name, PDF),
    )


@pytest.fixture
def history(reply, people):
    """Submitted once with a file (revision 1), then reopened and given a second file."""
    focal = people["focal_point"]
    fill_required(reply, focal)
    in_revision = attach(reply, focal)
    replies.submit_reply(reply=reply, user=focal)
    replies.reopen_reply(reply=reply, user=focal)
    draft_only = attach(reply, focal, name="draft-annex.pdf")
    return {"in_revision": in_revision, "draft_only": draft_only}


def save(client, reply, q, version=0, **data):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("surveys:answer-save", kwargs={"pk": reply.pk}),
        {"question": q.pk, "version": version, **data},
        **JSON,
    )


# --- the permission matrix ----------------------------------------------------------------

ROLES = ["focal_point", "expert", "observer", "other_state", "reviewer", "secretariat"]
MEMBERS_AND_SECRETARIAT = {"focal_point", "expert", "observer", "secretariat"}

PAGES = [
    ("surveys:reply-form", lambda r: {"pk": r.pk}),
    ("surveys:reply-submit", lambda r: {"pk": r.pk}),
    ("surveys:reply-revisions", lambda r: {"pk": r.pk}),
    ("surveys:revision-detail", lambda r: {"pk": r.pk, "number": 1}),
    ("surveys:revision-compare", lambda r: {"pk": r.pk}),
    ("surveys:revision-print", lambda r: {"pk": r.pk, "number": 1}),
    ("surveys:revision-pdf", lambda r: {"pk": r.pk, "number": 1}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "kwargs"), PAGES, ids=[p[0] for p in PAGES])
def test_reply_pages_open_to_the_delegation_and_the_secretariat_only(
    client, reply, people, history, role, name, kwargs
):
    client.force_login(people[role])
    response = client.get(reverse(name, kwargs=kwargs(reply)))
    expected = 200 if role in MEMBERS_AND_SECRETARIAT else 404
    assert response.status_code == expected, (role, name)


@pytest.mark.parametrize(("name", "kwargs"), PAGES, ids=[p[0] for p in PAGES])
def test_anonymous_visitors_are_sent_to_the_login_page(client, reply, history, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs(reply)))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


POSTS = [
    ("surveys:answer-save", lambda r, h: {"pk": r.pk}),
    ("surveys:attachment-upload", lambda r, h: {"pk": r.pk}),
    ("surveys:attachment-remove", lambda r, h: {"pk": h["draft_only"].pk}),
    ("surveys:reply-amend", lambda r, h: {"pk": r.pk}),
    ("surveys:reply-submit", lambda r, h: {"pk": r.pk}),
    ("surveys:clarification-post", lambda r, h: {"pk": r.pk}),
]


@pytest.mark.parametrize(("name", "kwargs"), POSTS, ids=[p[0] for p in POSTS])
def test_anonymous_posts_change_nothing(client, reply, history, name, kwargs):
    before = Answer.objects.filter(reply=reply).values_list("version", flat=True)
    response = client.post(reverse(name, kwargs=kwargs(reply, history)), {}, **JSON)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert list(Answer.objects.filter(reply=reply).values_list("version", flat=True)) == list(
        before
    )


@pytest.mark.parametrize(("name", "kwargs"), POSTS, ids=[p[0] for p in POSTS])
@pytest.mark.parametrize("role", ["other_state", "reviewer"])
def test_outsiders_get_404_on_every_post(client, reply, people, history, role, name, kwargs):
    client.force_login(people[role])
    q2 = question(reply.questionnaire, "2")
    data = {"question": q2.pk, "version": 1, "value": "Overwritten", "text": "Hello"}
    response = client.post(reverse(name, kwargs=kwargs(reply, history)), data, **JSON)
    assert response.status_code == 404
    assert Answer.objects.get(reply=reply, question=q2).value != "Overwritten"
    assert not ClarificationMessage.objects.exists()
    assert Attachment.objects.get(pk=history["draft_only"].pk).deleted_at is None


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("focal_point", 200),
        ("expert", 200),
        ("secretariat", 200),
        ("observer", 403),
        ("other_state", 404),
        ("reviewer", 404),
    ],
)
def test_autosave_by_role(client, reply, people, role, expected):
    client.force_login(people[role])
    q2 = question(reply.questionnaire, "2")
    response = save(client, reply, q2, value="Articles 3 and 4 of the Penal Code.")
    assert response.status_code == expected
    assert Answer.objects.filter(reply=reply, question=q2).exists() == (expected == 200)


@pytest.mark.parametrize(
    ("role", "in_revision", "draft_only"),
    [
        ("focal_point", 200, 200),
        ("expert", 200, 200),
        ("observer", 200, 200),
        ("secretariat", 200, 200),
        ("reviewer", 200, 404),
        ("other_state", 404, 404),
    ],
)
def test_attachment_downloads_by_role(client, people, history, role, in_revision, draft_only):
    client.force_login(people[role])
    for attachment, expected in (
        (history["in_revision"], in_revision),
        (history["draft_only"], draft_only),
    ):
        response = client.get(reverse("surveys:attachment-download", kwargs={"pk": attachment.pk}))
        assert response.status_code == expected, (role, attachment.original_name)
        if expected == 200:
            assert response["Content-Disposition"].startswith("attachment;")
            assert attachment.original_name in response["Content-Disposition"]
            assert response["X-Content-Type-Options"] == "nosniff"
            assert b"".join(response.streaming_content) == PDF


def test_anonymous_download_goes_to_login(client, history):
    url = reverse("surveys:attachment-download", kwargs={"pk": history["in_revision"].pk})
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_reviewer_never_downloads_a_file_of_a_restricted_answer(client, reply, people, history):
    answer = Answer.objects.get(reply=reply, question=question(reply.questionnaire, "6"))
    replies.set_restricted(answer=answer, user=people["secretariat"], restricted=True)
    focal = people["focal_point"]
    replies.submit_reply(reply=reply, user=focal)  # revision 2: the answer restricted
    # Revision 1 held the file unrestricted, but reviewers read the last revision only, and the
    # answer is restricted now: neither file reaches them, by any route.
    for attachment in (history["in_revision"], history["draft_only"]):
        assert not workspace.attachment_for_download(user=people["reviewer"], pk=attachment.pk)
        client.force_login(people["reviewer"])
        url = reverse("surveys:attachment-download", kwargs={"pk": attachment.pk})
        assert client.get(url).status_code == 404


# --- the workspace list -------------------------------------------------------------------


def test_workspace_lists_the_delegations_questionnaires_with_progress_and_deadline(
    client, reply, people
):
    focal = people["focal_point"]
    fill_required(reply, focal)
    client.force_login(focal)
    response = client.get(reverse("surveys:workspace"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Trafficking in persons: measures taken" in html
    assert "El Salvador" in html
    assert "Required questions answered</dt><dd>3 of 3" in html
    assert "Late:" in html  # the demo deadline (2007) has passed
    assert reverse("surveys:reply-form", kwargs={"pk": reply.pk}) in html


def test_workspace_of_another_state_does_not_list_this_reply(client, reply, people):
    client.force_login(people["other_state"])
    html = client.get(reverse("surveys:workspace")).content.decode()
    assert "El Salvador" not in html
    assert "Estonia" in html


def test_workspace_of_a_person_without_membership_is_empty(client, reply):
    client.force_login(UserFactory())
    response = client.get(reverse("surveys:workspace"))
    assert response.status_code == 200
    assert "No questionnaires yet" in response.content.decode()


def test_workspace_queries_stay_bounded(client, salvador, people):
    focal = people["focal_point"]
    client.force_login(focal)
    build_questionnaire(dispatch_to=[salvador])
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("surveys:workspace"))
    build_questionnaire(dispatch_to=[salvador])
    build_questionnaire(dispatch_to=[salvador])
    with CaptureQueriesContext(connection) as three:
        client.get(reverse("surveys:workspace"))
    # a focal point has a handful of replies: two queries each (questions, conditions)
    assert len(three) - len(one) <= 2 * 2


# --- the reply form -----------------------------------------------------------------------


def test_the_form_renders_every_question_kind_with_not_known_and_not_applicable(
    client, reply, people
):
    client.force_login(people["expert"])
    html = client.get(reverse("surveys:reply-form", kwargs={"pk": reply.pk})).content.decode()
    q = reply.questionnaire
    assert f'id="q-{question(q, "2").pk}-value"' in html and "<textarea" in html
    assert 'type="radio" name="value" value="yes"' in html
    assert 'type="radio" name="value" value="adopted"' in html
    assert 'type="checkbox" name="value" value="police"' in html
    assert 'inputmode="decimal"' in html
    assert 'name="cell:2005:investigated"' in html and "data-grand-total" in html
    assert 'type="file"' in html
    assert html.count('value="not_known"') == 7 and html.count('value="not_applicable"') == 7
    conditional = question(q, "1 (a)")
    assert f'data-condition-question="{question(q, "1").pk}"' in html
    assert f'id="q-{conditional.pk}"' in html  # drawn, hidden until "yes"
    assert "static/js/reply-form.js" in html or "js/reply-form" in html


def test_the_form_shows_questions_in_the_chosen_language_and_arabic_right_to_left(
    client, reply, people
):
    client.force_login(people["focal_point"])
    url = reverse("surveys:reply-form", kwargs={"pk": reply.pk})
    french = client.get(url, {"lang": "fr"}).content.decode()
    assert "Votre État a-t-il ratifié ?" in french
    assert '<html lang="fr" dir="ltr">' in french
    arabic = client.get(url, {"lang": "ar"}).content.decode()
    assert '<html lang="ar" dir="rtl">' in arabic
    # no Arabic text was written: the English one shows, marked as English
    assert '<span lang="en">Has your State ratified the Protocol?</span>' in arabic
    remembered = client.get(url).content.decode()
    assert '<html lang="ar" dir="rtl">' in remembered


def test_an_observer_reads_without_inputs(client, reply, people):
    fill_required(reply, people["focal_point"])
    client.force_login(people["observer"])
    html = client.get(reverse("surveys:reply-form", kwargs={"pk": reply.pk})).content.decode()
    assert "<textarea" not in html and 'class="answer-form"' not in html
    assert "Trafficking is an offence under article 3." in html
    assert "As an observer you can read" in html


# --- autosave -----------------------------------------------------------------------------


def test_autosave_saves_and_returns_the_new_version_and_progress(client, reply, people):
    client.force_login(people["expert"])
    q1 = question(reply.questionnaire, "1")
    response = save(client, reply, q1, value="yes")
    assert response.status_code == 200
    data = response.json()
    assert data["version"] == 1 and data["value"] == "yes" and data["saved_at"]
    assert data["progress"]["required"] == 3  # "yes" reveals the required 1 (a)
    assert data["progress"]["required_answered"] == 1
    assert data["reply_status"] == "Draft"
    again = save(client, reply, q1, version=1, value="no")
    assert again.json()["version"] == 2 and again.json()["progress"]["required"] == 2


def test_autosave_of_a_table_keeps_filled_cells_only(client, reply, people):
    client.force_login(people["focal_point"])
    q5 = question(reply.questionnaire, "5")
    response = save(
        client,
        reply,
        q5,
        **{"cell:2005:investigated": "12", "cell:2005:arrested": " ", "cell:2006:arrested": "3"},
    )
    assert response.status_code == 200
    assert Answer.objects.get(question=q5, reply=reply).value == {
        "2005": {"investigated": 12},
        "2006": {"arrested": 3},
    }


def test_autosave_of_choices_and_not_known(client, reply, people):
    client.force_login(people["focal_point"])
    q = reply.questionnaire
    assert save(client, reply, question(q, "4"), value=["border", "police"]).status_code == 200
    assert Answer.objects.get(question=question(q, "4")).value == ["police", "border"]
    response = save(client, reply, question(q, "3"), state="not_applicable")
    assert response.status_code == 200
    assert Answer.objects.get(question=question(q, "3")).state == "not_applicable"


def test_a_stale_save_is_refused_with_409_and_both_versions(client, reply, people):
    q2 = question(reply.questionnaire, "2")
    expert = people["expert"]
    replies.save_answer(
        reply=reply, question_id=q2.pk, user=expert, value="Expert's text", expected_version=0
    )
    client.force_login(people["focal_point"])
    response = save(client, reply, q2, version=0, value="Focal point's text")
    assert response.status_code == 409
    data = response.json()
    assert data["conflict"] is True
    assert data["current"]["value"] == "Expert's text"
    assert data["current"]["display"] == "Expert's text"
    assert data["current"]["version"] == 1
    assert data["current"]["updated_by"] == str(expert)
    assert "since you opened it" in data["error"]
    assert Answer.objects.get(question=q2).value == "Expert's text"
    # choosing to keep one's own version: save again on the version now stored
    assert save(client, reply, q2, version=1, value="Focal point's text").status_code == 200
    assert Answer.objects.get(question=q2).value == "Focal point's text"


def test_a_stale_table_save_shows_the_stored_table_as_text(client, reply, people):
    q5 = question(reply.questionnaire, "5")
    replies.save_answer(
        reply=reply,
        question_id=q5.pk,
        user=people["expert"],
        value={"2007": {"prosecuted": 4}},
        expected_version=0,
    )
    client.force_login(people["focal_point"])
    response = save(client, reply, q5, **{"cell:2007:prosecuted": "5"})
    assert response.status_code == 409
    assert "2007\t\t\t4" in response.json()["current"]["display"]


@pytest.mark.parametrize(
    ("number", "data", "message"),
    [
        ("1 (a)", {"value": "1999"}, "at least 2000"),
        ("1 (a)", {"value": "twenty"}, "Enter a number"),
        ("3", {"value": "repealed"}, "Choose one of the options"),
    ],
)
def test_an_invalid_answer_is_refused_with_400_and_nothing_saved(
    client, reply, people, number, data, message
):
    client.force_login(people["focal_point"])
    q = question(reply.questionnaire, number)
    response = save(client, reply, q, **data)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not Answer.objects.filter(question=q).exists()


def test_autosave_on_a_question_of_another_questionnaire_is_refused(client, reply, people):
    other = build_questionnaire()
    client.force_login(people["focal_point"])
    response = save(client, reply, question(other, "2"), value="Elsewhere")
    assert response.status_code == 400
    assert not Answer.objects.exists()


def test_autosave_without_script_redirects_back_to_the_question(client, reply, people):
    client.force_login(people["focal_point"])
    q2 = question(reply.questionnaire, "2")
    response = client.post(
        reverse("surveys:answer-save", kwargs={"pk": reply.pk}),
        {"question": q2.pk, "version": 0, "value": "Typed without script"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#q-{q2.pk}")
    assert Answer.objects.get(question=q2).value == "Typed without script"


def test_autosave_after_submission_is_refused(client, reply, people):
    focal = people["focal_point"]
    fill_required(reply, focal)
    replies.submit_reply(reply=reply, user=focal)
    client.force_login(people["expert"])
    response = save(client, reply, question(reply.questionnaire, "3"), value="adopted")
    assert response.status_code == 400
    assert "Amend the reply" in response.json()["error"]


# --- attachments --------------------------------------------------------------------------


def upload(client, reply, name, content, partial=True):  # type: ignore[no-untyped-def]
    headers = {"HTTP_X_VERBALE_PARTIAL": "1"} if partial else {}
    return client.post(
        reverse("surveys:attachment-upload", kwargs={"pk": reply.pk}),
        {
            "question": question(reply.questionnaire, "6").pk,
            "file": SimpleUploadedFile(name, content),
        },
        **headers,
    )


def test_upload_attaches_the_file_and_redraws_the_question(client, reply, people):
    client.force_login(people["expert"])
    response = upload(client, reply, "law.pdf", PDF)
    assert response.status_code == 200
    attachment = Attachment.objects.get(reply=reply)
    html = response.content.decode()
    assert html.lstrip().startswith("<article")
    assert reverse("surveys:attachment-download", kwargs={"pk": attachment.pk}) in html
    assert "law.pdf" in html


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("law.pdf", b"<!doctype html><html><script>alert(1)</script></html>"),
        ("law.docx", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200),
    ],
)
def test_a_disguised_upload_is_refused_next_to_the_field(client, reply, people, name, content):
    client.force_login(people["focal_point"])
    response = upload(client, reply, name, content)
    assert response.status_code == 400
    html = response.content.decode()
    assert "not one of the accepted document types" in html
    assert 'aria-invalid="true"' in html and 'class="error"' in html
    assert not Attachment.objects.exists()


def test_an_oversized_upload_is_refused(client, reply, people, settings):
    settings.MAX_UPLOAD_BYTES = 10
    client.force_login(people["focal_point"])
    response = upload(client, reply, "law.pdf", PDF)
    assert response.status_code == 400
    assert "larger than" in response.content.decode()
    assert not Attachment.objects.exists()


def test_upload_without_script_redirects_with_a_message(client, reply, people):
    client.force_login(people["focal_point"])
    response = upload(client, reply, "law.pdf", b"<html></html>", partial=False)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "The file was not attached" in page


def test_an_observer_cannot_upload_or_remove(client, reply, people):
    attachment = attach(reply, people["focal_point"])
    client.force_login(people["observer"])
    assert upload(client, reply, "law.pdf", PDF).status_code == 403
    response = client.post(
        reverse("surveys:attachment-remove", kwargs={"pk": attachment.pk}),
        HTTP_X_VERBALE_PARTIAL="1",
    )
    assert response.status_code == 403
    assert Attachment.objects.filter(deleted_at__isnull=True).count() == 1


def test_remove_is_soft_and_keeps_the_file(client, reply, people):
    attachment = attach(reply, people["focal_point"])
    client.force_login(people["expert"])
    response = client.post(
        reverse("surveys:attachment-remove", kwargs={"pk": attachment.pk}),
        HTTP_X_VERBALE_PARTIAL="1",
    )
    assert response.status_code == 200
    assert "No file attached yet." in response.content.decode()
    attachment.refresh_from_db()
    assert attachment.deleted_at is not None
    assert attachment.file.storage.exists(attachment.file.name)


# --- submission and amendment -------------------------------------------------------------


def test_submit_confirmation_lists_the_missing_required_answers(client, reply, people):
    client.force_login(people["focal_point"])
    q = reply.questionnaire
    save(client, reply, question(q, "1"), value="yes")
    response = client.get(reverse("surveys:reply-submit", kwargs={"pk": reply.pk}))
    html = response.content.decode()
    assert "2 required questions still to answer" in html
    assert f"#q-{question(q, '1 (a)').pk}" in html and f"#q-{question(q, '2').pk}" in html
    assert "Clear and submit" not in html
    refused = client.post(reverse("surveys:reply-submit", kwargs={"pk": reply.pk}))
    assert refused.status_code == 400
    assert "Answer the required questions" in refused.content.decode()
    assert not reply.revisions.exists()


def test_a_focal_point_clears_and_submits(client, reply, people, mailoutbox):
    focal = people["focal_point"]
    fill_required(reply, focal)
    client.force_login(focal)
    url = reverse("surveys:reply-submit", kwargs={"pk": reply.pk})
    assert "Clear and submit" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.status == "submitted" and reply.revisions.count() == 1
    form = client.get(response["Location"]).content.decode()
    assert "This reply has been submitted" in form and "Amend the reply" in form
    assert "<textarea" not in form.split("Clarification")[0]


def test_an_expert_sees_that_the_focal_point_submits(client, reply, people):
    fill_required(reply, people["focal_point"])
    client.force_login(people["expert"])
    url = reverse("surveys:reply-submit", kwargs={"pk": reply.pk})
    html = client.get(url).content.decode()
    assert "A focal point of El Salvador clears and submits the reply" in html
    assert "Clear and submit</button>" not in html
    assert client.post(url).status_code == 403
    assert not reply.revisions.exists()


def test_the_secretariat_submits_on_the_respondents_behalf(client, reply, people):
    secretariat = people["secretariat"]
    fill_required(reply, secretariat)
    client.force_login(secretariat)
    url = reverse("surveys:reply-submit", kwargs={"pk": reply.pk})
    html = client.get(url).content.decode()
    assert "Submit on the respondent’s behalf" in html and "Received by note verbale" in html
    future = client.post(url, {"channel": "email", "received_on": "2999-01-01"})
    assert future.status_code == 400 and not reply.revisions.exists()
    response = client.post(url, {"channel": "note_verbale", "received_on": "2007-12-20"})
    assert response.status_code == 302
    revision = reply.revisions.get()
    assert revision.on_behalf and revision.channel == "note_verbale"
    assert revision.received_on == datetime.date(2007, 12, 20)


def test_a_focal_point_amends_a_submitted_reply(client, reply, people):
    focal = people["focal_point"]
    fill_required(reply, focal)
    replies.submit_reply(reply=reply, user=focal)
    client.force_login(people["expert"])
    assert client.post(reverse("surveys:reply-amend", kwargs={"pk": reply.pk})).status_code == 403
    client.force_login(focal)
    response = client.post(reverse("surveys:reply-amend", kwargs={"pk": reply.pk}))
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.status == "reopened"
    html = client.get(response["Location"]).content.decode()
    assert "open for amendment" in html and "<textarea" in html


def test_amend_is_not_offered_once_the_questionnaire_is_closed(client, reply, people):
    focal = people["focal_point"]
    fill_required(reply, focal)
    replies.submit_reply(reply=reply, user=focal)
    reply.questionnaire.status = "closed"
    reply.questionnaire.save()
    client.force_login(focal)
    html = client.get(reverse("surveys:reply-form", kwargs={"pk": reply.pk})).content.decode()
    assert "Amend the reply" not in html
    client.post(reverse("surveys:reply-amend", kwargs={"pk": reply.pk}))
    reply.refresh_from_db()
    assert reply.status == "submitted"


# --- revisions, differences, printable copies ---------------------------------------------


def two_revisions(reply, focal):  # type: ignore[no-untyped-def]
    q = reply.questionnaire
    fill_required(reply, focal)
    replies.save_answer(
        reply=reply,
        question_id=question(q, "5").pk,
        user=focal,
        value={"2005": {"investigated": 10, "arrested": 2}},
        expected_version=0,
    )
    replies.submit_reply(reply=reply, user=focal)
    replies.reopen_reply(reply=reply, user=focal)
    answer = Answer.objects.get(reply=reply, question=question(q, "2"))
    replies.save_answer(
        reply=reply,
        question_id=question(q, "2").pk,
        user=focal,
        value="Trafficking is a serious offence under article 3 and article 4.",
        expected_version=answer.version,
    )
    table = Answer.objects.get(reply=reply, question=question(q, "5"))
    replies.save_answer(
        reply=reply,
        question_id=question(q, "5").pk,
        user=focal,
        value={"2005": {"investigated": 11, "arrested": 2}},
        expected_version=table.version,
    )
    replies.submit_reply(reply=reply, user=focal)


def test_revisions_are_listed_with_who_when_and_how(client, reply, people):
    two_revisions(reply, people["focal_point"])
    client.force_login(people["observer"])
    html = client.get(reverse("surveys:reply-revisions", kwargs={"pk": reply.pk})).content.decode()
    assert "Revision 1" in html and "Revision 2" in html
    assert str(people["focal_point"]) in html and "Filed in the portal" in html


def test_differences_between_revisions_are_highlighted(client, reply, people):
    two_revisions(reply, people["focal_point"])
    client.force_login(people["focal_point"])
    url = reverse("surveys:revision-compare", kwargs={"pk": reply.pk})
    html = client.get(url, {"older": 1, "newer": 2}).content.decode()
    assert "2 questions changed" in html
    assert '<ins><span class="visually-hidden">[added: </span>a serious' in html
    assert '<del><span class="visually-hidden">was </span>10</del>' in html
    assert '<ins><span class="visually-hidden">now </span>11</ins>' in html
    assert "Question 1</li>" in html  # unchanged ones listed apart


def test_text_diff_marks_words():
    segments = workspace.text_diff("one two three", "one 2 three four")
    assert segments == [
        ("equal", "one "),
        ("delete", "two"),
        ("insert", "2"),
        ("equal", " three"),
        ("insert", " four"),
    ]


def test_printable_copy_and_pdf(client, reply, people):
    focal = people["focal_point"]
    fill_required(reply, focal)
    attach(reply, focal)
    replies.submit_reply(reply=reply, user=focal)
    client.force_login(focal)
    html = client.get(
        reverse("surveys:revision-print", kwargs={"pk": reply.pk, "number": 1})
    ).content.decode()
    assert "Trafficking is an offence under article 3." in html
    assert "law.pdf" in html and "Download as PDF" in html
    response = client.get(reverse("surveys:revision-pdf", kwargs={"pk": reply.pk, "number": 1}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="reply-SLV-')
    assert response.content.startswith(b"%PDF")


def test_an_unknown_revision_is_404(client, reply, people):
    client.force_login(people["focal_point"])
    url = reverse("surveys:revision-detail", kwargs={"pk": reply.pk, "number": 7})
    assert client.get(url).status_code == 404


# --- clarifications -----------------------------------------------------------------------


def test_the_focal_point_sees_the_secretariats_question_and_replies(client, reply, people):
    q2 = question(reply.questionnaire, "2")
    fill_required(reply, people["focal_point"])
    replies.post_clarification(
        reply=reply, question_id=q2.pk, user=people["secretariat"], text="Which article?"
    )
    client.force_login(people["focal_point"])
    html = client.get(reverse("surveys:reply-form", kwargs={"pk": reply.pk})).content.decode()
    block = html.split(f'id="q-{q2.pk}"')[1].split("</article>")[0]
    assert "Which article?" in block and "Your reply to the secretariat" in block
    response = client.post(
        reverse("surveys:clarification-post", kwargs={"pk": reply.pk}),
        {"question": q2.pk, "text": "Article 3."},
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#q-{q2.pk}")
    assert reply.clarifications.filter(author=people["focal_point"], text="Article 3.").exists()


def test_an_observer_reads_clarifications_but_cannot_post(client, reply, people):
    q2 = question(reply.questionnaire, "2")
    replies.post_clarification(
        reply=reply, question_id=q2.pk, user=people["secretariat"], text="Which article?"
    )
    client.force_login(people["observer"])
    html = client.get(reverse("surveys:reply-form", kwargs={"pk": reply.pk})).content.decode()
    assert "Which article?" in html and "Your reply to the secretariat" not in html
    response = client.post(
        reverse("surveys:clarification-post", kwargs={"pk": reply.pk}),
        {"question": q2.pk, "text": "Me too"},
    )
    assert response.status_code == 403


def test_a_save_sent_twice_is_no_conflict(client, reply, people):
    """The answer to the first request was lost: the form sends it again on the old version."""
    client.force_login(people["focal_point"])
    q2 = question(reply.questionnaire, "2")
    first = save(client, reply, q2, version=0, value="Same words ")
    again = save(client, reply, q2, version=0, value="Same words ")
    assert first.status_code == again.status_code == 200
    assert again.json()["version"] == 1
    different = save(client, reply, q2, version=0, value="Other words")
    assert different.status_code == 409


def test_a_repeated_save_by_someone_else_is_still_a_conflict(client, reply, people):
    q2 = question(reply.questionnaire, "2")
    replies.save_answer(
        reply=reply, question_id=q2.pk, user=people["expert"], value="Same", expected_version=0
    )
    client.force_login(people["focal_point"])
    assert save(client, reply, q2, version=0, value="Same").status_code == 409


def test_a_refused_page_action_answers_403_with_the_policys_words_and_changes_nothing(
    client, reply, people
):
    """The services refuse (portal.policy); the pages answer once, in the middleware."""
    focal = people["focal_point"]
    fill_required(reply, focal)
    client.force_login(people["expert"])
    submitted = client.post(reverse("surveys:reply-submit", kwargs={"pk": reply.pk}))
    assert submitted.status_code == 403
    assert "Only a focal point of this delegation" in submitted.content.decode()
    client.force_login(people["observer"])
    question = reply.questionnaire.sections.first().questions.first()
    asked = client.post(
        reverse("surveys:clarification-post", kwargs={"pk": reply.pk}),
        {"question": question.pk, "text": "Why?"},
    )
    assert asked.status_code == 403
    assert "take part in clarifications" in asked.content.decode()
    reply.refresh_from_db()
    assert reply.status != "submitted" and not reply.clarifications.exists()
