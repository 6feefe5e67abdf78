"""How fast reviewers' full-text search answers over 10,000 or 100,000 replies, on PostgreSQL.

    python bench/bench_search.py                    # 10,000 replies (database verbale_bench)
    python bench/bench_search.py --replies 100000   # a decade of cycles (verbale_bench_100000)
    python bench/bench_search.py --runs 50          # more runs per query
    python bench/bench_search.py --rebuild          # make the data again
    python bench/bench_search.py --reindex          # index the data again

The database named by DATABASE_URL (by default ``verbale_bench`` on the local server, or
``verbale_bench_<replies>`` for another size) is created if missing, migrated, and filled once
with questionnaires sent to 200 respondents (``--replies`` / 200 of them; six text answers and
four choice answers each, one reply in ten in French), then indexed with
``search.rebuild_index`` (the figure printed is the indexing throughput). Later runs reuse the
data. Each query is run through ``search.search_page`` (the count, one page of ranked ids, and
the snippets of that page: what the search page does) and through the whole page with Django's
test client; then re-indexing one reply, as a submission does, is timed. The script prints
figures, it does not pass or fail.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/verbale_bench"
TITLE = "Bench search questionnaire"
REPLIES = 10_000
RESPONDENTS = 200

ENGLISH = [
    "measures",
    "authorities",
    "national",
    "training",
    "victims",
    "cooperation",
    "legislation",
    "border",
    "police",
    "prosecution",
    "reported",
    "shelters",
    "awareness",
    "campaign",
    "ministry",
    "programme",
    "assistance",
    "protocol",
    "established",
    "coordination",
    "investigations",
    "officials",
    "support",
    "international",
    "regional",
    "plan",
    "labour",
    "exploitation",
    "children",
    "women",
    "smuggling",
    "migrants",
    "judges",
    "prosecutors",
    "hotline",
    "repatriation",
    "compensation",
    "witnesses",
    "inspection",
    "recruitment",
    "agencies",
    "trafficking",
    "offence",
    "penalties",
    "imprisonment",
    "convicted",
    "identified",
    "referral",
    "mechanism",
    "embassy",
    "consular",
    "visa",
]
FRENCH = [
    "mesures",
    "autorités",
    "nationale",
    "formation",
    "victimes",
    "coopération",
    "législation",
    "frontière",
    "police",
    "poursuites",
    "signalé",
    "foyers",
    "sensibilisation",
    "campagne",
    "ministère",
    "programme",
    "assistance",
    "protocole",
    "établi",
    "coordination",
    "enquêtes",
    "fonctionnaires",
    "soutien",
    "internationale",
    "traite",
]
QUERIES = [
    "police",  # common word
    "labour exploitation",  # two words, both fairly common
    '"border police"',  # phrase
    "hotline -children",  # with an excluded word
    "compensation witnesses embassy",  # three words, few rows with all
    "victimes traite",  # French
    "investigated",  # stemmed form of a word that is written "investigations"
    "zyxwvut",  # nothing
]


def setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django
    import environ

    config = environ.Env.db_url_config(database_url)
    _create_database(config)
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _create_database(config: dict) -> None:
    import psycopg2
    from psycopg2 import sql

    connection = psycopg2.connect(
        dbname="postgres",
        user=config.get("USER") or "postgres",
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or "127.0.0.1",
        port=config.get("PORT") or 5432,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
    connection.close()


def _text(rng: random.Random, words: list[str], count: int) -> str:
    chosen = [words[min(int(rng.paretovariate(1.1)) - 1, len(words) - 1)] for _ in range(count)]
    rng.shuffle(chosen)
    text = " ".join(chosen)
    return text[:1].upper() + text[1:] + "."


def make_data(questionnaires: int, seed: int = 5) -> int:
    import datetime

    from django.utils import timezone

    from surveys.models import Question, Questionnaire, Reply, Respondent, Revision, Section

    rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
    respondents = list(Respondent.objects.order_by("kind", "code")[:RESPONDENTS])
    now = timezone.now()
    kinds = ["text"] * 6 + ["single_choice"] * 2 + ["multiple_choice", "yes_no"]
    choices = {
        "choices": [{"value": f"c{i}", "label": {"en": w.title()}} for i, w in enumerate(ENGLISH)]
    }
    for n in range(questionnaires):
        year = 1900 + n // 5
        questionnaire = Questionnaire.objects.create(
            title=f"{TITLE} {n + 1}",
            sent_on=datetime.date(year, 3, 1),
            deadline=datetime.date(year, 5, 1),
            cutoff=datetime.date(year, 6, 1),
            languages=["en", "fr"],
            status=Questionnaire.Status.CLOSED,
        )
        section = Section.objects.create(questionnaire=questionnaire, number="A", title={"en": "A"})
        questions = [
            Question.objects.create(
                section=section,
                number=str(i + 1),
                order=i,
                kind=kind,
                text={"en": _text(rng, ENGLISH, 10)},
                options=choices if "choice" in kind else {},
            )
            for i, kind in enumerate(kinds)
        ]
        replies = Reply.objects.bulk_create(
            Reply(
                questionnaire=questionnaire,
                respondent=r,
                status=Reply.Status.SUBMITTED,
                received_on=datetime.date(year, 4, rng.randint(1, 30)),
                channel=Reply.Channel.PORTAL,
            )
            for r in respondents
        )
        revisions = []
        for reply in replies:
            words = FRENCH if rng.random() < 0.1 else ENGLISH
            answers = {}
            for q in questions:
                if q.kind == "text":
                    value: object = _text(rng, words, rng.randint(20, 150))
                elif q.kind == "single_choice":
                    value = f"c{rng.randrange(len(ENGLISH))}"
                elif q.kind == "multiple_choice":
                    value = sorted({f"c{rng.randrange(len(ENGLISH))}" for _ in range(3)})
                else:
                    value = rng.choice(["yes", "no"])
                answers[str(q.pk)] = {"state": "answered", "value": value, "restricted": False}
            revisions.append(
                Revision(
                    reply=reply,
                    number=1,
                    answers=answers,
                    submitted_at=now,
                    channel=Reply.Channel.PORTAL,
                    received_on=reply.received_on,
                )
            )
        Revision.objects.bulk_create(revisions, batch_size=500)
    return Reply.objects.filter(questionnaire__title__startswith=TITLE).count()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(share * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--replies", type=int, default=REPLIES, help=f"how many (a multiple of {RESPONDENTS})"
    )
    parser.add_argument("--rebuild", action="store_true", help="make the data again")
    parser.add_argument("--reindex", action="store_true", help="index the data again")
    args = parser.parse_args()
    if args.replies < RESPONDENTS or args.replies % RESPONDENTS:
        sys.exit(f"--replies must be a multiple of {RESPONDENTS}.")
    default_url = DEFAULT_URL if args.replies == REPLIES else f"{DEFAULT_URL}_{args.replies}"
    setup(os.environ.get("DATABASE_URL") or default_url)

    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from portal.models import User
    from surveys.models import Questionnaire, Reply, SearchEntry
    from surveys.review import search

    if connection.vendor != "postgresql":
        sys.exit("This bench measures the PostgreSQL search: set DATABASE_URL=postgres://…")
    replies = Reply.objects.filter(questionnaire__title__startswith=TITLE)
    made = False
    if args.rebuild or not replies.exists():
        SearchEntry.objects.all().delete()
        Reply.objects.filter(questionnaire__title__startswith=TITLE).delete()
        Questionnaire.objects.filter(title__startswith=TITLE).delete()
        started = time.perf_counter()
        made_count = make_data(args.replies // RESPONDENTS)
        print(f"made {made_count} replies in {time.perf_counter() - started:.0f} s")
        made = True
    if made or args.reindex:
        count = replies.count()
        started = time.perf_counter()
        entries = search.rebuild_index(replies.values_list("pk", flat=True))
        seconds = time.perf_counter() - started
        print(
            f"indexed {count} replies ({entries} entries) in {seconds:.0f} s: "
            f"{count / seconds:.0f} replies/s"
        )
        with connection.cursor() as cursor:
            # Indexing writes each row, then its vector: compact the table as autovacuum
            # eventually would, so that the figures are those of a settled database.
            cursor.execute("VACUUM FULL ANALYZE surveys_searchentry")
    reviewer, _ = User.objects.get_or_create(
        email="bench.reviewer@verbale.test", defaults={"role": User.Role.REVIEWER}
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('surveys_searchentry'))")
        size = cursor.fetchone()[0]
    print(
        f"data: {replies.count()} replies, {SearchEntry.objects.count()} search entries "
        f"({size} with indexes), PostgreSQL {connection.pg_version // 10000}"
    )
    client = Client()
    client.force_login(reviewer)
    url = reverse("surveys:review-search")
    every_service, every_page = [], []
    print(f"{'query':34} {'hits':>7} {'p50 ms':>7} {'p95 ms':>7} {'page p50':>9} {'page p95':>9}")
    for query in QUERIES:
        search.search_page(user=reviewer, query=query)  # warm the plan cache
        service, page_times = [], []
        hits = 0
        for _ in range(args.runs):
            started = time.perf_counter()
            page, _found = search.search_page(user=reviewer, query=query)
            service.append((time.perf_counter() - started) * 1000)
            hits = page.paginator.count
            started = time.perf_counter()
            response = client.get(url, {"q": query})
            page_times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        every_service += service
        every_page += page_times
        print(
            f"{query:34} {hits:>7} {statistics.median(service):>7.0f} "
            f"{percentile(service, 0.95):>7.0f} {statistics.median(page_times):>9.0f} "
            f"{percentile(page_times, 0.95):>9.0f}"
        )
    print(
        f"all queries, {args.runs} runs each: "
        f"search p50 {statistics.median(every_service):.0f} ms, "
        f"p95 {percentile(every_service, 0.95):.0f} ms; whole page p50 "
        f"{statistics.median(every_page):.0f} ms, p95 {percentile(every_page, 0.95):.0f} ms "
        "(target: p95 <= 150 ms)"
    )
    # One reply re-indexed, as after a submission: its entries replaced, in a transaction.
    sample = list(replies.order_by("?").values_list("pk", flat=True)[: args.runs])
    reindex = []
    for reply_id in sample:
        started = time.perf_counter()
        search.index_reply(reply_id=reply_id)
        reindex.append((time.perf_counter() - started) * 1000)
    print(
        f"one reply re-indexed ({len(sample)} replies): p50 {statistics.median(reindex):.0f} ms, "
        f"p95 {percentile(reindex, 0.95):.0f} ms (target: under 50 ms)"
    )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load} (other work slows the figures)")


if __name__ == "__main__":
    main()
