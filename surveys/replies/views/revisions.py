"""A reply's submitted revisions: the list, one revision, two compared, printable and PDF copies."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from surveys.models import Reply, Revision
from surveys.questionnaires import display
from surveys.replies import workspace
from surveys.replies.forms import (
    CompareForm,
)

from .workspace import (
    _language,
    _language_context,
    _reply_or_404,
)

# --- revisions ----------------------------------------------------------------------------


def _revision_or_404(reply: Reply, number: int) -> Revision:
    revision = reply.revisions.select_related("submitted_by").filter(number=number).first()
    if revision is None:
        raise Http404("No such revision.")
    return revision


@require_GET
def revision_list(request: HttpRequest, pk: int) -> HttpResponse:
    reply = _reply_or_404(request, pk)
    language = _language(request, reply)
    revisions = list(reply.revisions.select_related("submitted_by").order_by("-number"))
    context = {
        "reply": reply,
        "questionnaire": reply.questionnaire,
        "revisions": revisions,
        **_language_context(reply, language),
    }
    return render(request, "surveys/workspace/revisions.html", context)


def _revision_sections(reply: Reply, revision: Revision, language: str) -> list[dict[str, Any]]:
    questions = workspace.questions_of(reply)
    views = workspace.revision_views(revision, questions, language)
    sections: list[dict[str, Any]] = []
    for question in questions:
        if question.pk not in views:
            continue
        if not sections or sections[-1]["section"].pk != question.section_id:
            sections.append(
                {
                    "section": question.section,
                    "title": display.label(question.section.title, language),
                    "title_language": display.language_of(question.section.title, language),
                    "questions": [],
                }
            )
        sections[-1]["questions"].append(views[question.pk])
    return sections


@require_GET
def revision_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    reply = _reply_or_404(request, pk)
    revision = _revision_or_404(reply, number)
    language = _language(request, reply)
    context = {
        "reply": reply,
        "questionnaire": reply.questionnaire,
        "revision": revision,
        "sections": _revision_sections(reply, revision, language),
        **_language_context(reply, language),
    }
    return render(request, "surveys/workspace/revision_detail.html", context)


@require_GET
def revision_compare(request: HttpRequest, pk: int) -> HttpResponse:
    reply = _reply_or_404(request, pk)
    language = _language(request, reply)
    numbers = list(reply.revisions.order_by("number").values_list("number", flat=True))
    initial = {"older": numbers[-2], "newer": numbers[-1]} if len(numbers) >= 2 else {}
    form = CompareForm(request.GET or None, initial=initial)
    older = newer = None
    changes = None
    if form.is_valid():
        older_number, newer_number = sorted(
            (form.cleaned_data["older"], form.cleaned_data["newer"])
        )
        older, newer = _revision_or_404(reply, older_number), _revision_or_404(reply, newer_number)
    elif not request.GET and initial:
        older = _revision_or_404(reply, initial["older"])
        newer = _revision_or_404(reply, initial["newer"])
    if older is not None and newer is not None:
        changes = workspace.compare_revisions(
            older=older, newer=newer, questions=workspace.questions_of(reply), language=language
        )
    context = {
        "reply": reply,
        "questionnaire": reply.questionnaire,
        "numbers": numbers,
        "form": form,
        "older": older,
        "newer": newer,
        "changes": changes,
        "changed_count": sum(1 for c in changes or [] if c.changed),
        **_language_context(reply, language),
    }
    return render(request, "surveys/workspace/revision_compare.html", context)


def _print_context(request: HttpRequest, reply: Reply, revision: Revision) -> dict[str, Any]:
    language = _language(request, reply)
    return {
        "reply": reply,
        "questionnaire": reply.questionnaire,
        "revision": revision,
        "sections": _revision_sections(reply, revision, language),
        "printed_at": timezone.now(),
        **_language_context(reply, language),
    }


@require_GET
def revision_print(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    reply = _reply_or_404(request, pk)
    revision = _revision_or_404(reply, number)
    context = _print_context(request, reply, revision)
    return render(request, "surveys/workspace/print.html", context)


@require_GET
def revision_pdf(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    from portal import printing  # loads WeasyPrint: only where a PDF is made

    reply = _reply_or_404(request, pk)
    revision = _revision_or_404(reply, number)
    context = {**_print_context(request, reply, revision), "for_pdf": True}
    html = render_to_string("surveys/workspace/print.html", context, request=request)
    pdf = printing.printable(html, base_url=str(settings.BASE_DIR)).write_pdf()
    filename = f"reply-{reply.respondent.code}-{reply.questionnaire_id}-revision-{number}.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
