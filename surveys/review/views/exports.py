"""Asking for an export (CSV, XLSX, JSON, ZIP), following it and downloading it."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from ...models import ExportJob, Questionnaire
from .. import exports, search, services
from .common import review_access

# --- exports -----------------------------------------------------------------------------------


def _job_for(request: HttpRequest, pk: int) -> ExportJob:
    job = get_object_or_404(ExportJob.objects.select_related("requested_by"), pk=pk)
    if not exports.can_download(job, request.user):
        raise Http404
    return job


@require_POST
@review_access
def export_start(request: HttpRequest) -> HttpResponse:
    export_format = request.POST.get("format", "")
    if export_format not in ExportJob.Format.values:
        return HttpResponseBadRequest("Choose CSV, XLSX, JSON or ZIP.")
    job = services.request_export(
        user=request.user,
        options=search.filter_options(request.POST),
        export_format=export_format,
    )
    return redirect("surveys:review-export", pk=job.pk)


@require_GET
@review_access
def export_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's progress; htmx polls the partial until the file is ready or the job failed."""
    job = _job_for(request, pk)
    template = (
        "surveys/review/_export_status.html"
        if getattr(request, "htmx", False)
        else "surveys/review/export.html"
    )
    browse_url = reverse("surveys:reply-browse") + "?" + urlencode(job.options)
    return render(
        request,
        template,
        {"job": job, "browse_url": browse_url, "described": _describe(request, job.options)},
    )


def _describe(request: HttpRequest, options: dict[str, str]) -> list[tuple[str, str]]:
    """The filter of an export in words: labels and chosen values, not URL parameters."""
    form = search.browse(request.user, options, request).form
    described = []
    for name, value in options.items():
        if name not in form.fields or name == "sort":
            continue
        field = form.fields[name]
        shown = value
        if name == "questionnaire":
            found = Questionnaire.objects.filter(pk=value).values_list("title", flat=True).first()
            shown = found or value
        else:
            shown = str(dict(getattr(field, "choices", [])).get(value, value))
        described.append((str(field.label or name), shown))
    return described


@require_GET
@review_access
def export_list(request: HttpRequest) -> HttpResponse:
    jobs = ExportJob.objects.filter(requested_by=request.user).order_by("-created_at")[:50]
    return render(request, "surveys/review/exports.html", {"jobs": jobs})


@require_GET
@review_access
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _job_for(request, pk)
    if job.status != ExportJob.Status.SUCCEEDED or not job.file:
        raise Http404
    response = FileResponse(
        job.file.open("rb"), as_attachment=True, filename=job.file_name or job.file.name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
