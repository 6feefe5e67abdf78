"""Replies as the secretariat follows them: the status board of a questionnaire, and one reply
with its review state, restrictions, clarifications and revisions."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from portal.errors import ServiceError
from portal.ids import parse_id
from portal.permissions import secretariat_required
from surveys.models import (
    Answer,
    Attachment,
    ClarificationMessage,
    Reply,
)
from surveys.questionnaires import answers
from surveys.questionnaires.forms import (
    ClarificationForm,
    ReviewStateForm,
    StatusFilterForm,
)
from surveys.questionnaires.views.display import (
    name_on,
    page_language,
    questionnaire_or_404,
    sections_view,
)
from surveys.replies import board
from surveys.replies import services as replies


def reply_form_url(reply: Reply) -> str | None:
    """The focal-point reply form, which the secretariat uses to enter a reply on a respondent's
    behalf; None while that page is not installed."""
    try:
        return reverse("surveys:reply-form", kwargs={"pk": reply.pk})
    except NoReverseMatch:
        return None


BOARD_PAGE_SIZE = 50


@secretariat_required
def questionnaire_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The status board: filtered, sorted, a page of 50 at a time; ``?export=csv`` or
    ``?export=xlsx`` gives every row the filters keep, in the order shown."""
    questionnaire = questionnaire_or_404(pk)
    form = StatusFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    sort = request.GET.get("sort", "name")
    if sort.removeprefix("-") not in board.SORTS:
        sort = "name"
    rows = board.board_rows(questionnaire, filters, sort)
    export = request.GET.get("export")
    if export in {"csv", "xlsx"}:
        name = f"status-board-{questionnaire.pk}-{timezone.localdate():%Y-%m-%d}.{export}"
        if export == "csv":
            response = HttpResponse(board.board_csv(rows), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(
                board.board_xlsx(rows, questionnaire.title),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    page = Paginator(rows, BOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    for name in ("page", "sort", "export"):
        query.pop(name, None)
    context = {
        "questionnaire": questionnaire,
        "form": form,
        "rows": page.object_list,
        "page": page,
        "count": len(rows),
        "summary": board.summary(rows),
        "sort": sort,
        "sorts": [
            {
                "key": key,
                "label": label,
                "active": sort.removeprefix("-") == key,
                "descending": sort == f"-{key}",
                "next": f"-{key}" if sort == key else key,
            }
            for key, label in board.SORTS.items()
        ],
        "query": query.urlencode(),
        "today": timezone.localdate(),
    }
    template = (
        "surveys/secretariat/partials/status_table.html"
        if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "board"
        else "surveys/secretariat/status.html"
    )
    return render(request, template, context)


def _reply(questionnaire_pk: int, reply_pk: int) -> Reply:
    return get_object_or_404(
        Reply.objects.select_related("questionnaire", "respondent").prefetch_related(
            "respondent__names"
        ),
        pk=reply_pk,
        questionnaire_id=questionnaire_pk,
    )


def _to_reply(reply: Reply, anchor: str = "") -> HttpResponse:
    url = reverse(
        "surveys:secretariat-reply", kwargs={"q": reply.questionnaire_id, "reply": reply.pk}
    )
    return redirect(url + (f"#{anchor}" if anchor else ""))


@secretariat_required
def reply_detail(request: HttpRequest, q: int, reply: int) -> HttpResponse:
    current = _reply(q, reply)
    questionnaire = current.questionnaire
    stored = {a.question_id: a for a in current.answers.all()}
    answer_for = {
        qid: {"state": a.state, "value": a.value, "restricted": a.restricted, "id": a.pk}
        for qid, a in stored.items()
    }
    values = {qid: a.value for qid, a in stored.items() if a.state == answers.ANSWERED}
    visible = {question.pk for question in replies.visible_questions(current, values)}
    attachments = {a.pk: a for a in current.attachments.filter(deleted_at__isnull=True)}
    threads: dict[int, list[ClarificationMessage]] = {}
    for message in current.clarifications.select_related("author"):
        threads.setdefault(message.question_id, []).append(message)
    language = page_language(questionnaire, None)
    sections = sections_view(
        questionnaire, language, answer_for=answer_for, only=visible, attachments=attachments
    )
    for section in sections:
        # the page's own tools (restriction, clarification) beside each shown question
        section["questions"] = [
            {
                "display": shown,
                "answer_id": answer_for.get(shown.pk, {}).get("id"),
                "thread": threads.get(shown.pk, []),
            }
            for shown in section["questions"]
        ]
    return render(
        request,
        "surveys/secretariat/reply.html",
        {
            "reply": current,
            "questionnaire": questionnaire,
            "name": name_on(current.respondent, questionnaire.sent_on),
            "sections": sections,
            "revisions": current.revisions.select_related("submitted_by").order_by("-number"),
            "review_form": ReviewStateForm(initial={"review_state": current.review_state}),
            "reply_form_url": reply_form_url(current),
            "outside": current.received_on is not None and not current.in_report,
            "after_cutoff": current.received_on is not None
            and current.received_on > questionnaire.cutoff,
        },
    )


@require_POST
@secretariat_required
def reply_review(request: HttpRequest, q: int, reply: int) -> HttpResponse:
    current = _reply(q, reply)
    form = ReviewStateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose received, clarification requested or accepted.")
        return _to_reply(current)
    try:
        replies.set_review_state(
            reply=current, user=request.user, state=form.cleaned_data["review_state"]
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Review state saved.")
    return _to_reply(current)


@require_POST
@secretariat_required
def reply_reopen(request: HttpRequest, q: int, reply: int) -> HttpResponse:
    current = _reply(q, reply)
    try:
        replies.reopen_reply(reply=current, user=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            "The reply is reopened for amendment. Its next submission writes a new revision.",
        )
    return _to_reply(current)


@require_POST
@secretariat_required
def reply_include(request: HttpRequest, q: int, reply: int) -> HttpResponse:
    current = _reply(q, reply)
    include = request.POST.get("include") == "yes"
    replies.set_included_after_cutoff(reply=current, user=request.user, include=include)
    messages.success(
        request,
        "The reply is included in the report although it arrived after the cut-off."
        if include
        else "The reply is no longer included in the report after the cut-off.",
    )
    return _to_reply(current)


@require_POST
@secretariat_required
def answer_restricted(request: HttpRequest, q: int, reply: int, answer: int) -> HttpResponse:
    current = _reply(q, reply)
    stored = get_object_or_404(Answer.objects.select_related("question"), pk=answer, reply=current)
    restricted = request.POST.get("restricted") == "yes"
    replies.set_restricted(answer=stored, user=request.user, restricted=restricted)
    messages.success(
        request,
        f"The answer to question {stored.question.number} is "
        + ("restricted: not for publication." if restricted else "no longer restricted."),
    )
    return _to_reply(current, f"question-{stored.question_id}")


@require_POST
@secretariat_required
def reply_clarify(request: HttpRequest, q: int, reply: int) -> HttpResponse:
    current = _reply(q, reply)
    form = ClarificationForm(request.POST)
    question_id = parse_id(request.POST.get("question", ""))
    anchor = f"question-{question_id}" if question_id is not None else ""
    if not form.is_valid() or question_id is None:
        messages.error(request, "Write a message about one question.")
        return _to_reply(current, anchor)
    try:
        replies.post_clarification(
            reply=current,
            question_id=question_id,
            user=request.user,
            text=form.cleaned_data["text"],
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Message sent to the focal points of the delegation.")
    return _to_reply(current, anchor)


@secretariat_required
def reply_revision(request: HttpRequest, q: int, reply: int, number: int) -> HttpResponse:
    current = _reply(q, reply)
    revision = get_object_or_404(current.revisions.select_related("submitted_by"), number=number)
    answer_for = {int(k): v for k, v in revision.answers.items()}
    attachments = {
        a.pk: a
        for a in Attachment.objects.filter(
            reply=current,
            pk__in=[
                item["id"] for entry in answer_for.values() for item in entry.get("attachments", [])
            ],
        )
    }
    language = page_language(current.questionnaire, None)
    return render(
        request,
        "surveys/secretariat/reply_revision.html",
        {
            "reply": current,
            "questionnaire": current.questionnaire,
            "revision": revision,
            "name": name_on(current.respondent, current.questionnaire.sent_on),
            "sections": sections_view(
                current.questionnaire,
                language,
                answer_for=answer_for,
                only=set(answer_for),
                attachments=attachments,
            ),
        },
    )
