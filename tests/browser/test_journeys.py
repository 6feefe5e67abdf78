"""The three journeys of the demo, in Chromium, on the demo data `make demo` loads.

Screenshots of every step land in test-output/browser/journey-*.png.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from django.test.utils import override_settings
from playwright.sync_api import Page, expect

from reports.demo import cycle as demo
from reports.models import Paragraph, Report
from surveys.models import Question, Reply, Respondent
from tests.documents import pdf_text

from .conftest import login, screenshot
from .test_coding import select_words

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PASSWORD = demo.DEMO_PASSWORD


@pytest.fixture
def demo_data(settings):  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        return demo.load_demo()


def test_a_focal_point_files_and_submits_the_follow_up_reply(page: Page, demo_data):
    follow_up = demo_data["follow_up"]
    reply = Reply.objects.get(questionnaire=follow_up, respondent__code="SLV")
    login(page, "focal.point@elsalvador.verbale.test", PASSWORD)
    screenshot(page, "journey-focal-1-home")
    page.get_by_role("link", name="Questionnaires and replies").first.click()
    screenshot(page, "journey-focal-2-workspace")
    page.locator(f"a[href='/replies/{reply.pk}/']").first.click()
    expect(page.get_by_role("heading", name=follow_up.title)).to_be_visible()
    text = page.get_by_role("textbox", name="Describe the offences and penalties")
    text.fill(
        "The Special Law against Trafficking in Persons was adopted; penalties range "
        "from 8 to 16 years of imprisonment."
    )
    text.blur()
    expect(page.locator(f"#q-{_q(follow_up, '2')}")).to_contain_text("Saved at")
    screenshot(page, "journey-focal-3-reply-form")
    page.get_by_role("link", name="Review and submit").first.click()
    screenshot(page, "journey-focal-4-confirm")
    page.get_by_role("button", name="Clear and submit").click()
    expect(page.get_by_text("submitted", exact=False).first).to_be_visible()
    screenshot(page, "journey-focal-5-submitted")
    reply.refresh_from_db()
    assert reply.status == "submitted"
    assert (
        reply.revisions.get()
        .answers[str(_q(follow_up, "2"))]["value"]
        .startswith("The Special Law")
    )


def test_a_reviewer_searches_compares_and_exports(page: Page, demo_data, tmp_path):
    cycle = demo_data["questionnaire"]
    login(page, "reviewer@verbale.test", PASSWORD)
    page.get_by_role("link", name="Submitted replies").click()
    screenshot(page, "journey-reviewer-1-browse")
    page.get_by_role("link", name="Search").first.click()
    # Three keystrokes find every State that mentioned a hotline: results come as one types.
    expect(page.get_by_label("Words to find")).to_be_focused()
    page.keyboard.type("hot")
    hits = page.locator(".hits")
    for state in ("Belarus", "Estonia", "Romania", "Ukraine"):
        expect(hits).to_contain_text(state)
    screenshot(page, "journey-reviewer-2-search")
    page.locator(".hit a").first.click()
    expect(page.locator("h1")).to_be_visible()
    screenshot(page, "journey-reviewer-3-reply")
    page.goto(f"/review/compare/?questionnaire={cycle.pk}&question={_q(cycle, '5')}")
    expect(page.locator("main")).to_contain_text("67")  # El Salvador, 2006, cases investigated
    screenshot(page, "journey-reviewer-4-compare")
    page.goto(f"/review/replies/?questionnaire={cycle.pk}")
    page.get_by_role("button", name="CSV, one row per answer").click()
    expect(page.get_by_text("Ready.")).to_be_visible(timeout=30_000)
    screenshot(page, "journey-reviewer-5-export")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download").click()
    content = Path(download.value.path()).read_text(encoding="utf-8")
    assert "El Salvador" in content and "Latvia" in content  # Latvia replied (by note verbale)
    assert "Mexico" in content  # its late reply was submitted: reviewers read it too
    page.goto(f"/review/replies/?questionnaire={cycle.pk}")
    page.get_by_role("button", name="XLSX").click()
    expect(page.get_by_text("Ready.")).to_be_visible(timeout=30_000)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download").click()
    xlsx = tmp_path / download.value.suggested_filename
    download.value.save_as(xlsx)
    assert xlsx.suffix == ".xlsx"
    book = openpyxl.load_workbook(xlsx, read_only=True)
    cells = " ".join(
        str(c)
        for sheet in book
        for row in sheet.iter_rows(values_only=True)
        for c in row
        if c is not None
    )
    assert "El Salvador" in cells and "67" in cells
    assert "112 individuals" not in cells  # Cuba's figures: not for publication
    assert "Special Law against Trafficking" not in cells  # El Salvador's draft


def test_the_secretariat_codes_edits_builds_and_downloads_the_pdf(page: Page, demo_data, tmp_path):
    report = Report.objects.get(symbol="E/CN.15/2008/9")
    ukraine = Respondent.objects.get(code="UKR")
    q2 = _q(demo_data["questionnaire"], "2")
    login(page, "secretariat@verbale.test", PASSWORD)
    page.locator("#main").get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="E/CN.15/2008/9").first.click()
    screenshot(page, "journey-secretariat-1-editor")

    page.goto(f"/reports/{report.pk}/coding/?respondent={ukraine.pk}")
    select_words(page, q2, "Legislation passed in 2006 increased liability for trafficking")
    page.locator(".set-target[data-key='penalties']").click()
    expect(page.locator(".message--success")).to_contain_text("Filed under penalties")
    screenshot(page, "journey-secretariat-2-coded")

    page.goto(f"/reports/{report.pk}/")
    paragraph = Paragraph.objects.get(section__report=report, text__contains="{fn:penalties}")
    box = page.locator(f"#text-{paragraph.pk}")
    box.fill(box.input_value() + " Ukraine added that its laws had been tightened in 2006.")
    box.blur()
    expect(page.locator("#preview")).to_contain_text("tightened in 2006")
    expect(page.locator("#preview")).to_contain_text("Belarus, Bulgaria, Latvia and Ukraine.")
    screenshot(page, "journey-secretariat-3-edited")

    page.get_by_role("link", name="Builds and PDF").click()
    screenshot(page, "journey-secretariat-4-consistency")
    page.get_by_label("I have read the").check()
    page.get_by_role("button", name="Build the PDF now").click()
    expect(page.locator("tbody tr").first.locator(".tag")).to_have_text("Succeeded", timeout=60_000)
    screenshot(page, "journey-secretariat-5-built")
    with page.expect_download() as download:
        page.locator("tbody tr").first.get_by_role("link", name="PDF").click()
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    text = pdf_text(pdf, layout=True)
    assert "E/CN.15/2008/9" in text
    assert "tightened in 2006" in text
    assert "Belarus, Bulgaria, Latvia and Ukraine." in text


def _q(questionnaire, number):  # type: ignore[no-untyped-def]
    return Question.objects.get(section__questionnaire=questionnaire, number=number).pk
