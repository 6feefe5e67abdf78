"""Builds: snapshot, PDF and DOCX, reuse, failures, the dropped-footnote check, the watchdog."""

from __future__ import annotations

import datetime
import io
import subprocess
import zipfile
from datetime import timedelta

import docx as python_docx
import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from reports import selectors, services
from reports.models import Build
from tests.reports.factories import first_paragraph, report_with_replies

pytestmark = pytest.mark.django_db


def _pdf_text(build: Build) -> str:
    path = default_storage.path(build.pdf.name)
    return subprocess.run(
        ["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True
    ).stdout


def _build(report, django_capture_on_commit_callbacks) -> Build:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        build = services.start_build(report=report)
    build.refresh_from_db()
    return build


def test_a_build_prints_masthead_contents_paragraphs_and_footnotes(
    django_capture_on_commit_callbacks,
):
    build = _build(report_with_replies(), django_capture_on_commit_callbacks)
    assert build.status == Build.Status.SUCCEEDED, build.error
    text = _pdf_text(build)
    pages = text.split("\f")
    first = pages[0]
    assert "United Nations" in first and "E/CN.15/2008/" in first
    assert "Economic and Social Council" in first
    assert "Distr.: General" in first and "29 January 2008" in first
    assert "Original: English" in first
    assert "Item 4 (a) of the provisional agenda*" in first
    assert "* E/CN.15/2008/1." in " ".join(first.split())
    assert "Report of the Secretary-General" in first
    assert "V.08-50669 (E)" in first
    # Contents: ranges with an en dash and the page each section starts on.
    lines = [" ".join(line.split()) for line in first.splitlines()]
    assert "Paragraphs Page" in lines
    assert any(line.startswith("I. Introduction") and line.endswith("1–2 2") for line in lines)
    assert any(
        line.startswith("II. Results of the survey") and line.endswith("3–5 2") for line in lines
    )
    assert any(line.startswith("A. Legal provisions") and line.endswith("4–5 2") for line in lines)
    body = " ".join(" ".join(page.split()) for page in pages[1:])
    assert "1. The Council asked for this report." in body
    assert (
        "2. Replies were received from four States: Belarus, the Czech Republic, the Niger and "
        "the United Kingdom of Great Britain and Northern Ireland." in body
    )
    assert "4. Some States had ratified the Protocol.1" in body
    assert "5. Units existed in the Niger and the United Kingdom.2" in body
    assert "1 Belarus and Czech Republic." in body
    assert "2 As reported by the Niger and the United Kingdom again." in body
    assert "Latecomia" not in body  # replied after the cut-off
    assert "E/CN.15/2008/" in pages[1]  # running header on later pages
    assert build.page_count == len([p for p in pages if p.strip()])
    assert build.pdf_size == default_storage.size(build.pdf.name)
    assert len(build.pdf_sha256) == 64
    assert build.duration is not None and build.attempts == 1


def test_the_pdf_has_metadata_and_bookmarks_for_sections():
    from pypdf import PdfReader

    report = report_with_replies()
    services.start_build(report=report, enqueue=False)
    build = services.run_build(build_id=Build.objects.get().pk)
    reader = PdfReader(default_storage.path(build.pdf.name))
    assert reader.metadata.title == report.title
    assert reader.metadata.author == "United Nations"
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "I. Introduction" in titles and "Contents" in titles


def test_letter_size_reports_print_on_letter_paper(django_capture_on_commit_callbacks):
    from pypdf import PdfReader

    build = _build(report_with_replies(page_size="Letter"), django_capture_on_commit_callbacks)
    box = PdfReader(default_storage.path(build.pdf.name)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_the_word_version_has_real_footnotes(django_capture_on_commit_callbacks):
    build = _build(report_with_replies(), django_capture_on_commit_callbacks)
    data = default_storage.open(build.docx.name).read()
    footnotes = zipfile.ZipFile(io.BytesIO(data)).read("word/footnotes.xml").decode()
    assert "Belarus and Czech Republic." in footnotes
    assert "As reported by" in footnotes
    document = python_docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    assert any(t.startswith("4.") and "ratified the Protocol." in t for t in texts)


def test_an_unchanged_report_reuses_the_last_good_pdf(django_capture_on_commit_callbacks):
    report = report_with_replies()
    first = _build(report, django_capture_on_commit_callbacks)
    second = _build(report, django_capture_on_commit_callbacks)
    assert second.status == Build.Status.SUCCEEDED
    assert second.reused_from_id == first.pk
    assert second.pdf.name == first.pdf.name
    assert second.snapshot_sha256 == first.snapshot_sha256
    assert second.attempts == 0  # nothing was rendered


def test_a_changed_report_builds_again(django_capture_on_commit_callbacks):
    report = report_with_replies()
    first = _build(report, django_capture_on_commit_callbacks)
    paragraph = first_paragraph(report)
    services.save_paragraph(paragraph_id=paragraph.pk, text="New words.", version=1)
    second = _build(report, django_capture_on_commit_callbacks)
    assert second.reused_from_id is None
    assert second.snapshot_sha256 != first.snapshot_sha256
    assert second.pdf.name != first.pdf.name


def test_snapshot_ignores_edits_that_change_nothing_printed():
    report = report_with_replies()
    before = selectors.snapshot_sha256(selectors.report_snapshot(report))
    paragraph = first_paragraph(report)
    services.save_paragraph(paragraph_id=paragraph.pk, text=paragraph.text, version=1)
    assert selectors.snapshot_sha256(selectors.report_snapshot(report)) == before


def test_a_report_with_broken_markup_fails_with_the_reason_and_keeps_the_last_good_pdf(
    django_capture_on_commit_callbacks,
):
    report = report_with_replies()
    good = _build(report, django_capture_on_commit_callbacks)
    paragraph = first_paragraph(report)
    services.save_paragraph(paragraph_id=paragraph.pk, text="An *open emphasis", version=1)
    bad = _build(report, django_capture_on_commit_callbacks)
    assert bad.status == Build.Status.FAILED
    assert "Paragraph 1: Line 1, column 4: Emphasis opened here is never closed" in bad.error
    assert selectors.last_good_build(report) == good
    assert default_storage.exists(good.pdf.name)


def test_a_footnote_taller_than_a_page_fails_the_build(django_capture_on_commit_callbacks):
    report = report_with_replies()
    paragraph = first_paragraph(report)
    long_note = " ".join(["The footnote goes on and on with more detail."] * 600)
    services.save_paragraph(
        paragraph_id=paragraph.pk, text=f"Text with a long note.[^{long_note}]", version=1
    )
    build = _build(report, django_capture_on_commit_callbacks)
    assert build.status == Build.Status.FAILED
    assert "Footnote 1 is taller than the space left on page" in build.error
    assert not build.pdf


def test_running_a_finished_build_again_changes_nothing(django_capture_on_commit_callbacks):
    build = _build(report_with_replies(), django_capture_on_commit_callbacks)
    again = services.run_build(build_id=build.pk, task_id=build.celery_task_id)
    assert (again.status, again.attempts, again.pdf.name) == (
        Build.Status.SUCCEEDED,
        1,
        build.pdf.name,
    )


def test_a_message_of_a_superseded_attempt_is_ignored():
    build = services.start_build(report=report_with_replies(), enqueue=False)
    result = services.run_build(build_id=build.pk, task_id="an-older-task-id")
    assert (result.status, result.attempts) == (Build.Status.QUEUED, 0)


def _running(build: Build, *, silent_for: int, attempts: int = 1) -> Build:
    past = timezone.now() - timedelta(seconds=silent_for)
    Build.objects.filter(pk=build.pk).update(
        status=Build.Status.RUNNING, attempts=attempts, started_at=past, heartbeat_at=past
    )
    return build


def test_the_watchdog_requeues_a_build_whose_worker_went_silent(
    settings, django_capture_on_commit_callbacks
):
    settings.REPORTS_BUILD_HEARTBEAT_SECONDS = 10
    build = services.start_build(report=report_with_replies(), enqueue=False)
    _running(build, silent_for=300)
    old_task = build.celery_task_id
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.reap_stalled_builds() == {
            "requeued": [build.pk],
            "failed": [],
            "resent": [],
        }
    build.refresh_from_db()
    assert build.status == Build.Status.QUEUED and build.celery_task_id != old_task
    assert [note["text"] for note in build.notes] == [
        "Attempt 1 stopped: its worker was silent for 300 s. Queued again."
    ]
    assert len(callbacks) == 1  # the task is sent again once the transaction commits


def test_the_watchdog_fails_a_silent_build_out_of_attempts(settings):
    settings.REPORTS_BUILD_HEARTBEAT_SECONDS = 10
    build = services.start_build(report=report_with_replies(), enqueue=False)
    _running(build, silent_for=300, attempts=services.MAX_ATTEMPTS)
    assert services.reap_stalled_builds()["failed"] == [build.pk]
    build.refresh_from_db()
    assert build.status == Build.Status.FAILED
    assert "stopped responding" in build.error and build.finished_at is not None


def test_the_watchdog_fails_a_build_running_past_the_time_limit(settings):
    settings.REPORTS_BUILD_HEARTBEAT_SECONDS = 10
    build = services.start_build(report=report_with_replies(), enqueue=False)
    _running(build, silent_for=services.BUILD_TIME_LIMIT + 120)
    Build.objects.filter(pk=build.pk).update(heartbeat_at=timezone.now())
    assert services.reap_stalled_builds()["failed"] == [build.pk]
    build.refresh_from_db()
    assert "ran for more than" in build.error


def test_the_watchdog_leaves_a_live_build_alone(settings):
    settings.REPORTS_BUILD_HEARTBEAT_SECONDS = 10
    build = services.start_build(report=report_with_replies(), enqueue=False)
    _running(build, silent_for=5)
    assert services.reap_stalled_builds() == {"requeued": [], "failed": [], "resent": []}


def test_the_watchdog_fails_a_build_no_worker_picked_up(settings):
    build = services.start_build(report=report_with_replies(), enqueue=False)
    Build.objects.filter(pk=build.pk).update(queued_at=timezone.now() - timedelta(hours=2))
    assert services.reap_stalled_builds()["failed"] == [build.pk]
    build.refresh_from_db()
    assert "is a Celery worker running?" in build.error


def test_the_watchdog_task_is_registered_under_its_scheduled_name_and_looks_after_builds():
    from portal import jobs
    from portal.celery import app

    app.loader.import_default_modules()  # what a worker and beat do when they start
    assert "portal.jobs_watchdog" in app.tasks
    assert settings_schedule_task() == "portal.jobs_watchdog"
    assert services.BUILDS in jobs.kinds()


def settings_schedule_task() -> str:
    from django.conf import settings

    return settings.CELERY_BEAT_SCHEDULE["jobs-watchdog"]["task"]


def test_compile_report_command_prints_path_pages_and_time(capsys):
    report = report_with_replies()
    call_command("compile_report", report.pk)
    out = capsys.readouterr().out
    build = Build.objects.get()
    assert f"PDF: {default_storage.path(build.pdf.name)}" in out
    assert f"{build.page_count} pages in" in out


def test_names_follow_the_report_date(django_capture_on_commit_callbacks):
    report = report_with_replies(date=datetime.date(2020, 1, 10))
    build = _build(report, django_capture_on_commit_callbacks)
    body = " ".join(_pdf_text(build).split())
    assert "1 Belarus and Czechia." in body
