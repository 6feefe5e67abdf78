"""Authoring, dispatch, nominations, activation and reminders through the services."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from portal.errors import FrozenError, ServiceError
from surveys.models import Activation, EmailLog, Question, QuestionnaireRevision, Respondent
from surveys.questionnaires import authoring, dispatch
from surveys.replies import services as replies
from tests.factories import MembershipFactory, SecretariatFactory, build_questionnaire, question

pytestmark = pytest.mark.django_db
ON = datetime.date(2007, 11, 12)


def test_dates_out_of_order_are_refused():
    with pytest.raises(ServiceError, match="cut-off for the report cannot come before"):
        authoring.create_questionnaire(
            by=SecretariatFactory(),
            title="T",
            languages=["en"],
            deadline=datetime.date(2008, 1, 1),
            cutoff=datetime.date(2007, 12, 1),
        )


def test_unknown_languages_are_refused():
    with pytest.raises(ServiceError, match="Languages must be among"):
        authoring.create_questionnaire(
            by=SecretariatFactory(), title="T", languages=["de"], deadline=ON, cutoff=ON
        )


def test_a_condition_must_name_an_answer_of_the_earlier_question():
    q = build_questionnaire()
    with pytest.raises(ServiceError, match="Say which answers"):
        authoring.add_question(
            section=q.sections.first(),
            by=SecretariatFactory(),
            number="9",
            kind="text",
            text="Why?",
            condition_question=question(q, "1"),
            condition_values=["perhaps"],
        )


def test_questions_freeze_at_dispatch_and_change_only_by_recorded_revision():
    secretariat = SecretariatFactory()
    q = build_questionnaire(by=secretariat, dispatch_to=[Respondent.objects.get(code="NER")])
    q2 = question(q, "2")
    with pytest.raises(FrozenError, match="questions are frozen"):
        authoring.update_question(question=q2, by=secretariat, text="Changed")
    assert Question.objects.get(pk=q2.pk).text == {
        "en": "Describe the offences in your criminal code."
    }
    authoring.update_question(
        question=q2,
        by=secretariat,
        text="Describe the offences.",
        reason="Wording simplified at the request of several missions",
    )
    revision = QuestionnaireRevision.objects.get(questionnaire=q)
    assert revision.number == 1 and revision.changed_by == secretariat
    before = next(x for s in revision.before for x in s["questions"] if x["id"] == q2.pk)
    assert before["text"] == {"en": "Describe the offences in your criminal code."}
    q.refresh_from_db()
    assert q.revision == 1


def test_a_new_questionnaire_starts_from_a_past_one():
    past = build_questionnaire()
    copy = authoring.copy_questionnaire(
        source=past,
        by=SecretariatFactory(),
        title="2009 round",
        deadline=datetime.date(2009, 12, 15),
        cutoff=datetime.date(2010, 1, 24),
    )
    assert copy.based_on == past and copy.status == "draft"
    assert [x.number for x in Question.objects.filter(section__questionnaire=copy)] == [
        x.number for x in Question.objects.filter(section__questionnaire=past)
    ]
    conditional = question(copy, "1 (a)")
    assert conditional.condition_question == question(copy, "1")


def test_recipients_by_group_kind_and_one_by_one():
    african = dispatch.select_recipients(on=ON, regional_groups=["african"])
    assert len(african) == 53  # South Sudan joined in 2011
    members = dispatch.select_recipients(on=ON, all_member_states=True)
    assert len(members) == 192
    assert "SSD" not in {r.code for r in members} and "SCG" not in {r.code for r in members}
    las = Respondent.objects.get(code="LAS")
    mixed = dispatch.select_recipients(on=ON, kinds=["un_entity"], respondent_ids=[las.pk])
    assert las in mixed and all(r.kind in ("un_entity", "igo") for r in mixed)


def test_dispatch_is_safe_to_repeat_and_adds_recipients():
    q = build_questionnaire(dispatch_to=[Respondent.objects.get(code="NER")])
    added = dispatch.dispatch_questionnaire(
        questionnaire=q,
        by=SecretariatFactory(),
        respondents=Respondent.objects.filter(code__in=["NER", "QAT"]),
    )
    assert added == 1 and q.replies.count() == 2


def test_nomination_sends_an_activation_link_that_expires(
    client, settings, django_capture_on_commit_callbacks
):
    niger = Respondent.objects.get(code="NER")
    with django_capture_on_commit_callbacks(execute=True):
        membership = dispatch.nominate(
            respondent=niger,
            email="Focal@Niger.example",
            full_name="Aïcha Moussa",
            role="focal_point",
            by=SecretariatFactory(),
            nomination_reference="Note verbale NV/2007/31",
        )
    assert membership.user.email == "focal@niger.example"
    assert not membership.user.has_usable_password()
    assert membership.nomination_reference == "Note verbale NV/2007/31"
    log = EmailLog.objects.get(kind="activation")
    assert log.to == "focal@niger.example" and "10 days" in log.body
    link = re.search(r"http://[^/]+(/accounts/activate/\S+/)", mail.outbox[0].body).group(1)
    page = client.post(
        link, {"password1": "a-long-new-passphrase", "password2": "a-long-new-passphrase"}
    )
    assert page.status_code == 302
    assert client.get("/").status_code == 200
    assert client.get(link).status_code == 410  # used once


def test_an_expired_activation_link_is_refused_and_can_be_resent(client):
    # A nominee who has not activated their access yet (no password of their own).
    membership = MembershipFactory(
        respondent=Respondent.objects.get(code="NER"), user__password=None
    )
    assert not membership.user.has_usable_password()
    dispatch.send_activation(membership=membership, by=SecretariatFactory())
    Activation.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    token = "x"
    assert dispatch.activation_for(token) is None
    with pytest.raises(ServiceError, match="expired"):
        dispatch.activate(token=token, password="whatever-long-enough")
    dispatch.send_activation(membership=membership, by=SecretariatFactory())
    assert Activation.objects.filter(expires_at__gt=timezone.now()).count() == 1


def test_secretariat_staff_cannot_be_nominated_as_delegates():
    staff = SecretariatFactory()
    with pytest.raises(ServiceError, match="secretariat or reviewer"):
        dispatch.nominate(
            respondent=Respondent.objects.get(code="NER"),
            email=staff.email,
            full_name="X",
            role="expert",
            by=staff,
        )


def _questionnaire_with_focal_points():  # type: ignore[no-untyped-def]
    niger, qatar = Respondent.objects.filter(code__in=["NER", "QAT"]).order_by("code")
    deadline = timezone.localdate() + datetime.timedelta(days=5)
    q = build_questionnaire(
        dispatch_to=[niger, qatar], deadline=deadline, cutoff=deadline + datetime.timedelta(days=30)
    )
    fp_niger = MembershipFactory(respondent=niger).user
    fp_qatar = MembershipFactory(respondent=qatar).user
    return q, fp_niger, fp_qatar


def test_reminders_go_to_focal_points_of_recipients_that_have_not_submitted():
    q, fp_niger, fp_qatar = _questionnaire_with_focal_points()
    reply = q.replies.get(respondent__code="QAT")
    for number, value, state in (("1", "no", "answered"), ("2", None, "not_known")):
        replies.save_answer(
            reply=reply,
            question_id=question(q, number).pk,
            user=fp_qatar,
            value=value,
            state=state,
            expected_version=0,
        )
    replies.submit_reply(reply=reply, user=fp_qatar)
    assert dispatch.send_reminders(questionnaire=q, by=SecretariatFactory()).sent == 1
    assert list(EmailLog.objects.filter(kind="reminder").values_list("to", flat=True)) == [
        fp_niger.email
    ]


def test_scheduled_reminders_start_n_days_before_and_never_repeat():
    _q, _fp_niger, _ = _questionnaire_with_focal_points()
    today = timezone.localdate()  # the reminder day was two days ago (deadline in 5, N = 7)
    assert dispatch.send_due_reminders(today=today - datetime.timedelta(days=3)) == 0
    assert dispatch.send_due_reminders(today=today) == 2
    assert dispatch.send_due_reminders(today=today) == 0
    assert dispatch.send_due_reminders(today=today + datetime.timedelta(days=1)) == 0
    assert EmailLog.objects.filter(kind="reminder").count() == 2
