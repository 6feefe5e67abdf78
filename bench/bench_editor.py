"""How long an editor waits between typing in a paragraph and seeing it saved and previewed.

    python bench/bench_editor.py               # 40 saves on the synthetic report
    python bench/bench_editor.py --runs 100

The synthetic report of ``bench_build`` (195 respondents replying, about 300 paragraphs and 500
footnotes) is made in a throwaway SQLite database. Each run is what the editor's autosave does:
one POST of the paragraph (as htmx sends it) through Django's test client, answered with the
paragraph's status and the whole preview, rendered once. Paragraphs early, in the middle and
late in the report are saved in turn, with text that changes each time. The script prints
figures, it does not pass or fail.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_build import _setup, make_synthetic_report  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(share * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    _setup(temporary=True)

    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from portal.models import User
    from reports.models import Paragraph

    settings.ALLOWED_HOSTS = ["testserver"]
    report = make_synthetic_report(respondents=195, paragraphs=300, footnotes=500)
    paragraphs = list(Paragraph.objects.filter(section__report=report).order_by("pk"))
    chosen = [paragraphs[1], paragraphs[len(paragraphs) // 2], paragraphs[-1]]
    editor = User.objects.create_user(email="bench.editor@verbale.test", role=User.Role.SECRETARIAT)
    client = Client()
    client.force_login(editor)
    client.get(reverse("reports:report-edit", args=[report.pk]))  # warm caches and templates

    times = []
    for run in range(args.runs):
        paragraph = chosen[run % len(chosen)]
        paragraph.refresh_from_db()
        text = f"{paragraph.text.split(' Revised ')[0]} Revised {run}."
        started = time.perf_counter()
        response = client.post(
            reverse("reports:paragraph-save", args=[paragraph.pk]),
            {"text": text, "version": paragraph.version},
            HTTP_HX_REQUEST="true",
        )
        times.append((time.perf_counter() - started) * 1000)
        body = response.content.decode()
        if response.status_code != 200 or 'id="preview"' not in body:
            sys.exit(f"The save was not answered with the preview: {response.status_code}")
    footnotes = body.count('class="fn-call"')
    print(
        f"report: {len(paragraphs)} paragraphs, {footnotes} footnotes in the preview; "
        f"{args.runs} saves"
    )
    print(
        f"save plus preview: p50 {statistics.median(times):.0f} ms, "
        f"p95 {percentile(times, 0.95):.0f} ms, max {max(times):.0f} ms (target: p95 <= 200 ms)"
    )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load} (other work slows the figures)")


if __name__ == "__main__":
    main()
