"""Reviewers never see drafts or restricted answers: not on a page, not in a search result, not
in an export. Each hidden text carries a word found nowhere else; the test looks for it in
everything a reviewer can open."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from surveys.models import ExportJob, Reply, Respondent
from surveys.replies import services as replies
from tests.factories import (
    ReviewerFactory,
    SecretariatFactory,
    build_questionnaire,
    question,
    save_answer,
)
from tests.surveys.review.support import (
    DRAFT_WORD,
    PUBLISHED_WORD,
    RESTRICTED_WORD,
    file_reply,
    pdf_with_text,
    reopen_with_draft,
    restrict,
)

pytestmark = pytest.mark.django_db

HIDDEN = (RESTRICTED_WORD.lower(), DRAFT_WORD.lower())


@pytest.fixture
def setting(django_capture_on_commit_callbacks):
    """El Salvador: a restricted text answer and a restricted file. Estonia: submitted, then
    reopened with a draft answer and a draft file. The Niger: a draft never submitted."""
    capture = django_capture_on_commit_callbacks
    q = build_questionnaire(
        dispatch_to=list(Respondent.objects.filter(code__in=["SLV", "EST", "NER"]))
    )
    salvador = Reply.objects.get(questionnaire=q, respondent__code="SLV")
    estonia = Reply.objects.get(questionnaire=q, respondent__code="EST")
    niger = Reply.objects.get(questionnaire=q, respondent__code="NER")
    file_reply(
        salvador,
        text=f"{RESTRICTED_WORD} informants are protected.",
        capture=capture,
        table={"2005": {"investigated": 777001}},
        attachment=(f"{RESTRICTED_WORD}.pdf", pdf_with_text(f"{RESTRICTED_WORD} annex")),
    )
    restrict(salvador, "2", capture)
    restrict(salvador, "6", capture)
    restrict(salvador, "5", capture)
    focal = file_reply(estonia, text=f"{PUBLISHED_WORD} of shelters.", capture=capture)
    with capture(execute=True):
        reopen_with_draft(estonia, focal, f"{DRAFT_WORD} amendment in progress.")
        replies.attach_file(
            reply=estonia,
            question_id=question(q, "6").pk,
            user=focal,
            upload=SimpleUploadedFile(f"{DRAFT_WORD}.pdf", pdf_with_text(f"{DRAFT_WORD} text")),
        )
    niger_focal = SecretariatFactory()
    save_answer(niger, niger_focal, "2", f"{DRAFT_WORD} never sent.")
    return {"questionnaire": q, "SLV": salvador, "EST": estonia, "NER": niger}


def assert_hidden(content: bytes | str, where: str) -> None:
    text = (content.decode("utf-8", "replace") if isinstance(content, bytes) else content).lower()
    for word in HIDDEN:
        assert word not in text, f"{word} shown in {where}"
    assert "777001" not in text, f"restricted figure shown in {where}"


@pytest.mark.parametrize("factory", [ReviewerFactory, SecretariatFactory])
def test_no_page_shows_a_draft_or_a_restricted_answer(
    client, setting, factory, django_capture_on_commit_callbacks
):
    client.force_login(factory())
    q = setting["questionnaire"]
    urls = [
        reverse("surveys:reply-browse"),
        reverse("surveys:reply-browse") + f"?questionnaire={q.pk}&sort=-received",
        reverse("surveys:review-questionnaires"),
        reverse("surveys:review-compare") + f"?questionnaire={q.pk}",
        reverse("surveys:review-tables") + f"?questionnaire={q.pk}",
        reverse("surveys:review-counts") + f"?questionnaire={q.pk}",
        reverse("surveys:review-dashboard", args=[q.pk]),
        reverse("surveys:review-history") + f"?respondent={setting['SLV'].respondent_id}",
        reverse("surveys:review-history") + f"?respondent={setting['EST'].respondent_id}",
        reverse("surveys:review-exports"),
    ]
    for section in q.sections.all():
        urls.append(
            reverse("surveys:review-compare") + f"?questionnaire={q.pk}&section={section.pk}"
        )
        urls.extend(
            reverse(page) + f"?questionnaire={q.pk}&question={item.pk}"
            for item in section.questions.all()
            for page in ("surveys:review-compare", "surveys:review-series")
        )
    for code in ("SLV", "EST"):
        urls.append(reverse("surveys:review-reply", args=[setting[code].pk]))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_hidden(response.content, url)
    published = client.get(reverse("surveys:review-reply", args=[setting["EST"].pk]))
    assert PUBLISHED_WORD in published.content.decode()
    assert client.get(reverse("surveys:review-reply", args=[setting["NER"].pk])).status_code == 404
    never_submitted = f"?questionnaire={q.pk}&respondent={setting['NER'].respondent_id}"
    assert client.get(reverse("surveys:review-series") + never_submitted).status_code == 404


@pytest.mark.parametrize("factory", [ReviewerFactory, SecretariatFactory])
def test_no_search_finds_a_draft_or_a_restricted_answer(client, setting, factory):
    client.force_login(factory())
    for word in (RESTRICTED_WORD, DRAFT_WORD, "informants", "amendment"):
        query = word.lower()  # the page repeats the query: search in lower case, strip that echo
        response = client.get(reverse("surveys:review-search"), {"q": query})
        assert response.context["hits"] == [], word
        assert_hidden(response.content.decode().replace(query, ""), f"search {word}")
    found = client.get(reverse("surveys:review-search"), {"q": PUBLISHED_WORD})
    assert len(found.context["hits"]) == 1


def test_no_attachment_of_a_draft_or_restricted_answer_downloads(client, setting):
    client.force_login(ReviewerFactory())
    for code in ("SLV", "EST"):
        for attachment in setting[code].attachments.all():
            url = reverse("surveys:review-attachment", args=[setting[code].pk, attachment.pk])
            assert client.get(url).status_code == 404, attachment.original_name


@pytest.mark.parametrize("export_format", ["csv", "csv_wide", "xlsx", "json", "zip"])
def test_no_export_holds_a_draft_or_a_restricted_answer(
    client, setting, export_format, django_capture_on_commit_callbacks
):
    client.force_login(ReviewerFactory())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("surveys:review-export-start"), {"format": export_format})
    job = ExportJob.objects.get()
    assert job.status == "succeeded", job.error
    response = client.get(reverse("surveys:review-export-download", args=[job.pk]))
    data = b"".join(response.streaming_content)
    if export_format in ("xlsx", "zip"):
        archive = zipfile.ZipFile(io.BytesIO(data))
        for name in archive.namelist():
            assert_hidden(name, f"{export_format} member name")
            assert_hidden(archive.read(name), f"{export_format} {name}")
    else:
        assert_hidden(data, export_format)
    if export_format != "zip":
        assert PUBLISHED_WORD.encode() in (
            data
            if export_format != "xlsx"
            else b"".join(
                zipfile.ZipFile(io.BytesIO(data)).read(n)
                for n in zipfile.ZipFile(io.BytesIO(data)).namelist()
            )
        )
