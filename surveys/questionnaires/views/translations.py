"""The translators' round trip: export a questionnaire's texts (XLIFF, XLSX) and import them back.

The checks and the writing are in ``surveys.questionnaires.translations``; a refused import
lists every problem and changes nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from portal.errors import ServiceError
from portal.permissions import secretariat_required
from surveys.questionnaires import translations
from surveys.questionnaires.forms import TranslationImportForm, apply_service_error
from surveys.questionnaires.views.display import posted, questionnaire_or_404


@secretariat_required
def questionnaire_translations(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = questionnaire_or_404(pk)
    form = TranslationImportForm(posted(request), request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = translations.import_file(
                questionnaire,
                filename=upload.name,
                data=upload.read(translations.MAX_FILE_BYTES + 1),
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as error:
            problems = list(error.field_errors.get("file") or [])
            if problems:
                form.add_error("file", "Nothing was imported: see the problems listed.")
            else:
                apply_service_error(form, error)
        else:
            messages.success(request, result.summary())
            return redirect("surveys:questionnaire-translations", pk=questionnaire.pk)
    source = translations.source_language(questionnaire)
    targets = [
        (code, translations.LANGUAGE_NAMES[code])
        for code in questionnaire.languages
        if code != source
    ]
    return render(
        request,
        "surveys/secretariat/translations.html",
        {
            "questionnaire": questionnaire,
            "form": form,
            "problems": problems,
            "source_name": translations.LANGUAGE_NAMES[source],
            "targets": targets,
            "unit_count": len(translations.units(questionnaire)),
        },
        status=400 if problems or form.errors else 200,
    )


@secretariat_required
def questionnaire_translations_export(request: HttpRequest, pk: int) -> HttpResponse:
    """?format=xlsx, or ?format=xliff&language=fr."""
    questionnaire = questionnaire_or_404(pk)
    kind = request.GET.get("format", "xlsx")
    if kind == "xlsx":
        data = translations.export_xlsx(questionnaire)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        name = f"questionnaire-{questionnaire.pk}-translations.xlsx"
    elif kind == "xliff":
        language = request.GET.get("language", "")
        try:
            data = translations.export_xliff(questionnaire, language)
        except ServiceError as error:
            raise Http404(error.message) from None
        content_type = "application/x-xliff+xml"
        name = f"questionnaire-{questionnaire.pk}-{language}.xlf"
    else:
        raise Http404("Export as xlsx or xliff.")
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
