"""The secretariat's pages: questionnaires, editor, preview, copy, dispatch, nominations, the
status board, replies and the e-mail log — who may open them and what they change."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from surveys.models import (
    Answer,
    ClarificationMessage,
    EmailLog,
    Membership,
    Question,
    Questionnaire,
    QuestionnaireRevision,
    Reply,
    Respondent,
    Section,
)
from surveys.questionnaires import dispatch, interchange
from surveys.replies import services as replies
from tests.factories import (
    MembershipFactory,
    ReviewerFactory,
    SecretariatFactory,
    UserFactory,
    build_questionnaire,
    question,
)

pytestmark = pytest.mark.django_db


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture
def salvador() -> Respondent:
    return Respondent.objects.get(code="SLV")


@pytest.fixture
def estonia() -> Respondent:
    return Respondent.objects.get(code="EST")


@pytest.fixture
def secretariat():  # type: ignore[no-untyped-def]
    return SecretariatFactory()


@pytest.fixture
def questionnaire(secretariat, salvador, estonia) -> Questionnaire:
    return build_questionnaire(by=secretariat, dispatch_to=[salvador, estonia])


@pytest.fixture
def draft(secretariat) -> Questionnaire:
    return build_questionnaire(by=secretariat, title="Smuggling of migrants")


@pytest.fixture
def reply(questionnaire, salvador) -> Reply:
    return Reply.objects.get(questionnaire=questionnaire, respondent=salvador)


@pytest.fixture
def focal(salvador):  # type: ignore[no-untyped-def]
    return MembershipFactory(respondent=salvador, role="focal_point").user


@pytest.fixture
def sec_client(client, secretariat):  # type: ignore[no-untyped-def]
    client.force_login(secretariat)
    return client


def fill_required(reply: Reply, user) -> None:  # type: ignore[no-untyped-def]
    q = reply.questionnaire
    for number, kwargs in (
        ("1", {"value": "yes"}),
        ("1 (a)", {"value": "2004"}),
        ("2", {"value": "Article 152 of the Penal Code."}),
    ):
        replies.save_answer(
            reply=reply,
            question_id=question(q, number).pk,
            user=user,
            expected_version=0,
            **kwargs,
        )


def submit_on_behalf(reply: Reply, secretariat, received_on: datetime.date) -> None:  # type: ignore[no-untyped-def]
    fill_required(reply, secretariat)
    replies.submit_reply(
        reply=reply, user=secretariat, channel="note_verbale", received_on=received_on
    )


# --- who may open what --------------------------------------------------------------------


def page_urls(questionnaire: Questionnaire, reply: Reply) -> list[str]:
    q = questionnaire.pk
    section = questionnaire.sections.first()
    first = question(questionnaire, "2")
    return [
        reverse("surveys:questionnaire-list"),
        reverse("surveys:questionnaire-create"),
        reverse("surveys:questionnaire-detail", args=[q]),
        reverse("surveys:questionnaire-edit", args=[q]),
        reverse("surveys:questionnaire-copy", args=[q]),
        reverse("surveys:questionnaire-questions", args=[q]),
        reverse("surveys:questionnaire-section-add", args=[q]),
        reverse("surveys:questionnaire-section-edit", args=[q, section.pk]),
        reverse("surveys:questionnaire-section-delete", args=[q, section.pk]),
        reverse("surveys:questionnaire-section-move", args=[q, section.pk]) + "?direction=down",
        reverse("surveys:questionnaire-question-add", args=[q, section.pk]),
        reverse("surveys:questionnaire-question-edit", args=[q, first.pk]),
        reverse("surveys:questionnaire-question-delete", args=[q, first.pk]),
        reverse("surveys:questionnaire-question-move", args=[q, first.pk]) + "?direction=up",
        reverse("surveys:questionnaire-preview", args=[q]),
        reverse("surveys:questionnaire-dispatch", args=[q]),
        reverse("surveys:questionnaire-status", args=[q]),
        reverse("surveys:secretariat-reply", args=[q, reply.pk]),
        reverse("surveys:secretariat-nominations-index"),
        reverse("surveys:secretariat-nominations", args=[reply.respondent_id]),
        reverse("surveys:email-log"),
        reverse("surveys:questionnaire-import"),
        reverse("surveys:questionnaire-question-duplicate", args=[q, first.pk]),
        reverse("surveys:questionnaire-question-section", args=[q, first.pk]),
    ]


def post_actions(questionnaire: Questionnaire, reply: Reply) -> list[tuple[str, dict]]:
    """Every state-changing POST, with data that would work for the secretariat."""
    q = questionnaire.pk
    section = questionnaire.sections.first()
    q2 = question(questionnaire, "2")
    membership = MembershipFactory(respondent=reply.respondent, role="expert")
    answer = Answer.objects.filter(reply=reply).first()
    return [
        (
            reverse("surveys:questionnaire-create"),
            {"title": "New", "deadline": "2009-01-01", "cutoff": "2009-02-01", "languages": "en"},
        ),
        (
            reverse("surveys:questionnaire-edit", args=[q]),
            {
                "title": "Changed",
                "deadline": "2007-12-15",
                "cutoff": "2008-01-24",
                "languages": "en",
            },
        ),
        (
            reverse("surveys:questionnaire-copy", args=[q]),
            {"title": "Copy", "deadline": "2009-01-01", "cutoff": "2009-02-01"},
        ),
        (
            reverse("surveys:questionnaire-section-add", args=[q]),
            {"title_en": "Prevention", "reason": "Asked by the Commission"},
        ),
        (
            reverse("surveys:questionnaire-section-edit", args=[q, section.pk]),
            {"title_en": "Changed", "reason": "Typo"},
        ),
        (
            reverse("surveys:questionnaire-section-move", args=[q, section.pk]),
            {"direction": "down", "reason": "Order"},
        ),
        (reverse("surveys:questionnaire-section-delete", args=[q, section.pk]), {"reason": "x"}),
        (
            reverse("surveys:questionnaire-question-add", args=[q, section.pk]),
            {"kind": "text", "text_en": "Anything else?", "reason": "Added"},
        ),
        (
            reverse("surveys:questionnaire-question-edit", args=[q, q2.pk]),
            {"kind": "text", "text_en": "Changed?", "reason": "Clearer"},
        ),
        (
            reverse("surveys:questionnaire-question-duplicate", args=[q, q2.pk]),
            {"reason": "A second question of the same kind"},
        ),
        (
            reverse("surveys:questionnaire-question-section", args=[q, q2.pk]),
            {"section": questionnaire.sections.last().pk, "reason": "Belongs to enforcement"},
        ),
        (
            reverse("surveys:questionnaire-reorder", args=[q]),
            {
                "sections": [s.pk for s in questionnaire.sections.order_by("-order")],
                **{
                    f"section-{s.pk}": [x.pk for x in s.questions.order_by("-order")]
                    for s in questionnaire.sections.all()
                },
            },
        ),
        (
            reverse("surveys:questionnaire-import"),
            {
                "file": SimpleUploadedFile("q.json", interchange.to_json(questionnaire)),
                "deadline": "2009-01-01",
                "cutoff": "2009-02-01",
            },
        ),
        (
            reverse("surveys:questionnaire-question-move", args=[q, q2.pk]),
            {"direction": "up", "reason": "Order"},
        ),
        (reverse("surveys:questionnaire-question-delete", args=[q, q2.pk]), {"reason": "x"}),
        (
            reverse("surveys:questionnaire-dispatch", args=[q]),
            {"all_member_states": "on", "confirmed": "yes"},
        ),
        (reverse("surveys:questionnaire-reminders", args=[q]), {}),
        (
            reverse("surveys:secretariat-reply-review", args=[q, reply.pk]),
            {"review_state": "accepted"},
        ),
        (reverse("surveys:secretariat-reply-reopen", args=[q, reply.pk]), {}),
        (reverse("surveys:secretariat-reply-include", args=[q, reply.pk]), {"include": "yes"}),
        (
            reverse("surveys:secretariat-reply-clarify", args=[q, reply.pk]),
            {"question": q2.pk, "text": "Which article?"},
        ),
        (
            reverse("surveys:secretariat-answer-restricted", args=[q, reply.pk, answer.pk]),
            {"restricted": "yes"},
        ),
        (
            reverse("surveys:secretariat-nominations", args=[reply.respondent_id]),
            {"email": "new@example.org", "full_name": "N. Ew", "role": "focal_point"},
        ),
        (reverse("surveys:secretariat-membership-activation", args=[membership.pk]), {}),
        (reverse("surveys:secretariat-membership-deactivate", args=[membership.pk]), {}),
    ]


def _state() -> tuple:
    """A fingerprint of everything the secretariat's POSTs can change."""
    return (
        list(Questionnaire.objects.order_by("pk").values_list("title", "status", "revision")),
        list(Section.objects.order_by("pk").values_list("number", "order", "title")),
        list(Question.objects.order_by("pk").values_list("number", "order", "text")),
        list(
            Reply.objects.order_by("pk").values_list(
                "status", "review_state", "include_after_cutoff"
            )
        ),
        list(Answer.objects.order_by("pk").values_list("restricted", flat=True)),
        list(Membership.objects.order_by("pk").values_list("is_active", "role")),
        ClarificationMessage.objects.count(),
        EmailLog.objects.count(),
        QuestionnaireRevision.objects.count(),
    )


@pytest.fixture
def submitted(reply, secretariat) -> Reply:
    submit_on_behalf(reply, secretariat, datetime.date(2007, 12, 10))
    reply.refresh_from_db()
    return reply


PEOPLE: dict[str, Callable[[Respondent, Respondent], object]] = {
    "focal point of the respondent": lambda own, other: (
        MembershipFactory(respondent=own, role="focal_point").user
    ),
    "focal point of another State": lambda own, other: (
        MembershipFactory(respondent=other, role="focal_point").user
    ),
    "expert": lambda own, other: MembershipFactory(respondent=own, role="expert").user,
    "observer": lambda own, other: MembershipFactory(respondent=own, role="observer").user,
    "reviewer": lambda own, other: ReviewerFactory(),
    "person without a role": lambda own, other: UserFactory(),
}


def test_anonymous_people_are_sent_to_sign_in_on_every_page_and_post(
    client, questionnaire, submitted
):
    for url in page_urls(questionnaire, submitted):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url
    actions = post_actions(questionnaire, submitted)
    before = _state()
    for url, data in actions:
        response = client.post(url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url
    assert _state() == before


@pytest.mark.parametrize("who", list(PEOPLE))
def test_everyone_but_the_secretariat_is_refused_every_page_and_post(
    client, questionnaire, submitted, salvador, estonia, who
):
    client.force_login(PEOPLE[who](salvador, estonia))
    for url in page_urls(questionnaire, submitted):
        assert client.get(url).status_code == 403, url
    actions = post_actions(questionnaire, submitted)
    before = _state()
    for url, data in actions:
        assert client.post(url, data).status_code == 403, url
    assert _state() == before
    assert Questionnaire.objects.count() == 1


def test_the_secretariat_opens_every_page(sec_client, questionnaire, submitted):
    for url in page_urls(questionnaire, submitted):
        response = sec_client.get(url)
        assert response.status_code == 200, url
        assert b"<h1" in response.content, url


def test_the_secretariat_opens_the_editor_pages_of_a_draft(sec_client, draft):
    for name in ("questionnaire-questions", "questionnaire-preview", "questionnaire-dispatch"):
        assert sec_client.get(reverse(f"surveys:{name}", args=[draft.pk])).status_code == 200


def test_a_post_without_csrf_token_is_refused(secretariat, questionnaire, reply):
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretariat)
    url = reverse("surveys:questionnaire-reminders", args=[questionnaire.pk])
    assert client.post(url).status_code == 403
    assert EmailLog.objects.count() == 0
    response = client.post(
        reverse("surveys:questionnaire-create"),
        {"title": "New", "deadline": "2009-01-01", "cutoff": "2009-02-01", "languages": "en"},
    )
    assert response.status_code == 403
    assert not Questionnaire.objects.filter(title="New").exists()


# --- questionnaires -----------------------------------------------------------------------


def test_list_shows_mandate_status_dates_and_replies_received(
    sec_client, questionnaire, submitted, draft
):
    response = sec_client.get(reverse("surveys:questionnaire-list"))
    text = response.content.decode()
    assert "Trafficking in persons: measures taken" in text
    assert "Economic and Social Council resolution 2006/27" in text
    assert "Dispatched" in text and "Being prepared" in text
    assert "15 December 2007" in text and "24 January 2008" in text
    assert "1 / 2" in text


def test_creating_a_questionnaire_with_languages(sec_client):
    response = sec_client.post(
        reverse("surveys:questionnaire-create"),
        {
            "title": "Crime prevention",
            "mandate_symbol": "General Assembly resolution 62/175",
            "reference": "CU 2008/1",
            "sent_on": "2008-03-01",
            "deadline": "2008-05-01",
            "cutoff": "2008-06-01",
            "languages": ["fr", "ar", "en"],
            "reminder_days_before": "10",
        },
    )
    created = Questionnaire.objects.get(title="Crime prevention")
    assert response["Location"] == reverse("surveys:questionnaire-questions", args=[created.pk])
    assert created.languages == ["ar", "en", "fr"]
    assert created.reminder_days_before == 10
    assert created.sent_on == datetime.date(2008, 3, 1)


def test_dates_out_of_order_show_the_message_next_to_the_field_and_create_nothing(sec_client):
    response = sec_client.post(
        reverse("surveys:questionnaire-create"),
        {"title": "T", "deadline": "2008-05-01", "cutoff": "2008-04-01", "languages": "en"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "The cut-off for the report cannot come before the deadline for replies." in text
    assert 'id="id_cutoff_error"' in text
    assert not Questionnaire.objects.filter(title="T").exists()


def test_no_language_is_refused(sec_client):
    response = sec_client.post(
        reverse("surveys:questionnaire-create"),
        {"title": "T", "deadline": "2008-05-01", "cutoff": "2008-06-01"},
    )
    assert "This field is required." in response.content.decode()
    assert not Questionnaire.objects.filter(title="T").exists()


def test_editing_the_particulars_keeps_bad_dates_out(sec_client, questionnaire):
    url = reverse("surveys:questionnaire-edit", args=[questionnaire.pk])
    page = sec_client.get(url).content.decode()
    assert 'value="2007-12-15"' in page
    response = sec_client.post(
        url,
        {
            "title": "Changed",
            "deadline": "2008-02-01",
            "cutoff": "2008-01-24",
            "languages": ["en", "fr"],
        },
    )
    assert "cannot come before the deadline" in response.content.decode()
    questionnaire.refresh_from_db()
    assert questionnaire.title == "Trafficking in persons: measures taken"
    response = sec_client.post(
        url,
        {
            "title": "Changed",
            "deadline": "2007-12-31",
            "cutoff": "2008-01-24",
            "languages": ["en", "fr"],
        },
    )
    assert response.status_code == 302
    questionnaire.refresh_from_db()
    assert (questionnaire.title, questionnaire.deadline) == ("Changed", datetime.date(2007, 12, 31))


def test_copy_starts_a_draft_with_the_same_questions_and_new_dates(sec_client, questionnaire):
    response = sec_client.post(
        reverse("surveys:questionnaire-copy", args=[questionnaire.pk]),
        {"title": "Trafficking, second round", "deadline": "2009-01-15", "cutoff": "2009-02-15"},
    )
    copy = Questionnaire.objects.get(title="Trafficking, second round")
    assert response["Location"] == reverse("surveys:questionnaire-detail", args=[copy.pk])
    assert copy.status == "draft" and copy.based_on == questionnaire
    assert Question.objects.filter(section__questionnaire=copy).count() == 7


def test_copy_with_dates_out_of_order_is_refused(sec_client, questionnaire):
    response = sec_client.post(
        reverse("surveys:questionnaire-copy", args=[questionnaire.pk]),
        {"title": "Bad", "deadline": "2009-03-15", "cutoff": "2009-02-15"},
    )
    assert "cannot come before the deadline" in response.content.decode()
    assert not Questionnaire.objects.filter(title="Bad").exists()


# --- sections and questions ---------------------------------------------------------------


def test_adding_a_section_with_titles_per_language(sec_client, draft):
    page = sec_client.get(reverse("surveys:questionnaire-section-add", args=[draft.pk]))
    assert 'name="title_fr"' in page.content.decode()
    sec_client.post(
        reverse("surveys:questionnaire-section-add", args=[draft.pk]),
        {"number": "C", "title_en": "Prevention", "title_fr": "Prévention"},
    )
    section = draft.sections.get(number="C")
    assert section.title == {"en": "Prevention", "fr": "Prévention"}
    assert section.order == 3


def test_a_section_without_title_shows_the_message_and_adds_nothing(sec_client, draft):
    response = sec_client.post(
        reverse("surveys:questionnaire-section-add", args=[draft.pk]), {"number": "C"}
    )
    assert "Give the section title." in response.content.decode()
    assert draft.sections.count() == 2


def test_arabic_textareas_are_right_to_left(sec_client, secretariat):
    q = build_questionnaire(by=secretariat, languages=["ar", "en"])
    page = sec_client.get(
        reverse("surveys:questionnaire-question-edit", args=[q.pk, question(q, "2").pk])
    ).content.decode()
    assert 'name="text_ar"' in page
    tag = page[page.index('name="text_ar"') - 120 : page.index('name="text_ar"') + 120]
    assert 'dir="rtl"' in tag and 'lang="ar"' in tag


def test_a_condition_on_an_earlier_yes_no_question(sec_client, draft):
    section = draft.sections.get(number="B")
    ratified = question(draft, "1")
    page = sec_client.get(
        reverse("surveys:questionnaire-question-add", args=[draft.pk, section.pk])
    ).content.decode()
    assert f'value="{ratified.pk}:yes"' in page
    sec_client.post(
        reverse("surveys:questionnaire-question-add", args=[draft.pk, section.pk]),
        {
            "kind": "text",
            "text_en": "Why not?",
            "condition_question": ratified.pk,
            "condition_values": [f"{ratified.pk}:no"],
        },
    )
    added = question(draft, "7")
    assert added.text == {"en": "Why not?"}
    assert (added.condition_question, added.condition_values) == (ratified, ["no"])


def test_a_condition_without_values_is_refused(sec_client, draft):
    section = draft.sections.get(number="B")
    response = sec_client.post(
        reverse("surveys:questionnaire-question-add", args=[draft.pk, section.pk]),
        {
            "kind": "text",
            "text_en": "Why not?",
            "condition_question": question(draft, "1").pk,
        },
    )
    assert "Say which answers to the earlier question" in response.content.decode()
    assert not Question.objects.filter(section__questionnaire=draft, number="7").exists()


def test_moving_and_removing_questions_of_a_draft(sec_client, draft):
    q2, q3 = question(draft, "2"), question(draft, "3")
    sec_client.post(
        reverse("surveys:questionnaire-question-move", args=[draft.pk, q3.pk]),
        {"direction": "up"},
    )
    numbers = list(
        Question.objects.filter(section=q2.section)
        .order_by("order", "pk")
        .values_list("number", "text__en")
    )
    assert numbers == [
        ("1", "Has your State ratified the Protocol?"),
        ("1 (a)", "In which year?"),
        ("2", "Stage of legislation"),
        ("3", "Describe the offences in your criminal code."),
    ]
    editor = sec_client.get(reverse("surveys:questionnaire-questions", args=[draft.pk]))
    assert "<strong>2</strong> Stage of legislation" in editor.content.decode()
    sections = draft.sections.order_by("order", "pk")
    sec_client.post(
        reverse("surveys:questionnaire-section-move", args=[draft.pk, sections[1].pk]),
        {"direction": "up"},
    )
    assert list(draft.sections.order_by("order", "pk").values_list("number", "title__en")) == [
        ("A", "Enforcement"),
        ("B", "Ratification and legislation"),
    ]
    assert question(draft, "1").text == {"en": "Which units exist?"}
    sec_client.post(reverse("surveys:questionnaire-question-delete", args=[draft.pk, q2.pk]))
    assert not Question.objects.filter(pk=q2.pk).exists()
    assert QuestionnaireRevision.objects.filter(questionnaire=draft).count() == 0


def test_moving_the_first_question_up_says_so(sec_client, draft):
    response = sec_client.post(
        reverse("surveys:questionnaire-question-move", args=[draft.pk, question(draft, "1").pk]),
        {"direction": "up"},
        follow=True,
    )
    assert "It is already the first." in response.content.decode()


def test_frozen_editor_says_so_and_every_change_needs_a_reason(sec_client, questionnaire):
    editor = sec_client.get(reverse("surveys:questionnaire-questions", args=[questionnaire.pk]))
    assert "its questions are frozen" in editor.content.decode()
    q2 = question(questionnaire, "2")
    url = reverse("surveys:questionnaire-question-edit", args=[questionnaire.pk, q2.pk])
    data = {"kind": "text", "text_en": "Describe the offences, with articles."}
    response = sec_client.post(url, data)
    text = response.content.decode()
    assert "its questions are frozen" in text
    assert 'id="id_reason_error"' in text
    q2.refresh_from_db()
    assert q2.text["en"] == "Describe the offences in your criminal code."
    assert not QuestionnaireRevision.objects.exists()

    response = sec_client.post(url, {**data, "reason": "Ask for the articles as well."})
    assert response.status_code == 302
    q2.refresh_from_db()
    assert q2.text["en"] == "Describe the offences, with articles."
    revision = QuestionnaireRevision.objects.get()
    assert revision.reason == "Ask for the articles as well."
    editor = sec_client.get(reverse("surveys:questionnaire-questions", args=[questionnaire.pk]))
    assert "Ask for the articles as well." in editor.content.decode()


def test_frozen_move_and_delete_ask_for_the_reason_first(sec_client, questionnaire):
    q3 = question(questionnaire, "3")
    url = reverse("surveys:questionnaire-question-move", args=[questionnaire.pk, q3.pk])
    page = sec_client.get(url + "?direction=up").content.decode()
    assert 'name="reason"' in page
    response = sec_client.post(url, {"direction": "up"})
    assert "its questions are frozen" in response.content.decode()
    q3.refresh_from_db()
    assert q3.order == 4
    sec_client.post(url, {"direction": "up", "reason": "Stage of legislation comes first."})
    q3.refresh_from_db()
    assert q3.order == 3
    assert QuestionnaireRevision.objects.get().before[0]["questions"][3]["number"] == "3"

    delete = reverse("surveys:questionnaire-question-delete", args=[questionnaire.pk, q3.pk])
    response = sec_client.post(delete, {"reason": ""})
    assert "its questions are frozen" in response.content.decode()
    assert Question.objects.filter(pk=q3.pk).exists()


# --- preview ------------------------------------------------------------------------------


def test_preview_renders_every_kind_in_the_language_chosen(sec_client, questionnaire):
    url = reverse("surveys:questionnaire-preview", args=[questionnaire.pk])
    english = sec_client.get(url).content.decode()
    assert "Has your State ratified the Protocol?" in english
    assert "Persons arrested" in english and "Specialized police" in english
    assert "Shown only when the answer to question 1 is yes" in english
    assert "A whole number from 2000 to 2008" in english
    french = sec_client.get(url, {"language": "fr"}).content.decode()
    assert "Votre État a-t-il ratifié ?" in french
    assert '<html lang="fr" dir="ltr">' in french


def test_arabic_preview_is_right_to_left(sec_client, secretariat):
    q = build_questionnaire(by=secretariat, languages=["ar", "en"])
    sec_client.post(
        reverse("surveys:questionnaire-question-edit", args=[q.pk, question(q, "2").pk]),
        {"number": "2", "kind": "text", "text_en": "Describe.", "text_ar": "صف الجرائم."},
    )
    page = sec_client.get(
        reverse("surveys:questionnaire-preview", args=[q.pk]), {"language": "ar"}
    ).content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert "صف الجرائم." in page


# --- dispatch -----------------------------------------------------------------------------


def test_dispatch_asks_for_confirmation_with_the_count_and_first_names(sec_client, draft):
    url = reverse("surveys:questionnaire-dispatch", args=[draft.pk])
    data = {
        "regional_groups": ["eastern_european"],
        "respondent_ids": [Respondent.objects.get(code="SLV").pk],
        "reference": "CU 2008/5",
        "sent_on": "2008-02-01",
    }
    response = sec_client.post(url, data)
    text = response.content.decode()
    expected = len(
        dispatch.select_recipients(
            on=datetime.date(2008, 2, 1),
            regional_groups=["eastern_european"],
            respondent_ids=[Respondent.objects.get(code="SLV").pk],
        )
    )
    assert f"Confirm: send to {expected} recipients" in text
    assert "Albania" in text and "Belarus" in text
    draft.refresh_from_db()
    assert draft.status == "draft" and not draft.replies.exists()

    response = sec_client.post(url, {**data, "confirmed": "yes"})
    assert response["Location"] == reverse("surveys:questionnaire-status", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == "dispatched"
    assert draft.reference == "CU 2008/5" and draft.sent_on == datetime.date(2008, 2, 1)
    assert draft.replies.count() == expected
    assert draft.replies.filter(respondent__code="SLV").exists()


def test_dispatch_without_recipients_shows_the_message(sec_client, draft):
    response = sec_client.post(
        reverse("surveys:questionnaire-dispatch", args=[draft.pk]),
        {"sent_on": "2008-02-01", "confirmed": "yes"},
    )
    assert "Choose the recipients" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_dispatch_lists_only_respondents_in_force_on_the_sent_date(sec_client, draft):
    draft.sent_on = datetime.date(2005, 1, 1)
    draft.save()
    page = sec_client.get(reverse("surveys:questionnaire-dispatch", args=[draft.pk]))
    text = page.content.decode()
    assert "Serbia and Montenegro" in text
    assert "Montenegro (MNE)" not in text  # admitted in 2006


def test_adding_recipients_after_dispatch(sec_client, questionnaire):
    url = reverse("surveys:questionnaire-dispatch", args=[questionnaire.pk])
    page = sec_client.get(url).content.decode()
    assert "2 respondents already receive" in page
    niger = Respondent.objects.get(code="NER")
    response = sec_client.post(url, {"respondent_ids": [niger.pk]})
    assert "Confirm: send to 1 recipient" in response.content.decode()
    sec_client.post(url, {"respondent_ids": [niger.pk], "confirmed": "yes"})
    assert questionnaire.replies.count() == 3


# --- nominations --------------------------------------------------------------------------


def test_registering_a_nominee_sends_an_activation_link(
    sec_client, salvador, django_capture_on_commit_callbacks
):
    url = reverse("surveys:secretariat-nominations", args=[salvador.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = sec_client.post(
            url,
            {
                "email": "Focal@Example.org",
                "full_name": "Ana Pérez",
                "role": "focal_point",
                "nomination_reference": "Note SLV/2007/44",
            },
        )
    assert response.status_code == 302
    membership = Membership.objects.get(respondent=salvador, user__email="focal@example.org")
    assert membership.nomination_reference == "Note SLV/2007/44"
    assert len(mail.outbox) == 1
    page = sec_client.get(url).content.decode()
    assert "Ana Pérez" in page and "Not activated" in page


def test_a_staff_address_cannot_be_nominated(sec_client, salvador):
    staff = ReviewerFactory()
    response = sec_client.post(
        reverse("surveys:secretariat-nominations", args=[salvador.pk]),
        {"email": staff.email, "full_name": "R", "role": "observer"},
    )
    assert "belongs to secretariat or reviewer staff" in response.content.decode()
    assert not Membership.objects.filter(user=staff).exists()


def test_resending_activation_and_deactivating(sec_client, salvador):
    membership = dispatch.nominate(
        respondent=salvador,
        email="x@example.org",
        full_name="X",
        role="expert",
        by=SecretariatFactory(),
    )
    sec_client.post(reverse("surveys:secretariat-membership-activation", args=[membership.pk]))
    assert membership.activations.count() == 2
    assert (
        membership.activations.filter(expires_at__gt=datetime.datetime.now(tz=datetime.UTC)).count()
        == 1
    )
    sec_client.post(reverse("surveys:secretariat-membership-deactivate", args=[membership.pk]))
    membership.refresh_from_db()
    assert not membership.is_active
    assert not membership.activations.filter(
        expires_at__gt=datetime.datetime.now(tz=datetime.UTC)
    ).exists()
    page = sec_client.get(reverse("surveys:secretariat-nominations", args=[salvador.pk]))
    assert "Inactive" in page.content.decode()


# --- status board and reminders -----------------------------------------------------------


def test_status_board_shows_late_and_outside_the_report(sec_client, secretariat, salvador):
    q = build_questionnaire(
        by=secretariat,
        dispatch_to=Respondent.objects.filter(code__in=["SLV", "EST", "NER", "JPN"]),
    )
    on_time, late, outside = (
        Reply.objects.get(questionnaire=q, respondent__code=code) for code in ("EST", "JPN", "SLV")
    )
    submit_on_behalf(on_time, secretariat, datetime.date(2007, 12, 10))
    submit_on_behalf(late, secretariat, datetime.date(2007, 12, 20))
    submit_on_behalf(outside, secretariat, datetime.date(2008, 2, 1))
    MembershipFactory(respondent=salvador, role="focal_point")
    page = sec_client.get(reverse("surveys:questionnaire-status", args=[q.pk])).content.decode()
    rows = {
        name: page[page.index(f">{name}</a>") :].split("</tr>")[0]
        for name in ("Estonia", "Japan", "El Salvador", "Niger")
    }
    assert "Late" not in rows["Estonia"] and "In the report" in rows["Estonia"]
    assert "Late" in rows["Japan"] and "In the report" in rows["Japan"]
    assert "Late" in rows["El Salvador"] and "Outside the report" in rows["El Salvador"]
    assert "Not started" in rows["Niger"]
    filtered = sec_client.get(
        reverse("surveys:questionnaire-status", args=[q.pk]), {"status": "not_started"}
    ).content.decode()
    assert "Niger" in filtered and "Estonia" not in filtered
    grouped = sec_client.get(
        reverse("surveys:questionnaire-status", args=[q.pk]), {"regional_group": "asia_pacific"}
    ).content.decode()
    assert "Japan" in grouped and "Estonia" not in grouped


def test_sending_reminders_now(sec_client, questionnaire, salvador, estonia, submitted):
    MembershipFactory(respondent=estonia, role="focal_point")
    response = sec_client.post(
        reverse("surveys:questionnaire-reminders", args=[questionnaire.pk]),
        {"action": "send", "scope": "all"},
        follow=True,
    )
    assert "1 reminder queued for sending" in response.content.decode()
    assert EmailLog.objects.filter(kind="reminder", respondent=estonia).count() == 1
    response = sec_client.get(reverse("surveys:questionnaire-status", args=[questionnaire.pk]))
    row = response.content.decode().split(">Estonia</a>")[1].split("</tr>")[0]
    assert '<td class="num">1</td>' in row


def test_status_board_queries_do_not_grow_with_recipients(
    sec_client, secretariat, django_assert_max_num_queries
):
    states = Respondent.objects.filter(kind="member_state").order_by("code")
    small = build_questionnaire(by=secretariat, dispatch_to=states[:3])
    large = build_questionnaire(by=secretariat, dispatch_to=states[:30])
    for respondent in states[:30]:
        MembershipFactory(respondent=respondent, role="focal_point")
    dispatch.send_reminders(questionnaire=large, by=secretariat)
    with django_assert_max_num_queries(8) as small_queries:
        sec_client.get(reverse("surveys:questionnaire-status", args=[small.pk]))
    with django_assert_max_num_queries(len(small_queries.captured_queries)):
        response = sec_client.get(reverse("surveys:questionnaire-status", args=[large.pk]))
    assert response.content.decode().count('<th scope="row">') == 30


# --- a reply ------------------------------------------------------------------------------


def test_reply_page_shows_answers_revisions_and_controls(sec_client, questionnaire, submitted):
    url = reverse("surveys:secretariat-reply", args=[questionnaire.pk, submitted.pk])
    page = sec_client.get(url).content.decode()
    assert "Article 152 of the Penal Code." in page
    assert "Revision 1" in page and "(on the respondent's behalf)" in page
    assert "Reopen for amendment" in page
    assert 'name="review_state"' in page


def test_reply_page_links_the_reply_form_only_when_it_exists(
    sec_client, questionnaire, reply, monkeypatch
):
    from surveys.replies.views import board

    monkeypatch.setattr(board, "reply_form_url", lambda reply: None)
    url = reverse("surveys:secretariat-reply", args=[questionnaire.pk, reply.pk])
    assert "on the respondent's behalf</a>" not in sec_client.get(url).content.decode()
    monkeypatch.setattr(board, "reply_form_url", lambda reply: "/form/here/")
    page = sec_client.get(url).content.decode()
    assert '<a class="button button--secondary" href="/form/here/">' in page


def test_reply_of_another_questionnaire_is_not_found(sec_client, questionnaire, draft, reply):
    url = reverse("surveys:secretariat-reply", args=[draft.pk, reply.pk])
    assert sec_client.get(url).status_code == 404


def test_review_state_reopen_and_include_after_cutoff(sec_client, questionnaire, submitted):
    q, r = questionnaire.pk, submitted.pk
    sec_client.post(
        reverse("surveys:secretariat-reply-review", args=[q, r]), {"review_state": "accepted"}
    )
    submitted.refresh_from_db()
    assert submitted.review_state == "accepted"
    response = sec_client.post(
        reverse("surveys:secretariat-reply-review", args=[q, r]),
        {"review_state": "lost"},
        follow=True,
    )
    assert "Choose received, clarification requested or accepted." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.review_state == "accepted"
    sec_client.post(reverse("surveys:secretariat-reply-include", args=[q, r]), {"include": "yes"})
    submitted.refresh_from_db()
    assert submitted.include_after_cutoff
    sec_client.post(reverse("surveys:secretariat-reply-reopen", args=[q, r]))
    submitted.refresh_from_db()
    assert submitted.status == "reopened"
    response = sec_client.post(
        reverse("surveys:secretariat-reply-reopen", args=[q, r]), follow=True
    )
    assert "Only a submitted reply can be reopened." in response.content.decode()


def test_review_state_of_a_reply_not_received_is_refused(sec_client, questionnaire, reply):
    response = sec_client.post(
        reverse("surveys:secretariat-reply-review", args=[questionnaire.pk, reply.pk]),
        {"review_state": "accepted"},
        follow=True,
    )
    assert "Only a received reply has a review state." in response.content.decode()
    reply.refresh_from_db()
    assert reply.review_state == ""


def test_outside_the_report_can_be_included(sec_client, secretariat, questionnaire, reply):
    submit_on_behalf(reply, secretariat, datetime.date(2008, 2, 1))
    url = reverse("surveys:secretariat-reply", args=[questionnaire.pk, reply.pk])
    assert "Outside the report" in sec_client.get(url).content.decode()
    sec_client.post(
        reverse("surveys:secretariat-reply-include", args=[questionnaire.pk, reply.pk]),
        {"include": "yes"},
    )
    page = sec_client.get(url).content.decode()
    assert "Outside the report" not in page and "included after the cut-off" in page


def test_restricting_an_answer_and_asking_for_clarification(
    sec_client, questionnaire, submitted, salvador
):
    MembershipFactory(respondent=salvador, role="focal_point")
    q2 = question(questionnaire, "2")
    answer = Answer.objects.get(reply=submitted, question=q2)
    q, r = questionnaire.pk, submitted.pk
    sec_client.post(
        reverse("surveys:secretariat-answer-restricted", args=[q, r, answer.pk]),
        {"restricted": "yes"},
    )
    answer.refresh_from_db()
    assert answer.restricted
    page = sec_client.get(reverse("surveys:secretariat-reply", args=[q, r])).content.decode()
    assert "not for publication" in page and "Lift the restriction" in page

    sec_client.post(
        reverse("surveys:secretariat-reply-clarify", args=[q, r]),
        {"question": q2.pk, "text": "Which article covers forced labour?"},
    )
    assert ClarificationMessage.objects.get().text == "Which article covers forced labour?"
    submitted.refresh_from_db()
    assert submitted.review_state == "clarification"
    assert EmailLog.objects.filter(kind="clarification").count() == 1
    page = sec_client.get(reverse("surveys:secretariat-reply", args=[q, r])).content.decode()
    assert "Which article covers forced labour?" in page


def test_an_empty_clarification_is_refused(sec_client, questionnaire, submitted):
    response = sec_client.post(
        reverse("surveys:secretariat-reply-clarify", args=[questionnaire.pk, submitted.pk]),
        {"question": question(questionnaire, "2").pk, "text": "  "},
        follow=True,
    )
    assert "Write a message." in response.content.decode()
    assert not ClarificationMessage.objects.exists()


def test_a_revision_shows_the_answers_as_submitted(sec_client, questionnaire, submitted):
    page = sec_client.get(
        reverse("surveys:secretariat-reply-revision", args=[questionnaire.pk, submitted.pk, 1])
    ).content.decode()
    assert "revision 1" in page and "Article 152 of the Penal Code." in page


# --- e-mail log ---------------------------------------------------------------------------


def test_email_log_lists_filters_and_shows_bodies(
    sec_client, questionnaire, salvador, estonia, secretariat
):
    MembershipFactory(respondent=salvador, role="focal_point", user__email="fp@slv.example")
    MembershipFactory(respondent=estonia, role="focal_point", user__email="fp@est.example")
    dispatch.send_reminders(questionnaire=questionnaire, by=secretariat)
    dispatch.nominate(
        respondent=estonia, email="ob@est.example", full_name="O", role="observer", by=secretariat
    )
    url = reverse("surveys:email-log")
    page = sec_client.get(url).content.decode()
    assert "fp@slv.example" in page and "ob@est.example" in page
    assert "<details><summary>Reminder: Trafficking in persons" in page
    reminders = sec_client.get(url, {"kind": "reminder"}).content.decode()
    assert "ob@est.example" not in reminders and "fp@est.example" in reminders
    slv = sec_client.get(url, {"respondent": salvador.pk}).content.decode()
    assert "fp@slv.example" in slv and "fp@est.example" not in slv
    by_questionnaire = sec_client.get(url, {"questionnaire": questionnaire.pk}).content.decode()
    assert "ob@est.example" not in by_questionnaire
