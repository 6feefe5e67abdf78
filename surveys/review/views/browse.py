"""Browsing replies, and one reply as reviewers read it (its published answers and files)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from ...models import ExportJob, Section, text_in
from ...questionnaires import display
from ...replies import selectors
from .. import search
from .common import BROWSE_PAGE_SIZE, _language, _query_without, review_access

# --- browse ------------------------------------------------------------------------------------


@require_GET
@review_access
def reply_browse(request: HttpRequest) -> HttpResponse:
    """Submitted replies, filtered and sorted from the URL (a view can be shared as a link)."""
    filterset = search.browse(request.user, request.GET, request)
    replies = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(replies, BROWSE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "reply": reply,
            "name": search.respondent_name(
                reply.respondent, search.names_date(reply.questionnaire)
            ),
        }
        for reply in page
    ]
    return render(
        request,
        "surveys/review/browse.html",
        {
            "filter": filterset,
            "page": page,
            "rows": rows,
            "query": _query_without(request, "page"),
            "export_options": search.filter_options(request.GET),
            "formats": ExportJob.Format.choices,
        },
    )


# --- one reply, as reviewers read it -----------------------------------------------------------


@require_GET
@review_access
def reply_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The last submitted revision of a reply, restricted answers left out; never a draft."""
    reply = get_object_or_404(search.submitted_replies(request.user), pk=pk)
    revision = selectors.latest_revision(reply)
    if revision is None:
        raise Http404
    language = _language(request, reply.questionnaire)
    published = {item["question"]: item for item in selectors.published_answers(reply)}
    visible_files = {a.pk: a for a in selectors.attachments_downloadable(reply, request.user)}
    sections = []
    for section in Section.objects.filter(questionnaire=reply.questionnaire).prefetch_related(
        "questions"
    ):
        items = []
        for question in section.questions.all():
            entry = published.get(question.pk)
            stored = revision.answers.get(str(question.pk)) if entry else None
            files = [
                visible_files[item["id"]]
                for item in (stored or {}).get("attachments", [])
                if item["id"] in visible_files
            ]
            items.append(display.question_display(question, language, entry, files=files))
        sections.append(
            {"section": section, "title": text_in(section.title, language), "items": items}
        )
    return render(
        request,
        "surveys/review/reply.html",
        {
            "reply": reply,
            "revision": revision,
            "name": search.respondent_name(
                reply.respondent, search.names_date(reply.questionnaire)
            ),
            "sections": sections,
            "language": language,
            "languages": reply.questionnaire.languages,
        },
    )


@require_GET
@review_access
def attachment_download(request: HttpRequest, pk: int, attachment: int) -> FileResponse:
    """A file of a submitted reply, to those ``selectors.attachments_downloadable`` allows."""
    reply = get_object_or_404(search.submitted_replies(request.user), pk=pk)
    found = selectors.downloadable_attachment(user=request.user, pk=attachment, reply_id=reply.pk)
    if found is None:
        raise Http404
    return selectors.attachment_response(found)
