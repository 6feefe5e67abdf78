"""The focal-point workspace: replies of one's delegation, the reply form with autosave, and
what the other pages of a reply share (``attachments``, ``submission``, ``revisions``).

Views are thin: every rule is in ``services.replies`` and ``services.workspace``. A reply is
always fetched through ``selectors.replies_visible_to`` (via ``workspace.form_reply``): a
person who may not see it gets 404, never a hint that it exists.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from portal import policy
from portal.errors import ServiceError, StaleAnswerError, http_status
from surveys.models import Answer, Question, Reply
from surveys.questionnaires import answers, display
from surveys.replies import selectors, workspace
from surveys.replies import services as replies
from surveys.replies.forms import (
    CELL_PREFIX,
    AnswerPostForm,
    ClarificationForm,
    answer_from_post,
    cell_name,
)

LANGUAGE_NAMES = dict(settings.LANGUAGES) | {"zh": "中文"}
RTL = {"ar"}


# --- helpers ------------------------------------------------------------------------------


def _reply_or_404(request: HttpRequest, pk: int) -> Reply:
    reply = workspace.form_reply(user=request.user, pk=pk)
    if reply is None:
        raise Http404("No such reply.")
    return reply


def _language(request: HttpRequest, reply: Reply) -> str:
    """The language the questions are shown in: asked for, else remembered, else the page's."""
    languages = reply.questionnaire.languages or ["en"]
    for candidate in (
        request.GET.get("lang"),
        request.session.get("reply_language"),
        getattr(request, "LANGUAGE_CODE", None),
        "en",
    ):
        if candidate in languages:
            if request.GET.get("lang") == candidate:
                request.session["reply_language"] = candidate
            return candidate
    return languages[0]


def _language_context(reply: Reply, language: str) -> dict[str, Any]:
    return {
        "language": language,
        "languages": [
            (code, LANGUAGE_NAMES.get(code, code)) for code in reply.questionnaire.languages
        ],
        "page_language": language,
        "page_rtl": language in RTL,
    }


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _form_url(reply: Reply, question_id: int | None = None) -> str:
    url = reverse("surveys:reply-form", kwargs={"pk": reply.pk})
    return f"{url}#q-{question_id}" if question_id else url


def _progress(reply: Reply) -> dict[str, Any]:
    answered, required, missing = replies.progress(reply)
    return {
        "answered": answered,
        "required": required,
        "required_answered": required - len(missing),
        "missing": [{"id": q.pk, "number": q.number} for q in missing],
    }


def _role(request: HttpRequest, standing: policy.Standing) -> str:
    """How the page speaks to the person ("you act as …"): not a permission."""
    if standing.member_role:
        return standing.member_role
    return "secretariat" if policy.is_secretariat(request.user) else ""


def _question_item(
    question: Question,
    *,
    language: str,
    answer: Answer | None,
    attachments: list[Any],
    clarifications: list[Any],
    shown: bool,
) -> dict[str, Any]:
    """One question of the form: how it reads (``display``, the shared QuestionDisplay), and
    what only the form needs (the version it edits, who saved last, the table's input names,
    the files it may remove, the clarification thread)."""
    entry = (
        {"state": answer.state, "value": answer.value, "restricted": answer.restricted}
        if answer
        else display.NO_ANSWER
    )
    shown_question = display.question_display(question, language, entry, files=attachments)
    item: dict[str, Any] = {
        "question": question,
        "display": shown_question,
        "version": answer.version if answer else 0,
        "updated_by": answer.updated_by if answer else None,
        "updated_at": answer.updated_at if answer else None,
        "attachments": attachments,
        "clarifications": clarifications,
        "hidden": not shown,
        "condition_json": json.dumps(question.condition_values),
    }
    table = shown_question.answer.table
    if table is not None:
        item["grid"] = [
            {
                "key": row.key,
                "label": row.label,
                "total": row.total,
                "cells": [
                    {
                        "name": cell_name(row.key, column.key),
                        "column": column.key,
                        "value": "" if cell is None else cell,
                    }
                    for column, cell in zip(table.columns, row.cells, strict=True)
                ],
            }
            for row in table.rows
        ]
    return item


def _sections(
    reply: Reply, language: str, only: int | None = None
) -> tuple[list[dict[str, Any]], dict[int, dict[str, Any]]]:
    """The questionnaire's sections with each question's current answer, files and thread."""
    questions = workspace.questions_of(reply)
    current = {a.question_id: a for a in reply.answers.select_related("updated_by").order_by("pk")}
    values = {qid: a.value for qid, a in current.items() if a.state == answers.ANSWERED}
    shown = {q.pk for q in replies.visible_questions(reply, values)}
    files: dict[int, list[Any]] = defaultdict(list)
    for attachment in reply.attachments.filter(deleted_at__isnull=True).order_by("uploaded_at"):
        files[attachment.question_id].append(attachment)
    threads: dict[int, list[Any]] = defaultdict(list)
    for message in reply.clarifications.select_related("author").order_by("created_at"):
        threads[message.question_id].append(message)
    sections: list[dict[str, Any]] = []
    items: dict[int, dict[str, Any]] = {}
    for question in questions:
        if only is not None and question.pk != only:
            continue
        if not sections or sections[-1]["section"].pk != question.section_id:
            section = question.section
            sections.append(
                {
                    "section": section,
                    "title": display.label(section.title, language),
                    "title_language": display.language_of(section.title, language),
                    "questions": [],
                }
            )
        item = _question_item(
            question,
            language=language,
            answer=current.get(question.pk),
            attachments=files[question.pk],
            clarifications=threads[question.pk],
            shown=question.pk in shown,
        )
        sections[-1]["questions"].append(item)
        items[question.pk] = item
    return sections, items


def _form_context(request: HttpRequest, reply: Reply, language: str) -> dict[str, Any]:
    # What the person may do here, the templates ask the policy with this standing
    # (``{% may "reply.amend" standing %}``); the services ask the same rules again.
    standing = selectors.standing(request.user, reply)
    refusal = workspace.edit_refusal(user=request.user, reply=reply)
    return {
        "reply": reply,
        "questionnaire": reply.questionnaire,
        "standing": standing,
        "role": _role(request, standing),
        "editable": refusal is None,
        "refusal": refusal,
        "progress": _progress(reply),
        "latest_revision": selectors.latest_revision(reply),
        "deadline_status": workspace.deadline_status(reply, timezone.localdate()),
        "closed": workspace.is_closed(reply),
        "handoff": selectors.current_handoff(reply),
        **_language_context(reply, language),
    }


# --- the workspace ------------------------------------------------------------------------


@require_GET
def workspace_page(request: HttpRequest) -> HttpResponse:
    rows = workspace.workspace_rows(user=request.user)
    return render(request, "surveys/workspace/workspace.html", {"rows": rows})


# --- the reply form -----------------------------------------------------------------------


@require_GET
@never_cache
def reply_form(request: HttpRequest, pk: int) -> HttpResponse:
    reply = _reply_or_404(request, pk)
    language = _language(request, reply)
    context = _form_context(request, reply, language)
    context["sections"], _ = _sections(reply, language)
    context["clarification_form"] = ClarificationForm()
    return render(request, "surveys/workspace/reply_form.html", context)


@require_POST
def answer_save(request: HttpRequest, pk: int) -> HttpResponse:
    """The autosave: one question's inputs, with the version the form was showing.

    JSON in reply to the script (200 saved, 400 invalid, 403 not allowed, 409 someone saved
    since — with what is stored now); a redirect back to the form for a browser without it."""
    reply = _reply_or_404(request, pk)
    envelope = AnswerPostForm(request.POST)
    if not envelope.is_valid():
        return _save_refused(request, reply, None, "The answer could not be read.", 400)
    question_id = envelope.cleaned_data["question"]
    question = Question.objects.filter(
        pk=question_id, section__questionnaire_id=reply.questionnaire_id
    ).first()
    if question is None:
        return _save_refused(request, reply, None, "No such question.", 400)
    state, value = answer_from_post(question, request.POST)
    try:
        saved = workspace.save_answer_once(
            reply=reply,
            question=question,
            user=request.user,
            state=state,
            value=value,
            expected_version=envelope.cleaned_data["version"],
        )
    except StaleAnswerError as error:
        current = dict(error.current)
        language = _language(request, reply)
        current["display"] = display.answer_display(question, current, language).plain
        if _wants_json(request):
            return JsonResponse(
                {"error": error.message, "conflict": True, "current": current}, status=409
            )
        return _save_refused(request, reply, question, error.message, 409)
    except ServiceError as error:
        message = error.field_errors.get(str(question.pk), error.message)
        return _save_refused(request, reply, question, message, http_status(error))
    answer = saved.answer
    if not _wants_json(request):
        if saved.refused_cells:
            return _cells_refused_page(request, reply, question, request.POST, saved.refused_cells)
        messages.success(request, f"Your answer to question {question.number} is saved.")
        return redirect(_form_url(reply, question.pk))
    reply.refresh_from_db()
    return JsonResponse(
        {
            "ok": True,
            "refused_cells": _named_cells(question, saved.refused_cells, _language(request, reply)),
            "question": question.pk,
            "state": answer.state,
            "value": answer.value,
            "version": answer.version,
            "saved_at": answer.updated_at.isoformat(),
            "saved_by": str(request.user),
            "reply_status": reply.get_status_display(),
            "progress": _progress(reply),
        }
    )


def _save_refused(
    request: HttpRequest, reply: Reply, question: Question | None, message: str, status: int
) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"error": message}, status=status)
    where = f"Question {question.number}: " if question else ""
    messages.error(request, f"{where}{message} Nothing was saved.")
    return redirect(_form_url(reply, question.pk if question else None))


def _named_cells(question: Question, refused: dict[str, str], language: str) -> dict[str, str]:
    """Each refused cell's input name → "Row, column — what was typed: why", in the page's
    language, for the message next to the table."""
    named = {}
    for name, reason in refused.items():
        row, _, column = name[len(CELL_PREFIX) :].partition(":")
        named[name] = f"{display.cell_label(question, language, row, column)} — {reason}"
    return named


def _cells_refused_page(
    request: HttpRequest,
    reply: Reply,
    question: Question,
    data: Any,
    refused: dict[str, str],
) -> HttpResponse:
    """Without script: the form again, the valid cells saved, each refused cell showing what
    was typed (so nothing is lost) with its reason."""
    language = _language(request, reply)
    context = _form_context(request, reply, language)
    context["sections"], items = _sections(reply, language)
    named = _named_cells(question, refused, language)
    item = items[question.pk]
    for row in item.get("grid", []):
        for cell in row["cells"]:
            if cell["name"] in refused:
                cell["value"] = data.get(cell["name"], "")
                cell["error"] = named[cell["name"]]
    item["cell_errors"] = list(named.items())
    context["clarification_form"] = ClarificationForm()
    messages.error(
        request,
        f"Question {question.number}: the other figures are saved; correct the "
        f"cell{'s' if len(refused) != 1 else ''} marked below.",
    )
    return render(request, "surveys/workspace/reply_form.html", context)
