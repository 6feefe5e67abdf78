"""The login page and the focal-point pages pass axe-core with no serious or critical
violation, and the reply form can be filled with the keyboard alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from surveys.models import Reply, Respondent
from surveys.replies import services as replies
from tests.browser.conftest import CHROMIUM_ARGS, login, screenshot  # noqa: F401
from tests.factories import MembershipFactory, build_questionnaire, question

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def serious_violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def audited(browser: Browser, live_server):  # type: ignore[no-untyped-def]
    """A page whose context may inject axe-core despite the Content Security Policy."""
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def draft():  # type: ignore[no-untyped-def]
    salvador = Respondent.objects.get(code="SLV")
    q = build_questionnaire(dispatch_to=[salvador])
    reply = Reply.objects.get(questionnaire=q, respondent=salvador)
    focal = MembershipFactory(respondent=salvador, user__email="fp@verbale.test").user
    replies.save_answer(
        reply=reply, question_id=question(q, "1").pk, user=focal, value="yes", expected_version=0
    )
    return reply, focal


def test_login_page_passes_axe(audited):
    audited.goto("/accounts/login/")
    assert serious_violations(audited) == []


def test_focal_point_pages_pass_axe(audited, draft):
    reply, focal = draft
    login(audited, focal.email)
    for name, url in [
        ("home", "/"),
        ("workspace", "/workspace/"),
        ("reply-form", f"/replies/{reply.pk}/"),
        ("submit", f"/replies/{reply.pk}/submit/"),
        ("revisions", f"/replies/{reply.pk}/revisions/"),
    ]:
        audited.goto(url)
        assert serious_violations(audited) == [], name


def test_reply_form_can_be_filled_with_the_keyboard_alone(page, draft):
    reply, focal = draft
    login(page, focal.email)
    page.goto(f"/replies/{reply.pk}/")
    text_box = page.get_by_role("textbox", name="Describe the offences in your criminal code.")
    # Tab from the top of the page until the text question has the focus.
    page.keyboard.press("Tab")
    for _ in range(80):
        if text_box.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail("The text question cannot be reached with the Tab key")
    page.keyboard.type("Typed without a mouse.")
    page.keyboard.press("Tab")
    page.get_by_text("Saved at").first.wait_for()
    screenshot(page, "accessibility-keyboard")
    assert reply.answers.get(question__number="2").value == "Typed without a mouse."
