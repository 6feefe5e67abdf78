"""The data the live-server probes run against: two States and one of every object a route can
name, built once through the services (as people would make it) and committed, so the live
server's threads see it.

State A (El Salvador) has the interesting reply: submitted twice, a file removed by the second
submission, two answers marked not for publication after it, and an amendment in progress
with a draft answer and a draft file. State B (Estonia) has a focal point who must never see
any of it. Every piece of A's text and every file carries a word found nowhere else, so a
response that leaks it can be caught by searching for the word.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.celery import app as celery_app
from reports.builds import services as report_services
from reports.coding import services as coding
from reports.editor import services as editor
from surveys.models import (
    Activation,
    Answer,
    Attachment,
    ClarificationMessage,
    Membership,
    Reply,
    Respondent,
)
from surveys.questionnaires import authoring, dispatch
from surveys.replies import services as replies
from surveys.review import services as review_services
from tests.factories import (
    MembershipFactory,
    ReviewerFactory,
    SecretariatFactory,
    build_questionnaire,
    question,
    save_answer,
)
from tests.reports.factories import ReportFactory
from tests.surveys.review.support import pdf_with_text

PASSWORD = "correct-horse-battery"  # what tests.factories.UserFactory sets

# Words planted in State A's reply: each appears in exactly one place.
SUBMITTED_WORD = "Quillmorrow"  # A's submitted answer: reviewers may read it, B never
DRAFT_WORD = "Vexbramble"  # A's amendment in progress: only A and the secretariat
RESTRICTED_WORD = "Olvistrand"  # A's answer marked not for publication: never a reviewer
CLARIFICATION_WORD = "Pellicrane"  # the secretariat's question to A: never B
PUBLIC_FILE_WORD = "Tarnwhistle"  # a file of A's last submission: reviewers may download it
REMOVED_FILE_WORD = "Gloamhitch"  # removed by A's second submission: never a reviewer
RESTRICTED_FILE_WORD = "Morrowquench"  # on an answer marked not for publication: never a reviewer
DRAFT_FILE_WORD = "Spindlefen"  # uploaded in the amendment in progress: never a reviewer

# What B's focal point must never read, and what a reviewer must never read.
NOT_FOR_OTHER_STATES = (
    SUBMITTED_WORD,
    DRAFT_WORD,
    RESTRICTED_WORD,
    CLARIFICATION_WORD,
    PUBLIC_FILE_WORD,
    REMOVED_FILE_WORD,
    RESTRICTED_FILE_WORD,
    DRAFT_FILE_WORD,
)
NOT_FOR_REVIEWERS = (
    DRAFT_WORD,
    RESTRICTED_WORD,
    REMOVED_FILE_WORD,
    RESTRICTED_FILE_WORD,
    DRAFT_FILE_WORD,
)

# The people who probe, by the name the tests use.
ROLES = (
    "anonymous",
    "a_focal",
    "a_expert",
    "a_observer",
    "b_focal",
    "reviewer",
    "secretariat",
)


@dataclass
class World:
    users: dict[str, Any]
    secretariat_device: TOTPDevice
    objects: dict[str, Any]  # what route parameters are filled with, by the name used below
    files: dict[str, Attachment]  # A's files by what happened to them
    extra: dict[str, Any] = field(default_factory=dict)


def _upload(reply: Reply, number: str, user: Any, word: str) -> Attachment:
    return replies.attach_file(
        reply=reply,
        question_id=question(reply.questionnaire, number).pk,
        user=user,
        upload=SimpleUploadedFile(f"{word.lower()}.pdf", pdf_with_text(f"{word} annex")),
    )


def build_world() -> World:
    """Everything the probes need; Celery tasks run in this thread while it is built."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        return _build()
    finally:
        celery_app.conf.task_always_eager = eager


def _build() -> World:
    state_a = Respondent.objects.get(code="SLV")
    state_b = Respondent.objects.get(code="EST")
    secretariat = SecretariatFactory(email="secretariat@verbale.test", full_name="Sec Retariat")
    device = TOTPDevice.objects.create(user=secretariat, name="Phone", confirmed=True)
    users = {
        "secretariat": secretariat,
        "reviewer": ReviewerFactory(email="reviewer@verbale.test"),
        "a_focal": MembershipFactory(
            respondent=state_a, role="focal_point", user__email="focal@a.verbale.test"
        ).user,
        "a_expert": MembershipFactory(
            respondent=state_a, role="expert", user__email="expert@a.verbale.test"
        ).user,
        "a_observer": MembershipFactory(
            respondent=state_a, role="observer", user__email="observer@a.verbale.test"
        ).user,
        "b_focal": MembershipFactory(
            respondent=state_b, role="focal_point", user__email="focal@b.verbale.test"
        ).user,
    }
    focal = users["a_focal"]

    today = timezone.localdate()
    q = build_questionnaire(
        by=secretariat,
        deadline=today + datetime.timedelta(days=30),
        cutoff=today + datetime.timedelta(days=60),
    )
    section_a = q.sections.get(number="A")
    section_b = q.sections.get(number="B")
    authoring.add_question(
        section=section_b, by=secretariat, number="7", kind="file", text="Attach statistics."
    )
    authoring.add_question(
        section=section_b, by=secretariat, number="8", kind="text", text="Anything else?"
    )
    dispatch.dispatch_questionnaire(
        questionnaire=q,
        by=secretariat,
        respondents=[state_a, state_b],
        reference="CU 2007/212",
        sent_on=today,
    )
    q.refresh_from_db()
    reply_a = Reply.objects.get(questionnaire=q, respondent=state_a)
    reply_b = Reply.objects.get(questionnaire=q, respondent=state_b)

    # Revision 1: three files, two of which will not stay published.
    save_answer(reply_a, focal, "1", "no")
    save_answer(reply_a, focal, "2", f"The penal code of A punishes it ({SUBMITTED_WORD}).")
    save_answer(reply_a, focal, "8", f"A confidential note ({RESTRICTED_WORD}).")
    public_file = _upload(reply_a, "6", focal, PUBLIC_FILE_WORD)
    removed_file = _upload(reply_a, "6", focal, REMOVED_FILE_WORD)
    restricted_file = _upload(reply_a, "7", focal, RESTRICTED_FILE_WORD)
    replies.submit_reply(reply=reply_a, user=focal)
    # Revision 2: the amendment removes a file; then the secretariat marks two answers not for
    # publication (after submission, so revision 2 itself still says they were public).
    replies.reopen_reply(reply=reply_a, user=focal)
    replies.remove_attachment(attachment=removed_file, user=focal)
    replies.submit_reply(reply=reply_a, user=focal)
    for number in ("7", "8"):
        replies.set_restricted(
            answer=Answer.objects.get(reply=reply_a, question=question(q, number)),
            user=secretariat,
            restricted=True,
        )
    clarification = replies.post_clarification(
        reply=reply_a,
        question_id=question(q, "2").pk,
        user=secretariat,
        text=f"Which article? ({CLARIFICATION_WORD})",
    )
    # An amendment in progress: a draft answer and a draft file nobody outside A may see.
    replies.reopen_reply(reply=reply_a, user=focal)
    save_answer(reply_a, focal, "2", f"A new law is being drafted ({DRAFT_WORD}).")
    draft_file = _upload(reply_a, "6", focal, DRAFT_FILE_WORD)

    # State B's reply, submitted, so B's focal point has something of their own.
    for number, value in (("1", "no"), ("2", "Estonia's own answer.")):
        save_answer(reply_b, users["b_focal"], number, value)
    replies.submit_reply(reply=reply_b, user=users["b_focal"])

    # A report on the questionnaire, coded from A's reply, with one built PDF.
    report = ReportFactory(created_by=secretariat)
    report.questionnaires.add(q)
    body = editor.add_section(report=report, title="Legislation")
    paragraph = editor.add_paragraph(
        section=body, text="Some States described their penal code.{fn:penal}"
    )
    theme = coding.create_theme(report=report, title="Penal law")
    attribution_set = coding.create_set(
        report=report, key="penal", statement="described their penal code", theme=theme
    )
    # The passage is cut from A's last submission, never from the draft.
    evidence = coding.file_passage(
        attribution_set=attribution_set,
        passage=coding.passage(
            report=report, reply=reply_a, question_id=question(q, "2").pk, start=0, end=14
        ),
        by=secretariat,
    )
    build = report_services.compile_now(
        report=report, requested_by=secretariat, acknowledge_warnings=True
    )
    assert build.status == "succeeded", build.error

    export = review_services.request_export(user=users["reviewer"], options={}, export_format="csv")

    observer_membership = Membership.objects.get(user=users["a_observer"])
    activation_token = secrets.token_urlsafe(32)
    Activation.objects.create(
        membership=observer_membership,
        token_hash=hashlib.sha256(activation_token.encode()).hexdigest(),
        expires_at=timezone.now() + datetime.timedelta(days=10),
    )
    # A row for the admin's pages of groups (nothing above makes one).
    group = Group.objects.create(name="Editors")

    objects: dict[str, Any] = {
        "respondent": state_a,
        "questionnaire": q,
        "questionnaire_section": section_a,
        "question": question(q, "2"),
        "file_question": question(q, "6"),
        "reply": reply_a,
        "answer": Answer.objects.get(reply=reply_a, question=question(q, "8")),
        "revision_number": 1,
        "attachment": public_file,
        "clarification": clarification,
        "membership": observer_membership,
        "activation_token": activation_token,
        "report": report,
        "report_section": body,
        "paragraph": paragraph,
        "attribution_set": attribution_set,
        "member": evidence.member,
        "evidence": evidence,
        "theme": theme,
        "build": build,
        "footnote_number": 1,
        "export": export,
        "group": group,
        "reset_uidb64": urlsafe_base64_encode(force_bytes(users["a_observer"].pk)),
        "reset_token": default_token_generator.make_token(users["a_observer"]),
        "reply_content_type": ContentType.objects.get_for_model(Reply),
    }
    assert ClarificationMessage.objects.filter(reply=reply_a).exists()
    return World(
        users=users,
        secretariat_device=device,
        objects=objects,
        files={
            "public": public_file,
            "removed": removed_file,
            "restricted": restricted_file,
            "draft": draft_file,
        },
        extra={"reply_b": reply_b},
    )
