"""The secretariat's authoring pages: questionnaires and the preview.

Sections and questions are edited in ``questions``; the other pages of the secretariat are
``dispatch`` (recipients, reminders, the e-mail log) and ``people`` (nominations, activation)
beside this module; the status board and replies as the
secretariat sees them in ``surveys.replies.views.board``.

Views are thin: they read forms, call the services (which own every rule) and turn a
``ServiceError`` into a message next to the fields it concerns. A refused change changes nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from portal.errors import ServiceError
from portal.permissions import secretariat_required
from surveys.models import (
    RTL_LANGUAGES,
    Question,
    Questionnaire,
)
from surveys.questionnaires import authoring, interchange, xlsform
from surveys.questionnaires.forms import (
    LANGUAGE_NAMES,
    CopyForm,
    ImportForm,
    QuestionnaireForm,
    apply_service_error,
)
from surveys.questionnaires.views.display import (
    page_language,
    posted,
    questionnaire_or_404,
    sections_view,
)

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
    form = QuestionnaireForm(posted(request))
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
    questionnaire = questionnaire_or_404(pk)
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
            "language_pairs": [(c, LANGUAGE_NAMES[c]) for c in questionnaire.languages],
            "question_count": Question.objects.filter(section__questionnaire=questionnaire).count(),
        },
    )


@secretariat_required
def questionnaire_edit(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = questionnaire_or_404(pk)
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
    source = questionnaire_or_404(pk)
    form = CopyForm(posted(request), initial={"title": source.title})
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


@secretariat_required
def questionnaire_preview(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = questionnaire_or_404(pk)
    language = page_language(questionnaire, request.GET.get("language"))
    return render(
        request,
        "surveys/secretariat/preview.html",
        {
            "questionnaire": questionnaire,
            "language": language,
            "languages": [(c, LANGUAGE_NAMES[c]) for c in questionnaire.languages],
            "sections": sections_view(questionnaire, language),
            "page_language": language,
            "page_rtl": language in RTL_LANGUAGES,
        },
    )


# --- XLSForm and Verbale files in and out ---------------------------------------------------


@secretariat_required
def questionnaire_import(request: HttpRequest) -> HttpResponse:
    """A new questionnaire being prepared, from an XLSForm or a Verbale questionnaire file.
    A refused file names the sheet and row (or section and question) and creates nothing."""
    form = ImportForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            questionnaire, notices = interchange.import_file(
                upload.read(interchange.MAX_FILE + 1),
                upload.name,
                by=request.user,
                title=form.cleaned_data["title"],
                deadline=form.cleaned_data["deadline"],
                cutoff=form.cleaned_data["cutoff"],
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            count = Question.objects.filter(section__questionnaire=questionnaire).count()
            messages.success(
                request,
                f"“{questionnaire.title}” is imported with {count} question(s). Check them, "
                "and the particulars, before dispatching it.",
            )
            for notice in notices:
                messages.info(request, notice)
            return redirect("surveys:questionnaire-questions", pk=questionnaire.pk)
    return render(request, "surveys/secretariat/questionnaire_import.html", {"form": form})


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _file_stem(questionnaire: Questionnaire) -> str:
    return f"questionnaire-{questionnaire.pk}-{slugify(questionnaire.title)[:50] or 'untitled'}"


@require_GET
@secretariat_required
def questionnaire_export_xlsform(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = questionnaire_or_404(pk)
    return _download(
        xlsform.write_xlsform(questionnaire),
        f"{_file_stem(questionnaire)}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@require_GET
@secretariat_required
def questionnaire_export_json(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = questionnaire_or_404(pk)
    return _download(
        interchange.to_json(questionnaire),
        f"{_file_stem(questionnaire)}.json",
        "application/json; charset=utf-8",
    )
