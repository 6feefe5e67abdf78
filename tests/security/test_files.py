"""Threat: a reviewer (or another State) downloads a file that was never, or is no longer,
published: a file on an answer marked not for publication after submission, a file removed by
a later amendment, a file uploaded in an amendment not yet submitted.

Every route that takes an attachment id is probed with each of State A's files, so a new
download route is covered the day it is added. The rule: a reviewer gets 404 on every route for
those files; State B's focal point gets 404 for all of A's files; the secretariat can still
download each of them; the one published file reaches the reviewer (so the 404s are about the
files, not a broken address).
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest

from surveys.models import ExportJob

from . import routes
from .conftest import Live, Visitor
from .world import (
    DRAFT_FILE_WORD,
    PUBLIC_FILE_WORD,
    REMOVED_FILE_WORD,
    RESTRICTED_FILE_WORD,
)

WORDS = {
    "public": PUBLIC_FILE_WORD,
    "removed": REMOVED_FILE_WORD,
    "restricted": RESTRICTED_FILE_WORD,
    "draft": DRAFT_FILE_WORD,
}
UNPUBLISHED = ("removed", "restricted", "draft")
# A format suffix (".json") reaches the same view (and answers 500 today: test_routes.py).
ATTACHMENT_ROUTES = [
    r
    for r in routes.all_routes()
    if any(routes.object_key(r, p) == "attachment" for p in r.parameters)
    and not r.has_format_suffix
]


def _urls(live: Live, values: dict[str, Any], kind: str) -> list[str]:
    """Every route that takes an attachment id, filled with A's ``kind`` file."""
    with_file = {**values, "attachment": live.world.files[kind]}
    return [routes.url_for(r, with_file) for r in ATTACHMENT_ROUTES]


def test_the_probe_covers_every_way_a_file_is_downloaded():
    names = {r.name for r in ATTACHMENT_ROUTES}
    assert {"surveys:attachment-download", "surveys:review-attachment", "reply-download"} <= names


@pytest.mark.parametrize("kind", UNPUBLISHED)
def test_no_route_serves_an_unpublished_file_to_a_reviewer(
    kind: str, live: Live, visitors: dict[str, Visitor], route_values: dict[str, Any]
):
    served = []
    for url in _urls(live, route_values, kind):
        response = visitors["reviewer"].get(url)
        if response.status_code != 404 and response.status_code != 405:
            served.append(f"{url}: {response.status_code}")
        elif WORDS[kind].encode() in response.content:
            served.append(f"{url}: the file's text in a {response.status_code}")
    assert not served, f"A reviewer reaches the {kind} file:\n" + "\n".join(served)


@pytest.mark.parametrize("kind", WORDS)
def test_no_route_serves_a_file_of_state_a_to_the_focal_point_of_state_b(
    kind: str, live: Live, visitors: dict[str, Visitor], route_values: dict[str, Any]
):
    """404 on A's own routes; the reviewers' pages refuse B's focal point by role (403)."""
    served = [
        f"{url}: {response.status_code}"
        for url in _urls(live, route_values, kind)
        if (response := visitors["b_focal"].get(url)).status_code not in (403, 404, 405)
        or WORDS[kind].encode() in response.content
        or (response.status_code == 403 and "/review/" not in url)
    ]
    assert not served, "\n".join(served)


@pytest.mark.parametrize("kind", WORDS)
def test_the_secretariat_can_still_download_every_file(
    kind: str, live: Live, visitors: dict[str, Visitor], route_values: dict[str, Any]
):
    downloads = [
        url
        for url in _urls(live, route_values, kind)
        if (response := visitors["secretariat"].get(url)).status_code == 200
        and WORDS[kind].encode() in response.content
    ]
    assert downloads, f"No route lets the secretariat download the {kind} file"


def test_the_published_file_reaches_the_reviewer(
    live: Live, visitors: dict[str, Visitor], route_values: dict[str, Any]
):
    """The other side of the 404s above: same routes, same reviewer, a published file."""
    downloads = [
        url
        for url in _urls(live, route_values, "public")
        if (response := visitors["reviewer"].get(url)).status_code == 200
        and PUBLIC_FILE_WORD.encode() in response.content
    ]
    assert len(downloads) >= 2, downloads


def test_a_reviewers_zip_of_attachments_holds_only_published_files(
    live: Live, visitors: dict[str, Visitor]
):
    reviewer = visitors["reviewer"]
    started = reviewer.post(
        "/review/exports/new/", data={"format": "zip", "csrfmiddlewaretoken": reviewer.csrf_token()}
    )
    assert started.status_code == 302, started.text[:300]
    job = ExportJob.objects.filter(format="zip").latest("pk")
    assert job.status == ExportJob.Status.SUCCEEDED, job.error  # Celery runs in-process here
    download = reviewer.get(f"/review/exports/{job.pk}/download/")
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    contents = b"".join(archive.read(name) for name in archive.namelist())
    assert PUBLIC_FILE_WORD.encode() in contents
    found = [kind for kind in UNPUBLISHED if WORDS[kind].encode() in contents]
    assert not found, f"The ZIP holds the {found} file(s)"
