"""A focal point fills in the reply form in a real browser: every question kind, autosave,
a lost connection, a reload with unsaved text, a conflict, an attachment, submission and
amendment."""

from __future__ import annotations

import re
import time

import pytest
from django.db import OperationalError
from playwright.sync_api import Page, expect

from surveys.models import Answer, Attachment, Reply, Respondent
from surveys.replies import services as replies
from tests.factories import MembershipFactory, build_questionnaire, question

from .conftest import login, screenshot

PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def setting():  # type: ignore[no-untyped-def]
    salvador = Respondent.objects.get(code="SLV")
    questionnaire = build_questionnaire(
        dispatch_to=[salvador, Respondent.objects.get(code="EST")],
        languages=["en", "fr", "ar"],
    )
    focal = MembershipFactory(
        respondent=salvador, role="focal_point", user__full_name="Ana Morales"
    ).user
    expert = MembershipFactory(
        respondent=salvador, role="expert", user__full_name="Luis Rivas"
    ).user
    reply = Reply.objects.get(questionnaire=questionnaire, respondent=salvador)
    # looked up once, before the browser starts: the test thread then reads the database only
    # when the page is idle
    questionnaire.ids = {
        number: question(questionnaire, number).pk
        for number in ("1", "1 (a)", "2", "3", "4", "5", "6")
    }
    return {"q": questionnaire, "reply": reply, "focal": focal, "expert": expert}


def block(page: Page, questionnaire, number):  # type: ignore[no-untyped-def]
    return page.locator(f"#q-{questionnaire.ids[number]}")


def settled(read):  # type: ignore[no-untyped-def]
    """Run a database read from the test thread, waiting while the live server's thread holds
    the in-memory SQLite database (its shared-cache locks do not wait by themselves)."""
    for _ in range(50):
        try:
            return read()
        except OperationalError as error:
            if "locked" not in str(error):
                raise
            time.sleep(0.1)
    return read()


def stored(reply, questionnaire, number):  # type: ignore[no-untyped-def]
    def read():  # type: ignore[no-untyped-def]
        answer = Answer.objects.filter(reply=reply, question_id=questionnaire.ids[number]).first()
        return answer.value if answer else None

    return settled(read)


def wait_saved(page: Page) -> None:
    expect(page.locator("#save-summary")).to_have_text(re.compile(r"^Saved at \d\d:\d\d$"))


def test_a_focal_point_fills_saves_survives_offline_submits_and_amends(
    page: Page, context, setting, tmp_path
):  # type: ignore[no-untyped-def]
    q, reply = setting["q"], setting["reply"]
    login(page, setting["focal"].email)

    page.goto("/workspace/")
    expect(page.get_by_role("heading", name="Your questionnaires")).to_be_visible()
    screenshot(page, "workspace-wide")
    page.get_by_role("link", name=re.compile("Start the reply")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(q.title)

    # yes/no, and the conditional question it opens
    conditional = block(page, q, "1 (a)")
    expect(conditional).to_be_hidden()
    block(page, q, "1").get_by_label("Yes", exact=True).check()
    expect(conditional).to_be_visible()
    # a number out of range: refused next to the field, nothing stored
    conditional.get_by_role("textbox").fill("1999")
    expect(conditional.locator("[data-error]")).to_contain_text("at least 2000")
    assert stored(reply, q, "1 (a)") is None
    conditional.get_by_role("textbox").fill("2004")
    expect(conditional.locator("[data-error]")).to_be_hidden()

    # text, single choice, multiple choice, not applicable
    text = block(page, q, "2").get_by_role("textbox")
    text.fill("Trafficking in persons is an offence under article 3 of the Penal Code.")
    block(page, q, "3").get_by_label("Adopted").check()
    block(page, q, "4").get_by_label("Specialized police").check()
    block(page, q, "4").get_by_label("Border unit").check()

    # the statistical table: totals follow the figures as they are typed
    table = block(page, q, "5")
    table.get_by_role("textbox", name="2005 Cases investigated").fill("12")
    table.get_by_role("textbox", name="2006 Cases investigated").fill("8")
    table.get_by_role("textbox", name="2006 Persons arrested").fill("3")
    expect(table.locator("[data-col-total=investigated]")).to_have_text("20")
    expect(table.locator("[data-row-total='2006']")).to_have_text("11")
    expect(table.locator("[data-grand-total]")).to_have_text("23")

    # a file
    pdf = tmp_path / "trafficking-act-2004.pdf"
    pdf.write_bytes(PDF)
    files = block(page, q, "6")
    files.get_by_label("Attach a document").set_input_files(str(pdf))
    files.get_by_role("button", name="Upload").click()
    expect(block(page, q, "6").get_by_role("link", name="trafficking-act-2004.pdf")).to_be_visible()

    wait_saved(page)
    expect(block(page, q, "2").locator("[data-status]")).to_have_text(
        re.compile(r"Saved at \d\d:\d\d")
    )
    assert stored(reply, q, "1") == "yes" and stored(reply, q, "1 (a)") == 2004
    assert stored(reply, q, "3") == "adopted"
    assert stored(reply, q, "4") == ["police", "border"]
    assert stored(reply, q, "5") == {
        "2005": {"investigated": 12},
        "2006": {"investigated": 8, "arrested": 3},
    }
    assert settled(Attachment.objects.filter(reply=reply, deleted_at__isnull=True).count) == 1
    expect(page.locator("[data-required-answered]")).to_have_text("3")
    screenshot(page, "reply-form-wide")

    # the connection drops while typing: kept, retried, saved when it comes back
    context.set_offline(True)
    text.press("End")
    text.press_sequentially(" Typed on the train.")
    expect(page.locator("#save-summary")).to_contain_text("Not saved — retrying")
    expect(block(page, q, "2").locator("[data-status]")).to_contain_text("Not saved — retrying")
    screenshot(page, "reply-form-offline", full_page=False)
    assert "train" not in stored(reply, q, "2")
    context.set_offline(False)
    wait_saved(page)
    assert stored(reply, q, "2").endswith("Typed on the train.")

    # the server cannot be reached, and the page is reloaded: the text comes back and is sent
    page.route("**/answers/", lambda route: route.abort())
    text.press("End")
    text.press_sequentially(" Kept on this computer.")
    expect(page.locator("#save-summary")).to_contain_text("Not saved — retrying")
    page.reload()
    text = block(page, q, "2").get_by_role("textbox")
    expect(text).to_have_value(re.compile(r"Kept on this computer\.$"))
    assert "Kept on this computer" not in stored(reply, q, "2")
    page.unroute("**/answers/")
    wait_saved(page)
    assert stored(reply, q, "2").endswith("Kept on this computer.")

    # someone else saves the same answer meanwhile: both versions shown, the person chooses
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
    text.press_sequentially(" Mine.")
    conflict = block(page, q, "2").locator("[data-conflict]")
    expect(conflict).to_contain_text("The expert's wording.")
    expect(conflict).to_contain_text("Kept on this computer. Mine.")
    expect(conflict).to_contain_text("Luis Rivas")
    screenshot(page, "reply-form-conflict", full_page=False)
    conflict.get_by_role("button", name="Keep my version").click()
    wait_saved(page)
    assert stored(reply, q, "2").endswith("Mine.")

    # phone-sized screen and Arabic, for people to look at
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "reply-form-phone")
    page.goto(f"/replies/{reply.pk}/?lang=ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    screenshot(page, "reply-form-arabic-phone", full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "reply-form-arabic-wide", full_page=False)
    page.goto(f"/replies/{reply.pk}/?lang=en")

    # submit, with the confirmation step
    page.get_by_role("link", name="Review and submit…").click()
    expect(page.get_by_text("Every required question has an answer.")).to_be_visible()
    screenshot(page, "submit-confirmation")
    page.get_by_role("button", name="Clear and submit").click()
    expect(page.get_by_role("heading", name="This reply has been submitted")).to_be_visible()
    expect(page.locator("textarea[name=value]")).to_have_count(0)
    settled(reply.refresh_from_db)
    assert reply.status == "submitted" and reply.revisions.count() == 1
    screenshot(page, "reply-submitted")

    # amend: the form opens again
    page.get_by_role("button", name="Amend the reply").click()
    expect(page.get_by_text("The reply is open for amendment.")).to_be_visible()
    expect(block(page, q, "2").get_by_role("textbox")).to_be_editable()
    settled(reply.refresh_from_db)
    assert reply.status == "reopened"

    # a second submission, and what changed between the two
    text = block(page, q, "2").get_by_role("textbox")
    text.fill("Trafficking in persons is a serious offence under article 3 of the Penal Code.")
    block(page, q, "5").get_by_role("textbox", name="2007 Persons prosecuted").fill("4")
    wait_saved(page)
    page.get_by_role("link", name="Review and submit…").click()
    page.get_by_role("button", name="Clear and submit").click()
    page.get_by_role("link", name="Submitted revisions (2)").click()
    screenshot(page, "revisions")
    page.get_by_role("link", name="Compare revisions").click()
    expect(page.get_by_text("2 questions changed")).to_be_visible()
    expect(page.locator("ins", has_text="serious")).to_be_visible()
    expect(page.locator(".cell--changed")).to_have_count(1)
    screenshot(page, "revision-compare")
    page.goto(f"/replies/{reply.pk}/revisions/2/print/")
    expect(page.get_by_text("Reply of El Salvador, revision 2")).to_be_visible()
    screenshot(page, "revision-print")


def test_keyboard_only_person_answers_and_is_told_it_is_saved(page: Page, setting):  # type: ignore[no-untyped-def]
    q, reply = setting["q"], setting["reply"]
    login(page, setting["focal"].email)
    page.goto(f"/replies/{reply.pk}/")
    # "Not known" by keyboard on question 2: the "Cannot answer?" control opens with Enter
    block(page, q, "2").get_by_role("textbox").focus()
    page.keyboard.press("Tab")  # to "Cannot answer?"
    page.keyboard.press("Enter")  # opens it
    page.keyboard.press("Tab")  # to its choices, on the one that stands ("I can answer")
    page.keyboard.press("ArrowRight")  # "Not known"
    wait_saved(page)
    expect(block(page, q, "2").locator("[data-state-label]")).to_have_text("Not known")
    answer = settled(lambda: Answer.objects.get(reply=reply, question_id=q.ids["2"]))
    assert answer.state == "not_known"
    expect(page.locator("#save-summary")).to_have_attribute("aria-live", "polite")


def _kept_here(page: Page) -> list[str]:
    return page.evaluate(
        "Object.keys(localStorage).filter((key) => key.startsWith('verbale:reply:'))"
    )


def test_signing_out_warns_of_unsaved_text_and_leaves_nothing_on_the_computer(page: Page, setting):  # type: ignore[no-untyped-def]
    q, reply = setting["q"], setting["reply"]
    login(page, setting["focal"].email)
    page.goto(f"/replies/{reply.pk}/")
    page.route("**/answers/", lambda route: route.abort())  # Verbale cannot be reached
    block(page, q, "2").get_by_role("textbox").fill("Drafted in the mission, not yet sent.")
    expect(page.locator("#save-summary")).to_contain_text("Not saved — retrying")
    assert len(_kept_here(page)) == 1

    # Asked first; choosing to stay keeps the person signed in and the text kept.
    dialogs: list[str] = []

    def stay(dialog):  # type: ignore[no-untyped-def]
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", stay)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert dialogs and "have not reached Verbale yet" in dialogs[0]
    assert len(_kept_here(page)) == 1

    # Signing out anyway leaves nothing behind for the next person at this computer.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert _kept_here(page) == []
    assert stored(reply, q, "2") is None


def test_signing_out_with_everything_saved_asks_nothing(page: Page, setting):  # type: ignore[no-untyped-def]
    q, reply = setting["q"], setting["reply"]
    login(page, setting["focal"].email)
    page.goto(f"/replies/{reply.pk}/")
    block(page, q, "2").get_by_role("textbox").fill("Article 3 of the Penal Code.")
    wait_saved(page)
    assert _kept_here(page) == []
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert asked == []
    # Leaving the field on the way out sent nothing more: one save, one version.
    answer = settled(lambda: Answer.objects.get(reply=reply, question_id=q.ids["2"]))
    assert (answer.value, answer.version) == ("Article 3 of the Penal Code.", 1)


def test_an_edit_undone_before_it_is_sent_leaves_nothing_to_save(page: Page, setting):  # type: ignore[no-untyped-def]
    q, reply = setting["q"], setting["reply"]
    login(page, setting["focal"].email)
    page.goto(f"/replies/{reply.pk}/")
    summary = page.locator("#save-summary")
    expect(summary).to_have_text("Answers are saved as you type.")
    text = block(page, q, "2").get_by_role("textbox")
    text.press_sequentially("x", delay=0)
    text.press("Backspace")
    expect(block(page, q, "2").locator("[data-status]")).to_have_text("No unsaved changes")
    expect(summary).to_have_text("Answers are saved as you type.")
    assert _kept_here(page) == []
    # The wait is what is under test: once the autosave delay (1 s) is over, nothing was sent.
    page.wait_for_timeout(1500)
    assert stored(reply, q, "2") is None
