"""What a curious or hostile user of Verbale might try, and what they get: someone else's reply
by id through the API, a file by its path under /media/, disguised and booby-trapped uploads,
markup in anything they type, a form posted from another site, guessing a password against the
API token endpoint.

Page-level permissions, the reviewer's search and exports, and disguised uploads through the
pages are tested in tests/surveys and tests/reports; these tests cover what those leave out.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from reports import rendering, services
from reports.models import AttributionSet, Build
from reports.selectors import report_snapshot
from surveys.models import Answer, Attachment, Reply, Respondent, RespondentName, Revision
from surveys.replies import extraction
from surveys.replies import services as replies
from tests.factories import (
    MembershipFactory,
    ReviewerFactory,
    SecretariatFactory,
    UserFactory,
    build_questionnaire,
    question,
)
from tests.portal.test_access import ALL_ROUTES
from tests.reports.factories import ReportFactory, file_reply
from tests.surveys.review.support import docx_with_text, pdf_with_text

pytestmark = pytest.mark.django_db

DRAFT_WORD = "Xylographic"
SCRIPT = "<script>alert('verbale')</script>"
IMG = '<img src=x onerror="alert(1)">'
LINK = "javascript:alert(document.cookie)"
PAYLOAD = f"{SCRIPT} {IMG} {LINK}"


@pytest.fixture
def setting(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """El Salvador: a draft with a file. Estonia: a submitted reply. People of both."""
    salvador, estonia = Respondent.objects.get(code="SLV"), Respondent.objects.get(code="EST")
    secretariat = SecretariatFactory()
    q = build_questionnaire(by=secretariat, dispatch_to=[salvador, estonia])
    focal = MembershipFactory(respondent=salvador, role="focal_point").user
    draft = Reply.objects.get(questionnaire=q, respondent=salvador)
    with django_capture_on_commit_callbacks(execute=True):
        replies.save_answer(
            reply=draft,
            question_id=question(q, "2").pk,
            user=focal,
            value=f"{DRAFT_WORD} draft text.",
            expected_version=0,
        )
        attachment = replies.attach_file(
            reply=draft,
            question_id=question(q, "6").pk,
            user=focal,
            upload=SimpleUploadedFile("law.pdf", pdf_with_text(f"{DRAFT_WORD} annex")),
        )
        submitted = Reply.objects.get(questionnaire=q, respondent=estonia)
        file_reply(submitted, secretariat, {"1": "no", "2": "Estonia filed this."})
    return {
        "questionnaire": q,
        "draft": draft,
        "submitted": submitted,
        "attachment": attachment,
        "secretariat": secretariat,
        "focal_point": focal,
        "other_state": MembershipFactory(respondent=estonia, role="focal_point").user,
        "reviewer": ReviewerFactory(),
    }


def api_as(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def state_of_the_database() -> dict[str, int]:
    """Rows per model: a refused request must leave every count as it was."""
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in ("surveys", "reports", "portal", "knox")
    }


# --- another respondent's reply, by id --------------------------------------------------------


@pytest.mark.parametrize("who", ["other_state", "reviewer"])
def test_a_draft_of_another_state_is_out_of_reach_by_id_through_the_api(setting, who):
    draft, attachment = setting["draft"], setting["attachment"]
    q2, q6 = question(setting["questionnaire"], "2"), question(setting["questionnaire"], "6")
    api = api_as(setting[who])
    base = f"/api/v1/replies/{draft.pk}"
    before = state_of_the_database()
    for method, url, payload in [
        ("get", f"{base}/", None),
        ("get", f"{base}/answers/", None),
        ("get", f"{base}/revisions/", None),
        ("get", f"{base}/attachments/", None),
        ("get", f"{base}/attachments/{attachment.pk}/download/", None),
        ("put", f"{base}/answers/{q2.pk}/", {"value": "Overwritten", "version": 1}),
        ("post", f"{base}/answers/{q2.pk}/restrict/", {"restricted": True}),
        ("post", f"{base}/submit/", {}),
        ("post", f"{base}/reopen/", {}),
        ("post", f"{base}/review/", {"review_state": "accepted"}),
        ("delete", f"{base}/attachments/{attachment.pk}/", None),
        ("post", f"{base}/attachments/", {"question": q6.pk}),
    ]:
        response = getattr(api, method)(url, payload, format="json")
        assert response.status_code == 404, (method, url, response.status_code)
        assert DRAFT_WORD.encode() not in response.content, url
    assert state_of_the_database() == before
    assert Answer.objects.get(reply=draft, question=q2).value == f"{DRAFT_WORD} draft text."
    listed = api.get("/api/v1/replies/", {"limit": 1000}).json()["results"]
    assert draft.pk not in {row["id"] for row in listed}


def test_another_states_attachment_is_out_of_reach_by_its_own_id(client, setting):
    """The workspace download takes an attachment id alone: it still checks whose it is."""
    client.force_login(setting["other_state"])
    url = reverse("surveys:attachment-download", args=[setting["attachment"].pk])
    assert client.get(url).status_code == 404
    assert client.post(
        reverse("surveys:attachment-remove", args=[setting["attachment"].pk])
    ).status_code in (403, 404)
    assert Attachment.objects.get(pk=setting["attachment"].pk).deleted_at is None


def test_builds_and_their_files_are_out_of_reach_of_everyone_but_the_secretariat(setting):
    report = ReportFactory()
    build = services.start_build(report=report, enqueue=False)
    for who in ("focal_point", "other_state", "reviewer"):
        api = api_as(setting[who])
        for url in (
            f"/api/v1/builds/{build.pk}/",
            f"/api/v1/builds/{build.pk}/pdf/",
            f"/api/v1/reports/{report.pk}/builds/",
        ):
            assert api.get(url).status_code == 403, (who, url)
        assert api.post(f"/api/v1/reports/{report.pk}/builds/", {}).status_code == 403
    assert Build.objects.count() == 1


# --- files under /media/ ----------------------------------------------------------------------


def test_stored_files_are_never_served_from_their_path_under_media(client, setting):
    """Files are served only by views that check who asks; /media/ answers nothing, even to the
    secretariat, even for the exact path a file is stored under."""
    stored = setting["attachment"].file.name
    assert (Path(django_settings.MEDIA_ROOT) / stored).exists()
    client.force_login(setting["secretariat"])
    media = "/" + django_settings.MEDIA_URL.strip("/")
    for path in (
        f"{media}/{stored}",
        f"{media}/{Path(stored).parent}/",
        f"{media}/",
        f"{media}/../{stored}",
        f"{media}/%2e%2e/{stored}",
        f"/static/../media/{stored}",
    ):
        response = client.get(path)
        assert response.status_code == 404, (path, response.status_code)
        assert response.get("Content-Type", "").startswith("text/html")
        assert b"%PDF" not in response.content


# --- uploads ----------------------------------------------------------------------------------

HTML_AS_PDF = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
EXE_AS_PDF = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 400


def upload(api: APIClient, reply: Reply, name: str, content: bytes):  # type: ignore[no-untyped-def]
    return api.post(
        f"/api/v1/replies/{reply.pk}/attachments/",
        {
            "question": question(reply.questionnaire, "6").pk,
            "file": SimpleUploadedFile(name, content),
        },
        format="multipart",
    )


def stored_files() -> list[Path]:
    root = Path(django_settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.parametrize(
    ("name", "content"),
    [("law.pdf", HTML_AS_PDF), ("law.pdf", EXE_AS_PDF), ("law.docx", EXE_AS_PDF)],
    ids=["html-as-pdf", "exe-as-pdf", "exe-as-docx"],
)
def test_a_disguised_upload_through_the_api_is_refused_and_nothing_is_stored(
    setting, name, content
):
    files, before = stored_files(), state_of_the_database()
    response = upload(api_as(setting["focal_point"]), setting["draft"], name, content)
    assert response.status_code == 400
    assert "not one of the accepted document types" in response.json()["detail"]
    assert stored_files() == files
    assert state_of_the_database() == before


def test_an_oversized_upload_through_the_api_is_refused_and_nothing_is_stored(setting, settings):
    settings.MAX_UPLOAD_BYTES = 1024
    files = stored_files()
    response = upload(
        api_as(setting["focal_point"]), setting["draft"], "law.pdf", pdf_with_text("x" * 2000)
    )
    assert response.status_code == 400
    assert "larger than" in response.json()["detail"]
    assert stored_files() == files


def docx_bomb(unpacked_bytes: int) -> bytes:
    """A genuine-looking DOCX whose document.xml unpacks to ``unpacked_bytes`` of blanks (a
    zip bomb): tiny on disk, huge in memory for a parser that reads it whole."""
    genuine = zipfile.ZipFile(io.BytesIO(docx_with_text("Cover page")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in genuine.infolist():
            if item.filename == "word/document.xml":
                with bomb.open("word/document.xml", "w") as handle:
                    handle.write(b'<?xml version="1.0"?><w:document xmlns:w="urn:w"><w:body>')
                    chunk = b" " * (1024 * 1024)
                    for _ in range(unpacked_bytes // len(chunk)):
                        handle.write(chunk)
                    handle.write(b"</w:body></w:document>")
            else:
                bomb.writestr(item, genuine.read(item))
    return out.getvalue()


def test_a_zip_bomb_disguised_as_a_docx_is_kept_but_never_unpacked(
    setting, settings, django_capture_on_commit_callbacks
):
    settings.EXTRACTION_MAX_UNPACKED_BYTES = 4 * 1024 * 1024
    bomb = docx_bomb(64 * 1024 * 1024)
    assert len(bomb) < 200 * 1024  # 64 MB of text in under 200 kB
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(api_as(setting["focal_point"]), setting["draft"], "annex.docx", bomb)
    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get(pk=response.json()["id"])
    assert attachment.content_type == extraction.DOCX
    assert attachment.extracted_text == ""
    assert attachment.text_status == "failed"
    assert "unpacks to 64.8 MB, more than the limit of 4.0 MB" in attachment.text_problem


def test_the_unpacked_size_limit_holds_at_its_real_value(settings):
    assert settings.EXTRACTION_MAX_UNPACKED_BYTES <= 200 * 1024 * 1024
    text = extraction.extract_text(docx_with_text("Penal Code, article 4"), extraction.DOCX)
    assert text == "Penal Code, article 4"


def malformed_docx() -> bytes:
    genuine = zipfile.ZipFile(io.BytesIO(docx_with_text("Cover page")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as broken:
        for item in genuine.infolist():
            data = genuine.read(item)
            if item.filename == "word/document.xml":
                data = data[: len(data) // 2]  # cut in the middle of the XML
            broken.writestr(item, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("annex.docx", malformed_docx()),
        ("annex.pdf", pdf_with_text("Truncated annex")[:200]),
        ("annex.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\n%%EOF"),
    ],
    ids=["cut-docx", "cut-pdf", "pdf-without-pages"],
)
def test_a_malformed_document_is_kept_with_no_text_and_no_error(
    setting, name, content, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(api_as(setting["focal_point"]), setting["draft"], name, content)
    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get(pk=response.json()["id"])
    assert attachment.deleted_at is None and attachment.extracted_text == ""
    download = api_as(setting["focal_point"]).get(
        f"/api/v1/replies/{setting['draft'].pk}/attachments/{attachment.pk}/download/"
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content


# --- markup in what people type ---------------------------------------------------------------


def assert_inert(html: str, where: str) -> None:
    """No tag of the payload survives as a tag, and no address runs script."""
    assert "<script>alert(" not in html, f"script tag live in {where}"
    assert not re.search(r"<img[^>]*onerror", html, re.I), f"onerror live in {where}"
    assert not re.search(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", html, re.I), where


@pytest.fixture
def hostile(setting, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """The payload in a respondent's name, a person's name, an answer, a clarification, a
    report paragraph, a footnote and a statement."""
    estonia = setting["submitted"].respondent
    RespondentName.objects.filter(respondent=estonia).update(
        list_name=f"Estonia {SCRIPT}", text_name=f"Estonia {IMG}", short_name=LINK
    )
    secretariat = setting["secretariat"]
    secretariat.full_name = IMG
    secretariat.save()
    reply = setting["submitted"]
    with django_capture_on_commit_callbacks(execute=True):
        replies.reopen_reply(reply=reply, user=secretariat)
        file_reply(reply, secretariat, {"2": PAYLOAD}, received_on=reply.received_on)
        replies.post_clarification(
            reply=reply,
            question_id=question(reply.questionnaire, "2").pk,
            user=secretariat,
            text=PAYLOAD,
        )
    report = ReportFactory(title=f"Report {SCRIPT}")
    report.questionnaires.add(setting["questionnaire"])
    section = services.add_section(report=report, title=f"Section {IMG}")
    services.add_paragraph(
        section=section, text=f"States said {PAYLOAD}.{{fn:hostile}}[^Note {SCRIPT}]"
    )
    services.create_attribution_set(
        report=report, key="hostile", statement=PAYLOAD, respondent_ids=[estonia.pk]
    )
    return {**setting, "report": report}


def test_markup_typed_anywhere_is_shown_as_text_on_every_page(client, hostile):
    reply, report = hostile["submitted"], hostile["report"]
    attribution_set = AttributionSet.objects.get(report=report)
    pages = {
        "secretariat": [
            reverse("surveys:secretariat-reply", args=[reply.questionnaire_id, reply.pk]),
            reverse("surveys:questionnaire-status", args=[reply.questionnaire_id]),
            reverse("surveys:respondent-list"),
            reverse("surveys:respondent-detail", args=[reply.respondent_id]),
            reverse("reports:report-list"),
            reverse("reports:report-edit", args=[report.pk]),
            reverse("reports:report-preview", args=[report.pk]),
            reverse("reports:coding", args=[report.pk]),
            reverse("reports:consistency", args=[report.pk]),
            reverse("reports:set-detail", args=[attribution_set.pk]),
            reverse("audit-trail"),
            reverse("surveys:reply-form", args=[reply.pk]),
            reverse("surveys:reply-revisions", args=[reply.pk]),
            reverse("surveys:revision-detail", args=[reply.pk, 2]),
            reverse("surveys:revision-compare", args=[reply.pk]) + "?a=1&b=2",
            reverse("surveys:revision-print", args=[reply.pk, 2]),
        ],
        "reviewer": [
            reverse("surveys:review-reply", args=[reply.pk]),
            reverse("surveys:reply-browse"),
            reverse("surveys:review-search") + "?q=alert",
            reverse("surveys:review-search") + "?q=" + SCRIPT,
            reverse("surveys:review-compare") + f"?questionnaire={reply.questionnaire_id}",
            reverse("surveys:review-history") + f"?respondent={reply.respondent_id}",
        ],
        "other_state": [reverse("home"), reverse("surveys:workspace")],
    }
    for who, urls in pages.items():
        client.force_login(hostile[who])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (who, url, response.status_code)
            html = response.content.decode()
            assert_inert(html, url)
    client.force_login(hostile["reviewer"])
    shown = client.get(reverse("surveys:review-reply", args=[reply.pk])).content.decode()
    assert "&lt;script&gt;alert(&#x27;verbale&#x27;)&lt;/script&gt;" in shown


def test_markup_typed_anywhere_is_inert_in_the_printed_report(hostile):
    html = rendering.render_print_html(report_snapshot(hostile["report"])).html
    assert_inert(html, "the PDF's HTML")
    assert "&lt;script&gt;" in html


def test_markup_in_api_answers_is_returned_as_typed_in_json(hostile):
    """The API hands text back as data (JSON), never as HTML: escaping is the page's job."""
    response = api_as(hostile["secretariat"]).get(
        f"/api/v1/replies/{hostile['submitted'].pk}/answers/"
    )
    assert response["Content-Type"] == "application/json"
    assert PAYLOAD in {answer["value"] for answer in response.json()}
    assert Revision.objects.filter(reply=hostile["submitted"]).count() == 2


# --- forms posted from another site -----------------------------------------------------------

# Answer a POST without a CSRF token with something other than 403, on purpose.
CSRF_FREE = {
    "health",  # answers GET only, changes nothing
}


@pytest.mark.parametrize(
    ("name", "url"),
    [(n, u) for n, u in ALL_ROUTES if n not in CSRF_FREE and not u.startswith("/static/")],
    ids=[n or u for n, u in ALL_ROUTES if n not in CSRF_FREE and not u.startswith("/static/")],
)
def test_every_post_without_a_csrf_token_is_refused_and_changes_nothing(name, url):
    """A signed-in secretariat user's browser, made to post by another site: every address
    refuses (403) before any view runs, pages and API (session) alike."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(SecretariatFactory())
    before = state_of_the_database()
    response = client.post(url, {"title": "Forged", "text": "Forged", "value": "Forged"})
    assert response.status_code == 403, (name, url, response.status_code)
    assert state_of_the_database() == before


def test_a_post_with_the_token_from_the_page_is_accepted(setting):
    """The other side of the CSRF test: the same client with the page's token gets through."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(setting["secretariat"])
    page = client.get(reverse("surveys:questionnaire-create"))
    token = page.cookies[django_settings.CSRF_COOKIE_NAME].value
    response = client.post(
        reverse("surveys:questionnaire-create"),
        {
            "title": "Smuggling of migrants",
            "deadline": "2009-01-01",
            "cutoff": "2009-02-01",
            "languages": "en",
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302


# --- guessing passwords -----------------------------------------------------------------------


def test_guessing_a_password_at_the_api_token_endpoint_locks_the_account_and_is_logged(settings):
    UserFactory(email="fp@verbale.test")
    api = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = api.post(
            "/api/v1/auth/token/", {"username": "fp@verbale.test", "password": "wrong"}
        )
        assert response.status_code == 400
    right = api.post(
        "/api/v1/auth/token/", {"username": "fp@verbale.test", "password": "correct-horse-battery"}
    )
    assert right.status_code == 429, right.content
    assert "Too many failed sign-in attempts" in right.json()["detail"]
    assert not AuthToken.objects.exists()
    assert AccessAttempt.objects.filter(username="fp@verbale.test").exists()


def test_a_lockout_at_the_api_also_locks_the_sign_in_page(client, settings):
    UserFactory(email="fp@verbale.test")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        APIClient().post("/api/v1/auth/token/", {"username": "fp@verbale.test", "password": "x"})
    response = client.post(
        "/accounts/login/", {"username": "fp@verbale.test", "password": "correct-horse-battery"}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
