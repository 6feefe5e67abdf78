"""The secretariat's editor of a questionnaire's sections and questions: add, change, move and
remove them (with a recorded reason once the questionnaire is dispatched).

Views are thin: they read forms, call the services (which own every rule) and turn a
``ServiceError`` into a message next to the fields it concerns. A refused change changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from portal.errors import FrozenError, InvalidError, ServiceError
from portal.permissions import secretariat_required
from surveys.models import (
    Question,
    Questionnaire,
    Section,
    text_in,
)
from surveys.questionnaires import answers, authoring
from surveys.questionnaires import services as secretariat
from surveys.questionnaires.forms import (
    LANGUAGE_NAMES,
    ROW_LISTS,
    BaseOptionRowFormSet,
    MoveToSectionForm,
    OptionRowFormSet,
    QuestionForm,
    ReasonForm,
    SectionForm,
    apply_row_action,
    apply_service_error,
    row_lists_for,
    rows_initial,
    rows_posted,
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
    initial = SectionForm.initial_texts("title", current.title) if current else {}
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


def _row_lists(
    request: HttpRequest,
    questionnaire: Questionnaire,
    kind: str,
    *,
    current: Question | None,
    rows: dict[str, list[dict[str, str]]] | None = None,
) -> dict[str, BaseOptionRowFormSet]:
    """The row editors the kind needs: bound to what was posted when saving, else filled from
    ``rows`` (after a row action) or from the question."""
    languages = questionnaire.languages
    options = current.options if current else {}
    lists = {}
    for prefix in row_lists_for(kind):
        what = ROW_LISTS[prefix][0]
        kwargs: dict[str, Any] = {
            "prefix": prefix,
            "form_kwargs": {"languages": languages, "what": what},
        }
        if rows is not None:
            lists[prefix] = OptionRowFormSet(initial=rows.get(prefix) or [{}], **kwargs)
        elif request.method == "POST" and f"{prefix}-TOTAL_FORMS" in request.POST:
            lists[prefix] = OptionRowFormSet(request.POST, **kwargs)
        else:
            key_name = "value" if prefix == "choices" else "key"
            initial = rows_initial(
                (options or {}).get(prefix, []) if current and current.kind == kind else [],
                languages,
                key_name,
            )
            lists[prefix] = OptionRowFormSet(initial=initial or [{}, {}], **kwargs)
    return lists


def _carried(
    request: HttpRequest,
    questionnaire: Questionnaire,
    kind: str,
    *,
    current: Question | None,
    rows: dict[str, list[dict[str, str]]] | None,
) -> list[tuple[str, str]]:
    """The rows of the lists the chosen kind does not show, as hidden fields: switching from
    single choice to table and back keeps the choices typed (saving ignores them)."""
    languages = questionnaire.languages
    hidden: list[tuple[str, str]] = []
    for prefix in ROW_LISTS:
        if prefix in row_lists_for(kind):
            continue
        if rows is not None:
            items = rows.get(prefix, [])
        elif request.method == "POST":
            items = rows_posted(request.POST, prefix, languages)
        else:
            key_name = "value" if prefix == "choices" else "key"
            items = rows_initial(
                (current.options or {}).get(prefix, []) if current else [], languages, key_name
            )
        items = [item for item in items if any(item.values())]
        if not items:
            continue
        hidden.append((f"{prefix}-TOTAL_FORMS", str(len(items))))
        for i, item in enumerate(items):
            hidden.extend((f"{prefix}-{i}-{name}", value) for name, value in item.items())
    return hidden


def _row_action(request: HttpRequest, languages: list[str]) -> tuple[dict, str] | None:
    """A click on "Add", "Remove", "Move up/down" of a row, or "Show the fields of this kind":
    the rows as typed with the change made, and the button to focus next. None on "Save"."""
    action = request.POST.get("row_action", "")
    if request.method != "POST" or not action:
        return None
    rows = {p: rows_posted(request.POST, p, languages) for p in ROW_LISTS}
    prefix, _, rest = action.partition(":")
    verb, _, index_text = rest.partition(":")
    if prefix in ROW_LISTS and verb in ("add", "remove", "up", "down"):
        index = int(index_text) if index_text.isdigit() else -1
        rows[prefix], place = apply_row_action(rows[prefix], verb, index)
        focus = f"{prefix}:{verb}:{place}" if verb in ("up", "down") else ""
        if verb == "add" or (verb == "remove" and place >= 0):
            focus = f"{prefix}-{place}"
        return rows, focus
    return rows, "kind"


@secretariat_required
def question_form(
    request: HttpRequest, pk: int, section: int | None = None, question: int | None = None
) -> HttpResponse:
    """Add or change a question. Only the fields of the chosen kind show; choices and table
    rows and columns are rows with a field per language. Changing the kind, adding, removing
    or moving a row posts the form and shows it again (htmx swaps it in place when scripts
    run), saving nothing until "Save the question"."""
    questionnaire = questionnaire_or_404(pk)
    current = _question(questionnaire, question) if question else None
    target = current.section if current else _section(questionnaire, section or 0)
    all_questions = authoring.ordered_questions(questionnaire)
    if current is not None:
        index = next(i for i, q in enumerate(all_questions) if q.pk == current.pk)
        earlier = all_questions[:index]
    else:
        earlier = [q for q in all_questions if q.section.order <= target.order]
    initial = QuestionForm.initial_for(current) if current else {"totals": True}
    form_kwargs = {"questionnaire": questionnaire, "earlier": earlier}
    form = QuestionForm(posted(request), initial=initial, **form_kwargs)
    languages = questionnaire.languages
    action = _row_action(request, languages)
    focus = ""
    rows: dict[str, list[dict[str, str]]] | None = None
    if action is not None:
        rows, focus = action
        typed = form.typed()
        if "totals_shown" not in request.POST:  # the tick box was not on the page
            typed["totals"] = initial.get("totals", True)
        form = QuestionForm(initial=typed, **form_kwargs)
        kind = typed.get("kind") if typed.get("kind") in answers.KINDS else "text"
        row_lists = _row_lists(request, questionnaire, kind, current=current, rows=rows)
    else:
        kind = form.data.get("kind") if form.is_bound else initial.get("kind", "text")
        kind = kind if kind in answers.KINDS else "text"
        row_lists = _row_lists(request, questionnaire, kind, current=current)
        if (
            request.method == "POST"
            and form.is_valid()
            and all(rows.is_valid() for rows in row_lists.values())
        ):
            reason = form.cleaned_data.get("reason")
            try:
                if current is None:
                    saved = authoring.add_question(
                        section=target,
                        by=request.user,
                        reason=reason,
                        **form.service_fields(row_lists),
                    )
                else:
                    saved = authoring.update_question(
                        question=current,
                        by=request.user,
                        reason=reason,
                        **form.service_fields(row_lists),
                    )
            except ServiceError as error:
                apply_service_error(form, error)
            else:
                messages.success(request, f"Question {saved.number} saved.")
                return _editor(questionnaire)
    return render(
        request,
        "surveys/secretariat/question_form.html",
        {
            "carried": _carried(request, questionnaire, kind, current=current, rows=rows),
            "form": form,
            "questionnaire": questionnaire,
            "section": target,
            "question": current,
            "kind": kind,
            "row_lists": [
                {
                    "prefix": prefix,
                    "what": ROW_LISTS[prefix][0],
                    "title": ROW_LISTS[prefix][1],
                    "formset": formset,
                    "languages": [LANGUAGE_NAMES[c] for c in languages],
                }
                for prefix, formset in row_lists.items()
            ],
            "focus": focus,
        },
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


# --- duplicate, move to another section, reorder by drag and drop --------------------------


@secretariat_required
def question_duplicate(request: HttpRequest, pk: int, question: int) -> HttpResponse:
    """A copy of the question right after it (asks for the reason once dispatched)."""
    questionnaire = questionnaire_or_404(pk)
    current = _question(questionnaire, question)
    form = ReasonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            copy = authoring.duplicate_question(
                question=current, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ServiceError as error:
            if not isinstance(error, FrozenError):
                messages.error(request, error.message)
                return _editor(questionnaire)
            apply_service_error(form, error)
        else:
            messages.success(
                request, f"Question {current.number} duplicated as question {copy.number}."
            )
            return redirect(
                "surveys:questionnaire-question-edit", pk=questionnaire.pk, question=copy.pk
            )
    return _confirm(
        request,
        questionnaire,
        title=f"Duplicate question {current.number}?",
        what=f"A copy of question {current} will be placed right after it.",
        action=request.path,
        button="Duplicate",
        form=form,
    )


@secretariat_required
def question_to_section(request: HttpRequest, pk: int, question: int) -> HttpResponse:
    """Move a question to the end of another section."""
    questionnaire = questionnaire_or_404(pk)
    current = _question(questionnaire, question)
    sections = [
        (s.pk, f"{s.number}. {text_in(s.title, 'en')}")
        for s in questionnaire.sections.order_by("order", "pk")
        if s.pk != current.section_id
    ]
    form = MoveToSectionForm(posted(request), sections=sections)
    if request.method == "POST" and form.is_valid():
        try:
            moved = authoring.move_question_to_section(
                question=current,
                section=_section(questionnaire, form.cleaned_data["section"]),
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request,
                f"Question {current.number} moved to section {moved.section.number}; it is "
                f"now question {moved.number}.",
            )
            return _editor(questionnaire)
    return render(
        request,
        "surveys/secretariat/question_to_section.html",
        {"questionnaire": questionnaire, "question": current, "form": form},
    )


def _ids(values: list[str]) -> list[int] | None:
    try:
        return [int(v) for v in values]
    except ValueError:
        return None


@require_POST
@secretariat_required
def questionnaire_reorder(request: HttpRequest, pk: int) -> HttpResponse:
    """The order after a drag and drop: ``sections`` (ids in order) and ``section-<id>`` (the
    ids of its questions in order). Only while the questionnaire is being prepared; once it
    is dispatched, moves go through "Move up/down", which ask for the reason."""
    questionnaire = questionnaire_or_404(pk)
    sections = _ids(request.POST.getlist("sections"))
    questions = {
        section: _ids(request.POST.getlist(f"section-{section}")) for section in sections or []
    }
    try:
        if sections is None or any(ids is None for ids in questions.values()):
            raise InvalidError("The order sent is not a list of sections and questions.")
        authoring.reorder(
            questionnaire=questionnaire,
            by=request.user,
            sections=sections,
            questions={k: v for k, v in questions.items() if v is not None},
        )
    except ServiceError as error:
        messages.error(request, error.message)
        status = 409 if isinstance(error, FrozenError) else 400
        if request.headers.get("X-Requested-With") == "fetch":
            return HttpResponse(error.message, status=status, content_type="text/plain")
        return _editor(questionnaire)
    messages.success(request, "The new order is saved; questions are renumbered.")
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse("Saved.", content_type="text/plain")
    return _editor(questionnaire)
