"""Threat: text typed into a report (a masthead field, a title, a paragraph, a statement, a
respondent's name) escapes into the PDF's stylesheet or markup, and makes the build fetch an
address (a request from inside the office's network) or embed a local file.

Every text field of the report's masthead carries a payload; the longest payload that fits the
field's length is used, so each field gets one (the symbol and the job number are written into
the print stylesheet, which is what the CSS payloads aim at). The build is started through the
live server as the secretariat. A local HTTP server (the canary) must receive no request, the
PDF and the Word file must hold no line of /etc/passwd, and a CSS escape written in a field
must never be interpreted (its decoded text must not reach the PDF).
"""

from __future__ import annotations

import io
import re
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from django.db import models

from reports import coding, rendering
from reports import services as report_services
from reports.models import Build, Report
from reports.selectors import report_snapshot
from tests.factories import RespondentFactory
from tests.reports.factories import ReportFactory

from .conftest import Canary, Live, Visitor

NEWLINES = {"cr": "\r", "ff": "\f", "lf": "\n"}
# The masthead fields printed in the page margins (headers and footers), which a print
# template may write into its stylesheet as CSS strings; a break-out of one spoils the rules
# after it, so each is probed in a build of its own. test_only_these_fields_reach_the_
# stylesheet makes sure no other field is written there unprobed.
STYLESHEET_FIELDS = ("symbol", "job_number")
# Report fields written in the report's markup (reports/markup.py), like paragraphs.
MARKUP_FIELDS = ("summary",)
PASSWD = Path("/etc/passwd").read_text().splitlines()[0].encode()  # root:x:0:0:…


def css_payloads(newline: str, port: int, tag: str) -> list[str]:
    """Out of a CSS string by a newline the escaping missed, longest first."""
    return [
        # Out of the string and the margin box: a new @page rule that fetches.
        f'X"{newline}}} @page{{@top-left{{content:url(http://127.0.0.1:{port}/{tag})}}}} a{{"',
        # Out of the string, into another margin box of the same @page rule.
        f'"{newline}}}@top-right{{content:url(http://127.0.0.1:{port}/{tag})}}',
        # Out of the @page rule: a background for every element (40 characters).
        f"{newline}}}}}*{{background:url(http://127.1:{port})}}",
    ]


def html_payloads(port: int, tag: str) -> list[str]:
    """Out of the <style> element or the text into HTML, longest first."""
    return [
        f"</style><link rel=stylesheet href=http://127.0.0.1:{port}/{tag}>"
        "<img src=file:///etc/passwd><link rel=attachment href=file:///etc/passwd>",
        f"</style><link rel=stylesheet href=http://127.0.0.1:{port}/{tag}>",
        "</style><img src=file:///etc/passwd>",
        "<img src=file:///etc/passwd>",
    ]


def fitting(field: models.Field, options: list[str]) -> str:
    return next(p for p in options if len(p) <= (field.max_length or 10_000))


def markup_literal(text: str) -> str:
    """As typed in a paragraph, so the report's own markup prints it rather than parse it."""
    return re.sub(r"([\\*\[\]{}])", r"\\\1", text)


def masthead_fields() -> list[models.Field]:
    return [
        f
        for f in Report._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField) and not f.choices
    ]


def hostile_report(live: Live, target: str, newline: str, port: int) -> Report:
    """Every field carries HTML; ``target`` (a stylesheet field) carries a CSS break-out."""
    values = {}
    for i, f in enumerate(masthead_fields()):
        tag = f"m{i}"
        options = css_payloads(newline, port, tag) if f.name == target else []
        values[f.name] = fitting(f, options + html_payloads(port, tag))
    for name in MARKUP_FIELDS:
        values[name] = markup_literal(values[name])
    report = ReportFactory(**values, created_by=live.world.users["secretariat"])
    report.questionnaires.add(live.world.objects["questionnaire"])
    long_payload = html_payloads(port, "body")[0]
    section = report_services.add_section(report=report, title=long_payload[:300])
    report_services.add_paragraph(
        section=section,
        text=f"{markup_literal(long_payload)}{{fn:hostile}}[^{markup_literal(long_payload)}]",
    )
    # Enough text for a left-hand page: the symbol prints in the header of pages 2 onwards.
    for _ in range(6):
        report_services.add_paragraph(section=section, text="The replies describe measures. " * 40)
    stranger = RespondentFactory(name=long_payload[:200])
    attribution_set = coding.create_set(report=report, key="hostile", statement=long_payload)
    coding.add_manual_member(
        attribution_set=attribution_set, respondent_id=stranger.pk, note=long_payload
    )
    return report


def wait_for_build(build_id: int, timeout: float = 120) -> Build:
    """Celery runs in-process in these tests, so the build is usually done already."""
    deadline = time.monotonic() + timeout
    while True:
        build = Build.objects.get(pk=build_id)
        if build.status in (Build.Status.SUCCEEDED, Build.Status.FAILED):
            return build
        assert time.monotonic() < deadline, f"build {build_id} still {build.status}"
        time.sleep(0.2)


def unpacked(data: bytes) -> bytes:
    """The file's bytes plus every compressed part of it (PDF streams, the DOCX's zip)."""
    parts = [data]
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts.extend(archive.read(name) for name in archive.namelist())
    return b"".join(parts)


def test_only_these_fields_reach_the_stylesheet(live: Live):
    """A field the print template writes into its <style> must be in STYLESHEET_FIELDS (none
    at all is best: then no typed text can reach CSS)."""
    values = {f.name: f"Field{i}x" for i, f in enumerate(masthead_fields())}
    report = ReportFactory(**values)
    html = rendering.render_print_html(report_snapshot(report)).html
    styles = "".join(re.findall(r"<style>(.*?)</style>", html, re.S))
    in_css = {name for name, value in values.items() if value in styles}
    assert in_css <= set(STYLESHEET_FIELDS)


@pytest.mark.parametrize("target", STYLESHEET_FIELDS)
@pytest.mark.parametrize("newline", NEWLINES, ids=list(NEWLINES))
def test_text_in_a_report_never_makes_the_build_fetch_or_embed_anything(
    newline: str, target: str, live: Live, visitors: dict[str, Visitor], canary: Canary
):
    report = hostile_report(live, target, NEWLINES[newline], canary.port)
    secretariat = visitors["secretariat"]
    started = secretariat.post(
        f"/api/v1/reports/{report.pk}/builds/", json={"acknowledge_warnings": True}
    )
    assert started.status_code in (200, 201), started.text[:500]
    build = wait_for_build(started.json()["id"])
    assert not canary.hits, f"Text in {target} made the build fetch {canary.hits}"
    # Text is printed as typed: the report builds (a failed build would prove nothing).
    assert build.status == Build.Status.SUCCEEDED, build.error
    assert build.page_count >= 2  # the symbol's header is on pages 2 onwards
    files = {}
    for kind in ("pdf", "docx"):
        response = secretariat.get(f"/api/v1/builds/{build.pk}/{kind}/")
        assert response.status_code == 200, (kind, response.status_code)
        files[kind] = response.content
    for kind, data in files.items():
        assert PASSWD not in unpacked(data), f"/etc/passwd is in the {kind}"
    assert b"/EmbeddedFile" not in files["pdf"], "the PDF carries an embedded file"
    assert not canary.hits, f"Opening the files fetched {canary.hits}"
