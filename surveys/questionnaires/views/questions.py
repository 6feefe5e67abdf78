"""The secretariat's editor of a questionnaire's sections and questions: add, change, move and
remove them (with a recorded reason once the questionnaire is dispatched).

Views are thin: they read forms, call the services (which own every rule) and turn a
``ServiceError`` into a message next to the fields it concerns. A refused change changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from portal.errors import FrozenError, ServiceError
from portal.permissions import secretariat_required
from surveys.models import (
    Question,
    Questionnaire,
    Section,
    text_in,
)
from surveys.questionnaires import authoring
from surveys.questionnaires import services as secretariat
from surveys.questionnaires.forms import (
    QuestionForm,
    ReasonForm,
    SectionForm,
    apply_service_error,
)
from surveys.questionnaires.views.display import (
    page_language,
    posted,
    questionnaire_or_404,
)

# --- sections and questions ---------------------------------------------------------------


@secretariat_required
def questionnaire_questions(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = questionnaire_or_404(pk)
    sections = list(questionnaire.sections.prefetch_related("questions__condition_question"))
    language = page_language(questionnaire, None)
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
    questionnaire = questionnaire_or_404(pk)
    current = _section(questionnaire, section) if section else None
    initial = (
        {"number": current.number, **SectionForm.initial_texts("title", current.title)}
        if current
        else {}
    )
    form = SectionForm(posted(request), questionnaire=questionnaire, initial=initial)
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
    questionnaire = questionnaire_or_404(pk)
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
    form = ReasonForm(posted(request))
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
    questionnaire = questionnaire_or_404(pk)
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
    questionnaire = questionnaire_or_404(pk)
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
    form = ReasonForm(posted(request))
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
    questionnaire = questionnaire_or_404(pk)
    current = _section(questionnaire, section)
    return _move(request, questionnaire, current, f"Section {current.number}")


@secretariat_required
def question_move(request: HttpRequest, pk: int, question: int) -> HttpResponse:
    questionnaire = questionnaire_or_404(pk)
    current = _question(questionnaire, question)
    return _move(request, questionnaire, current, f"Question {current.number}")
