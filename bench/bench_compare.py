"""How long the comparison page takes for a whole questionnaire: 195 respondents x 60 questions.

    python bench/bench_compare.py                    # 195 x 60, 20 requests
    python bench/bench_compare.py --respondents 50 --questions 20 --requests 50

The data is made in a throwaway SQLite database under a temporary directory (or, with
``--database-url``, in that database, which must be empty of bench data), so the bench never
writes to a real database. Replies are written as the services write them (a submitted revision
per reply, a few restricted answers) but in bulk, to keep set-up short. Each request goes through
the whole stack (middleware, session, view, template) with Django's test client, signed in as a
reviewer. The script prints figures, it does not pass or fail.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
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
KINDS = ["text", "text", "yes_no", "single_choice", "multiple_choice", "number", "table"]


def setup(database_url: str | None) -> None:
    folder = tempfile.mkdtemp(prefix="verbale-bench-compare-")
    os.environ["VERBALE_VAR_DIR"] = folder
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[:1].upper() + text[1:] + "."


def options_for(kind: str) -> dict:
    if kind in ("single_choice", "multiple_choice"):
        return {
            "choices": [{"value": f"c{i}", "label": {"en": f"Option {i}"}} for i in range(1, 5)]
        }
    if kind == "table":
        return {
            "rows": [{"key": str(y), "label": {"en": str(y)}} for y in (2005, 2006, 2007)],
            "columns": [
                {"key": k, "label": {"en": k.title()}}
                for k in ("investigated", "arrested", "prosecuted")
            ],
            "totals": True,
        }
    if kind == "number":
        return {"integer": True}
    return {}


def value_for(kind: str, rng: random.Random) -> object:
    if kind == "text":
        return sentence(rng, rng.randint(8, 60))
    if kind == "yes_no":
        return rng.choice(["yes", "no"])
    if kind == "single_choice":
        return f"c{rng.randint(1, 4)}"
    if kind == "multiple_choice":
        return sorted({f"c{rng.randint(1, 4)}" for _ in range(2)})
    if kind == "number":
        return rng.randint(0, 5000)
    return {
        str(y): {k: rng.randint(0, 300) for k in ("investigated", "arrested", "prosecuted")}
        for y in (2005, 2006, 2007)
    }


def make_data(respondent_count: int, question_count: int, seed: int = 11):  # type: ignore[no-untyped-def]
    import datetime

    from django.utils import timezone

    from portal.models import User
    from surveys.models import (
        Answer,
        Question,
        Questionnaire,
        Reply,
        Respondent,
        Revision,
        Section,
    )

    rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
    questionnaire = Questionnaire.objects.create(
        title="Bench questionnaire",
        sent_on=datetime.date(2007, 11, 12),
        deadline=datetime.date(2007, 12, 15),
        cutoff=datetime.date(2008, 1, 24),
        languages=["en"],
        status=Questionnaire.Status.DISPATCHED,
    )
    questions = []
    per_section = max(1, question_count // 6)
    for s in range((question_count + per_section - 1) // per_section):
        section = Section.objects.create(
            questionnaire=questionnaire,
            number=chr(65 + s),
            title={"en": f"Section {s + 1}"},
            order=s,
        )
        for i in range(per_section):
            n = s * per_section + i
            if n >= question_count:
                break
            kind = KINDS[n % len(KINDS)]
            questions.append(
                Question.objects.create(
                    section=section,
                    number=str(n + 1),
                    order=i,
                    kind=kind,
                    text={"en": sentence(rng, 12)},
                    options=options_for(kind),
                )
            )
    respondents = list(
        Respondent.objects.filter(kind__in=Respondent.STATE_KINDS).order_by("kind", "code")[
            :respondent_count
        ]
    )
    replies = Reply.objects.bulk_create(
        Reply(
            questionnaire=questionnaire,
            respondent=r,
            status=Reply.Status.SUBMITTED,
            received_on=datetime.date(2007, 12, rng.randint(1, 28)),
            channel=Reply.Channel.PORTAL,
        )
        for r in respondents
    )
    now = timezone.now()
    revisions, restricted = [], []
    for reply in replies:
        answers = {
            str(q.pk): {
                "state": "answered",
                "value": value_for(q.kind, rng),
                "restricted": False,
            }
            for q in questions
        }
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
        q = rng.choice(questions)
        restricted.append(Answer(reply=reply, question=q, value=None, restricted=True))
    Revision.objects.bulk_create(revisions)
    Answer.objects.bulk_create(restricted)
    reviewer = User.objects.create_user(
        "bench.reviewer@verbale.test", "bench-password-123", role=User.Role.REVIEWER
    )
    return questionnaire, reviewer, len(respondents)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=195)
    parser.add_argument("--questions", type=int, default=60)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    setup(args.database_url)

    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    started = time.perf_counter()
    questionnaire, reviewer, count = make_data(args.respondents, args.questions)
    print(
        f"set-up: {count} respondents x {args.questions} questions on {connection.vendor} "
        f"in {time.perf_counter() - started:.1f} s"
    )
    client = Client()
    client.force_login(reviewer)
    url = reverse("surveys:review-compare") + f"?questionnaire={questionnaire.pk}"
    response = client.get(url)  # warm caches (templates, URL resolver)
    assert response.status_code == 200, response.status_code
    size = len(response.content)
    rows = response.content.decode().count('<th scope="row" class="sticky">')
    with override_settings(DEBUG=True):
        reset_queries()
        client.get(url)
        queries = len(connection.queries)
    times = []
    for _ in range(args.requests):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    print(
        f"page: {rows} rows x {args.questions} questions, {size / 1024:.0f} KiB of HTML, "
        f"{queries} queries"
    )
    print(
        f"time per request over {args.requests} requests: mean {statistics.mean(times):.0f} ms, "
        f"p50 {statistics.median(times):.0f} ms, p95 {p95:.0f} ms, "
        f"min {times[0]:.0f} ms, max {times[-1]:.0f} ms (target: <= 300 ms)"
    )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load} (other work slows the figures)")


if __name__ == "__main__":
    main()
