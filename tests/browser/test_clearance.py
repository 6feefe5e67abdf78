"""Experts and focal points in a real browser (issue 18, items 1–4): a statistical table that
saves cell by cell, the expert's hand-off ("ready for clearance"), the focal point's send-back
and clearance page (the whole reply as it will be sent, changes marked, printable), the
"Cannot answer?" control, a conflict that does not take the focus from someone typing, and a
wide table on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from surveys.models import Answer, EmailLog, Handoff, Reply, Respondent
from surveys.replies import services as replies
from tests.factories import MembershipFactory, build_questionnaire, question

from .conftest import login, screenshot
from .test_reply_form import settled, wait_saved

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def setting():  # type: ignore[no-untyped-def]
    salvador = Respondent.objects.get(code="SLV")
    questionnaire = build_questionnaire(dispatch_to=[salvador, Respondent.objects.get(code="EST")])
    focal = MembershipFactory(
        respondent=salvador, role="focal_point", user__full_name="Ana Morales"
    ).user
    expert = MembershipFactory(
        respondent=salvador, role="expert", user__full_name="Luis Rivas"
    ).user
    reply = Reply.objects.get(questionnaire=questionnaire, respondent=salvador)
    questionnaire.ids = {
        number: question(questionnaire, number).pk for number in ("1", "1 (a)", "2", "3", "5")
    }
    return {"q": questionnaire, "reply": reply, "focal": focal, "expert": expert}


def block(page: Page, q, number):  # type: ignore[no-untyped-def]
    return page.locator(f"#q-{q.ids[number]}")


def stored(reply, q, number):  # type: ignore[no-untyped-def]
    def read():  # type: ignore[no-untyped-def]
        answer = Answer.objects.filter(reply=reply, question_id=q.ids[number]).first()
        return answer.value if answer else None

    return settled(read)


def sign_out(page: Page) -> None:
    page.context.clear_cookies()


def test_expert_drafts_a_table_cell_by_cell_hands_over_and_the_focal_point_clears(
    page: Page, setting
):  # type: ignore[no-untyped-def]
    q, reply = setting["q"], setting["reply"]
    login(page, setting["expert"].email)
    page.goto(f"/replies/{reply.pk}/")

    # the table: two good figures and two typed wrong; the good ones are saved, each wrong
    # one is marked alone, with what was typed and why
    table = block(page, q, "5")
    table.get_by_role("textbox", name="2005 Cases investigated").fill("12")
    table.get_by_role("textbox", name="2006 Persons arrested").fill("-4")
    table.get_by_role("textbox", name="2006 Persons prosecuted").fill("9.5")
    table.get_by_role("textbox", name="2007 Cases investigated").fill("7")
    table.get_by_role("textbox", name="2007 Cases investigated").blur()
    errors = table.locator("[data-cell-errors]")
    expect(errors).to_contain_text("2006, Persons arrested — -4: a count cannot be negative")
    expect(errors).to_contain_text("2006, Persons prosecuted — 9.5: whole numbers only")
    expect(table.locator("[aria-invalid=true]")).to_have_count(2)
    expect(table.locator("[data-status]")).to_contain_text("except 2 cells")
    expect(page.locator("#save-summary")).to_contain_text("Some figures are not saved")
    assert stored(reply, q, "5") == {"2005": {"investigated": 12}, "2007": {"investigated": 7}}
    table.locator("[data-cell-errors]").scroll_into_view_if_needed()
    screenshot(page, "clearance-1-table-cell-errors", full_page=False)

    # a reload keeps what was typed wrong (on this computer) and names it again
    page.reload()
    table = block(page, q, "5")
    expect(table.get_by_role("textbox", name="2006 Persons arrested")).to_have_value("-4")
    expect(table.locator("[data-cell-errors]")).to_contain_text("a count cannot be negative")

    # corrected: every mark goes, every figure is saved
    table.get_by_role("textbox", name="2006 Persons arrested").fill("4")
    table.get_by_role("textbox", name="2006 Persons prosecuted").fill("9")
    table.get_by_role("textbox", name="2006 Persons prosecuted").blur()
    expect(table.locator("[aria-invalid=true]")).to_have_count(0)
    expect(table.locator("[data-cell-errors]")).to_be_hidden()
    wait_saved(page)
    assert stored(reply, q, "5") == {
        "2005": {"investigated": 12},
        "2006": {"arrested": 4, "prosecuted": 9},
        "2007": {"investigated": 7},
    }

    # the other answers; question 3 is not known, through the one small control
    block(page, q, "1").get_by_label("Yes", exact=True).check()
    block(page, q, "1 (a)").get_by_role("textbox").fill("2004")
    block(page, q, "2").get_by_role("textbox").fill(
        "Trafficking in persons is an offence under article 3 of the Penal Code."
    )
    three = block(page, q, "3")
    expect(three.get_by_label("Not known")).to_be_hidden()  # folded away until asked for
    three.get_by_text("Cannot answer?").click()
    three.get_by_label("Not known").check()
    expect(three.locator("[data-state-label]")).to_have_text("Not known")
    wait_saved(page)
    screenshot(page, "clearance-2-expert-draft", full_page=False)

    # hand-off: ready for clearance, with a note; the focal point is e-mailed
    page.get_by_label("Note for the focal point (optional)").fill("The 2006 figures are final.")
    page.get_by_role("button", name="Mark ready for clearance").click()
    expect(page.get_by_text("marked ready for clearance")).to_be_visible()
    expect(page.locator("#handoff")).to_contain_text("Marked ready by Luis Rivas")
    assert (
        settled(lambda: EmailLog.objects.filter(kind="handoff", to=setting["focal"].email).count())
        == 1
    )
    screenshot(page, "clearance-3-ready", full_page=False)

    # the focal point reads the whole reply, and sends it back with a comment
    sign_out(page)
    login(page, setting["focal"].email)
    page.goto(f"/replies/{reply.pk}/")
    expect(page.locator("#handoff")).to_contain_text("The 2006 figures are final.")
    page.get_by_role("link", name="Review and submit…").click()
    expect(page.get_by_role("heading", name="The reply as it will be sent")).to_be_visible()
    clearance = page.locator(".clearance")
    expect(clearance).to_contain_text("article 3 of the Penal Code")
    expect(clearance).to_contain_text("Not known")
    expect(clearance.locator("table")).to_contain_text("12")
    expect(page.locator("textarea[name=value]")).to_have_count(0)  # read only
    screenshot(page, "clearance-4-focal-point-reads")
    page.get_by_label("What should change before you clear it").fill(
        "Question 2: cite the amendment of 2006 as well."
    )
    page.get_by_role("button", name="Send back to the experts").click()
    expect(page.locator("#handoff")).to_contain_text("Sent back by Ana Morales")
    assert settled(lambda: Handoff.objects.filter(kind="returned").count()) == 1

    # the expert sees why, changes the answer and hands it over again
    sign_out(page)
    login(page, setting["expert"].email)
    page.goto(f"/replies/{reply.pk}/")
    expect(page.locator("#handoff")).to_contain_text("cite the amendment of 2006 as well.")
    screenshot(page, "clearance-5-sent-back", full_page=False)
    text = block(page, q, "2").get_by_role("textbox")
    text.press("End")
    text.press_sequentially(" It was amended in 2006.")
    wait_saved(page)
    page.get_by_role("button", name="Mark ready for clearance").click()
    expect(page.locator("#handoff")).to_contain_text("Marked ready by Luis Rivas")

    # the focal point clears and submits from the clearance page
    sign_out(page)
    login(page, setting["focal"].email)
    page.goto(f"/replies/{reply.pk}/submit/")
    expect(page.locator(".clearance")).to_contain_text("It was amended in 2006.")
    page.emulate_media(media="print")
    screenshot(page, "clearance-6-print")
    expect(page.get_by_role("button", name="Clear and submit")).to_be_hidden()  # not printed
    page.emulate_media(media="screen")
    page.get_by_role("button", name="Clear and submit").click()
    expect(page.get_by_role("heading", name="This reply has been submitted")).to_be_visible()
    settled(reply.refresh_from_db)
    assert reply.status == "submitted"
    expect(page.locator("#handoff")).to_have_count(0)  # the submission ends the hand-off

    # amended later: the clearance page marks what changed since revision 1
    page.get_by_role("button", name="Amend the reply").click()
    block(page, q, "1 (a)").get_by_role("textbox").fill("2005")
    wait_saved(page)
    page.get_by_role("link", name="Review and submit…").click()
    expect(page.get_by_text("1 question changed")).to_be_visible()
    changed = page.locator(".question--changed")
    expect(changed).to_have_count(1)
    expect(changed).to_contain_text("Changed since revision 1")
    changed.get_by_text("What changed since revision 1").click()
    expect(changed).to_contain_text("2004")
    expect(page.get_by_role("link", name="PDF of revision 1 as submitted")).to_be_visible()
    screenshot(page, "clearance-7-changes-marked")


def test_a_conflict_waits_for_the_person_typing_and_a_wide_table_says_it_scrolls_on_a_phone(
    page: Page, setting
):  # type: ignore[no-untyped-def]
    q, reply = setting["q"], setting["reply"]
    login(page, setting["focal"].email)
    page.goto(f"/replies/{reply.pk}/")
    text = block(page, q, "2").get_by_role("textbox")
    text.fill("First draft.")
    wait_saved(page)
    # the expert saves question 2 meanwhile
    answer = settled(lambda: Answer.objects.get(reply=reply, question_id=q.ids["2"]))
    settled(
        lambda: replies.save_answer(
            reply=reply,
            question_id=answer.question_id,
            user=setting["expert"],
            value="The expert's wording.",
            expected_version=answer.version,
        )
    )
    text.press("End")
    text.press_sequentially(" And more.")
    conflict = block(page, q, "2").locator("[data-conflict]")
    expect(conflict).to_contain_text("The expert's wording.")
    expect(conflict).to_contain_text("choose which to keep")
    page.keyboard.type(" Still typing")  # the focus stayed in the text box
    expect(text).to_have_value(re.compile(r"Still typing$"))
    expect(conflict.get_by_role("button", name="Keep my version")).not_to_be_focused()
    conflict.get_by_role("button", name="Keep my version").click()
    wait_saved(page)
    assert stored(reply, q, "2").endswith("Still typing")

    # a phone: the table is wider than the screen, and says so
    page.set_viewport_size({"width": 390, "height": 844})
    table = block(page, q, "5")
    expect(table.locator("[data-scroll-hint]")).to_be_visible()
    expect(table.locator(".table-scroll")).to_have_class(re.compile("table-scroll--wide"))
    table.scroll_into_view_if_needed()
    screenshot(page, "clearance-8-phone-table", full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(table.locator("[data-scroll-hint]")).to_be_hidden()


def test_the_new_controls_pass_axe(browser, live_server, setting):  # type: ignore[no-untyped-def]
    """The open "Cannot answer?" control, refused table cells, the hand-off box and the
    clearance page with changes marked: no serious or critical axe violation."""
    from .test_accessibility import serious_violations

    q, reply, focal, expert = setting["q"], setting["reply"], setting["focal"], setting["expert"]
    for number, value in (("1", "yes"), ("1 (a)", "2004"), ("2", "Article 3.")):
        replies.save_answer(
            reply=reply, question_id=q.ids[number], user=focal, value=value, expected_version=0
        )
    replies.submit_reply(reply=reply, user=focal)
    replies.reopen_reply(reply=reply, user=focal)
    replies.save_answer(
        reply=reply,
        question_id=q.ids["2"],
        user=focal,
        value="Article 3, amended.",
        expected_version=1,
    )
    replies.mark_ready_for_clearance(reply=reply, user=expert, comment="Ready.")
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        login(page, focal.email)
        page.goto(f"/replies/{reply.pk}/")
        block(page, q, "3").get_by_text("Cannot answer?").click()
        table = block(page, q, "5")
        table.get_by_role("textbox", name="2006 Persons arrested").fill("-4")
        table.get_by_role("textbox", name="2006 Persons arrested").blur()
        expect(table.locator("[data-cell-errors]")).to_contain_text("cannot be negative")
        assert serious_violations(page) == [], "reply form"
        page.goto(f"/replies/{reply.pk}/submit/")
        expect(page.get_by_text("1 question changed")).to_be_visible()
        assert serious_violations(page) == [], "clearance"
    finally:
        context.close()
