"""Invitations and reminders in the language each person corresponds in: subject, greeting,
the deadline written as that language writes a date, and UN style dates in English."""

from __future__ import annotations

import pytest

from surveys.models import EmailLog, Respondent
from surveys.questionnaires import dispatch
from tests.factories import MembershipFactory, SecretariatFactory, build_questionnaire

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


def _person(code: str, language: str, role: str = "focal_point"):  # type: ignore[no-untyped-def]
    return MembershipFactory(
        respondent=Respondent.objects.get(code=code),
        role=role,
        **({"language": language} if language else {}),
    ).user


def _invitation(user) -> EmailLog:  # type: ignore[no-untyped-def]
    return EmailLog.objects.get(kind=EmailLog.Kind.INVITATION, to=user.email)


def test_each_person_is_invited_in_the_language_they_correspond_in(
    django_capture_on_commit_callbacks,
):
    french = _person("NER", "fr")
    arabic = _person("QAT", "ar")
    chinese = _person("TGO", "zh", role="expert")
    english = _person("SLV", "")
    with django_capture_on_commit_callbacks(execute=True):
        build_questionnaire(
            by=SecretariatFactory(),
            dispatch_to=list(Respondent.objects.filter(code__in=["NER", "QAT", "TGO", "SLV"])),
        )
    fr = _invitation(french)
    assert fr.subject.startswith(f"Questionnaire{NBSP}: Trafficking in persons")
    assert fr.subject.endswith("réponses attendues au plus tard le 15 décembre 2007")
    assert "Les réponses sont attendues au plus tard le 15 décembre 2007." in fr.body
    assert "par la note verbale CU 2007/212" in fr.body
    assert "En tant que point focal pour" in fr.body
    ar = _invitation(arabic)
    assert "يُرجى تقديم الردود في موعد أقصاه" in ar.body and ar.subject.startswith("الاستبيان")
    zh = _invitation(chinese)
    assert "2007年12月15日" in zh.body and "作为" in zh.body and "的专家" in zh.body
    en = _invitation(english)
    assert "Replies are requested by 15 December 2007." in en.body  # UN style, not "Dec. 15"
    assert en.subject.endswith("replies requested by 15 December 2007")
    for log in (fr, ar, zh, en):
        assert f"/replies/{log.reply_id}/" in log.body


def test_a_reminder_goes_out_in_the_language_of_the_text_the_secretariat_wrote(
    django_capture_on_commit_callbacks,
):
    niger = Respondent.objects.get(code="NER")
    french = _person("NER", "fr")
    spanish = _person("NER", "es")
    secretariat = SecretariatFactory()
    with django_capture_on_commit_callbacks(execute=True):
        questionnaire = build_questionnaire(by=secretariat, dispatch_to=[niger])
    dispatch.save_reminder_texts(
        questionnaire=questionnaire,
        texts={
            "en": "We have not yet received the reply of {respondent}; it was due {deadline}.",
            "fr": "Nous n'avons pas encore reçu la réponse ({respondent}), attendue le {deadline}.",
        },
        by=secretariat,
    )
    questionnaire.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        dispatch.send_reminders(questionnaire=questionnaire, by=secretariat)
    fr = EmailLog.objects.get(kind=EmailLog.Kind.REMINDER, to=french.email)
    assert fr.subject.startswith(f"Rappel{NBSP}: ")
    assert "attendue le 15 décembre 2007." in fr.body
    assert fr.body.startswith("À l’attention de")
    # No Spanish text was written: the English text, in an English frame, with an English date.
    es = EmailLog.objects.get(kind=EmailLog.Kind.REMINDER, to=spanish.email)
    assert es.subject.startswith("Reminder: ") and es.body.startswith("Dear ")
    assert "it was due 15 December 2007." in es.body
