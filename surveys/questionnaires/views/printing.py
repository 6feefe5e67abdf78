"""The blank questionnaire to attach to the note verbale, in each of its languages."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from portal.errors import ServiceError
from portal.permissions import secretariat_required
from surveys.questionnaires import printing
from surveys.questionnaires.views.display import questionnaire_or_404

FORMATS = {
    "pdf": ("application/pdf", printing.blank_form_pdf),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        printing.blank_form_docx,
    ),
}


@secretariat_required
def questionnaire_print(request: HttpRequest, pk: int) -> HttpResponse:
    """?language=fr&format=pdf|docx|html (HTML: to look at before printing)."""
    questionnaire = questionnaire_or_404(pk)
    language = request.GET.get("language") or questionnaire.languages[0]
    kind = request.GET.get("format", "pdf")
    try:
        if kind == "html":
            return HttpResponse(printing.blank_form_html(questionnaire, language))
        if kind not in FORMATS:
            raise Http404("Print as pdf, docx or html.")
        content_type, make = FORMATS[kind]
        data = make(questionnaire, language)
    except ServiceError as error:
        raise Http404(error.message) from None
    response = HttpResponse(data, content_type=content_type)
    name = f"questionnaire-{questionnaire.pk}-{language}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
