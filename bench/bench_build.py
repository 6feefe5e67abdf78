"""How long a report build takes end to end, against WeasyPrint alone on the same HTML.

    python bench/bench_build.py                 # synthetic report, then the demo report if any
    python bench/bench_build.py --runs 3        # best of three of each measurement

The synthetic report (195 respondents replying, about 300 paragraphs and 500 footnotes) is
made in a throwaway SQLite database under a temporary directory, so the bench never writes to
a real database.  The demo report (symbol ``reports.demo.report.DEMO_SYMBOL``), when the configured
database holds one, is measured in a second process on that database, read-only: its snapshot
is taken and compiled, and nothing is saved.

"End to end" is what a worker does for one build: freeze the snapshot from the database,
compose and render the HTML, lay it out and write the PDF with WeasyPrint, check every footnote
reached the page, count pages with pypdf, make the DOCX with pandoc, store both files.  "WeasyPrint
alone" is ``printable(…).write_pdf()`` (``portal.printing``) on the very same final HTML.  The
script prints figures, it does not pass or fail.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = [
    "measures", "authorities", "national", "training", "victims", "cooperation", "legislation",
    "border", "police", "prosecution", "reported", "shelters", "awareness", "campaign",
    "ministry", "programme", "assistance", "protocol", "established", "coordination",
    "investigations", "officials", "support", "international", "regional", "plan",
]  # fmt: skip


ORIGINAL_ENV = dict(os.environ)


def _setup(temporary: bool) -> None:
    if temporary:
        folder = tempfile.mkdtemp(prefix="verbale-bench-")
        os.environ["VERBALE_VAR_DIR"] = folder
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    import django

    django.setup()
    from django.conf import settings

    settings.MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="verbale-bench-media-"))
    if temporary:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[:1].upper() + text[1:] + "."


def make_synthetic_report(respondents: int, paragraphs: int, footnotes: int, seed: int = 7):  # type: ignore[no-untyped-def]
    """A report shaped like the series: sections, subsections, many footnotes citing sets."""
    from reports.coding import services as coding
    from reports.editor import services as editor
    from reports.models import Paragraph, Section
    from surveys.models import Questionnaire, Reply, Respondent

    rng = random.Random(seed)  # noqa: S311 - reproducible text, not secrets
    from django.utils import timezone

    today = timezone.localdate()
    questionnaire = Questionnaire.objects.create(
        title="Bench questionnaire",
        deadline=today,
        cutoff=today,
        status=Questionnaire.Status.DISPATCHED,
    )
    states = [
        r
        for r in Respondent.objects.filter(kind__in=Respondent.STATE_KINDS)
        .prefetch_related("names")
        .order_by("code")
        if r.name_on(today) is not None
    ][:respondents]
    Reply.objects.bulk_create(
        Reply(
            questionnaire=questionnaire,
            respondent=r,
            status=Reply.Status.SUBMITTED,
            received_on=today,
        )
        for r in states
    )
    report = editor.create_report(
        symbol="E/CN.15/2099/9",
        date=today,
        subsidiary_body="Commission on Crime Prevention and Criminal Justice",
        session="Seventeenth session",
        place_and_dates="Vienna, 14–18 April 2008",
        agenda_item="4 (a)",
        agenda_title="World crime trends and responses",
        agenda_symbol="E/CN.15/2099/1",
        job_number="V.99-00000 (E)",
        title="A synthetic report for measuring builds",
        questionnaire_ids=[questionnaire.pk],
    )
    ids = [r.pk for r in states]
    keys = []
    for n in range(80):
        key = f"set-{n}"
        coding.create_attribution_set(
            report=report,
            key=key,
            statement=f"statement {n}",
            respondent_ids=rng.sample(ids, rng.randint(2, 40)),
        )
        keys.append(key)
    sections = []
    for n in range(8):
        section = editor.add_section(report=report, title=f"Results, part {n + 1}")
        sections.append(section)
        for m in range(3):
            sections.append(
                editor.add_section(report=report, title=f"Topic {n + 1}.{m + 1}", parent=section)
            )
    editor.add_section(
        report=report,
        title="States that replied",
        kind=Section.Kind.ANNEX,
        generated=Section.Generated.RESPONDENTS,
    )
    first = sections[0]
    Paragraph.objects.create(
        section=first, order=1, text="Replies were received from {count:replies}: {list:replies}."
    )
    notes_left = footnotes
    for n in range(1, paragraphs):
        parts = [_sentence(rng, rng.randint(12, 30)) for _ in range(rng.randint(2, 4))]
        calls = 1 if n % 3 == 0 else 2
        for _ in range(min(calls, notes_left)):
            if rng.random() < 0.6:
                parts.append(f"Some said so.{{fn:{rng.choice(keys)}}}")
            else:
                parts.append(f"A detail follows.[^{_sentence(rng, rng.randint(8, 40))}]")
            notes_left -= 1
        if n % 7 == 0:
            parts.append(f"This was the case in {{list:{rng.choice(keys)}}}.")
        if n % 25 == 0:
            parts.append("Three points were made:\n(a) first;\n(b) second; and\n(c) third.")
        Paragraph.objects.create(
            section=sections[n % len(sections)], order=n + 1, text=" ".join(parts)
        )
    return report


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(report, runs: int, label: str) -> None:  # type: ignore[no-untyped-def]
    from portal.printing import printable
    from reports import rendering, selectors
    from reports.builds import services
    from reports.models import Build

    printable("<p>warm up fonts</p>", base_url=str(ROOT)).write_pdf()
    stages: dict[str, list[float]] = {}

    def timed(name: str, start: float) -> float:
        now = time.perf_counter()
        stages.setdefault(name, []).append(now - start)
        return now

    end_to_end, alone = [], []
    html = ""
    pages = 0
    for _ in range(runs):
        Build.objects.filter(report=report).delete()  # no reuse: render every time
        start = time.perf_counter()
        build = services.start_build(report=report, enqueue=False)
        build = services.run_build(build_id=build.pk)
        end_to_end.append(time.perf_counter() - start)
        if build.status != Build.Status.SUCCEEDED:
            print(f"{label}: build failed: {build.error}")
            return
        pages = build.page_count or 0
        # Stage by stage, outside the build, for the breakdown.
        t = time.perf_counter()
        snapshot = selectors.report_snapshot(report)
        t = timed("snapshot", t)
        rendered = rendering.render_print_html(snapshot)
        html = rendered.html
        t = timed("compose + HTML", t)
        document = printable(html, base_url=str(ROOT)).render()
        t = timed("WeasyPrint layout", t)
        from reports.builds import pdf as pdf_module

        pdf_module.check_layout(
            document, rendering.footnote_ids(rendered.composition, with_agenda=True)
        )
        t = timed("layout checks", t)
        data = document.write_pdf()
        t = timed("WeasyPrint PDF", t)
        pdf_module.page_count(data)
        t = timed("pypdf page count", t)
        from reports.builds import docx

        docx.render_docx(rendered.composition)
        timed("DOCX (pandoc)", t)
        start = time.perf_counter()
        printable(html, base_url=str(ROOT)).write_pdf()
        alone.append(time.perf_counter() - start)
    best, base = min(end_to_end), min(alone)
    composition = rendering.compose(selectors.report_snapshot(report))
    print(f"\n{label}")
    print(
        f"  {len(composition.footnotes)} footnotes, {composition.paragraph_count} paragraphs, "
        f"{pages} pages, {len(html) / 1024:.0f} KiB of HTML"
    )
    print(f"  end to end (best of {runs}):     {best:7.2f} s")
    print(f"  WeasyPrint alone, same HTML:    {base:7.2f} s")
    print(f"  ratio {best / base:.3f}  (overhead {100 * (best / base - 1):+.1f} %)")
    print(f"  peak memory (process RSS):      {_peak_rss_mib():7.0f} MiB")
    for name, values in stages.items():
        print(f"    {name:<22} {statistics.median(values):7.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=195)
    parser.add_argument("--paragraphs", type=int, default=300)
    parser.add_argument("--footnotes", type=int, default=500)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--demo-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.demo_only:
        _setup(temporary=False)
        from django.db import transaction

        from reports.demo.report import DEMO_SYMBOL
        from reports.models import Report

        report = Report.objects.filter(symbol=DEMO_SYMBOL).first()
        if report is None:
            print(f"\nNo demo report ({DEMO_SYMBOL}) in the configured database: skipped.")
            return
        with transaction.atomic():  # builds made here are rolled back
            measure(report, args.runs, f"Demo report {DEMO_SYMBOL}")
            transaction.set_rollback(True)
        return
    _setup(temporary=True)
    from django.db import transaction

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {load}")
    with transaction.atomic():
        start = time.perf_counter()
        report = make_synthetic_report(args.respondents, args.paragraphs, args.footnotes)
        print(f"synthetic data made in {time.perf_counter() - start:.1f} s")
        measure(report, args.runs, f"Synthetic report, {args.respondents} respondents")
        transaction.set_rollback(True)
    # This very script again, in a clean process on the real settings.
    subprocess.run(
        [sys.executable, __file__, "--demo-only", "--runs", str(args.runs)],
        check=False,
        env=ORIGINAL_ENV,
    )


if __name__ == "__main__":
    main()
