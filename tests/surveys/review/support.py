"""Shared set-up of the reviewer workspace tests (no tests here): replies filed through the
services, with a restricted answer and a reopened draft whose words must never reach reviewers.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from surveys.models import Answer, Reply
from surveys.replies import services as replies
from tests.factories import MembershipFactory, SecretariatFactory, question

PUBLISHED_WORD = "Peregrination"
RESTRICTED_WORD = "Zanzibarite"
DRAFT_WORD = "Quixotry"
ATTACHED_WORD = "Hippodrome"


def pdf_with_text(text: str) -> bytes:
    """A one-page PDF whose text pypdf reads back."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def docx_with_text(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def odt_with_text(text: str) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    document.text.addElement(P(text=text))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def save(reply: Reply, user: Any, number: str, value: Any = None, state: str = "answered") -> None:
    q = question(reply.questionnaire, number)
    current = Answer.objects.filter(reply=reply, question=q).first()
    replies.save_answer(
        reply=reply,
        question_id=q.pk,
        user=user,
        state=state,
        value=value,
        expected_version=current.version if current else 0,
    )


def file_reply(
    reply: Reply,
    *,
    text: str,
    capture: Callable[..., Any],
    table: dict[str, dict[str, int | None]] | None = None,
    attachment: tuple[str, bytes] | None = None,
    units: list[str] | None = None,
) -> Any:
    """A focal point drafts and submits a full reply; on-commit hooks (indexing) run."""
    focal = MembershipFactory(respondent=reply.respondent, role="focal_point").user
    save(reply, focal, "1", "yes")
    save(reply, focal, "1 (a)", "2004")
    save(reply, focal, "2", text)
    save(reply, focal, "3", "adopted")
    save(reply, focal, "4", units or ["police"])
    if table is not None:
        save(reply, focal, "5", table)
    with capture(execute=True):
        if attachment is not None:
            name, data = attachment
            replies.attach_file(
                reply=reply,
                question_id=question(reply.questionnaire, "6").pk,
                user=focal,
                upload=SimpleUploadedFile(name, data),
            )
        replies.submit_reply(reply=reply, user=focal)
    return focal


def restrict(reply: Reply, number: str, capture: Callable[..., Any]) -> None:
    answer = Answer.objects.get(reply=reply, question=question(reply.questionnaire, number))
    with capture(execute=True):
        replies.set_restricted(answer=answer, user=SecretariatFactory(), restricted=True)


def reopen_with_draft(reply: Reply, focal: Any, text: str) -> None:
    """Amend after submission: the new text stays a draft that reviewers never see."""
    replies.reopen_reply(reply=reply, user=focal)
    save(reply, focal, "2", text)
