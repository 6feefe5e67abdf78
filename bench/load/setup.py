"""Fill the load-test database: the demo (with its report), one questionnaire sent to 200
States, a focal point with an API token for each, and three reviewers.

Writes ``var/load/users.json`` for the load generator. Run by ``bench/load/run.sh``.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402
from knox.models import AuthToken  # noqa: E402

from reports.demo.cycle import load_demo  # noqa: E402
from reports.models import Report  # noqa: E402
from surveys.models import Membership, Reply, Respondent  # noqa: E402
from tests.factories import (  # noqa: E402
    MembershipFactory,
    ReviewerFactory,
    SecretariatFactory,
    build_questionnaire,
    question,
)

PASSWORD = "load-test-password-1"  # noqa: S105 - throwaway accounts of a local benchmark


def main() -> None:
    out = ROOT / "var" / "load"
    out.mkdir(parents=True, exist_ok=True)
    demo = load_demo()
    report: Report = demo["report"]
    # A changed title: the build started during the run really lays the PDF out.
    Report.objects.filter(pk=report.pk).update(title=f"{report.title} (load test)")
    states = list(Respondent.objects.filter(kind="member_state").order_by("pk")[:200])
    today = timezone.localdate()
    secretariat = SecretariatFactory(email="load-secretariat@verbale.test")
    q = build_questionnaire(
        by=secretariat,
        dispatch_to=states,
        title="Trafficking in persons: measures taken (load test)",
        deadline=today + datetime.timedelta(days=2),
        cutoff=today + datetime.timedelta(days=30),
    )
    numbers = {n: question(q, n).pk for n in ("1", "1 (a)", "2", "3")}
    focal_points = []
    for index, state in enumerate(states):
        user = MembershipFactory(
            respondent=state,
            role=Membership.Role.FOCAL_POINT,
            user__email=f"focal-{index:03d}@verbale.test",
        ).user
        reply = Reply.objects.get(questionnaire=q, respondent=state)
        _, token = AuthToken.objects.create(user=user)
        focal_points.append({"token": token, "reply": reply.pk, "state": state.code})
    reviewers = []
    for index in range(3):
        user = ReviewerFactory(email=f"reviewer-{index}@verbale.test")
        user.set_password(PASSWORD)
        user.save()
        reviewers.append({"email": user.email, "password": PASSWORD})
    data = {
        "questions": numbers,
        "focal_points": focal_points,
        "reviewers": reviewers,
        "secretariat_token": AuthToken.objects.create(user=secretariat)[1],
        "report": report.pk,
    }
    (out / "users.json").write_text(json.dumps(data, indent=1))
    print(f"{len(focal_points)} focal points, {len(reviewers)} reviewers, report {report.pk}")


if __name__ == "__main__":
    main()
