"""Who may download which file, by every route that serves one: the workspace download, the
review download, the API, the lists of files and the export ZIP. All of them answer from
``selectors.attachments_downloadable``; these tests hold each route to it, role by role.

El Salvador's delegation (focal point, expert, observer) has four replies, one per
questionnaire, each leaving a file in a state reviewers must not reach, next to files they may:

- restricted: submitted with a file, then marked not for publication by the secretariat;
- amended: submitted with a file, amended (that file removed, another attached), resubmitted;
- never submitted: a file in a draft never sent;
- reopened: submitted with a file, reopened, that file removed and another attached in the
  amendment, not yet resubmitted (reviewers still read the submission, file included).
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from surveys.models import Answer, Attachment, ExportJob, Reply, Respondent
from surveys.replies import services as replies
from tests.factories import (
    MembershipFactory,
    ReviewerFactory,
    SecretariatFactory,
    build_questionnaire,
    question,
)
from tests.surveys.review.support import pdf_with_text, save

pytestmark = pytest.mark.django_db

ROLES = [
    "secretariat",
    "focal_point",
    "expert",
    "observer",
    "other_state",
    "reviewer",
    "anonymous",
]
MEMBERS = {"focal_point", "expert", "observer"}

# file → may a reviewer download it?
FILES = {
    "published": True,  # the amended reply's file in its last revision
    "restricted_after_submission": False,
    "removed_by_amendment": False,
    "never_submitted": False,
    "in_reopened_draft": False,
    "removed_in_reopened_draft": True,  # still in the last submitted revision
}


def _attach(reply: Reply, user: Any, name: str) -> Attachment:
    return replies.attach_file(
        reply=reply,
        question_id=question(reply.questionnaire, "6").pk,
        user=user,
        upload=SimpleUploadedFile(f"{name}.pdf", pdf_with_text(name)),
    )


def _fill(reply: Reply, focal: Any) -> None:
    save(reply, focal, "1", "yes")
    save(reply, focal, "1 (a)", "2004")
    save(reply, focal, "2", "Trafficking is an offence under article 3 of the Penal Code.")


@pytest.fixture
def people() -> dict[str, Any]:
    salvador, estonia = Respondent.objects.get(code="SLV"), Respondent.objects.get(code="EST")
    return {
        "secretariat": SecretariatFactory(),
        "focal_point": MembershipFactory(respondent=salvador, role="focal_point").user,
        "expert": MembershipFactory(respondent=salvador, role="expert").user,
        "observer": MembershipFactory(respondent=salvador, role="observer").user,
        "other_state": MembershipFactory(respondent=estonia, role="focal_point").user,
        "reviewer": ReviewerFactory(),
        "anonymous": None,
    }


@pytest.fixture
def files(people: dict[str, Any]) -> dict[str, Attachment]:
    salvador, estonia = Respondent.objects.get(code="SLV"), Respondent.objects.get(code="EST")
    focal, secretariat = people["focal_point"], people["secretariat"]

    def new_reply(title: str) -> Reply:
        q = build_questionnaire(by=secretariat, dispatch_to=[salvador, estonia], title=title)
        reply = Reply.objects.get(questionnaire=q, respondent=salvador)
        _fill(reply, focal)
        return reply

    found: dict[str, Attachment] = {}

    restricted = new_reply("Restricted after submission")
    found["restricted_after_submission"] = _attach(restricted, focal, "restricted-annex")
    replies.submit_reply(reply=restricted, user=focal)
    answer = Answer.objects.get(reply=restricted, question=question(restricted.questionnaire, "6"))
    replies.set_restricted(answer=answer, user=secretariat, restricted=True)

    amended = new_reply("Amended")
    found["removed_by_amendment"] = _attach(amended, focal, "withdrawn-annex")
    replies.submit_reply(reply=amended, user=focal)
    replies.reopen_reply(reply=amended, user=focal)
    replies.remove_attachment(attachment=found["removed_by_amendment"], user=focal)
    found["published"] = _attach(amended, focal, "published-annex")
    replies.submit_reply(reply=amended, user=focal)

    never = new_reply("Never submitted")
    found["never_submitted"] = _attach(never, focal, "unsent-annex")

    reopened = new_reply("Reopened")
    found["removed_in_reopened_draft"] = _attach(reopened, focal, "submitted-annex")
    replies.submit_reply(reply=reopened, user=focal)
    replies.reopen_reply(reply=reopened, user=focal)
    replies.remove_attachment(attachment=found["removed_in_reopened_draft"], user=focal)
    found["in_reopened_draft"] = _attach(reopened, focal, "draft-annex")
    return found


def _client(client: Any, people: dict[str, Any], role: str) -> Any:
    if people[role] is not None:
        client.force_login(people[role])
    return client


def _served(response: Any, attachment: Attachment) -> bool:
    """The file itself, as a download that no browser renders or caches."""
    body = b"".join(response.streaming_content)
    return (
        body == pdf_with_text(attachment.original_name.removesuffix(".pdf"))
        and response["Content-Disposition"].startswith("attachment;")
        and response["X-Content-Type-Options"] == "nosniff"
        and "sandbox" in response["Content-Security-Policy"]
        and "no-store" in response.get("Cache-Control", "")
    )


def _check(role: str, url_of: Any, client: Any, files: dict[str, Attachment], expected: Any):  # type: ignore[no-untyped-def]
    """Every file against what ``expected(role, file)`` says; all differences at once."""
    wrong = {}
    for name, attachment in files.items():
        response = client.get(url_of(attachment))
        want = expected(role, name)
        if response.status_code != want:
            wrong[name] = f"{response.status_code}, expected {want}"
        elif want == 200 and not _served(response, attachment):
            wrong[name] = "200, but not the file as a download never rendered nor cached"
    assert wrong == {}, role


def _reader_expects(role: str, name: str) -> int:
    """The rule, seen by someone who reached the route: the secretariat and the delegation get
    every file of the delegation's replies, a reviewer only published ones, others none."""
    if role == "secretariat" or role in MEMBERS:
        return 200
    if role == "reviewer" and FILES[name]:
        return 200
    return 404


# --- the workspace download: /attachments/<id>/ ---------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_workspace_download_serves_each_file_only_to_whom_the_rule_allows(
    client, people, files, role
):
    def expected(role: str, name: str) -> int:
        return 302 if role == "anonymous" else _reader_expects(role, name)

    _check(
        role,
        lambda a: reverse("surveys:attachment-download", kwargs={"pk": a.pk}),
        _client(client, people, role),
        files,
        expected,
    )


def test_another_state_cannot_tell_a_file_from_no_file(client, people, files):
    client.force_login(people["other_state"])
    missing = Attachment.objects.order_by("-pk").first().pk + 1
    for url in (
        reverse("surveys:attachment-download", kwargs={"pk": missing}),
        reverse("surveys:attachment-download", kwargs={"pk": files["published"].pk}),
        f"/api/v1/replies/{files['published'].reply_id}/attachments/{missing}/download/",
        f"/api/v1/replies/{files['published'].reply_id}/attachments/"
        f"{files['published'].pk}/download/",
    ):
        assert client.get(url).status_code == 404, url


# --- the review download: review/replies/<reply>/attachments/<id>/ -----------------------------


@pytest.mark.parametrize("role", ROLES)
def test_review_download_serves_each_file_only_to_whom_the_rule_allows(client, people, files, role):
    def expected(role: str, name: str) -> int:
        if role == "anonymous":
            return 302
        if role in MEMBERS or role == "other_state":
            return 403  # the review area is closed to delegations, whatever the id
        if name == "never_submitted":
            return 404  # the review area holds submitted replies only
        return _reader_expects(role, name)

    _check(
        role,
        lambda a: reverse("surveys:review-attachment", args=[a.reply_id, a.pk]),
        _client(client, people, role),
        files,
        expected,
    )


def test_review_download_of_a_file_under_another_reply_is_404(client, people, files):
    client.force_login(people["secretariat"])
    published, other = files["published"], files["restricted_after_submission"]
    url = reverse("surveys:review-attachment", args=[other.reply_id, published.pk])
    assert client.get(url).status_code == 404


# --- the API: /api/v1/replies/<reply>/attachments/<id>/download/ -------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_api_download_serves_each_file_only_to_whom_the_rule_allows(client, people, files, role):
    def expected(role: str, name: str) -> int:
        if role == "anonymous":
            return 403  # no credentials (session authentication answers 403, not 401)
        return _reader_expects(role, name)

    _check(
        role,
        lambda a: f"/api/v1/replies/{a.reply_id}/attachments/{a.pk}/download/",
        _client(client, people, role),
        files,
        expected,
    )


# --- lists of files ------------------------------------------------------------------------


def test_a_reviewer_lists_only_published_files_through_the_api(client, people, files):
    client.force_login(people["reviewer"])
    listed = set()
    for attachment in files.values():
        response = client.get(f"/api/v1/replies/{attachment.reply_id}/attachments/")
        if response.status_code == 200:
            listed |= {item["original_name"] for item in response.json()}
    assert listed == {
        files["published"].original_name,
        files["removed_in_reopened_draft"].original_name,
    }


def test_the_delegation_lists_the_files_of_its_current_drafts_through_the_api(
    client, people, files
):
    client.force_login(people["observer"])
    listed = set()
    for attachment in files.values():
        response = client.get(f"/api/v1/replies/{attachment.reply_id}/attachments/")
        assert response.status_code == 200
        listed |= {item["original_name"] for item in response.json()}
    removed = {files["removed_by_amendment"], files["removed_in_reopened_draft"]}
    assert listed == {a.original_name for a in files.values() if a not in removed}


@pytest.mark.parametrize("role", ["reviewer", "secretariat"])
def test_the_review_page_links_only_published_files(client, people, files, role):
    client.force_login(people[role])
    shown = ""
    for attachment in files.values():
        response = client.get(reverse("surveys:review-reply", args=[attachment.reply_id]))
        if response.status_code == 200:
            shown += response.content.decode()
    linked = {
        name
        for name, attachment in files.items()
        if reverse("surveys:review-attachment", args=[attachment.reply_id, attachment.pk]) in shown
    }
    assert linked == {"published", "removed_in_reopened_draft"}


# --- the export ZIP ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["reviewer", "secretariat"])
def test_the_export_zip_holds_only_published_files(
    client, people, files, role, django_capture_on_commit_callbacks
):
    client.force_login(people[role])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("surveys:review-export-start"), {"format": "zip"})
    job = ExportJob.objects.get()
    assert job.status == "succeeded", job.error
    response = client.get(reverse("surveys:review-export-download", args=[job.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = [name for name in archive.namelist() if name != "manifest.csv"]
    assert sorted(name.rsplit(" - ", 1)[1] for name in names) == sorted(
        files[name].original_name for name in ("published", "removed_in_reopened_draft")
    )
