"""Invitations at dispatch and reminders the secretariat can see and aim: who receives what,
with which link, who is skipped and why, and what the e-mail log links to."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from surveys.models import EmailLog, Membership, Questionnaire, Reply, Respondent
from surveys.questionnaires import dispatch, messages
from surveys.replies import services as replies
from tests.factories import MembershipFactory, SecretariatFactory, build_questionnaire, question

pytestmark = pytest.mark.django_db
SITE = "https://verbale.example.org"


@pytest.fixture(autouse=True)
def _site(settings):  # type: ignore[no-untyped-def]
    settings.SITE_URL = SITE


@pytest.fixture
def secretariat():  # type: ignore[no-untyped-def]
    return SecretariatFactory()


@pytest.fixture
def sec_client(client, secretariat):  # type: ignore[no-untyped-def]
    client.force_login(secretariat)
    return client


def _state(code: str) -> Respondent:
    return Respondent.objects.get(code=code)


def _submit(reply: Reply, user) -> None:  # type: ignore[no-untyped-def]
    q = reply.questionnaire
    for number, value in (("1", "yes"), ("1 (a)", "2004"), ("2", "Article 152.")):
        replies.save_answer(
            reply=reply,
            question_id=question(q, number).pk,
            user=user,
            value=value,
            expected_version=0,
        )
    replies.submit_reply(reply=reply, user=user)


# --- invitations ---------------------------------------------------------------------------


def test_dispatch_invites_every_active_focal_point_and_expert_with_a_link_to_their_reply(
    secretariat, django_capture_on_commit_callbacks
):
    niger, qatar = _state("NER"), _state("QAT")
    focal = MembershipFactory(respondent=niger, role="focal_point").user
    expert = MembershipFactory(respondent=niger, role="expert").user
    MembershipFactory(respondent=niger, role="observer")
    MembershipFactory(respondent=niger, role="focal_point", is_active=False)
    other = MembershipFactory(respondent=qatar, role="focal_point").user
    with django_capture_on_commit_callbacks(execute=True):
        q = build_questionnaire(by=secretariat, dispatch_to=[niger, qatar])
    invitations = EmailLog.objects.filter(kind=EmailLog.Kind.INVITATION)
    assert sorted(invitations.values_list("to", flat=True)) == sorted(
        [focal.email, expert.email, other.email]
    )
    niger_reply = q.replies.get(respondent=niger)
    for log in invitations.filter(respondent=niger):
        assert log.reply == niger_reply
        assert f"{SITE}/replies/{niger_reply.pk}/" in log.body
        assert "15 December 2007" in log.body
        assert log.status == EmailLog.Status.SENT  # tests run the worker's task in-process
    sent = {m.to[0]: m.body for m in mail.outbox}
    assert f"{SITE}/replies/{niger_reply.pk}/" in sent[focal.email]
    qatar_log = invitations.get(respondent=qatar)
    assert f"/replies/{niger_reply.pk}/" not in qatar_log.body  # never another State's reply


def test_recipients_added_later_are_invited_and_earlier_ones_not_again(secretariat):
    niger, qatar = _state("NER"), _state("QAT")
    MembershipFactory(respondent=niger)
    MembershipFactory(respondent=qatar)
    q = build_questionnaire(by=secretariat, dispatch_to=[niger])
    dispatch.dispatch_questionnaire(questionnaire=q, by=secretariat, respondents=[niger, qatar])
    invited = EmailLog.objects.filter(kind=EmailLog.Kind.INVITATION)
    assert sorted(invited.values_list("respondent__code", flat=True)) == ["NER", "QAT"]


def test_the_confirmation_lists_recipients_without_a_focal_point_with_the_nomination_path(
    sec_client, secretariat
):
    niger, qatar = _state("NER"), _state("QAT")
    MembershipFactory(respondent=qatar)
    MembershipFactory(respondent=niger, role="expert")  # an expert cannot submit
    draft = build_questionnaire(by=secretariat)
    response = sec_client.post(
        reverse("surveys:questionnaire-dispatch", args=[draft.pk]),
        {
            "reference": "CU 2007/212",
            "sent_on": "2007-11-12",
            "respondent_ids": [niger.pk, qatar.pk],
        },
    )
    page = response.content.decode()
    assert "1 recipient without a focal point" in page
    assert reverse("surveys:secretariat-nominations", args=[niger.pk]) in page
    assert reverse("surveys:secretariat-nominations", args=[qatar.pk]) not in page
    assert "permanent mission to nominate" in page
    assert not EmailLog.objects.exists()  # nothing sent before confirming


# --- the reminder's text -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Dear {respondant}", "Unknown placeholder {respondant}"),
        ("Reply by {deadline:%d}", "with nothing after its name"),
        ("A lone { brace", "stands alone"),
        ("Empty {}", "Empty placeholder"),
    ],
)
def test_a_text_verbale_could_not_fill_in_is_refused_with_a_message(text, message):
    with pytest.raises(messages.PlaceholderError, match=message):
        messages.check_text(text)


def test_a_text_with_known_placeholders_and_escaped_braces_is_filled():
    text = "{respondent}: by {deadline} at {link} {{sic}}"
    values = {"respondent": "the Niger", "deadline": "15 December 2007", "link": "https://x/1/"}
    assert messages.fill(text, values) == "the Niger: by 15 December 2007 at https://x/1/ {sic}"


def test_saving_a_text_with_an_unknown_placeholder_changes_nothing(sec_client, secretariat):
    q = build_questionnaire(by=secretariat, dispatch_to=[_state("NER")])
    url = reverse("surveys:questionnaire-reminders", args=[q.pk])
    response = sec_client.post(
        url, {"action": "save-text", "text_en": "Dear {delegation}, by {deadline}", "text_fr": ""}
    )
    assert response.status_code == 200
    assert "Unknown placeholder {delegation}" in response.content.decode()
    q.refresh_from_db()
    assert q.reminder_texts == {}
    response = sec_client.post(
        url,
        {
            "action": "save-text",
            "text_en": "Please reply, {respondent}: {link}",
            "text_fr": "Merci, {respondent} : {link}",
        },
    )
    assert response.status_code == 302
    q.refresh_from_db()
    assert q.reminder_texts == {
        "en": "Please reply, {respondent}: {link}",
        "fr": "Merci, {respondent} : {link}",
    }


# --- preview, aim, result ------------------------------------------------------------------


@pytest.fixture
def cycle(secretariat):  # type: ignore[no-untyped-def]
    """Niger (two focal points, one French-speaking), Qatar (submitted), Togo (no focal point)."""
    niger, qatar, togo = _state("NER"), _state("QAT"), _state("TGO")
    q = build_questionnaire(by=secretariat, dispatch_to=[niger, qatar, togo])
    q.reminder_texts = {
        "en": "{respondent} has not replied; replies by {deadline}: {link}",
        "fr": "{respondent} n'a pas répondu ; délai : {deadline} : {link}",
    }
    q.save()
    MembershipFactory(respondent=niger, user__email="a@niger.example")
    MembershipFactory(respondent=niger, user__email="b@niger.example", language="fr")
    fp_qatar = MembershipFactory(respondent=qatar).user
    _submit(q.replies.get(respondent=qatar), fp_qatar)
    EmailLog.objects.all().delete()
    return q


def test_the_preview_shows_the_actual_email_and_who_is_skipped_and_sends_nothing(sec_client, cycle):
    niger_reply = cycle.replies.get(respondent__code="NER")
    response = sec_client.post(
        reverse("surveys:questionnaire-reminders", args=[cycle.pk]),
        {"action": "preview", "scope": "all"},
    )
    page = response.content.decode()
    assert "The e-mail as a@niger.example will receive it" in page
    # the name as running text writes it ("the Niger"), the deadline, the reply's own link
    body = f"the Niger has not replied; replies by 15 December 2007: {SITE}/replies/"
    assert f"{body}{niger_reply.pk}/" in page
    assert 'Qatar <span class="hint">— already submitted' in page
    assert 'Togo <span class="hint">— no active focal point' in page
    assert "Send 2 reminders" in page
    assert not EmailLog.objects.exists()


def test_a_reminder_aimed_at_one_state_reaches_only_its_focal_points_in_their_language(
    sec_client, cycle
):
    niger = _state("NER")
    response = sec_client.post(
        reverse("surveys:questionnaire-reminders", args=[cycle.pk]),
        {"action": "send", "scope": "chosen", "respondent_ids": [niger.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "2 reminders queued for sending to the focal points of 1 recipient; 0 skipped" in page
    logs = EmailLog.objects.filter(kind=EmailLog.Kind.REMINDER).order_by("to")
    assert [(log.to, log.respondent_id) for log in logs] == [
        ("a@niger.example", niger.pk),
        ("b@niger.example", niger.pk),
    ]
    assert "has not replied" in logs[0].body
    assert "n'a pas répondu" in logs[1].body
    assert all(log.reply.respondent_id == niger.pk for log in logs)
    # the result came after a redirect: loading the page again shows it no more, sends nothing
    again = sec_client.get(response.redirect_chain[-1][0]).content.decode()
    assert "queued for sending" not in again and "Preview the reminder" in again
    assert EmailLog.objects.filter(kind=EmailLog.Kind.REMINDER).count() == 2


def test_the_result_names_who_was_reminded_and_who_was_skipped_and_why(secretariat, cycle):
    result = dispatch.send_reminders(questionnaire=cycle, by=secretariat)
    assert [r.reply.respondent.code for r in result.reminded] == ["NER"]
    assert sorted((r.reply.respondent.code, r.skipped) for r in result.skipped) == [
        ("QAT", dispatch.SKIP_SUBMITTED),
        ("TGO", dispatch.SKIP_NO_FOCAL_POINT),
    ]
    assert result.sent == 2


def test_choosing_to_remind_only_ticked_recipients_needs_one(sec_client, cycle):
    response = sec_client.post(
        reverse("surveys:questionnaire-reminders", args=[cycle.pk]),
        {"action": "send", "scope": "chosen"},
    )
    assert "Tick at least one recipient" in response.content.decode()
    assert not EmailLog.objects.exists()


def test_the_board_link_preselects_one_recipient(sec_client, cycle):
    niger = _state("NER")
    page = sec_client.get(
        reverse("surveys:questionnaire-reminders", args=[cycle.pk]) + f"?respondent={niger.pk}"
    ).content.decode()
    assert f'value="{niger.pk}" id="id_respondent_ids_' in page
    assert f'value="{niger.pk}" id="id_respondent_ids_0" checked' in page or (
        f'name="respondent_ids" value="{niger.pk}"' in page and "checked" in page
    )


def test_the_email_log_links_each_message_to_its_respondent_and_reply(
    sec_client, secretariat, cycle
):
    dispatch.send_reminders(questionnaire=cycle, by=secretariat)
    niger_reply = cycle.replies.get(respondent__code="NER")
    page = sec_client.get(reverse("surveys:email-log") + "?kind=reminder").content.decode()
    assert reverse("surveys:secretariat-reply", args=[cycle.pk, niger_reply.pk]) in page
    assert reverse("surveys:secretariat-nominations", args=[niger_reply.respondent_id]) in page


def test_reminders_for_a_closed_questionnaire_are_refused(sec_client, cycle):
    Questionnaire.objects.filter(pk=cycle.pk).update(status=Questionnaire.Status.CLOSED)
    response = sec_client.post(
        reverse("surveys:questionnaire-reminders", args=[cycle.pk]),
        {"action": "send", "scope": "all"},
    )
    assert response.status_code == 302
    assert not EmailLog.objects.exists()
    assert Membership.objects.exists()


@pytest.mark.parametrize("who", ["niger_focal", "other_focal", "niger_expert", "reviewer"])
def test_nobody_but_the_secretariat_previews_or_sends_reminders(client, cycle, who):
    from tests.factories import ReviewerFactory

    niger, qatar = _state("NER"), _state("QAT")
    user = {
        "niger_focal": lambda: MembershipFactory(respondent=niger).user,
        "other_focal": lambda: MembershipFactory(respondent=qatar).user,
        "niger_expert": lambda: MembershipFactory(respondent=niger, role="expert").user,
        "reviewer": ReviewerFactory,
    }[who]()
    client.force_login(user)
    url = reverse("surveys:questionnaire-reminders", args=[cycle.pk])
    assert client.get(url).status_code == 403
    for data in (
        {"action": "preview", "scope": "all"},
        {"action": "send", "scope": "all"},
        {"action": "save-text", "text_en": "Hello {respondent}"},
    ):
        assert client.post(url, data).status_code == 403
    assert not EmailLog.objects.exists()
    cycle.refresh_from_db()
    assert "Hello" not in str(cycle.reminder_texts)


def test_the_nomination_records_the_language_a_person_corresponds_in(sec_client):
    niger = _state("NER")
    url = reverse("surveys:secretariat-nominations", args=[niger.pk])
    base = {"email": "fp@niger.example", "full_name": "A. Moussa", "role": "focal_point"}
    response = sec_client.post(url, {**base, "language": "de"})
    assert response.status_code == 200
    assert not Membership.objects.filter(respondent=niger).exists()
    sec_client.post(url, {**base, "language": "fr"})
    assert Membership.objects.get(respondent=niger).language == "fr"
    assert "corresponds in French" in sec_client.get(url).content.decode()


def test_the_api_reminds_chosen_respondents_and_names_who_was_skipped(client, secretariat, cycle):
    niger, qatar, togo = _state("NER"), _state("QAT"), _state("TGO")
    client.force_login(secretariat)
    url = f"/api/v1/questionnaires/{cycle.pk}/remind/"
    for bad in ("NER", None, [True], ["1"]):
        refused = client.post(url, {"respondents": bad}, content_type="application/json")
        assert refused.status_code == 400 and not EmailLog.objects.exists()
    refused = client.post(url, [None, None], content_type="application/json")
    assert refused.status_code == 400 and not EmailLog.objects.exists()
    response = client.post(
        url, {"respondents": [qatar.pk, togo.pk, niger.pk]}, content_type="application/json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["sent"] == 2 and body["reminded"] == ["NER"]
    assert sorted(body["skipped"], key=lambda s: s["respondent"]) == [
        {"respondent": "QAT", "reason": "already submitted"},
        {"respondent": "TGO", "reason": "no active focal point"},
    ]


def test_the_reminders_page_queries_do_not_grow_with_recipients(
    sec_client, secretariat, django_assert_max_num_queries
):
    states = list(Respondent.objects.filter(kind="member_state").order_by("code")[:40])
    small = build_questionnaire(by=secretariat, dispatch_to=states[:2])
    large = build_questionnaire(by=secretariat, dispatch_to=states)
    for state in states:
        MembershipFactory(respondent=state)
    for data in ({}, {"action": "preview", "scope": "all"}):
        send = sec_client.post if data else sec_client.get
        url = reverse("surveys:questionnaire-reminders", args=[small.pk])
        with django_assert_max_num_queries(40) as small_queries:
            send(url, data)
        url = reverse("surveys:questionnaire-reminders", args=[large.pk])
        with django_assert_max_num_queries(len(small_queries.captured_queries)):
            page = send(url, data).content.decode()
        if data:
            assert "To be reminded (40)" in page
        else:
            assert page.count('name="respondent_ids"') == 40
