"""Exports of the browse filter: CSV, XLSX, JSON and a ZIP of attachments, made by export jobs
(tasks run in-process here), reused when the data has not changed, watched by the watchdog."""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import ExportJob, Reply, Respondent
from surveys.review import exports
from tests.factories import (
    ReviewerFactory,
    SecretariatFactory,
    build_questionnaire,
    renamed_respondent,
)
from tests.surveys.review.support import file_reply, pdf_with_text, restrict

pytestmark = pytest.mark.django_db

TABLE = {"2005": {"investigated": 10, "arrested": 4, "prosecuted": None}}


@pytest.fixture
def questionnaire():
    return build_questionnaire(dispatch_to=list(Respondent.objects.filter(code__in=["SLV", "EST"])))


@pytest.fixture
def filed(questionnaire, django_capture_on_commit_callbacks):
    salvador = Reply.objects.get(questionnaire=questionnaire, respondent__code="SLV")
    estonia = Reply.objects.get(questionnaire=questionnaire, respondent__code="EST")
    file_reply(
        salvador,
        text='=HYPERLINK("http://evil") police unit',
        capture=django_capture_on_commit_callbacks,
        table=TABLE,
        attachment=("law.pdf", pdf_with_text("Penal code")),
    )
    file_reply(estonia, text="Shelters.", capture=django_capture_on_commit_callbacks)
    return {"SLV": salvador, "EST": estonia}


@pytest.fixture
def reviewer():
    return ReviewerFactory()


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


def export(client, export_format, capture, **filters):  # type: ignore[no-untyped-def]
    with capture(execute=True):
        response = client.post(
            reverse("surveys:review-export-start"), {"format": export_format, **filters}
        )
    assert response.status_code == 302
    job = ExportJob.objects.latest("pk")
    assert response["Location"] == reverse("surveys:review-export", args=[job.pk])
    return job


def download(client, job):  # type: ignore[no-untyped-def]
    response = client.get(reverse("surveys:review-export-download", args=[job.pk]))
    assert response.status_code == 200
    assert "attachment;" in response["Content-Disposition"]
    return b"".join(response.streaming_content)


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_has_one_row_per_respondent_and_question_and_tables_in_long_format(
    reviewer_client, filed, django_capture_on_commit_callbacks
):
    job = export(reviewer_client, "csv", django_capture_on_commit_callbacks)
    assert job.status == "succeeded" and job.progress == 100
    rows = csv_rows(download(reviewer_client, job))
    salvador = [r for r in rows if r["respondent_code"] == "SLV"]
    assert {r["question"] for r in salvador} == {"1", "1 (a)", "2", "3", "4", "5", "6"}
    table = [r for r in salvador if r["question"] == "5"]
    assert len(table) == 9  # 3 rows x 3 columns, blanks included
    cell = next(r for r in table if r["row"] == "2005" and r["column"] == "Cases investigated")
    assert cell["value"] == "10"
    assert next(r for r in salvador if r["question"] == "4")["value"] == "Specialized police"
    assert next(r for r in salvador if r["question"] == "6")["value"] == "law.pdf"
    assert next(r for r in salvador if r["question"] == "2")["value"].startswith("'=HYPERLINK")
    assert next(r["respondent"] for r in rows) == "El Salvador"
    assert job.row_count == len(rows)


def test_export_follows_the_browse_filter(
    reviewer_client, filed, django_capture_on_commit_callbacks
):
    job = export(
        reviewer_client,
        "json",
        django_capture_on_commit_callbacks,
        regional_group="eastern_european",
    )
    data = json.loads(download(reviewer_client, job))
    assert data["filter"] == {"regional_group": "eastern_european"}
    assert {row["respondent"] for row in data["rows"]} == {"Estonia"}


def test_xlsx_export_writes_text_never_formulas(
    reviewer_client, filed, django_capture_on_commit_callbacks
):
    from openpyxl import load_workbook

    job = export(reviewer_client, "xlsx", django_capture_on_commit_callbacks)
    sheet = load_workbook(io.BytesIO(download(reviewer_client, job)))["Answers"]
    header = [c.value for c in sheet[1]]
    assert header == list(exports.COLUMNS)
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    value_at = header.index("value")
    formula = next(r for r in values if r[header.index("question")] == "2" and r[1])
    assert formula[value_at].startswith("=HYPERLINK")
    cell = next(
        c
        for c in sheet.iter_rows(min_row=2)
        if c[header.index("question")].value == "2"
        and c[header.index("respondent_code")].value == "SLV"
    )[value_at]
    assert cell.data_type == "s"
    numbers = [r[value_at] for r in values if r[header.index("question")] == "5" and r[value_at]]
    assert 10 in numbers


def test_xlsx_has_a_wide_sheet_of_typed_cells_with_widths_and_a_frozen_header(
    reviewer_client, filed, questionnaire, django_capture_on_commit_callbacks
):
    from openpyxl import load_workbook

    job = export(reviewer_client, "xlsx", django_capture_on_commit_callbacks)
    book = load_workbook(io.BytesIO(download(reviewer_client, job)))
    assert book.sheetnames == ["Replies", "Answers"]
    sheet = book["Replies"]
    header = [c.value for c in sheet[1]]
    assert header[:9] == list(exports.WIDE_COMMON)
    assert "1 Has your State ratified the Protocol?" in header
    table_header = "5 Cases by year [2005 / Cases investigated]"
    assert table_header in header
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    assert set(rows) == {"SLV", "EST"}  # one row per reply
    salvador, estonia = rows["SLV"], rows["EST"]
    at = header.index
    # Numbers and dates are typed cells, not text.
    assert salvador[at(table_header)].value == 10
    assert salvador[at(table_header)].data_type == "n"
    assert salvador[at("1 (a) In which year?")].value == 2004
    assert salvador[at("1 (a) In which year?")].data_type == "n"
    received = salvador[at("received_on")]
    filed["SLV"].refresh_from_db()
    assert received.is_date and received.value.date() == filed["SLV"].received_on
    assert salvador[at("1 Has your State ratified the Protocol?")].value == "Yes"
    # A blank table cell stays blank (not reported), never 0.
    assert salvador[at("5 Cases by year [2005 / Persons prosecuted]")].value is None
    assert estonia[at(table_header)].value is None
    # Text is text, never a formula.
    text = salvador[at("2 Describe the offences in your criminal code.")]
    assert text.value.startswith("=HYPERLINK") and text.data_type == "s"
    # The header row (and the respondent's name) stay in view; columns have widths.
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}3"
    assert sheet.column_dimensions["A"].width == 28
    assert sheet.column_dimensions["J"].width > 0
    assert book["Answers"].freeze_panes == "A2"
    assert book["Answers"].column_dimensions["A"].width == 30


def test_the_wide_csv_matches_the_wide_sheet(
    reviewer_client, filed, django_capture_on_commit_callbacks
):
    from openpyxl import load_workbook

    xlsx = export(reviewer_client, "xlsx", django_capture_on_commit_callbacks)
    sheet = load_workbook(io.BytesIO(download(reviewer_client, xlsx)))["Replies"]
    wide = export(reviewer_client, "csv_wide", django_capture_on_commit_callbacks)
    assert wide.file_name.endswith(".csv") and "wide" in wide.file_name
    data = download(reviewer_client, wide).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(data)))
    assert lines[0] == [c.value for c in sheet[1]]
    for csv_row, sheet_row in zip(lines[1:], sheet.iter_rows(min_row=2), strict=True):
        expected = []
        for cell in sheet_row:
            value = cell.value
            if value is None:
                value = ""
            elif cell.is_date:
                value = value.date().isoformat()
            elif isinstance(value, str) and value.startswith("="):
                value = "'" + value  # the CSV guards against formulas its own way
            expected.append(str(value))
        assert csv_row == expected


def test_the_wide_csv_of_two_questionnaires_gives_each_its_columns(
    reviewer_client, filed, django_capture_on_commit_callbacks
):
    salvador = filed["SLV"].respondent
    later = build_questionnaire(
        title="Follow-up",
        dispatch_to=[salvador],
        deadline=datetime.date(2009, 12, 15),
        cutoff=datetime.date(2010, 1, 24),
    )
    file_reply(
        Reply.objects.get(questionnaire=later, respondent=salvador),
        text="Forty officers.",
        capture=django_capture_on_commit_callbacks,
    )
    job = export(reviewer_client, "csv_wide", django_capture_on_commit_callbacks)
    rows = csv_rows(download(reviewer_client, job))
    assert len(rows) == 3
    first = next(r for r in rows if r["questionnaire"] == "Follow-up")
    question = "2 Describe the offences in your criminal code."
    assert first[f"Follow-up (2009): {question}"] == "Forty officers."
    assert first[f"Trafficking in persons: measures taken (2007): {question}"] == ""


def test_zip_holds_the_published_attachments_and_a_manifest(
    reviewer_client, filed, django_capture_on_commit_callbacks
):
    job = export(reviewer_client, "zip", django_capture_on_commit_callbacks)
    archive = zipfile.ZipFile(io.BytesIO(download(reviewer_client, job)))
    names = archive.namelist()
    assert "manifest.csv" in names
    pdfs = [n for n in names if n.endswith(".pdf")]
    assert len(pdfs) == 1 and "SLV El Salvador" in pdfs[0] and "Q6 - law.pdf" in pdfs[0]
    assert archive.read(pdfs[0]).startswith(b"%PDF")
    assert job.row_count == 1


def test_a_restricted_file_is_left_out_of_the_zip(
    reviewer_client, filed, django_capture_on_commit_callbacks
):
    restrict(filed["SLV"], "6", django_capture_on_commit_callbacks)
    job = export(reviewer_client, "zip", django_capture_on_commit_callbacks)
    archive = zipfile.ZipFile(io.BytesIO(download(reviewer_client, job)))
    assert archive.namelist() == ["manifest.csv"]


def test_unchanged_data_reuses_the_last_file(
    reviewer_client, filed, django_capture_on_commit_callbacks
):
    first = export(reviewer_client, "csv", django_capture_on_commit_callbacks)
    second = export(reviewer_client, "csv", django_capture_on_commit_callbacks)
    assert second.status == "succeeded"
    assert second.reused_from_id == first.pk
    assert second.file.name == first.file.name
    other_format = export(reviewer_client, "json", django_capture_on_commit_callbacks)
    assert other_format.reused_from_id is None
    other_filter = export(reviewer_client, "csv", django_capture_on_commit_callbacks, kind="ngo")
    assert other_filter.reused_from_id is None


def test_a_restriction_change_makes_a_new_file(
    reviewer_client, filed, django_capture_on_commit_callbacks
):
    first = export(reviewer_client, "csv", django_capture_on_commit_callbacks)
    restrict(filed["SLV"], "2", django_capture_on_commit_callbacks)
    second = export(reviewer_client, "csv", django_capture_on_commit_callbacks)
    assert second.reused_from_id is None and second.fingerprint != first.fingerprint
    rows = csv_rows(download(reviewer_client, second))
    hidden = next(r for r in rows if r["respondent_code"] == "SLV" and r["question"] == "2")
    assert hidden["value"] == "" and hidden["state"] == ""


def test_a_new_submission_makes_a_new_file(
    reviewer_client, filed, django_capture_on_commit_callbacks
):
    from surveys.replies import services as replies

    first = export(reviewer_client, "csv", django_capture_on_commit_callbacks)
    focal = SecretariatFactory()
    with django_capture_on_commit_callbacks(execute=True):
        replies.reopen_reply(reply=filed["EST"], user=focal)
        replies.submit_reply(reply=filed["EST"], user=focal, channel="email")
    second = export(reviewer_client, "csv", django_capture_on_commit_callbacks)
    assert second.reused_from_id is None and second.fingerprint != first.fingerprint
    revisions = {r["revision"] for r in csv_rows(download(reviewer_client, second))}
    assert revisions == {"1", "2"}


def test_names_are_printed_as_they_were_on_the_questionnaire_date(
    reviewer_client, django_capture_on_commit_callbacks
):
    renamed = renamed_respondent("TUR2", "Turkey", "Türkiye", datetime.date(2022, 6, 1))
    q = build_questionnaire(dispatch_to=[renamed])
    file_reply(
        Reply.objects.get(questionnaire=q, respondent=renamed),
        text="x",
        capture=django_capture_on_commit_callbacks,
    )
    job = export(reviewer_client, "csv", django_capture_on_commit_callbacks)
    assert {r["respondent"] for r in csv_rows(download(reviewer_client, job))} == {"Turkey"}


def test_only_the_person_who_asked_or_the_secretariat_downloads(
    client, reviewer_client, filed, django_capture_on_commit_callbacks
):
    job = export(reviewer_client, "csv", django_capture_on_commit_callbacks)
    url = reverse("surveys:review-export-download", args=[job.pk])
    client.force_login(ReviewerFactory())
    assert client.get(url).status_code == 404
    client.force_login(SecretariatFactory())
    assert client.get(url).status_code == 200


def test_the_status_partial_polls_until_the_job_is_done(
    reviewer_client, reviewer, filed, django_capture_on_commit_callbacks
):
    queued = ExportJob.objects.create(format="csv", requested_by=reviewer)
    url = reverse("surveys:review-export", args=[queued.pk])
    partial = reviewer_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in partial and "<html" not in partial
    done = export(reviewer_client, "csv", django_capture_on_commit_callbacks)
    page = reviewer_client.get(reverse("surveys:review-export", args=[done.pk])).content.decode()
    assert "hx-trigger" not in page and "Download" in page


def test_an_unknown_format_is_refused(reviewer_client):
    response = reviewer_client.post(reverse("surveys:review-export-start"), {"format": "exe"})
    assert response.status_code == 400
    assert not ExportJob.objects.exists()


def test_running_a_job_twice_does_nothing_the_second_time(
    reviewer_client, filed, django_capture_on_commit_callbacks
):
    job = export(reviewer_client, "csv", django_capture_on_commit_callbacks)
    finished_at = job.finished_at
    again = exports.run_export(job_id=job.pk)
    assert again.status == "succeeded" and again.finished_at == finished_at


def test_the_watchdog_fails_stuck_jobs_with_the_reason(reviewer):
    now = timezone.now()
    too_long = ExportJob.objects.create(
        format="csv",
        requested_by=reviewer,
        status="running",
        started_at=now - timedelta(seconds=exports.EXPORT_TIME_LIMIT + 120),
        heartbeat_at=now,
    )
    silent = ExportJob.objects.create(
        format="csv",
        requested_by=reviewer,
        status="running",
        started_at=now - timedelta(minutes=10),
        heartbeat_at=now - timedelta(minutes=10),
    )
    never = ExportJob.objects.create(
        format="csv", requested_by=reviewer, created_at=now - timedelta(hours=1)
    )
    healthy = ExportJob.objects.create(
        format="csv", requested_by=reviewer, status="running", started_at=now, heartbeat_at=now
    )
    from surveys.review.tasks import export_watchdog

    result = export_watchdog.delay().get()
    assert sorted(result["failed"]) == sorted([too_long.pk, silent.pk, never.pk])
    too_long.refresh_from_db()
    silent.refresh_from_db()
    never.refresh_from_db()
    healthy.refresh_from_db()
    assert "more than 15 minutes" in too_long.error
    assert "stopped responding" in silent.error
    assert "No worker started" in never.error
    assert healthy.status == "running"


def test_a_failure_while_exporting_is_recorded(
    reviewer_client, filed, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr(exports, "write_csv", broken)
    job = export(reviewer_client, "csv", django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == "failed" and "disk full" in job.error
    page = reviewer_client.get(reverse("surveys:review-export", args=[job.pk])).content.decode()
    assert "disk full" in page


@pytest.mark.parametrize("export_format", ["csv", "zip"])
def test_a_long_export_read_in_batches_keeps_every_reply_in_order(
    reviewer_client, filed, monkeypatch, django_capture_on_commit_callbacks, export_format
):
    monkeypatch.setattr(exports, "EXPORT_BATCH", 1)
    job = export(reviewer_client, export_format, django_capture_on_commit_callbacks)
    data = download(reviewer_client, job)
    if export_format == "csv":
        codes = [r["respondent_code"] for r in csv_rows(data)]
        assert codes == sorted(codes, key=["SLV", "EST"].index)
        assert set(codes) == {"SLV", "EST"}
    else:
        assert job.row_count == 1
