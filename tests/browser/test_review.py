"""Issue 18, as a reviewer does it in Chromium on the demo data: compare the respondents one
picks (by name, with the keyboard), read a long answer whole, count a yes/no question by
regional group, follow a question across rounds, and take the replies to Excel.

Screenshots land in test-output/browser/review-*.png."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from django.test.utils import override_settings
from playwright.sync_api import Browser, BrowserContext, Page, expect

from reports.demo import cycle as demo
from surveys.models import Question

from .conftest import SCREENSHOTS, login, screenshot
from .test_accessibility import serious_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PASSWORD = demo.DEMO_PASSWORD


@pytest.fixture
def context(browser: Browser, live_server) -> Iterator[BrowserContext]:  # type: ignore[no-untyped-def]
    """As the shared one, but axe-core may be injected despite the Content Security Policy."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        locale="en-GB",
        bypass_csp=True,
    )
    yield context
    context.close()


@pytest.fixture
def demo_data(settings):  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        return demo.load_demo()


def _q(questionnaire, number):  # type: ignore[no-untyped-def]
    return Question.objects.get(section__questionnaire=questionnaire, number=number).pk


def test_a_reviewer_compares_the_states_they_pick_with_the_keyboard(page: Page, demo_data):
    cycle = demo_data["questionnaire"]
    login(page, "reviewer@verbale.test", PASSWORD)
    page.goto(f"/review/compare/?questionnaire={cycle.pk}")
    find = page.get_by_label("Find by name or group")
    find.focus()
    page.keyboard.type("esto")
    expect(page.locator("#picker-status")).to_contain_text("1 of")
    # Only Estonia is left in the list; Tab reaches its box, Space ticks it.
    expect(page.locator("#picker-list li:visible")).to_have_count(1)
    page.keyboard.press("Tab")
    expect(page.get_by_role("checkbox", name="Estonia")).to_be_focused()
    page.keyboard.press("Space")
    find.fill("")
    find.focus()
    page.keyboard.type("salvador")
    page.keyboard.press("Enter")  # narrows, never submits half-chosen
    expect(page).to_have_url(f"/review/compare/?questionnaire={cycle.pk}", ignore_case=True)
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    screenshot(page, "review-1-picker")
    page.get_by_role("button", name="Compare").click()
    rows = page.locator("table.compare tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("th")).to_have_text("El Salvador")
    expect(rows.nth(1).locator("th")).to_have_text("Estonia")
    # Column headers say which question: its number and its text, wrapped.
    header = page.locator("th.qhead").first
    expect(header).to_contain_text("Has your State ratified")
    assert header.bounding_box()["height"] > 30  # wrapped over lines, not one clipped line
    screenshot(page, "review-2-compare-picked")
    assert serious_violations(page) == []


def test_a_long_answer_opens_whole_when_its_cell_takes_the_focus(page: Page, demo_data):
    cycle = demo_data["questionnaire"]
    login(page, "reviewer@verbale.test", PASSWORD)
    page.goto(f"/review/compare/?questionnaire={cycle.pk}")
    long_cell = page.locator("td.long .clamp").first
    expect(long_cell).to_be_visible()
    clamped = long_cell.bounding_box()["height"]
    long_cell.focus()
    expect(long_cell).to_be_focused()
    opened = long_cell.bounding_box()["height"]
    assert opened > clamped
    screenshot(page, "review-3-long-answer-focused", full_page=False)
    assert serious_violations(page) == []


def test_a_reviewer_counts_a_yes_no_question_by_regional_group(page: Page, demo_data):
    cycle = demo_data["questionnaire"]
    login(page, "reviewer@verbale.test", PASSWORD)
    page.goto(f"/review/tables/?questionnaire={cycle.pk}")
    page.get_by_role("link", name="Yes/no and choice questions, counted").click()
    page.get_by_label("Question", exact=True).select_option(str(_q(cycle, "1")))
    page.get_by_role("button", name="Show").click()
    block = page.locator(".count-block")
    expect(block).to_have_count(1)
    expect(block.locator("h2")).to_contain_text("Has your State ratified")
    expect(block.locator("svg rect.bar").first).to_be_visible()
    expect(block.get_by_role("cell", name="Eastern European States")).to_have_count(0)
    expect(block.get_by_role("rowheader", name="Eastern European States")).to_be_visible()
    screenshot(page, "review-4-counts")
    assert serious_violations(page) == []
    page.goto(f"/review/tables/?questionnaire={cycle.pk}")
    screenshot(page, "review-5-tables")
    assert serious_violations(page) == []


def test_a_reviewer_follows_a_question_across_rounds(page: Page, demo_data):
    follow_up = demo_data["follow_up"]
    login(page, "reviewer@verbale.test", PASSWORD)
    page.goto(f"/review/series/?questionnaire={follow_up.pk}&question={_q(follow_up, '1')}")
    expect(page.locator("ol.rounds li")).to_have_count(2)
    expect(page.locator("table.series tbody tr").first).to_be_visible()
    screenshot(page, "review-6-series")
    assert serious_violations(page) == []


def test_a_reviewer_takes_the_replies_to_excel(page: Page, demo_data, tmp_path):
    cycle = demo_data["questionnaire"]
    login(page, "reviewer@verbale.test", PASSWORD)
    page.goto(f"/review/replies/?questionnaire={cycle.pk}")
    page.get_by_role("button", name="Excel (XLSX)").click()
    expect(page.get_by_text("Ready.")).to_be_visible(timeout=30_000)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download").click()
    xlsx = tmp_path / download.value.suggested_filename
    download.value.save_as(xlsx)
    download.value.save_as(SCREENSHOTS / "review-export.xlsx")  # to open and look at
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == ["Replies", "Answers"]
    wide = book["Replies"]
    assert wide.freeze_panes == "B2"
    header = [c.value for c in wide[1]]
    rows = {row[0].value: row for row in wide.iter_rows(min_row=2)}
    salvador = rows["El Salvador"]
    assert salvador[header.index("received_on")].is_date
    figures = [c for c in salvador if isinstance(c.value, int) and c.data_type == "n"]
    assert any(c.value == 67 for c in figures)  # 2006, cases investigated, a number
    assert "Latvia" in rows  # Latvia replied, by note verbale
    screenshot(page, "review-7-export-xlsx")

    page.goto(f"/review/replies/?questionnaire={cycle.pk}")
    page.get_by_role("button", name="CSV, one row per reply").click()
    expect(page.get_by_text("Ready.")).to_be_visible(timeout=30_000)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == header  # the CSV matches the wide sheet
    assert len(lines) - 1 == len(rows)
