"""How long a report build takes end to end, against WeasyPrint alone on the same HTML.

    python bench/bench_build.py                 # synthetic report, then the demo report if any
    python bench/bench_build.py --runs 3        # best of three of each measurement

The synthetic report (195 respondents replying, about 300 paragraphs and 500 footnotes, nine
tables summed from the replies' statistical tables, three annexes: recommendations numbering
their own paragraphs, a framework with a table, the respondents) is made in a throwaway SQLite
database under a temporary directory, so the bench never writes to a real database.  The demo
report (symbol ``reports.demo.report.DEMO_SYMBOL``), when the configured database holds one, is
measured in a second process on that database, read-only: its snapshot is taken and compiled,
and nothing is saved.

"End to end" is what a worker does for one build: freeze the snapshot from the database,
compose and render the HTML, lay it out and write the PDF with WeasyPrint, check every footnote
reached the page of its call, check the contents and that no page is blank (``check_layout``),
count pages with pypdf, make the DOCX with pandoc and lay it out with python-docx, store both
files.  "WeasyPrint
alone" is ``printable(…).write_pdf()`` (``portal.printing``) on the very same final HTML.  The
script prints figures, it does not pass or fail.
"""

from __future__ import annotations

import argparse
import json
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
    tables = _statistical_tables(questionnaire, rng, today)
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
    # Annexes: recommendations numbering their own paragraphs, with subsections; a framework
    # annex; the generated list of respondents.
    recommendations = editor.add_section(
        report=report, title="Recommendations", kind=Section.Kind.ANNEX, numbering="paragraphs"
    )
    framework = editor.add_section(report=report, title="Framework", kind=Section.Kind.ANNEX)
    for n in range(4):
        part = editor.add_section(report=report, title=f"Area {n + 1}", parent=recommendations)
        for m in range(6):
            Paragraph.objects.create(section=part, order=m + 1, text=_sentence(rng, 30))
    for m in range(10):
        Paragraph.objects.create(section=framework, order=m + 1, text=_sentence(rng, 40))
    editor.add_section(
        report=report,
        title="States that replied",
        kind=Section.Kind.ANNEX,
        generated=Section.Generated.RESPONDENTS,
    )
    # Tables summed from the replies' statistical tables: one per part of the results, and
    # one in the framework annex.
    for n, question in enumerate(tables):
        section = framework if n == len(tables) - 1 else sections[(n * 4) % len(sections)]
        Paragraph.objects.create(
            section=section,
            order=1000 + n,
            kind=Paragraph.Kind.TABLE,
            question=question,
            text=f"Cases reported under question {question.number}, 2000–2007",
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


def _statistical_tables(questionnaire, rng: random.Random, today):  # type: ignore[no-untyped-def]
    """Nine statistical-table questions (years by offence), answered by most respondents in
    their submitted revision: what the report's tables sum."""
    from surveys.models import Question, Reply, Revision
    from surveys.models import Section as QuestionnaireSection

    part = QuestionnaireSection.objects.create(
        questionnaire=questionnaire, number="A", title={"en": "Figures"}, order=1
    )
    years = [str(year) for year in range(2000, 2008)]
    columns = ["investigated", "prosecuted", "convicted", "victims"]
    questions = [
        Question.objects.create(
            section=part,
            number=str(n + 1),
            order=n,
            kind=Question.Kind.TABLE,
            text={"en": f"Cases, table {n + 1}"},
            options={
                "rows": [{"key": y, "label": {"en": y}} for y in years],
                "columns": [{"key": c, "label": {"en": c.title()}} for c in columns],
            },
        )
        for n in range(9)
    ]
    revisions = []
    for reply in Reply.objects.filter(questionnaire=questionnaire):
        answers = {}
        for question in questions:
            if rng.random() < 0.3:
                continue  # this respondent did not report that table
            value = {
                y: {c: rng.randint(0, 5000) for c in columns if rng.random() < 0.8} for y in years
            }
            answers[str(question.pk)] = {"state": "answered", "value": value}
        revisions.append(
            Revision(
                reply=reply,
                number=1,
                answers=answers,
                channel=Reply.Channel.PORTAL,
                received_on=today,
            )
        )
    Revision.objects.bulk_create(revisions)
    return questions


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
    carried = 0
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

        found = pdf_module.inspect_layout(
            document, rendering.footnote_ids(rendered.composition, with_agenda=True)
        )
        carried = len(found.misplaced)  # footnotes the build puts back with a second layout
        t = timed("layout checks", t)
        data = document.write_pdf()
        t = timed("WeasyPrint PDF", t)
        pdf_module.page_count(data)
        t = timed("pypdf page count", t)
        from reports.builds import docx

        docx.render_docx(rendered.composition)
        timed("DOCX (pandoc + layout)", t)
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
    print(f"  footnotes WeasyPrint carried past their call's page: {carried}", end="")
    print(" (the build lays the report out a second time)" if carried else "")
    print(f"  end to end (best of {runs}):     {best:7.2f} s")
    print(f"  WeasyPrint alone, same HTML:    {base:7.2f} s")
    print(f"  ratio {best / base:.3f}  (overhead {100 * (best / base - 1):+.1f} %)")
    print(f"  peak memory (process RSS):      {_peak_rss_mib():7.0f} MiB")
    for name, values in stages.items():
        print(f"    {name:<22} {statistics.median(values):7.3f} s")


def _save(report, folder: Path) -> None:  # type: ignore[no-untyped-def]
    from reports import rendering, selectors

    folder.mkdir(parents=True, exist_ok=True)
    snapshot = selectors.report_snapshot(report)
    (folder / "snapshot.json").write_text(json.dumps(snapshot.to_json()))
    (folder / "report.html").write_text(rendering.render_print_html(snapshot).html)
    print(f"  snapshot and HTML saved in {folder}")


def _standalone(snapshot: str | None, html: str | None) -> None:
    """One build, or one WeasyPrint run, as a process of its own: both start the same way
    (Python, Django, WeasyPrint imported), so timing the two processes compares the work."""
    os.environ["VERBALE_VAR_DIR"] = tempfile.mkdtemp(prefix="verbale-bench-")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from portal.printing import printable
    from reports.builds import services  # the same imports in both processes

    if snapshot:
        from reports.snapshot import ReportSnapshot

        data = ReportSnapshot.from_json(json.loads(Path(snapshot).read_text()))
        compiled = services.compile_snapshot(data)
        print(f"{compiled.page_count} pages, {len(compiled.pdf)} bytes of PDF")
    else:
        pdf = printable(Path(html or "").read_text(), base_url=str(ROOT)).write_pdf()
        print(f"{len(pdf)} bytes of PDF")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=195)
    parser.add_argument("--paragraphs", type=int, default=300)
    parser.add_argument("--footnotes", type=int, default=500)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--demo-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--save",
        metavar="DIR",
        help="also write the synthetic report's snapshot (snapshot.json) and final HTML "
        "(report.html) there, for the two whole-process commands below",
    )
    parser.add_argument(
        "--compile",
        metavar="SNAPSHOT",
        help="whole process, end to end from a saved snapshot: compose, HTML, PDF with the "
        "layout checks, DOCX (what a worker does, less the database and storage)",
    )
    parser.add_argument(
        "--weasyprint",
        metavar="HTML",
        help="whole process, WeasyPrint alone on a saved HTML, after the same start-up",
    )
    args = parser.parse_args()
    if args.compile or args.weasyprint:
        _standalone(args.compile, args.weasyprint)
        return
    if args.demo_only:
        _setup(temporary=False)
        from django.db import DatabaseError, transaction

        from reports.demo.report import DEMO_SYMBOL
        from reports.models import Report

        try:
            report = Report.objects.filter(symbol=DEMO_SYMBOL).first()
        except DatabaseError:  # the configured database was never migrated
            report = None
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
        if args.save:
            _save(report, Path(args.save))
        transaction.set_rollback(True)
    # This very script again, in a clean process on the real settings.
    subprocess.run(
        [sys.executable, __file__, "--demo-only", "--runs", str(args.runs)],
        check=False,
        env=ORIGINAL_ENV,
    )


if __name__ == "__main__":
    main()
