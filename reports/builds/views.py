"""Pages of builds: the report's builds, a build's status row, the files; secretariat only."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from portal.permissions import secretariat_required

from .. import selectors
from ..coding import selectors as coding_selectors
from ..models import Build, Report
from . import services
from .forms import BuildForm


@secretariat_required
def build_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The report's builds; POST starts one."""
    report = get_object_or_404(Report, pk=pk)
    if request.method == "POST":
        form = BuildForm(request.POST)
        acknowledge = form.is_valid() and form.cleaned_data["acknowledge"]
        try:
            build = services.start_build(
                report=report, requested_by=request.user, acknowledge_warnings=acknowledge
            )
        except services.WarningsNotAcknowledgedError as error:
            messages.error(
                request,
                f"{len(error.warnings)} warning(s) of the consistency report below must be "
                "acknowledged before building: tick the box to build anyway.",
            )
            return redirect("reports:build-list", report.pk)
        if build.status == Build.Status.FAILED:
            messages.error(request, "The report cannot be built: " + build.error)
        elif build.reused_from_id:
            messages.info(request, "Nothing changed since the last good build: its PDF is reused.")
        else:
            messages.success(request, "Build queued.")
        return redirect("reports:build-list", report.pk)
    return render(
        request,
        "reports/build_list.html",
        {
            "report": report,
            "builds": selectors.builds_of(report),
            "last_good": selectors.last_good_build(report),
            "gate": coding_selectors.consistency_gate(report),
        },
    )


@require_GET
@secretariat_required
def build_status(request: HttpRequest, pk: int) -> HttpResponse:
    """One build's row, polled by htmx while the build is queued or running."""
    build = get_object_or_404(Build.objects.select_related("requested_by"), pk=pk)
    return render(request, "reports/_build_row.html", {"build": build})


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def build_file_response(build: Build, kind: str) -> FileResponse:
    """The build's PDF or DOCX as a download (shared by the page and the API)."""
    field = build.pdf if kind == "pdf" else build.docx
    if kind not in CONTENT_TYPES or not field:
        raise Http404("This build has no such file.")
    name = f"{build.report.label.replace('/', '_')}-build-{build.pk}.{kind}"
    return FileResponse(
        field.open("rb"), as_attachment=True, filename=name, content_type=CONTENT_TYPES[kind]
    )


@require_GET
@secretariat_required
def build_download(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    build = get_object_or_404(Build.objects.select_related("report"), pk=pk)
    return build_file_response(build, kind)
