"""Clearing and submitting a reply (or entering it on the respondent's behalf), amending it, and
clarifications between the secretariat and the delegation."""

from __future__ import annotations

from django.contrib import messages
from django.http import (
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal import policy
from portal.errors import InvalidError, NotAllowedError, ServiceError, http_status
from surveys.replies import services as replies
from surveys.replies.forms import (
    ClarificationForm,
    OnBehalfForm,
)

from .workspace import (
    _form_context,
    _form_url,
    _language,
    _progress,
    _reply_or_404,
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
    context.update(on_behalf_form=on_behalf_form, error=error)
    return render(request, "surveys/workspace/submit.html", context, status=status)


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
