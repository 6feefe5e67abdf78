"""The secretariat's pages: questionnaires, their questions, dispatch, nominations, the status
board, replies as the secretariat sees them, and the e-mail log.

Views are thin: they read forms, call the services (which own every rule) and turn a
``ServiceError`` into a message next to the fields it concerns. A refused change changes nothing.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from portal.ids import parse_id
from portal.permissions import secretariat_required
from portal.selectors import people_with_two_factor

from . import answers, selectors
from .forms_secretariat import (
    LANGUAGE_NAMES,
    ClarificationForm,
    CopyForm,
    EmailFilterForm,
    NominationForm,
    QuestionForm,
    QuestionnaireForm,
    ReasonForm,
    RecipientsForm,
    ReviewStateForm,
    SectionForm,
    StatusFilterForm,
    apply_service_error,
)
from .models import (
    RTL_LANGUAGES,
    Answer,
    Attachment,
    ClarificationMessage,
    EmailLog,
    Membership,
    Question,
    Questionnaire,
    Reply,
    Respondent,
    Section,
    text_in,
)
from .services import authoring, dispatch, replies, secretariat
from .services.errors import FrozenError, ServiceError

FIRST_NAMES_SHOWN = 12
NO_ANSWER: dict[str, Any] = {"state": answers.ANSWERED, "value": None}


# --- helpers ------------------------------------------------------------------------------


def _questionnaire(pk: int) -> Questionnaire:
    return get_object_or_404(Questionnaire, pk=pk)


def _name_on(respondent: Respondent, on: datetime.date | None) -> str:
    """The list name in force on a date (uses prefetched names)."""
    name = respondent.name_on(on or timezone.localdate()) or respondent.current_name()
    return name.list_name if name else respondent.code


def reply_form_url(reply: Reply) -> str | None:
    """The focal-point reply form, which the secretariat uses to enter a reply on a respondent's
    behalf; None while that page is not installed."""
    try:
        return reverse("surveys:reply-form", kwargs={"pk": reply.pk})
    except NoReverseMatch:
        return None


def _posted(request: HttpRequest) -> Any:
    """The form data of a POST (even an empty one), None otherwise: an empty POST is a
    submission and must be validated, not shown as a fresh form."""
    return request.POST if request.method == "POST" else None


def _language(questionnaire: Questionnaire, asked: str | None) -> str:
    if asked in questionnaire.languages:
        return str(asked)
    return "en" if "en" in questionnaire.languages else questionnaire.languages[0]


def _text_language(texts: dict[str, str], language: str) -> str:
    """The language ``text_in`` actually returns (for lang/dir attributes of a fallback)."""
    if texts.get(language):
        return language
    if texts.get("en"):
        return "en"
    return next(iter(texts), language)


def readonly_question(
    question: Question,
    language: str,
    *,
    answer: dict[str, Any] | None = None,
    attachments: dict[int, Attachment] | None = None,
    condition_number: str = "",
) -> dict[str, Any]:
    """What ``surveys/partials/question_readonly.html`` shows of one question, in one language,
    with the answer when one is given (``{"state", "value", "restricted"}``)."""
    options = question.options or {}
    value = answer.get("value") if answer else None
    state = answer.get("state", answers.ANSWERED) if answer else None
    view: dict[str, Any] = {
        "pk": question.pk,
        "number": question.number,
        "kind": question.kind,
        "kind_label": question.get_kind_display(),
        "text": text_in(question.text, language),
        "text_language": _text_language(question.text, language),
        "translated": bool(question.text.get(language)),
        "help": text_in(question.help_text, language) if question.help_text else "",
        "required": question.required,
        "has_answer": answer is not None,
        "restricted": bool(answer and answer.get("restricted")),
        "state": state,
        "state_label": dict(Answer.State.choices).get(state or "", ""),
        "not_answered": answer is None or not answers.is_answered(state or "", value),
        "value": value,
    }
    if question.condition_question_id:
        view["condition"] = {
            "number": condition_number,
            "values": ", ".join(question.condition_values),
        }
    if question.kind == answers.YES_NO:
        view["choices"] = [
            {"value": v, "label": label, "chosen": value == v}
            for v, label in (("yes", "Yes"), ("no", "No"))
        ]
    elif question.kind in (answers.SINGLE_CHOICE, answers.MULTIPLE_CHOICE):
        chosen = value if isinstance(value, list) else [value]
        view["choices"] = [
            {
                "value": c["value"],
                "label": text_in(c["label"], language),
                "chosen": c["value"] in chosen,
            }
            for c in options.get("choices", [])
        ]
    elif question.kind == answers.NUMBER:
        view["bounds"] = {
            "min": options.get("min"),
            "max": options.get("max"),
            "integer": options.get("integer", False),
        }
    elif question.kind == answers.TABLE:
        table = value if isinstance(value, dict) else {}
        row_totals, column_totals, grand = answers.table_totals(options, table)
        view["table"] = {
            "columns": [
                {"label": text_in(c["label"], language), "total": column_totals.get(c["key"])}
                for c in options.get("columns", [])
            ],
            "rows": [
                {
                    "label": text_in(r["label"], language),
                    "cells": [
                        table.get(r["key"], {}).get(c["key"]) for c in options.get("columns", [])
                    ],
                    "total": row_totals.get(r["key"]),
                }
                for r in options.get("rows", [])
            ],
            "totals": options.get("totals", True) and answer is not None,
            "grand_total": grand,
        }
    elif question.kind == answers.FILE and isinstance(value, list):
        found = attachments or {}
        view["files"] = [found[i] for i in value if i in found]
    return view


def _sections_view(
    questionnaire: Questionnaire,
    language: str,
    *,
    answer_for: dict[int, dict[str, Any]] | None = None,
    only: set[int] | None = None,
    attachments: dict[int, Attachment] | None = None,
) -> list[dict[str, Any]]:
    """Sections with their questions, ready for the read-only partial."""
    sections = list(questionnaire.sections.prefetch_related("questions"))
    numbers = {q.pk: q.number for s in sections for q in s.questions.all()}
    result = []
    for section in sections:
        questions = [
            readonly_question(
                q,
                language,
                answer=None if answer_for is None else answer_for.get(q.pk, NO_ANSWER),
                attachments=attachments,
                condition_number=numbers.get(q.condition_question_id or 0, ""),
            )
            for q in section.questions.all()
            if only is None or q.pk in only
        ]
        if questions or only is None:
            result.append(
                {
                    "pk": section.pk,
                    "number": section.number,
                    "title": text_in(section.title, language),
                    "questions": questions,
                }
            )
    return result


# --- questionnaires -----------------------------------------------------------------------


@secretariat_required
def questionnaire_list(request: HttpRequest) -> HttpResponse:
    questionnaires = Questionnaire.objects.annotate(
        recipients=Count("replies", filter=Q(replies__withdrawn=False)),
        received=Count(
            "replies", filter=Q(replies__received_on__isnull=False, replies__withdrawn=False)
        ),
    ).order_by("-deadline", "title")
    return render(
        request,
        "surveys/secretariat/questionnaire_list.html",
        {"questionnaires": questionnaires},
    )


@secretariat_required
def questionnaire_create(request: HttpRequest) -> HttpResponse:
    form = QuestionnaireForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            questionnaire = authoring.create_questionnaire(by=request.user, **form.cleaned_data)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, "Questionnaire created. Now add its sections and questions.")
            return redirect("surveys:questionnaire-questions", pk=questionnaire.pk)
    return render(
        request,
        "surveys/secretariat/questionnaire_form.html",
        {"form": form, "questionnaire": None},
    )


@secretariat_required
def questionnaire_detail(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = _questionnaire(pk)
    counts = questionnaire.replies.aggregate(
        recipients=Count("pk", filter=Q(withdrawn=False)),
        received=Count("pk", filter=Q(received_on__isnull=False, withdrawn=False)),
    )
    return render(
        request,
        "surveys/secretariat/questionnaire_detail.html",
        {
            "questionnaire": questionnaire,
            "counts": counts,
            "language_names": [LANGUAGE_NAMES[c] for c in questionnaire.languages],
            "question_count": Question.objects.filter(section__questionnaire=questionnaire).count(),
        },
    )


@secretariat_required
def questionnaire_edit(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = _questionnaire(pk)
    form = QuestionnaireForm(
        request.POST or None, initial=QuestionnaireForm.initial_from(questionnaire)
    )
    if request.method == "POST" and form.is_valid():
        try:
            authoring.update_questionnaire(
                questionnaire=questionnaire, by=request.user, **form.cleaned_data
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, "The particulars are saved.")
            return redirect("surveys:questionnaire-detail", pk=questionnaire.pk)
    return render(
        request,
        "surveys/secretariat/questionnaire_form.html",
        {"form": form, "questionnaire": questionnaire},
    )


@secretariat_required
def questionnaire_copy(request: HttpRequest, pk: int) -> HttpResponse:
    source = _questionnaire(pk)
    form = CopyForm(_posted(request), initial={"title": source.title})
    if request.method == "POST" and form.is_valid():
        try:
            copy = authoring.copy_questionnaire(source=source, by=request.user, **form.cleaned_data)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request,
                f"A new questionnaire starts from “{source.title}”, with its sections and "
                "questions. Check its particulars before dispatching it.",
            )
            return redirect("surveys:questionnaire-detail", pk=copy.pk)
    return render(
        request, "surveys/secretariat/questionnaire_copy.html", {"form": form, "source": source}
    )


# --- sections and questions ---------------------------------------------------------------


@secretariat_required
def questionnaire_questions(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = _questionnaire(pk)
    sections = list(questionnaire.sections.prefetch_related("questions__condition_question"))
    language = _language(questionnaire, None)
    for section in sections:
        section.display_title = text_in(section.title, language)  # type: ignore[attr-defined]
        for question in section.questions.all():
            question.display_text = text_in(question.text, language)  # type: ignore[attr-defined]
    return render(
        request,
        "surveys/secretariat/questions.html",
        {
            "questionnaire": questionnaire,
            "sections": sections,
            "revisions": questionnaire.revisions.select_related("changed_by").order_by("-number"),
        },
    )


def _section(questionnaire: Questionnaire, section_pk: int) -> Section:
    return get_object_or_404(Section, pk=section_pk, questionnaire=questionnaire)


def _question(questionnaire: Questionnaire, question_pk: int) -> Question:
    return get_object_or_404(
        Question.objects.select_related("section"),
        pk=question_pk,
        section__questionnaire=questionnaire,
    )


def _editor(questionnaire: Questionnaire) -> HttpResponse:
    return redirect("surveys:questionnaire-questions", pk=questionnaire.pk)


@secretariat_required
def section_form(request: HttpRequest, pk: int, section: int | None = None) -> HttpResponse:
    questionnaire = _questionnaire(pk)
    current = _section(questionnaire, section) if section else None
    initial = (
        {"number": current.number, **SectionForm.initial_texts("title", current.title)}
        if current
        else {}
    )
    form = SectionForm(_posted(request), questionnaire=questionnaire, initial=initial)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data.get("reason")
        try:
            if current is None:
                authoring.add_section(
                    questionnaire=questionnaire,
                    by=request.user,
                    reason=reason,
                    **form.service_fields(),
                )
            else:
                authoring.update_section(
                    section=current, by=request.user, reason=reason, **form.service_fields()
                )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, "Section saved.")
            return _editor(questionnaire)
    return render(
        request,
        "surveys/secretariat/section_form.html",
        {"form": form, "questionnaire": questionnaire, "section": current},
    )


@secretariat_required
def question_form(
    request: HttpRequest, pk: int, section: int | None = None, question: int | None = None
) -> HttpResponse:
    questionnaire = _questionnaire(pk)
    current = _question(questionnaire, question) if question else None
    target = current.section if current else _section(questionnaire, section or 0)
    all_questions = list(
        Question.objects.filter(section__questionnaire=questionnaire).select_related("section")
    )
    if current is not None:
        index = next(i for i, q in enumerate(all_questions) if q.pk == current.pk)
        earlier = all_questions[:index]
    else:
        earlier = [q for q in all_questions if q.section.order <= target.order]
    initial = (
        QuestionForm.initial_for(current, questionnaire.languages)
        if current
        else {"number": "", "totals": True}
    )
    form = QuestionForm(
        request.POST or None, questionnaire=questionnaire, earlier=earlier, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data.get("reason")
        try:
            if current is None:
                authoring.add_question(
                    section=target, by=request.user, reason=reason, **form.service_fields()
                )
            else:
                authoring.update_question(
                    question=current, by=request.user, reason=reason, **form.service_fields()
                )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, "Question saved.")
            return _editor(questionnaire)
    return render(
        request,
        "surveys/secretariat/question_form.html",
        {"form": form, "questionnaire": questionnaire, "section": target, "question": current},
    )


def _confirm(
    request: HttpRequest,
    questionnaire: Questionnaire,
    *,
    title: str,
    what: str,
    action: str,
    button: str,
    direction: str = "",
    form: ReasonForm | None = None,
) -> HttpResponse:
    return render(
        request,
        "surveys/secretariat/confirm_change.html",
        {
            "questionnaire": questionnaire,
            "title": title,
            "what": what,
            "action": action,
            "button": button,
            "direction": direction,
            "form": form or ReasonForm(),
        },
    )


def _confirmed_removal(
    request: HttpRequest,
    questionnaire: Questionnaire,
    *,
    remove: Callable[[str], None],
    done: str,
    title: str,
    what: str,
    button: str,
) -> HttpResponse:
    """Ask before removing a section or a question (with a reason once dispatched), then
    remove it through the service, or show why it was refused."""
    form = ReasonForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            remove(form.cleaned_data["reason"])
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, done)
            return _editor(questionnaire)
    return _confirm(
        request,
        questionnaire,
        title=title,
        what=what,
        action=request.path,
        button=button,
        form=form,
    )


@secretariat_required
def section_delete(request: HttpRequest, pk: int, section: int) -> HttpResponse:
    questionnaire = _questionnaire(pk)
    current = _section(questionnaire, section)
    return _confirmed_removal(
        request,
        questionnaire,
        remove=lambda reason: authoring.delete_section(
            section=current, by=request.user, reason=reason
        ),
        done=f"Section {current.number} removed.",
        title=f"Remove section {current.number}?",
        what=f"Section {current} and its {current.questions.count()} question(s) will be removed.",
        button="Remove the section",
    )


@secretariat_required
def question_delete(request: HttpRequest, pk: int, question: int) -> HttpResponse:
    questionnaire = _questionnaire(pk)
    current = _question(questionnaire, question)
    return _confirmed_removal(
        request,
        questionnaire,
        remove=lambda reason: authoring.delete_question(
            question=current, by=request.user, reason=reason
        ),
        done=f"Question {current.number} removed.",
        title=f"Remove question {current.number}?",
        what=f"Question {current} will be removed. Questions that depend on it will always show.",
        button="Remove the question",
    )


def _move(
    request: HttpRequest,
    questionnaire: Questionnaire,
    item: Section | Question,
    label: str,
) -> HttpResponse:
    direction = request.POST.get("direction") or request.GET.get("direction", "")
    form = ReasonForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            if isinstance(item, Section):
                secretariat.move_section(
                    section=item,
                    by=request.user,
                    direction=direction,
                    reason=form.cleaned_data["reason"],
                )
            else:
                secretariat.move_question(
                    question=item,
                    by=request.user,
                    direction=direction,
                    reason=form.cleaned_data["reason"],
                )
        except ServiceError as error:
            if not isinstance(error, FrozenError):
                messages.error(request, error.message)
                return _editor(questionnaire)
            apply_service_error(form, error)
        else:
            messages.success(request, f"{label} moved {direction}.")
            return _editor(questionnaire)
    if direction not in (secretariat.UP, secretariat.DOWN):
        raise Http404("Choose to move up or down.")
    return _confirm(
        request,
        questionnaire,
        title=f"Move {label.lower()} {direction}?",
        what=f"{label} will move one place {direction}.",
        action=request.path,
        button=f"Move {direction}",
        direction=direction,
        form=form,
    )


@secretariat_required
def section_move(request: HttpRequest, pk: int, section: int) -> HttpResponse:
    questionnaire = _questionnaire(pk)
    current = _section(questionnaire, section)
    return _move(request, questionnaire, current, f"Section {current.number}")


@secretariat_required
def question_move(request: HttpRequest, pk: int, question: int) -> HttpResponse:
    questionnaire = _questionnaire(pk)
    current = _question(questionnaire, question)
    return _move(request, questionnaire, current, f"Question {current.number}")


@secretariat_required
def questionnaire_preview(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = _questionnaire(pk)
    language = _language(questionnaire, request.GET.get("language"))
    return render(
        request,
        "surveys/secretariat/preview.html",
        {
            "questionnaire": questionnaire,
            "language": language,
            "languages": [(c, LANGUAGE_NAMES[c]) for c in questionnaire.languages],
            "sections": _sections_view(questionnaire, language),
            "page_language": language,
            "page_rtl": language in RTL_LANGUAGES,
        },
    )


# --- dispatch -----------------------------------------------------------------------------


def _recipient_choices(on: datetime.date, exclude: set[int]) -> list[tuple[str, list]]:
    """Respondents in force on a date, grouped by kind in UN order, for the checkbox list."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for respondent in selectors.respondents_in_un_order(on):
        name = respondent.name_on(on)
        if name is None or respondent.pk in exclude:
            continue
        label = f"{name.list_name} ({respondent.code})"
        groups.setdefault(respondent.get_kind_display(), []).append((respondent.pk, label))
    return list(groups.items())


@secretariat_required
def questionnaire_dispatch(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose recipients, confirm with the count and the first names, then dispatch. After
    dispatch, the same page adds recipients."""
    questionnaire = _questionnaire(pk)
    adding = questionnaire.is_frozen
    existing = set(questionnaire.replies.values_list("respondent_id", flat=True))
    on = questionnaire.sent_on or timezone.localdate()
    if request.method == "POST" and not adding and request.POST.get("sent_on"):
        with contextlib.suppress(ValueError):  # the form says what is wrong with the date
            on = datetime.date.fromisoformat(request.POST["sent_on"])
    form = RecipientsForm(
        request.POST or None,
        respondents=_recipient_choices(on, existing),
        initial={"reference": questionnaire.reference, "sent_on": on},
    )
    if adding:
        del form.fields["reference"], form.fields["sent_on"]
    if questionnaire.status == Questionnaire.Status.CLOSED:
        messages.error(request, "This questionnaire is closed: it cannot be sent to anyone more.")
        return redirect("surveys:questionnaire-detail", pk=questionnaire.pk)
    context: dict[str, Any] = {
        "questionnaire": questionnaire,
        "form": form,
        "adding": adding,
        "existing_count": len(existing),
        "on": on,
    }
    if request.method == "POST" and form.is_valid() and not request.POST.get("back"):
        data = form.cleaned_data
        chosen = dispatch.select_recipients(
            on=on,
            all_member_states=data["all_member_states"],
            regional_groups=data["regional_groups"],
            kinds=data["kinds"],
            respondent_ids=data["respondent_ids"],
        )
        new = [r for r in chosen if r.pk not in existing]
        if request.POST.get("confirmed") == "yes":
            try:
                added = dispatch.dispatch_questionnaire(
                    questionnaire=questionnaire,
                    by=request.user,
                    respondents=new,
                    reference=data.get("reference", ""),
                    sent_on=data.get("sent_on"),
                )
            except ServiceError as error:
                apply_service_error(form, error)
            else:
                messages.success(
                    request,
                    f"Sent to {added} new recipient{'s' if added != 1 else ''}. "
                    "Each now has a reply to fill in.",
                )
                return redirect("surveys:questionnaire-status", pk=questionnaire.pk)
        elif not new:
            form.add_error(
                None,
                "None of the respondents chosen is a new recipient"
                + (" (they already receive it)." if chosen else " in force on that date."),
            )
        else:
            names = [
                _name_on(r, on)
                for r in Respondent.objects.filter(pk__in=[r.pk for r in new]).prefetch_related(
                    "names"
                )
            ]
            names.sort()
            context.update(
                {
                    "confirming": True,
                    "count": len(new),
                    "first_names": names[:FIRST_NAMES_SHOWN],
                    "more": max(0, len(names) - FIRST_NAMES_SHOWN),
                    "already": len(chosen) - len(new),
                    "posted": [
                        (name, value)
                        for name in form.fields
                        for value in request.POST.getlist(name)
                    ],
                }
            )
    return render(request, "surveys/secretariat/dispatch.html", context)


# --- nominations --------------------------------------------------------------------------


@secretariat_required
def nominations_index(request: HttpRequest) -> HttpResponse:
    chosen = parse_id(request.GET.get("respondent", ""))
    if chosen is not None:
        return redirect("surveys:secretariat-nominations", pk=chosen)
    respondents = [
        (r.pk, f"{r} ({r.code})") for r in selectors.respondents_in_un_order() if r.current_name()
    ]
    recent = (
        Membership.objects.select_related("user", "respondent")
        .prefetch_related("respondent__names")
        .order_by("-created_at")[:20]
    )
    return render(
        request,
        "surveys/secretariat/nominations_index.html",
        {"respondents": respondents, "recent": recent},
    )


@secretariat_required
def nominations(request: HttpRequest, pk: int) -> HttpResponse:
    respondent = get_object_or_404(selectors.respondents(), pk=pk)
    form = NominationForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            membership = dispatch.nominate(
                respondent=respondent, by=request.user, **form.cleaned_data
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            sent = (
                "they already have access, and were told by e-mail"
                if dispatch.is_activated(membership.user)
                else f"an activation link was sent to {membership.user.email}"
            )
            messages.success(
                request,
                f"{membership.user} is registered as {membership.get_role_display().lower()}; "
                f"{sent}.",
            )
            return redirect("surveys:secretariat-nominations", pk=respondent.pk)
    memberships = (
        respondent.memberships.select_related("user")
        .annotate(
            activated=Count("activations", filter=Q(activations__used_at__isnull=False)),
            links_sent=Count("activations"),
            two_factor=Exists(people_with_two_factor().filter(pk=OuterRef("user_id"))),
        )
        .order_by("-is_active", "role", "user__email")
    )
    return render(
        request,
        "surveys/secretariat/nominations.html",
        {"respondent": respondent, "form": form, "memberships": memberships},
    )


def _membership(pk: int) -> Membership:
    return get_object_or_404(Membership.objects.select_related("user", "respondent"), pk=pk)


@require_POST
@secretariat_required
def membership_activation(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(pk)
    if not membership.is_active:
        messages.error(request, "This membership is inactive: nominate the person again first.")
        return redirect("surveys:secretariat-nominations", pk=membership.respondent_id)
    try:
        dispatch.send_activation(membership=membership, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"A new activation link was sent to {membership.user.email}.")
    return redirect("surveys:secretariat-nominations", pk=membership.respondent_id)


@require_POST
@secretariat_required
def membership_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(pk)
    try:
        secretariat.deactivate_membership(membership=membership, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{membership.user} no longer acts for {membership.respondent}.")
    return redirect("surveys:secretariat-nominations", pk=membership.respondent_id)


# --- status board -------------------------------------------------------------------------


def _board(questionnaire: Questionnaire, filters: dict[str, str]) -> QuerySet[Reply]:
    """Every recipient's reply with what the board shows, in a fixed number of queries."""
    reminders = (
        EmailLog.objects.filter(
            kind=EmailLog.Kind.REMINDER,
            questionnaire_id=OuterRef("questionnaire_id"),
            respondent_id=OuterRef("respondent_id"),
        )
        .order_by()
        .values("respondent_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    focal_points = (
        Membership.objects.filter(
            respondent_id=OuterRef("respondent_id"),
            role=Membership.Role.FOCAL_POINT,
            is_active=True,
            user__is_active=True,
        )
        .order_by()
        .values("respondent_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        questionnaire.replies.select_related("respondent", "questionnaire")
        .prefetch_related("respondent__names")
        .annotate(
            reminders_sent=Coalesce(Subquery(reminders, output_field=IntegerField()), Value(0)),
            focal_point_count=Coalesce(
                Subquery(focal_points, output_field=IntegerField()), Value(0)
            ),
        )
    )
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    if filters.get("regional_group"):
        rows = rows.filter(respondent__regional_group=filters["regional_group"])
    return rows


@secretariat_required
def questionnaire_status(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = _questionnaire(pk)
    form = StatusFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    on = questionnaire.sent_on
    rows = sorted(
        (
            {
                "reply": reply,
                "name": _name_on(reply.respondent, on),
                "late": reply.is_late,
                "outside": reply.received_on is not None and not reply.in_report,
            }
            for reply in _board(questionnaire, filters)
        ),
        key=lambda row: row["name"],
    )
    context = {
        "questionnaire": questionnaire,
        "form": form,
        "rows": rows,
        "summary": {
            "received": sum(1 for row in rows if row["reply"].received_on),
            "late": sum(1 for row in rows if row["late"]),
            "outside": sum(1 for row in rows if row["outside"]),
        },
        "today": timezone.localdate(),
    }
    template = (
        "surveys/secretariat/partials/status_table.html"
        if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "board"
        else "surveys/secretariat/status.html"
    )
    return render(request, template, context)


@require_POST
@secretariat_required
def questionnaire_reminders(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = _questionnaire(pk)
    try:
        sent = dispatch.send_reminders(questionnaire=questionnaire, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        if sent:
            messages.success(
                request,
                f"{sent} reminder{'s' if sent != 1 else ''} sent to the focal points of "
                "recipients that have not submitted.",
            )
        else:
            messages.warning(
                request,
                "No reminder was sent: every recipient has submitted, or those that have not "
                "have no active focal point.",
            )
    return redirect("surveys:questionnaire-status", pk=questionnaire.pk)


# --- a reply as the secretariat sees it ---------------------------------------------------


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
    language = _language(questionnaire, None)
    sections = _sections_view(
        questionnaire, language, answer_for=answer_for, only=visible, attachments=attachments
    )
    for section in sections:
        for question in section["questions"]:
            question["answer_id"] = answer_for.get(question["pk"], {}).get("id")
            question["thread"] = threads.get(question["pk"], [])
    return render(
        request,
        "surveys/secretariat/reply.html",
        {
            "reply": current,
            "questionnaire": questionnaire,
            "name": _name_on(current.respondent, questionnaire.sent_on),
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
    language = _language(current.questionnaire, None)
    return render(
        request,
        "surveys/secretariat/reply_revision.html",
        {
            "reply": current,
            "questionnaire": current.questionnaire,
            "revision": revision,
            "name": _name_on(current.respondent, current.questionnaire.sent_on),
            "sections": _sections_view(
                current.questionnaire,
                language,
                answer_for=answer_for,
                only=set(answer_for),
                attachments=attachments,
            ),
        },
    )


# --- e-mail log ---------------------------------------------------------------------------


@secretariat_required
def email_log(request: HttpRequest) -> HttpResponse:
    with_emails = Respondent.objects.filter(emails__isnull=False).distinct()
    respondents = sorted(
        ((r.pk, str(r)) for r in with_emails.prefetch_related("names")), key=lambda c: c[1]
    )
    form = EmailFilterForm(request.GET or None, respondents=respondents)
    emails = EmailLog.objects.select_related("questionnaire", "respondent", "sent_by")
    emails = emails.prefetch_related("respondent__names").order_by("-sent_at", "-pk")
    if form.is_valid():
        data = form.cleaned_data
        if data.get("questionnaire"):
            emails = emails.filter(questionnaire=data["questionnaire"])
        if data.get("kind"):
            emails = emails.filter(kind=data["kind"])
        if data.get("respondent"):
            emails = emails.filter(respondent_id=data["respondent"])
    page = Paginator(emails, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "surveys/secretariat/email_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
