"""The build pages: building from the page, the status row that polls, downloads.
Who may open them is tested with every page of reports in ``tests/reports/editor/test_pages.py``."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reports.builds import services
from reports.models import Build

pytestmark = pytest.mark.django_db


def test_building_from_the_page_then_polling_and_downloading(
    secretariat, report, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat.post(reverse("reports:build-list", args=[report.pk]), follow=True)
    build = Build.objects.get()
    assert build.status == Build.Status.SUCCEEDED, build.error
    assert f'id="build-{build.pk}"' in response.content.decode()
    row = secretariat.get(reverse("reports:build-status", args=[build.pk])).content.decode()
    assert "every 2s" not in row  # done: polling stops
    download = secretariat.get(reverse("reports:build-download", args=[build.pk, "pdf"]))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_an_active_build_row_polls_itself(secretariat, report):
    build = services.start_build(report=report, enqueue=False)
    row = secretariat.get(reverse("reports:build-status", args=[build.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in row and "Queued" in row


def test_a_build_without_a_file_gives_404_on_download(secretariat, report):
    build = services.start_build(report=report, enqueue=False)
    url = reverse("reports:build-download", args=[build.pk, "pdf"])
    assert secretariat.get(url).status_code == 404
    assert (
        secretariat.get(reverse("reports:build-download", args=[build.pk, "exe"])).status_code
        == 404
    )
