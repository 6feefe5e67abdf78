"""Files of a reply: attaching, removing (softly) and downloading them from the reply form."""

from __future__ import annotations

from django.contrib import messages
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_POST

from portal.errors import ServiceError, http_status
from portal.ids import parse_id
from surveys.models import Question, Reply
from surveys.replies import selectors, workspace
from surveys.replies import services as replies
from surveys.replies.forms import (
    ClarificationForm,
    UploadForm,
)

from .workspace import (
    _form_context,
    _form_url,
    _language,
    _reply_or_404,
    _sections,
)

# --- attachments --------------------------------------------------------------------------


def _question_partial(
    request: HttpRequest, reply: Reply, question_id: int, *, error: str = "", status: int = 200
) -> HttpResponse:
    """One question's block, re-drawn after an upload or a removal (for the script)."""
    language = _language(request, reply)
    context = _form_context(request, reply, language)
    _, items = _sections(reply, language, only=question_id)
    context.update(
        item=items[question_id],
        upload_error=error,
        clarification_form=ClarificationForm(),
    )
    html = render_to_string("surveys/workspace/_question.html", context, request=request)
    return HttpResponse(html, status=status)


@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    reply = _reply_or_404(request, pk)
    form = UploadForm(request.POST, request.FILES)
    partial = request.headers.get("X-Verbale-Partial") == "1"
    question_id = parse_id(form.data.get("question", ""))
    if (
        question_id is None
        or not Question.objects.filter(
            pk=question_id, section__questionnaire_id=reply.questionnaire_id
        ).exists()
    ):
        return HttpResponse("No such question.", status=400)
    if not form.is_valid():
        error, status = "Choose a file to upload.", 400
    else:
        try:
            replies.attach_file(
                reply=reply,
                question_id=question_id,
                user=request.user,
                upload=form.cleaned_data["file"],
            )
        except ServiceError as error_:
            error, status = error_.message, http_status(error_)
        else:
            error, status = "", 200
    if partial:
        return _question_partial(request, reply, question_id, error=error, status=status)
    if error:
        messages.error(request, f"The file was not attached: {error}")
    else:
        messages.success(request, "The file is attached.")
    return redirect(_form_url(reply, question_id))


@require_POST
def attachment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = workspace.attachment_for_download(user=request.user, pk=pk)
    if (
        attachment is None
        or workspace.form_reply(user=request.user, pk=attachment.reply_id) is None
    ):
        raise Http404("No such attachment.")
    reply = attachment.reply
    error, status = "", 200
    if attachment.deleted_at is None:
        try:
            replies.remove_attachment(attachment=attachment, user=request.user)
        except ServiceError as error_:
            error, status = error_.message, http_status(error_)
    if request.headers.get("X-Verbale-Partial") == "1":
        return _question_partial(request, reply, attachment.question_id, error=error, status=status)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"{attachment.original_name} was removed from the reply.")
    return redirect(_form_url(reply, attachment.question_id))


@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = workspace.attachment_for_download(user=request.user, pk=pk)
    if attachment is None:
        raise Http404("No such attachment.")
    return selectors.attachment_response(attachment)
