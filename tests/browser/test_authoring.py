"""The secretariat authors a questionnaire in Chromium: imports an XLSForm a Kobo user wrote,
adjusts a choice list in the row editor (mouse and keyboard), changes a question's kind,
reorders questions by keyboard and by drag and drop, and duplicates one.

Screenshots land in test-output/browser/authoring-*.png.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from surveys.models import Question, Questionnaire
from surveys.questionnaires import authoring
from tests.factories import SecretariatFactory
from tests.surveys.questionnaires.forms import example

from .conftest import login, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def numbers(q: Questionnaire) -> list[tuple[str, str]]:
    return [(x.number, x.text["en"]) for x in authoring.ordered_questions(q)]


def test_the_secretariat_imports_adjusts_reorders_and_duplicates(page: Page):
    SecretariatFactory(email="author@verbale.test")
    login(page, "author@verbale.test")

    # 1. Import the Kobo user's XLSForm.
    page.goto("/questionnaires/")
    page.get_by_role("link", name="Import an XLSForm or a Verbale file").click()
    page.get_by_label("XLSForm (.xlsx) or Verbale questionnaire (.json)").set_input_files(
        {
            "name": "trafficking.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": example("grouped_survey"),
        }
    )
    page.get_by_label("Deadline for replies").fill("2026-03-31")
    page.get_by_label("Cut-off for the report").fill("2026-04-30")
    screenshot(page, "authoring-1-import")
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("is imported with 4 question(s)")).to_be_visible()
    screenshot(page, "authoring-2-imported")
    q = Questionnaire.objects.get()
    assert [n for n, _ in numbers(q)] == ["1", "2", "3", "4"]

    # 2. Adjust the choices of question 1 in the row editor.
    page.get_by_role("link", name="Edit question 1").click()
    expect(page.get_by_role("heading", name="Edit question 1")).to_be_visible()
    expect(page.locator('input[name="minimum"]')).to_have_count(0)  # only this kind's fields
    expect(page.get_by_role("button", name="Show the fields of this kind")).to_be_hidden()
    page.get_by_role("button", name="Add a choice").click()  # htmx: the form is swapped
    new_key = page.locator('input[name="choices-2-key"]')
    expect(new_key).to_be_focused()
    page.keyboard.type("repealed")
    page.get_by_label("Label in English, choice 3").fill("Repealed")
    page.get_by_label("Label in Spanish, choice 3").fill("Derogada")
    # By keyboard: focus "Move up" of the new choice and press Enter; focus follows it.
    page.get_by_role("button", name="Move up choice 3").focus()
    page.keyboard.press("Enter")
    expect(page.locator('input[name="choices-1-key"]')).to_have_value("repealed")
    expect(page.get_by_role("button", name="Move up choice 2")).to_be_focused()
    expect(page.get_by_label("Label in Spanish, choice 2")).to_have_value("Derogada")
    screenshot(page, "authoring-3-row-editor")
    # The kind changes in place: a statistical table shows rows and columns, no choices; back
    # to single choice, the choices typed are all there.
    page.get_by_label("Kind of question").select_option("table")
    expect(page.get_by_role("group", name="Rows of the table")).to_be_visible()
    expect(page.get_by_role("group", name="Choices")).to_have_count(0)
    screenshot(page, "authoring-3b-table-kind")
    page.get_by_label("Kind of question").select_option("single_choice")
    expect(page.get_by_role("group", name="Choices")).to_be_visible()
    expect(page.get_by_label("Label in Spanish, choice 2")).to_have_value("Derogada")
    # Remove "In draft" (now third) with the mouse.
    page.get_by_role("button", name="Remove choice 3").click()
    expect(page.locator('input[name="choices-TOTAL_FORMS"]')).to_have_value("2")
    page.get_by_role("button", name="Save the question").click()
    expect(page.get_by_text("Question 1 saved.")).to_be_visible()
    stage = Question.objects.get(section__questionnaire=q, number="1")
    assert stage.options["choices"] == [
        {"value": "adopted", "label": {"en": "Adopted", "es": "Aprobada"}},
        {"value": "repealed", "label": {"en": "Repealed", "es": "Derogada"}},
    ]

    # 3. Reorder by keyboard: question 2 moves down (it has no dependant before it).
    page.get_by_role("button", name="Move down question 1").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Question 1 moved down.")).to_be_visible()
    assert numbers(q)[:2] == [("1", "Which units exist?"), ("2", "Stage of the law")]

    # 4. Drag question 3 (shown on a unit's answer) into section B, before the file.
    source = page.locator("[data-question]", has_text="Describe the police unit")
    target = page.locator("[data-question]", has_text="Attach the law")
    source.locator(".drag-handle").drag_to(target, target_position={"x": 20, "y": 5})
    expect(page.get_by_text("The new order is saved")).to_be_visible()
    assert [(s.number, [x.number for x in s.questions.all()]) for s in q.sections.all()] == [
        ("A", ["1", "2"]),
        ("B", ["3", "4"]),
    ]
    assert numbers(q)[2][1] == "Describe the police unit"
    screenshot(page, "authoring-4-reordered")

    # 5. Duplicate question 4 and land on the copy's editor.
    page.get_by_role("button", name="Duplicate question 4").click()
    expect(page.get_by_role("heading", name="Edit question 5")).to_be_visible()
    expect(page.get_by_text("Question 4 duplicated as question 5.")).to_be_visible()
    screenshot(page, "authoring-5-duplicated")
    assert [n for n, _ in numbers(q)] == ["1", "2", "3", "4", "5"]
    page.get_by_role("link", name="Back to sections and questions").click()
    screenshot(page, "authoring-6-editor")

    # 6. Dragging section B (whose questions rest on answers in A) above A is refused, said,
    # and nothing moves; a new section dragged above B moves, and letters follow.
    source = page.locator("[data-section]", has_text="Evidence")
    target = page.locator("[data-section]", has_text="Legal framework")
    source.locator("h2 .drag-handle").drag_to(target, target_position={"x": 40, "y": 5})
    expect(page.get_by_text("which would no longer come before it")).to_be_visible()
    assert [s.title["en"] for s in q.sections.all()] == ["Legal framework", "Evidence"]
    page.get_by_role("link", name="Add a section").click()
    page.get_by_label("Title (English)").fill("Statistics")
    page.get_by_role("button", name="Save the section").click()
    source = page.locator("[data-section]", has_text="Statistics")
    target = page.locator("[data-section]", has_text="Evidence")
    source.locator("h2 .drag-handle").drag_to(target, target_position={"x": 40, "y": 5})
    expect(page.get_by_text("The new order is saved")).to_be_visible()
    assert [(s.number, s.title["en"]) for s in q.sections.all()] == [
        ("A", "Legal framework"),
        ("B", "Statistics"),
        ("C", "Evidence"),
    ]
    assert [n for n, _ in numbers(q)] == ["1", "2", "3", "4", "5"]
    screenshot(page, "authoring-7-sections-reordered")


def test_the_authoring_pages_pass_axe(browser, live_server):  # type: ignore[no-untyped-def]
    from tests.browser.test_accessibility import serious_violations
    from tests.factories import build_questionnaire, question

    secretariat = SecretariatFactory(email="axe@verbale.test")
    q = build_questionnaire(by=secretariat, languages=["ar", "en", "fr"])
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, "axe@verbale.test")
    for url in (
        f"/questionnaires/{q.pk}/questions/",
        f"/questionnaires/{q.pk}/questions/{question(q, '3').pk}/edit/",
        f"/questionnaires/{q.pk}/questions/{question(q, '5').pk}/edit/",
        f"/questionnaires/{q.pk}/questions/{question(q, '2').pk}/section/",
        "/questionnaires/import/",
    ):
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        assert serious_violations(page) == [], url
    context.close()
