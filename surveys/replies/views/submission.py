"""Clearing and submitting a reply (or entering it on the respondent's behalf), amending it, and
clarifications between the secretariat and the delegation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import (
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal import policy
from portal.errors import InvalidError, NotAllowedError, ServiceError, http_status
from surveys.models import Reply
from surveys.replies import services as replies
from surveys.replies import workspace
from surveys.replies.forms import (
    ClarificationForm,
    HandoffForm,
    OnBehalfForm,
)

from .workspace import (
    _form_context,
    _form_url,
    _language,
    _progress,
    _reply_or_404,
    _sections,
)

# --- submission and amendment -------------------------------------------------------------


@never_cache
def reply_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation step: what is missing, then "Clear and submit" (a focal point) or
    "Submit on the respondent's behalf" (the secretariat)."""
    reply = _reply_or_404(request, pk)
    language = _language(request, reply)
    context = _form_context(request, reply, language)
    on_behalf_form = OnBehalfForm(
        request.POST or None, initial={"received_on": timezone.localdate()}
    )
    error = ""
    status = 200
    if request.method == "POST":
        try:
            if policy.allows(request.user, "reply.submit_on_behalf", context["standing"]):
                if not on_behalf_form.is_valid():
                    raise InvalidError("Check the channel and the date received.")
                revision = replies.submit_reply(
                    reply=reply,
                    user=request.user,
                    channel=on_behalf_form.cleaned_data["channel"],
                    received_on=on_behalf_form.cleaned_data["received_on"],
                    note=on_behalf_form.cleaned_data["note"],
                )
            else:
                revision = replies.submit_reply(reply=reply, user=request.user)
        except NotAllowedError:
            raise  # the refusal page (portal.middleware.ServiceErrorMiddleware)
        except ServiceError as error_:
            error, status = error_.message, http_status(error_)
            context["progress"] = _progress(reply)
        else:
            messages.success(
                request,
                f"The reply of {reply.respondent} is submitted (revision {revision.number}). "
                "An acknowledgement has been sent to the focal points.",
            )
            return redirect(_form_url(reply))
    context.update(on_behalf_form=on_behalf_form, error=error, **_clearance(reply, language))
    context["handoff_form"] = HandoffForm()
    return render(request, "surveys/workspace/submit.html", context, status=status)


def _clearance(reply: Reply, language: str) -> dict[str, Any]:
    """The whole reply as it will be sent: every question shown (hidden ones left out, as
    the submission leaves them out), each answer read-only, files listed, and what changed
    since the last submission marked."""
    sections, _ = _sections(reply, language)
    shown = []
    for section in sections:
        questions = [item for item in section["questions"] if not item["hidden"]]
        if questions:
            shown.append({**section, "questions": questions})
    every = [item["question"] for section in shown for item in section["questions"]]
    since, changes = workspace.changes_since_submission(
        reply=reply, questions=every, language=language
    )
    for section in shown:
        for item in section["questions"]:
            item["change"] = changes.get(item["question"].pk)
    changed = sum(1 for change in changes.values() if change.changed)
    return {
        "clearance": shown,
        "since": since,
        "changed_count": changed,
    }


@require_POST
def reply_amend(request: HttpRequest, pk: int) -> HttpResponse:
    reply = _reply_or_404(request, pk)
    try:
        replies.reopen_reply(reply=reply, user=request.user)
    except NotAllowedError:
        raise  # the refusal page (portal.middleware.ServiceErrorMiddleware)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            "The reply is open for amendment. Submit it again when you are done: "
            "the submitted revision stays on record.",
        )
    return redirect(_form_url(reply))


# --- clarifications -----------------------------------------------------------------------


@require_POST
def clarification_post(request: HttpRequest, pk: int) -> HttpResponse:
    reply = _reply_or_404(request, pk)
    form = ClarificationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write a message before sending it.")
        return redirect(_form_url(reply, form.data.get("question") or None))
    question_id = form.cleaned_data["question"]
    try:
        replies.post_clarification(
            reply=reply, question_id=question_id, user=request.user, text=form.cleaned_data["text"]
        )
    except NotAllowedError:
        raise  # the refusal page (portal.middleware.ServiceErrorMiddleware)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Your message is sent.")
    return redirect(_form_url(reply, question_id))


# --- the delegation's own clearance: ready for clearance, sent back --------------------------


@require_POST
def reply_ready(request: HttpRequest, pk: int) -> HttpResponse:
    """An expert marks the draft ready for clearance; the focal points get an e-mail."""
    reply = _reply_or_404(request, pk)
    form = HandoffForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        replies.mark_ready_for_clearance(reply=reply, user=request.user, comment=comment)
    except NotAllowedError:
        raise  # the refusal page (portal.middleware.ServiceErrorMiddleware)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            "The draft is marked ready for clearance. The focal points have been sent an e-mail.",
        )
    return redirect(_form_url(reply))


@require_POST
def reply_send_back(request: HttpRequest, pk: int) -> HttpResponse:
    """A focal point sends the draft back to the experts with a comment."""
    reply = _reply_or_404(request, pk)
    form = HandoffForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        replies.send_back(reply=reply, user=request.user, comment=comment)
    except NotAllowedError:
        raise  # the refusal page (portal.middleware.ServiceErrorMiddleware)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect(reverse("surveys:reply-submit", kwargs={"pk": reply.pk}) + "#send-back")
    messages.success(request, "The draft is sent back to the experts with your comment.")
    return redirect(_form_url(reply))
