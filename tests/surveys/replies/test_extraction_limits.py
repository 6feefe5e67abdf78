"""Text extraction of attachments within bounds: archives refused from their ZIP directory
before anything is unpacked, PDFs by page count, text cut at a size, the parser run in a child
process with a memory ceiling and a deadline, the reason kept on the attachment, and the upload
only queueing the work."""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.celery import app as celery_app
from surveys.models import Attachment, Reply, Respondent
from surveys.replies import extraction
from surveys.review import tasks as tasks_review
from tests.factories import MembershipFactory, build_questionnaire, question
from tests.surveys.review.support import docx_with_text, pdf_with_text

MB = 1024 * 1024


def docx_bomb(path: Path, members: dict[str, int]) -> bytes:
    """A DOCX written to ``path`` whose parts named in ``members`` unpack to that many blanks
    each (a zip bomb); the other parts are those of a genuine document."""
    genuine = zipfile.ZipFile(io.BytesIO(docx_with_text("Cover page")))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in genuine.infolist():
            if item.filename not in members:
                bomb.writestr(item, genuine.read(item))
        for name, size in members.items():
            with bomb.open(name, "w") as handle:
                handle.write(b'<?xml version="1.0"?><w:document xmlns:w="urn:w"><w:body>')
                for start in range(0, size, MB):
                    handle.write(b" " * min(MB, size - start))
                handle.write(b"</w:body></w:document>")
    return path.read_bytes()


def record_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """From now on, record every archive member opened and every parser started: the checks
    must refuse a bomb from the ZIP directory alone, before either happens."""
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def recording_open(self, name, *args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(getattr(name, "filename", name))
        return real_open(self, name, *args, **kwargs)

    def parser(data: bytes, limits: extraction.Limits):  # type: ignore[no-untyped-def]
        opened.append("parser")
        yield ""

    monkeypatch.setattr(zipfile.ZipFile, "open", recording_open)
    monkeypatch.setitem(extraction.READERS, extraction.DOCX, parser)
    return opened


def test_a_small_docx_that_unpacks_to_20_mb_is_refused_by_its_compression_ratio_unread(
    tmp_path, monkeypatch
):
    data = docx_bomb(tmp_path / "annex.docx", {"word/document.xml": 20 * MB})
    nothing_unpacked = record_reads(monkeypatch)
    assert len(data) < 100 * 1024  # the 62 kB file of the incident, give or take

    result = extraction.read_text(data, extraction.DOCX, extraction.Limits.from_settings())

    assert result.status == extraction.FAILED and result.text == ""
    assert "word/document.xml is compressed" in result.problem
    assert "more than the limit of 100 to 1" in result.problem
    assert nothing_unpacked == []


def test_a_docx_of_many_parts_that_unpack_beyond_the_total_limit_is_refused_unread(
    tmp_path, monkeypatch
):
    """Each part stays under the size where its ratio is checked; together they are too big."""
    parts = {f"word/media/part{i}.xml": MB - 4096 for i in range(8)}
    data = docx_bomb(tmp_path / "annex.docx", parts)
    nothing_unpacked = record_reads(monkeypatch)
    limits = extraction.Limits(max_unpacked_bytes=4 * MB)

    result = extraction.read_text(data, extraction.DOCX, limits)

    assert result.status == extraction.FAILED
    assert "unpacks to 8.8 MB, more than the limit of 4.0 MB" in result.problem
    assert nothing_unpacked == []


def test_a_genuine_docx_passes_the_checks_and_is_read():
    data = docx_with_text("Penal Code, article 4")
    result = extraction.read_text(data, extraction.DOCX, extraction.Limits())
    assert (result.text, result.status, result.problem) == (
        "Penal Code, article 4",
        "extracted",
        "",
    )


def pdf_of_pages(count: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_with_more_pages_than_the_limit_is_refused_with_the_count():
    result = extraction.read_text(
        pdf_of_pages(5), extraction.PDF, extraction.Limits(max_pdf_pages=3)
    )
    assert result.status == extraction.FAILED
    assert "it has 5 pages, more than the limit of 3" in result.problem


def test_plain_text_beyond_the_limit_is_cut_and_the_attachment_says_so():
    data = ("Article 1. " * 1000).encode()
    result = extraction.read_text(data, "text/plain", extraction.Limits(max_text_bytes=1000))
    assert result.status == extraction.EXTRACTED
    assert result.text.startswith("Article 1.") and len(result.text) <= 1000
    assert "Only the first 1,000 characters" in result.problem


# --- the child process ----------------------------------------------------------------------


def test_the_child_process_reads_a_document_and_returns_its_text():
    result = extraction.read_in_child(
        pdf_with_text("Tribunal of first instance"), extraction.PDF, extraction.Limits()
    )
    assert result.status == extraction.EXTRACTED
    assert "Tribunal of first instance" in result.text


def test_the_child_process_gets_none_of_the_workers_secrets(monkeypatch, settings):
    monkeypatch.setenv("SECRET_KEY", "worker-secret-never-in-the-child")
    monkeypatch.setenv("DATABASE_URL", "postgres://verbale:password@db/verbale")
    report = (
        "import json, os; print(json.dumps({'text': json.dumps(dict(os.environ)), "
        "'status': 'extracted', 'problem': ''}))"
    )
    monkeypatch.setattr(
        extraction, "_child_command", lambda content_type, limits: [sys.executable, "-c", report]
    )
    result = extraction.read_in_child(b"%PDF-1.4", extraction.PDF, extraction.Limits())
    environment = json.loads(result.text)
    assert "SECRET_KEY" not in environment and "DATABASE_URL" not in environment


def test_a_parser_that_needs_more_memory_than_the_ceiling_is_stopped_in_its_own_process(tmp_path):
    """The archive checks are opened wide so that the parser really meets the bomb: the memory
    ceiling of the child is what stops it, and this process goes on."""
    data = docx_bomb(tmp_path / "annex.docx", {"word/document.xml": 96 * MB})
    limits = extraction.Limits(
        max_unpacked_bytes=1024 * MB, max_compression_ratio=10**6, memory_bytes=200 * MB
    )

    result = extraction.read_in_child(data, extraction.DOCX, limits)

    assert result.status == extraction.FAILED and result.text == ""
    assert "needed more than 200.0 MB of memory" in result.problem


def test_a_reader_that_does_not_finish_is_killed_at_the_deadline(monkeypatch):
    started: list = []
    real_popen = extraction.subprocess.Popen

    def popen(*args, **kwargs):  # type: ignore[no-untyped-def]
        process = real_popen(*args, **kwargs)
        started.append(process)
        return process

    monkeypatch.setattr(extraction.subprocess, "Popen", popen)
    monkeypatch.setattr(
        extraction,
        "_child_command",
        lambda content_type, limits: [sys.executable, "-c", "import time; time.sleep(600)"],
    )

    result = extraction.read_in_child(b"%PDF-1.4", extraction.PDF, extraction.Limits(seconds=1))

    assert result.status == extraction.FAILED
    assert "took longer than 1 s" in result.problem
    assert started and started[0].poll() is not None  # the child is gone, not left running


# --- on the attachment, from the upload -------------------------------------------------------


@pytest.fixture
def draft(db):  # type: ignore[no-untyped-def]
    salvador = Respondent.objects.get(code="SLV")
    questionnaire = build_questionnaire(dispatch_to=[salvador])
    reply = Reply.objects.get(questionnaire=questionnaire, respondent=salvador)
    focal = MembershipFactory(respondent=salvador, role="focal_point").user
    return reply, focal


def upload(client, reply, name, content):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("surveys:attachment-upload", kwargs={"pk": reply.pk}),
        {
            "question": question(reply.questionnaire, "6").pk,
            "file": SimpleUploadedFile(name, content),
        },
        HTTP_X_VERBALE_PARTIAL="1",
    )


def test_an_uploaded_bomb_is_kept_and_marked_text_could_not_be_extracted_with_the_reason(
    client, draft, tmp_path, django_capture_on_commit_callbacks
):
    reply, focal = draft
    client.force_login(focal)
    bomb = docx_bomb(tmp_path / "annex.docx", {"word/document.xml": 20 * MB})
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, reply, "annex.docx", bomb)
    assert response.status_code == 200
    attachment = Attachment.objects.get(reply=reply)
    assert attachment.deleted_at is None and attachment.extracted_text == ""
    assert attachment.get_text_status_display() == "text could not be extracted"
    assert "compressed" in attachment.text_problem and "limit" in attachment.text_problem


def test_with_a_broker_the_upload_only_queues_the_extraction_after_commit(
    client, draft, monkeypatch, django_capture_on_commit_callbacks
):
    """The page answers without reading the file: the work is a message sent once the
    attachment row is committed (a worker would otherwise find no row)."""
    reply, focal = draft
    client.force_login(focal)
    celery_app.conf.task_always_eager = False  # put back by the _celery_mode fixture
    queued: list[int] = []
    monkeypatch.setattr(tasks_review.extract_attachment_text, "delay", queued.append)

    def no_reading(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the upload request read the document")

    monkeypatch.setattr(extraction, "read_in_child", no_reading)
    monkeypatch.setattr(extraction, "read_text", no_reading)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(client, reply, "law.pdf", pdf_with_text("Tribunal"))
        assert queued == []  # nothing sent before the commit
    assert response.status_code == 200
    for callback in callbacks:
        callback()
    attachment = Attachment.objects.get(reply=reply)
    assert queued == [attachment.pk]
    assert attachment.text_status == "pending" and attachment.extracted_text == ""


def test_a_task_stopped_by_its_soft_time_limit_marks_the_attachment(draft, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    reply, focal = draft
    attachment = Attachment.objects.create(
        reply=reply,
        question=question(reply.questionnaire, "6"),
        file="attachments/x",
        original_name="law.pdf",
        content_type=extraction.PDF,
        size=1,
        sha256="0" * 64,
        uploaded_by=focal,
    )

    def stopped(**kwargs):  # type: ignore[no-untyped-def]
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(extraction, "extract_attachment", stopped)
    assert tasks_review.extract_attachment_text(attachment.pk) == 0
    attachment.refresh_from_db()
    assert attachment.text_status == "failed"
    assert "took longer than" in attachment.text_problem
