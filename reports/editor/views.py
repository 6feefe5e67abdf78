"""Pages of the report editor: the masthead, sections, paragraphs and the live preview;
secretariat only, thin over services and selectors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from portal.errors import ServiceError
from portal.permissions import secretariat_required

from .. import markup, selectors
from ..models import Paragraph, Report, Section
from . import services
from .forms import (
    ParagraphAddForm,
    ParagraphMoveForm,
    ParagraphSaveForm,
    ReportForm,
    SectionForm,
)

MARKUP_HELP = markup.__doc__


def _editor_url(report_id: int, anchor: str = "") -> str:
    url = reverse("reports:report-edit", args=[report_id])
    return f"{url}#{anchor}" if anchor else url


def _errors(error: ServiceError) -> str:
    return " ".join(error.messages)


@require_GET
@secretariat_required
def report_list(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/report_list.html", {"reports": selectors.reports()})


def _report_fields(form: ReportForm) -> tuple[dict[str, Any], list[int]]:
    data = dict(form.cleaned_data)
    questionnaires = [q.pk for q in data.pop("questionnaires")]
    return data, questionnaires


@secretariat_required
def report_create(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields, questionnaires = _report_fields(form)
        try:
            report = services.create_report(
                created_by=request.user, questionnaire_ids=questionnaires, **fields
            )
        except ServiceError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Report created. Add its sections and paragraphs.")
            return redirect("reports:report-edit", report.pk)
    return render(request, "reports/report_form.html", {"form": form, "report": None})


@secretariat_required
def report_masthead(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(Report, pk=pk)
    form = ReportForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        fields, questionnaires = _report_fields(form)
        try:
            services.update_report(report=report, questionnaire_ids=questionnaires, **fields)
        except ServiceError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Masthead saved.")
            return redirect("reports:report-edit", report.pk)
    return render(request, "reports/report_form.html", {"form": form, "report": report})


@require_GET
@secretariat_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(Report, pk=pk)
    rendered = selectors.preview(report)
    sections = selectors.report_sections(report)
    numbers = selectors.paragraph_numbers(rendered.composition)
    problems = selectors.paragraph_problems(rendered.composition)

    def outline(section: Section) -> dict[str, Any]:
        return {
            "section": section,
            "paragraphs": [
                (p, numbers.get(p.pk), problems.get(p.pk, [])) for p in section.paragraphs.all()
            ],
            "subsections": [outline(sub) for sub in section.subsections.all()],
        }

    return render(
        request,
        "reports/report_edit.html",
        {
            "report": report,
            "outline": [outline(s) for s in sections],
            "all_sections": _flat_sections(sections),
            "preview": rendered.html,
            "attribution_sets": selectors.attribution_sets(report),
            "section_kinds": Section.Kind.choices,
            "generated_choices": Section.Generated.choices,
            "numbering_choices": Section.Numbering.choices,
            "layout_choices": Section.RespondentsLayout.choices,
            "paragraph_kinds": Paragraph.Kind.choices,
            "table_questions": selectors.table_questions(report),
            "markup_help": MARKUP_HELP,
            "last_good": selectors.last_good_build(report),
        },
    )


def _flat_sections(sections: list[Section]) -> list[tuple[Section, str]]:
    flat = []
    for section in sections:
        flat.append((section, section.title))
        flat += [(sub, f"— {sub.title}") for sub in section.subsections.all()]
    return flat


@require_GET
@secretariat_required
def report_preview(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(Report, pk=pk)
    return HttpResponse(selectors.preview(report).html)


@require_POST
@secretariat_required
def section_add(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(Report, pk=pk)
    form = SectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "A section needs a title.")
        return redirect(_editor_url(report.pk))
    parent = None
    if form.cleaned_data["parent"]:
        parent = get_object_or_404(Section, pk=form.cleaned_data["parent"], report=report)
    try:
        section = services.add_section(
            report=report,
            title=form.cleaned_data["title"],
            parent=parent,
            kind=form.cleaned_data["kind"],
            generated=form.cleaned_data["generated"] or "",
        )
    except ServiceError as error:
        messages.error(request, _errors(error))
        return redirect(_editor_url(report.pk))
    return redirect(_editor_url(report.pk, f"edit-section-{section.pk}"))


@require_POST
@secretariat_required
def section_update(request: HttpRequest, pk: int) -> HttpResponse:
    section = get_object_or_404(Section, pk=pk)
    top_annex = section.kind == Section.Kind.ANNEX and section.parent_id is None
    post = request.POST
    try:
        services.update_section(
            section=section,
            title=post.get("title", section.title),
            generated=post.get("generated") if top_annex else None,
            # the checkbox is sent only when ticked: the hidden marker says the form had it
            numbered=(post.get("numbered") == "on") if "numbered_shown" in post else None,
            numbering=post.get("numbering") if top_annex else None,
            respondents_layout=post.get("respondents_layout") if top_annex else None,
        )
    except ServiceError as error:
        messages.error(request, _errors(error))
    return redirect(_editor_url(section.report_id, f"edit-section-{section.pk}"))


@require_POST
@secretariat_required
def section_move(request: HttpRequest, pk: int) -> HttpResponse:
    section = get_object_or_404(Section, pk=pk)
    offset = -1 if request.POST.get("offset") == "-1" else 1
    services.shift_section(section=section, offset=offset)
    return redirect(_editor_url(section.report_id, f"edit-section-{section.pk}"))


@require_POST
@secretariat_required
def section_delete(request: HttpRequest, pk: int) -> HttpResponse:
    section = get_object_or_404(Section, pk=pk)
    try:
        services.delete_section(section=section)
    except ServiceError as error:
        messages.error(request, _errors(error))
    return redirect(_editor_url(section.report_id))


@require_POST
@secretariat_required
def paragraph_add(request: HttpRequest, pk: int) -> HttpResponse:
    section = get_object_or_404(Section, pk=pk)
    form = ParagraphAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the kind of paragraph to add.")
        return redirect(_editor_url(section.report_id))
    after = None
    if form.cleaned_data["after"]:
        after = get_object_or_404(Paragraph, pk=form.cleaned_data["after"], section=section)
    paragraph = services.add_paragraph(
        section=section,
        kind=form.cleaned_data["kind"],
        text=form.cleaned_data["text"] or "",
        after=after,
    )
    return redirect(_editor_url(section.report_id, f"edit-paragraph-{paragraph.pk}"))


@require_POST
@secretariat_required
def paragraph_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Autosave from the editor (htmx): answers with the paragraph's status line."""
    paragraph = get_object_or_404(Paragraph.objects.select_related("section"), pk=pk)
    form = ParagraphSaveForm(request.POST)
    context: dict[str, Any] = {"paragraph": paragraph, "problems": []}
    status = 200
    if not form.is_valid():
        context["error"] = "The paragraph could not be saved: " + "; ".join(
            f"{field}: {' '.join(errors)}" for field, errors in form.errors.items()
        )
        status = 400
    else:
        try:
            paragraph = services.save_paragraph(
                paragraph_id=paragraph.pk,
                text=form.cleaned_data["text"],
                version=form.cleaned_data["version"],
                kind=form.cleaned_data["kind"] or None,
                question_id=form.cleaned_data["question"],
            )
        except services.StaleEditError as error:
            context["error"] = _errors(error)
            status = 409
        except ServiceError as error:
            context["error"] = _errors(error)
            status = 400
        else:
            context["paragraph"] = paragraph
            context["saved"] = True
            composition = selectors.preview(paragraph.section.report).composition
            context["number"] = selectors.paragraph_numbers(composition).get(paragraph.pk)
            context["problems"] = selectors.paragraph_problems(composition).get(paragraph.pk, [])
    response = render(request, "reports/_paragraph_status.html", context, status=status)
    if context.get("saved"):
        response["HX-Trigger"] = "preview-refresh"
    elif request.htmx:
        # htmx does not swap error responses by default: show the message all the same.
        response.status_code = 200
    return response


@require_POST
@secretariat_required
def paragraph_move(request: HttpRequest, pk: int) -> HttpResponse:
    paragraph = get_object_or_404(Paragraph.objects.select_related("section"), pk=pk)
    form = ParagraphMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say where the paragraph goes.")
        return redirect(_editor_url(paragraph.section.report_id))
    data = form.cleaned_data
    try:
        if data["section"]:
            target = get_object_or_404(
                Section, pk=data["section"], report_id=paragraph.section.report_id
            )
            position = data["position"] if data["position"] is not None else 10**6
            services.move_paragraph(paragraph=paragraph, section=target, position=position)
        else:
            services.shift_paragraph(paragraph=paragraph, offset=data["offset"] or 1)
    except ServiceError as error:
        messages.error(request, _errors(error))
    return redirect(_editor_url(paragraph.section.report_id, f"edit-paragraph-{paragraph.pk}"))


@require_POST
@secretariat_required
def paragraph_delete(request: HttpRequest, pk: int) -> HttpResponse:
    paragraph = get_object_or_404(Paragraph.objects.select_related("section"), pk=pk)
    report_id = paragraph.section.report_id
    services.delete_paragraph(paragraph=paragraph)
    messages.success(request, "Paragraph deleted.")
    return redirect(_editor_url(report_id))
