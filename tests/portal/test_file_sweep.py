"""No file without its row: an upload whose transaction does not commit leaves no file, and the
periodic sweep removes what a stopped process left (stored files no row points to, spooled
uploads of requests that never finished) while keeping referenced and recent files."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connections

from portal import storage, tasks
from portal.celery import app as celery_app
from reports.models import Build
from surveys.models import Attachment, ExportJob, Reply, Respondent
from surveys.replies import services as replies
from tests.factories import MembershipFactory, ReviewerFactory, build_questionnaire, question
from tests.reports.factories import report_with_replies
from tests.surveys.review.support import pdf_with_text

TWO_HOURS = 2 * 60 * 60


def files_under(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def age(path: Path, seconds: float) -> Path:
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def write(root: Path, name: str, *, seconds_old: float) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"left behind")
    return age(path, seconds_old)


@pytest.fixture
def draft(db):  # type: ignore[no-untyped-def]
    niger = Respondent.objects.get(code="NER")
    q = build_questionnaire(dispatch_to=[niger])
    reply = Reply.objects.get(questionnaire=q, respondent=niger)
    focal = MembershipFactory(respondent=niger, role="focal_point").user
    return reply, focal


def attach(reply, focal) -> Attachment:  # type: ignore[no-untyped-def]
    return replies.attach_file(
        reply=reply,
        question_id=question(reply.questionnaire, "6").pk,
        user=focal,
        upload=SimpleUploadedFile("law.pdf", pdf_with_text("Penal code")),
    )


def test_the_sweep_removes_old_orphans_and_keeps_referenced_and_recent_files(draft, settings):
    media = Path(settings.MEDIA_ROOT)
    reply, focal = draft
    attachment = attach(reply, focal)
    export = ExportJob.objects.create(format="csv", requested_by=ReviewerFactory())
    export.file.save("replies.csv", ContentFile(b"a,b"), save=True)
    build = Build.objects.create(report=report_with_replies(), snapshot={})
    build.pdf.save("report.pdf", ContentFile(b"%PDF-1.4"), save=True)
    referenced = [attachment.file.name, export.file.name, build.pdf.name]
    for name in referenced:
        age(media / name, TWO_HOURS)
    old_orphan = write(media, "attachments/9/9/cut-off-upload", seconds_old=TWO_HOURS)
    old_partial = write(media, f"reports/1/{storage.PARTIAL_PREFIX}abc", seconds_old=TWO_HOURS)
    fresh_orphan = write(media, "attachments/9/9/being-committed", seconds_old=60)
    # more kept than swept, so the safety stop (most files unreferenced) does not apply
    for _ in range(3):
        later = attach(reply, focal)
        age(media / later.file.name, TWO_HOURS)
        referenced.append(later.file.name)

    assert tasks.sweep_orphan_files.delay().get() == {"media": 2, "uploads": 0}

    assert not old_orphan.exists() and not old_partial.exists()
    assert fresh_orphan.exists()
    assert files_under(media) == sorted([*referenced, "attachments/9/9/being-committed"])


def test_the_sweep_removes_spooled_uploads_of_requests_that_never_finished(settings, tmp_path, db):
    spool = tmp_path / "uploads"
    settings.FILE_UPLOAD_TEMP_DIR = spool
    abandoned = write(spool, "tmpk2x8w1.upload.pdf", seconds_old=TWO_HOURS)
    in_progress = write(spool, "tmpq9v7z3.upload.docx", seconds_old=5)
    not_an_upload = write(spool, "README", seconds_old=TWO_HOURS)

    assert storage.sweep_orphans() == {"media": 0, "uploads": 1}

    assert not abandoned.exists()
    assert in_progress.exists() and not_an_upload.exists()


def test_the_sweep_stops_when_most_files_have_no_row(settings, db):
    """A database that does not match the folder (restored from an older dump) must not
    make the sweep delete the files it does not know."""
    media = Path(settings.MEDIA_ROOT)
    unknown = [write(media, f"attachments/1/1/f{n}", seconds_old=TWO_HOURS) for n in range(12)]
    assert storage.sweep_orphans() == {"media": 0, "uploads": 0}
    assert all(path.exists() for path in unknown)


def test_the_sweep_runs_from_beat():
    entries = list(celery_app.conf.beat_schedule.values())
    assert any(e["task"] == "portal.sweep_orphan_files" for e in entries)
    assert "portal.sweep_orphan_files" in celery_app.tasks


def test_uploads_are_spooled_to_a_folder_the_sweep_knows(settings):
    assert Path(settings.FILE_UPLOAD_TEMP_DIR).is_relative_to(settings.VAR_DIR)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_upload_whose_commit_fails_leaves_no_file(settings, monkeypatch):
    niger = Respondent.objects.get(code="NER")
    q = build_questionnaire(dispatch_to=[niger])
    reply = Reply.objects.get(questionnaire=q, respondent=niger)
    focal = MembershipFactory(respondent=niger, role="focal_point").user
    wrapper = connections["default"]
    commit = wrapper.commit
    refusals: list[int] = []

    def refused(*args, **kwargs):  # type: ignore[no-untyped-def]
        if refusals:
            return commit(*args, **kwargs)
        refusals.append(1)  # the database goes away at this COMMIT, once
        wrapper.rollback()
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(wrapper, "commit", refused)
    with pytest.raises(OperationalError):
        attach(reply, focal)

    assert refusals, "the upload never reached its commit"
    assert not Attachment.objects.exists()
    assert files_under(Path(settings.MEDIA_ROOT)) == []
