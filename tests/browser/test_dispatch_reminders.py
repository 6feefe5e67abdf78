"""The secretariat dispatches a questionnaire to one State with a focal point and one without,
sees the one without named (with the nomination path) before sending, then previews and sends
a reminder to one State, in Chromium.

Screenshots land in test-output/browser/dispatch-*.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from surveys.models import EmailLog, Questionnaire, Respondent
from tests.factories import MembershipFactory, SecretariatFactory, build_questionnaire

from .conftest import PASSWORD, login, screenshot
from .test_accessibility import audited, serious_violations  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_dispatch_with_a_recipient_lacking_a_focal_point_then_remind_one_state(
    page: Page, settings
):
    settings.SITE_URL = "https://verbale.example.org"
    secretariat = SecretariatFactory(email="secretariat@verbale.test")
    draft = build_questionnaire(by=secretariat, title="Smuggling of migrants: measures taken")
    niger, togo = Respondent.objects.get(code="NER"), Respondent.objects.get(code="TGO")
    MembershipFactory(respondent=niger, user__email="focal@niger.example")

    login(page, secretariat.email, PASSWORD)
    page.goto(f"/questionnaires/{draft.pk}/dispatch/")
    page.get_by_label("Note verbale reference").fill("CU 2007/300")
    page.get_by_label("Niger (NER)").check()
    page.get_by_label("Togo (TGO)").check()
    page.get_by_role("button", name="Continue: check the recipients").click()
    warning = page.get_by_role("region", name="1 recipient without a focal point")
    expect(warning).to_contain_text("Togo")
    expect(warning).to_contain_text("permanent mission to nominate")
    expect(warning.get_by_role("link", name="record a nomination for Togo")).to_be_visible()
    screenshot(page, "dispatch-1-confirm")
    page.get_by_role("button", name="Dispatch to 2 recipients").click()

    expect(page.get_by_role("heading", name="Status board")).to_be_visible()
    expect(page.locator("#board [role=status]")).to_contain_text("1 with no focal point")
    screenshot(page, "dispatch-2-board")
    questionnaire = Questionnaire.objects.get(pk=draft.pk)
    assert questionnaire.status == "dispatched"
    invitation = EmailLog.objects.get(kind="invitation")
    assert invitation.to == "focal@niger.example"

    page.get_by_role("link", name="Remind Niger").click()
    expect(page.get_by_label("Only the recipients ticked below")).to_be_checked()
    expect(page.get_by_label("Niger", exact=True)).to_be_checked()
    page.get_by_role("button", name="Preview the reminder").click()
    preview = page.get_by_role("region", name="The e-mail as focal@niger.example will receive it")
    reply = questionnaire.replies.get(respondent=niger)
    expect(preview).to_contain_text(f"https://verbale.example.org/replies/{reply.pk}/")
    expect(preview).to_contain_text("Replies are requested by 15 December 2007")
    screenshot(page, "dispatch-3-preview")
    assert not EmailLog.objects.filter(kind="reminder").exists()
    page.get_by_role("button", name="Send 1 reminder").click()

    expect(page.get_by_role("heading", name="Reminders sent")).to_be_visible()
    expect(page.get_by_role("region", name="Reminded (1)")).to_contain_text("Niger")
    screenshot(page, "dispatch-4-sent")
    assert list(EmailLog.objects.filter(kind="reminder").values_list("to", flat=True)) == [
        "focal@niger.example"
    ]
    assert togo.pk not in EmailLog.objects.values_list("respondent_id", flat=True)

    page.goto(f"/questionnaires/{draft.pk}/reminders/")
    page.get_by_label("Reminder text in English").fill("Dear {delegation}, reply by {deadline}.")
    page.get_by_role("button", name="Save the text").click()
    expect(page.get_by_text("Unknown placeholder {delegation}")).to_be_visible()
    screenshot(page, "dispatch-5-text-refused")
    questionnaire.refresh_from_db()
    assert questionnaire.reminder_texts == {}

    page.get_by_role("link", name="Home").first.click()
    attention = page.get_by_role("region", name="What needs attention now")
    expect(attention.get_by_role("link", name=f"Late replies to “{draft.title}”")).to_be_visible()
    screenshot(page, "dispatch-6-home")


def test_the_secretariat_pages_of_dispatch_and_reminders_pass_axe(audited):  # noqa: F811
    secretariat = SecretariatFactory(email="secretariat@verbale.test")
    niger, togo = Respondent.objects.get(code="NER"), Respondent.objects.get(code="TGO")
    MembershipFactory(respondent=niger)
    q = build_questionnaire(by=secretariat, dispatch_to=[niger, togo])
    draft = build_questionnaire(by=secretariat, title="A draft")
    login(audited, secretariat.email, PASSWORD)
    for name, url in [
        ("home", "/"),
        ("dispatch", f"/questionnaires/{draft.pk}/dispatch/"),
        ("status board", f"/questionnaires/{q.pk}/status/"),
        ("reminders", f"/questionnaires/{q.pk}/reminders/"),
        ("e-mail log", "/emails/"),
    ]:
        audited.goto(url)
        assert serious_violations(audited) == [], name
    audited.goto(f"/questionnaires/{q.pk}/reminders/")
    audited.get_by_role("button", name="Preview the reminder").click()
    assert serious_violations(audited) == [], "reminder preview"
