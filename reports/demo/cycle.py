"""The demo dataset: the 2007 questionnaire cycle under Economic and Social Council resolution
2006/27, its replies, a follow-up questionnaire open today, and accounts for every role.

Idempotent: running it again refreshes the accounts and creates nothing twice.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from portal.models import User
from surveys.models import Membership, Question, Questionnaire, Reply, Respondent, Revision
from surveys.questionnaires import authoring, dispatch
from surveys.replies import services as replies

from . import data as demo_data
from . import paper as papers_demo
from . import report as reports_demo

DEMO_PASSWORD = "demo-verbale-2008"  # noqa: S105 - printed on purpose: demo accounts only


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    role: str = ""
    respondent_code: str = ""
    membership_role: str = ""
    what: str = ""


DEMO_ACCOUNTS = [
    DemoAccount(
        "secretariat@verbale.test",
        "Amina Haddad",
        role=User.Role.SECRETARIAT,
        what="secretariat: questionnaires, coding, reports",
    ),
    DemoAccount(
        "reviewer@verbale.test",
        "Lars Nilsson",
        role=User.Role.REVIEWER,
        what="reviewer: submitted replies only",
    ),
    DemoAccount(
        "focal.point@elsalvador.verbale.test",
        "Carmen Rivas",
        respondent_code="SLV",
        membership_role=Membership.Role.FOCAL_POINT,
        what="focal point of El Salvador",
    ),
    DemoAccount(
        "expert@elsalvador.verbale.test",
        "Jorge Molina",
        respondent_code="SLV",
        membership_role=Membership.Role.EXPERT,
        what="expert of El Salvador (drafts)",
    ),
    DemoAccount(
        "observer@elsalvador.verbale.test",
        "Lucía Ferrer",
        respondent_code="SLV",
        membership_role=Membership.Role.OBSERVER,
        what="observer of El Salvador (reads)",
    ),
    DemoAccount(
        "focal.point@estonia.verbale.test",
        "Kadri Tamm",
        respondent_code="EST",
        membership_role=Membership.Role.FOCAL_POINT,
        what="focal point of Estonia",
    ),
]


def ensure_demo_allowed() -> None:
    if not settings.DEBUG:
        raise ImproperlyConfigured(
            "The demo data has known passwords: it loads only with DJANGO_DEBUG on."
        )


def _account(email: str, full_name: str, role: str = "") -> User:
    user, _ = User.objects.update_or_create(
        email=email,
        defaults={
            "full_name": full_name,
            "role": role,
            "is_active": True,
            "is_staff": role == User.Role.SECRETARIAT,
        },
    )
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    return user


@transaction.atomic
def load_demo_accounts() -> list[User]:
    users = []
    for account in DEMO_ACCOUNTS:
        user = _account(account.email, account.full_name, account.role)
        if account.respondent_code:
            Membership.objects.update_or_create(
                user=user,
                respondent=Respondent.objects.get(code=account.respondent_code),
                defaults={
                    "role": account.membership_role,
                    "is_active": True,
                    "nomination_reference": "Note verbale of the Permanent Mission, demo",
                },
            )
        users.append(user)
    return users


def _focal_point(code: str) -> User:
    """A focal point for a State whose reply was filed in the portal (no printed login)."""
    existing = Membership.objects.filter(respondent__code=code, role="focal_point").first()
    if existing:
        return existing.user
    user = _account(f"focal.point@{code.lower()}.verbale.test", f"Focal point {code}")
    Membership.objects.create(
        user=user,
        respondent=Respondent.objects.get(code=code),
        role=Membership.Role.FOCAL_POINT,
        nomination_reference="Demo nomination",
    )
    return user


def build_questionnaire(by: User, fields: dict[str, Any] | None = None) -> Questionnaire:
    """The demo questionnaire's sections and questions under ``fields`` (title, reference,
    dates; the 2007 questionnaire's by default)."""
    q = authoring.create_questionnaire(by=by, **(fields or demo_data.QUESTIONNAIRE))
    numbers: dict[str, Question] = {}
    for number, title, questions in demo_data.SECTIONS:
        section = authoring.add_section(questionnaire=q, by=by, number=number, title=title)
        for q_number, kind, text, extra in questions:
            condition = extra.get("condition")
            numbers[q_number] = authoring.add_question(
                section=section,
                by=by,
                number=q_number,
                kind=kind,
                text=text,
                help_text=extra.get("help"),
                required=extra.get("required", False),
                options=extra.get("options", {}),
                condition_question=numbers[condition[0]] if condition else None,
                condition_values=condition[1] if condition else [],
            )
    return q


def _demo_pdf(title: str) -> bytes:
    from portal import printing

    html = f"<h1>{title}</h1><p>Text provided with the reply.</p>"
    return printing.printable(html, base_url=str(settings.BASE_DIR)).write_pdf()


def file_reply(
    reply: Reply, by: User, received: datetime.date, channel: str, answers: dict[str, Any]
) -> None:
    questions = {
        q.number: q for q in Question.objects.filter(section__questionnaire=reply.questionnaire_id)
    }
    for number, value in answers.items():
        state = "answered"
        if isinstance(value, tuple):
            state, value = value[0], None
        replies.save_answer(
            reply=reply,
            question_id=questions[number].pk,
            user=by,
            state=state,
            value=value,
            expected_version=0,
        )
    if reply.respondent.code == "SLV":
        replies.attach_file(
            reply=reply,
            question_id=questions["17"].pk,
            user=by,
            upload=SimpleUploadedFile(
                "shelter-protocol.pdf", _demo_pdf("Protocol on shelter assistance")
            ),
        )
    if channel == demo_data.PORTAL:
        replies.submit_reply(reply=reply, user=by)
        # The demo recreates replies filed in 2007: date them as they arrived then.
        Revision.objects.filter(reply=reply).update(received_on=received)
        Reply.objects.filter(pk=reply.pk).update(received_on=received)
    else:
        replies.submit_reply(reply=reply, user=by, channel=channel, received_on=received)


@transaction.atomic
def load_demo_cycle() -> Questionnaire:
    """The 2007 questionnaire, dispatched to every Member State and the League of Arab States,
    with the replies received (and one after the cut-off)."""
    existing = Questionnaire.objects.filter(
        reference=demo_data.QUESTIONNAIRE["reference"], based_on__isnull=True
    ).first()
    if existing:
        return existing
    secretariat = User.objects.get(email="secretariat@verbale.test")
    q = build_questionnaire(secretariat)
    recipients = dispatch.select_recipients(
        on=q.sent_on, all_member_states=True, respondent_ids=[Respondent.objects.get(code="LAS").pk]
    )
    dispatch.dispatch_questionnaire(
        questionnaire=q,
        by=secretariat,
        respondents=recipients,
        reference=q.reference,
        sent_on=q.sent_on,
    )
    for code, (received, channel, answers) in {
        **demo_data.REPLIES,
        **demo_data.LATE_AFTER_CUTOFF,
    }.items():
        reply = Reply.objects.get(questionnaire=q, respondent__code=code)
        by = _focal_point(code) if channel == demo_data.PORTAL else secretariat
        file_reply(reply, by, received, channel, answers)
    restrict_demo_answer(q, secretariat)
    dispatch.close_questionnaire(questionnaire=q, by=secretariat)
    return q


def restrict_demo_answer(questionnaire: Questionnaire, secretariat: User) -> None:
    """Cuba's prosecution figures are marked not for publication: the secretariat reads them,
    reviewers, exports and the report never do."""
    answer = Reply.objects.get(questionnaire=questionnaire, respondent__code="CUB").answers.get(
        question__number="7"
    )
    replies.set_restricted(answer=answer, user=secretariat, restricted=True)


@transaction.atomic
def load_follow_up(source: Questionnaire) -> Questionnaire:
    """A follow-up questionnaire started from the 2007 one, open today: El Salvador has a
    draft under way, Estonia has submitted."""
    existing = source.copies.first()
    if existing:
        return existing
    secretariat = User.objects.get(email="secretariat@verbale.test")
    today = timezone.localdate()
    q = authoring.copy_questionnaire(
        source=source,
        by=secretariat,
        title="Follow-up on measures against trafficking in persons",
        deadline=today + datetime.timedelta(days=30),
        cutoff=today + datetime.timedelta(days=60),
    )
    authoring.update_questionnaire(questionnaire=q, by=secretariat, reference="CU 2026/95")
    recipients = dispatch.select_recipients(on=today, all_member_states=True)
    dispatch.dispatch_questionnaire(
        questionnaire=q,
        by=secretariat,
        respondents=recipients,
        reference="CU 2026/95",
        sent_on=today,
    )
    questions = {x.number: x for x in Question.objects.filter(section__questionnaire=q)}
    salvador = Reply.objects.get(questionnaire=q, respondent__code="SLV")
    expert = User.objects.get(email="expert@elsalvador.verbale.test")
    replies.save_answer(
        reply=salvador, question_id=questions["1"].pk, user=expert, value="yes", expected_version=0
    )
    replies.save_answer(
        reply=salvador,
        question_id=questions["2"].pk,
        user=expert,
        value="The Special Law against Trafficking in Persons is being "
        "prepared; draft text under consultation.",
        expected_version=0,
    )
    estonia = Reply.objects.get(questionnaire=q, respondent__code="EST")
    focal = User.objects.get(email="focal.point@estonia.verbale.test")
    for number, value in (
        ("1", "yes"),
        ("2", "The Penal Code now contains a specific offence of trafficking in human beings."),
    ):
        replies.save_answer(
            reply=estonia,
            question_id=questions[number].pk,
            user=focal,
            value=value,
            expected_version=0,
        )
    replies.submit_reply(reply=estonia, user=focal)
    return q


@transaction.atomic
def load_paper_cycle() -> Questionnaire:
    """The 2008 questionnaire the demo background paper draws on, sent to States, United
    Nations entities, intergovernmental and non-governmental organizations, with their replies
    (``reports.demo.paper``)."""
    existing = Questionnaire.objects.filter(
        reference=papers_demo.QUESTIONNAIRE["reference"]
    ).first()
    if existing is not None:
        return existing
    secretariat = User.objects.get(email="secretariat@verbale.test")
    q = build_questionnaire(secretariat, papers_demo.QUESTIONNAIRE)
    dispatch.dispatch_questionnaire(
        questionnaire=q,
        by=secretariat,
        respondents=list(Respondent.objects.filter(code__in=list(papers_demo.REPLIES))),
        reference=q.reference,
        sent_on=q.sent_on,
    )
    for code, (received, channel, answers) in papers_demo.REPLIES.items():
        reply = Reply.objects.get(questionnaire=q, respondent__code=code)
        file_reply(reply, secretariat, received, channel, answers)
    dispatch.close_questionnaire(questionnaire=q, by=secretariat)
    return q


def load_demo() -> dict[str, Any]:
    users = load_demo_accounts()
    cycle = load_demo_cycle()
    follow_up = load_follow_up(cycle)
    report = reports_demo.load_demo_report(cycle)
    paper = papers_demo.load_demo_paper(load_paper_cycle())
    return {
        "accounts": len(users),
        "questionnaire": cycle,
        "follow_up": follow_up,
        "report": report,
        "paper": paper,
    }


def login_lines() -> list[str]:
    width = max(len(a.email) for a in DEMO_ACCOUNTS)
    return [f"  {a.email.ljust(width)}  {DEMO_PASSWORD}   {a.what}" for a in DEMO_ACCOUNTS]
