"""The secretariat codes a reply in a real browser: selects a passage with the mouse, files it
under a set, and sees the footnote in the preview gain that State in UN order; then files one
more with the keyboard only."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from reports.coding import services as coding
from tests.factories import SecretariatFactory, question
from tests.reports.factories import coded_report

from .conftest import login, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def setting():  # type: ignore[no-untyped-def]
    data = coded_report()
    ratified = coding.create_set(report=data["report"], key="ratified", statement="had ratified")
    coding.create_set(report=data["report"], key="police-units", statement="had police units")
    # Belarus and the Niger are already members; Estonia comes between them in UN order.
    for code, words in (("BLR", "Penalties range"), ("NER", "The Penal Code")):
        reply = data["replies"][code]
        q2 = question(data["questionnaire"], "2")
        coding.file_passage(
            attribution_set=ratified,
            passage=coding.passage(
                report=data["report"], reply=reply, question_id=q2.pk, start=0, end=len(words)
            ),
        )
    data["user"] = SecretariatFactory(email="coder@verbale.test")
    data["q2"] = q2.pk
    return data


def select_words(page: Page, question_id: int, words: str) -> None:
    """Drag the mouse over the words in the answer, as a person selects text."""
    answer = page.locator(f"#q-{question_id} .answer-text")
    box = answer.bounding_box()
    assert box is not None
    # Where the words are on screen: a Range over them gives their rectangle.
    rect = answer.evaluate(
        """(el, words) => {
            const node = el.firstChild;
            const start = node.textContent.indexOf(words);
            const range = document.createRange();
            range.setStart(node, start);
            range.setEnd(node, start + words.length);
            const r = range.getClientRects();
            const first = r[0], last = r[r.length - 1];
            return {x1: first.left + 1, y1: first.top + first.height / 2,
                    x2: last.right - 1, y2: last.top + last.height / 2};
        }""",
        words,
    )
    page.mouse.move(rect["x1"], rect["y1"])
    page.mouse.down()
    page.mouse.move(rect["x2"], rect["y2"], steps=8)
    page.mouse.up()


def test_the_secretariat_files_a_selected_passage_and_the_footnote_gains_the_state(
    page: Page, setting, live_server
):
    report = setting["report"]
    login(page, setting["user"].email)
    page.goto(f"/reports/{report.pk}/")
    note = page.locator("#pfn-1")
    expect(note).to_contain_text("Belarus and Niger.")

    page.goto(f"/reports/{report.pk}/coding/?respondent={setting['people']['EST'].pk}")
    expect(page.get_by_role("heading", name="Reply of Estonia")).to_be_visible()
    select_words(page, setting["q2"], "A specific offence is being drafted.")
    status = page.locator("#selection-status")
    expect(status).to_contain_text("A specific offence is being drafted.")
    screenshot(page, "coding-selected", full_page=False)
    page.locator(".set-target[data-key='ratified']").click()
    expect(page.locator(".message--success")).to_contain_text("Filed under ratified")
    expect(page.locator(f"#q-{setting['q2']} mark")).to_have_text(
        "A specific offence is being drafted."
    )
    screenshot(page, "coding-filed")

    page.goto(f"/reports/{report.pk}/")
    expect(note).to_contain_text("Belarus, Estonia and Niger.")
    note.get_by_role("link", name="Sources of footnote 1").click()
    panel = page.locator("#footnote-evidence")
    expect(panel).to_contain_text("Sources of footnote 1")
    expect(panel).to_contain_text("A specific offence is being drafted.")
    screenshot(page, "coding-footnote-sources", full_page=False)


def test_a_passage_is_filed_with_the_keyboard_only(page: Page, setting, live_server):
    report = setting["report"]
    login(page, setting["user"].email)
    page.goto(f"/reports/{report.pk}/coding/?respondent={setting['people']['EST'].pk}")
    answer = page.locator(f"#q-{setting['q2']} .answer-text")
    answer.focus()
    page.keyboard.press("Enter")  # a read-only copy to select in with the keyboard
    copy = page.locator(f"#q-{setting['q2']} .answer-keyboard")
    expect(copy).to_be_focused()
    page.keyboard.press("Control+End")
    for _ in range(len("Police units investigate cases.")):
        page.keyboard.press("Shift+ArrowLeft")
    expect(page.locator("#selection-status")).to_contain_text("Police units investigate cases.")
    page.keyboard.press("x")  # typing changes nothing
    expect(copy).to_have_value(
        "A specific offence is being drafted. Police units investigate cases."
    )
    page.keyboard.press("f")
    expect(page.locator(".set-target").first).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.locator(".set-target[data-key='ratified']")).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(page.locator(".set-target[data-key='police-units']")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".message--success")).to_contain_text(
        "Filed under police-units: “Police units investigate cases.”"
    )
