"""Load on Verbale near a deadline: focal points autosave and submit, reviewers search, the
secretariat builds the report. Run headless by ``bench/load/run.sh`` against 127.0.0.1 only.

Every answer the server acknowledged (200) is recorded with its version; ``check.py`` compares
them with the database afterwards. The simulated people use locust's FastHttpUser: the load
generator shares the machine's two cores with the server, and the plain HTTP client would take
a good part of one of them.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from pathlib import Path
from urllib.parse import urlencode

from locust import FastHttpUser, between, events, task

DATA = json.loads(Path(os.environ.get("VERBALE_LOAD_USERS", "var/load/users.json")).read_text())
SAVED_FILE = Path(os.environ.get("VERBALE_LOAD_SAVED", "var/load/saved.json"))
QUESTIONS = DATA["questions"]
# "reply/question" -> {"value", "version"} last acknowledged, and "in_flight" while sending.
SAVED: dict[str, dict[str, object]] = {}
NEXT_FOCAL_POINT = itertools.count()
WORDS = ["police", "shelter", "prosecution", "hotline", "border", "victims", "training"]


class FocalPoint(FastHttpUser):
    """Drafts the reply of one State (one per simulated person), autosaving as they type,
    and submits (then amends, as happens in the last days)."""

    weight = 20
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        me = DATA["focal_points"][next(NEXT_FOCAL_POINT) % len(DATA["focal_points"])]
        self.reply = me["reply"]
        self.auth = {"Authorization": f"Token {me['token']}"}
        self.versions = {int(qid): 0 for qid in QUESTIONS.values()}
        self.saves = 0
        with self.client.get(
            f"/api/v1/replies/{self.reply}/answers/",
            name="GET answers",
            headers=self.auth,
            catch_response=True,
        ) as response:
            for answer in response.json():
                self.versions[answer["question"]] = answer["version"]
            status = self.client.get(
                f"/api/v1/replies/{self.reply}/", name="GET reply", headers=self.auth
            )
            if status.ok and status.json().get("status") == "submitted":
                self._reopen()

    def _reopen(self) -> None:
        self.client.post(
            f"/api/v1/replies/{self.reply}/reopen/", name="POST reopen", headers=self.auth
        )

    def _save(self, number: str, value: object) -> None:
        qid = QUESTIONS[number]
        # Sent but not yet acknowledged: when the run stops with the request in flight the
        # server may have stored it (one version ahead), which check.py accepts.
        SAVED.setdefault(f"{self.reply}/{qid}", {})["in_flight"] = {
            "value": value,
            "version": self.versions[qid] + 1,
        }
        with self.client.put(
            f"/api/v1/replies/{self.reply}/answers/{qid}/",
            json={"value": value, "version": self.versions[qid]},
            name="PUT answer (autosave)",
            headers=self.auth,
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                version = response.json()["version"]
                self.versions[qid] = version
                SAVED[f"{self.reply}/{qid}"] = {"value": value, "version": version}
                self.saves += 1
            else:
                SAVED[f"{self.reply}/{qid}"].pop("in_flight", None)
                response.failure(f"{response.status_code}: {response.text[:200]}")

    @task(10)
    def autosave(self) -> None:
        words = " ".join(random.choices(WORDS, k=random.randint(5, 40)))  # noqa: S311
        self._save("2", f"Articles {random.randint(100, 400)} of the penal code: {words}.")  # noqa: S311

    @task(1)
    def submit(self) -> None:
        if self.saves < 10:
            return
        self._save("1", "yes")
        self._save("1 (a)", random.randint(2000, 2008))  # noqa: S311
        with self.client.post(
            f"/api/v1/replies/{self.reply}/submit/",
            json={},
            name="POST submit",
            headers=self.auth,
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return
        # Amending goes on until the deadline.
        self._reopen()
        self.saves = 0


class Reviewer(FastHttpUser):
    """Searches the submitted replies through the pages, signed in."""

    weight = 1
    wait_time = between(1, 3)

    def on_start(self) -> None:
        me = random.choice(DATA["reviewers"])  # noqa: S311
        page = self.client.get("/accounts/login/", name="GET sign-in")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        form = {
            "username": me["email"],
            "password": me["password"],
            "csrfmiddlewaretoken": token.group(1) if token else "",
        }
        with self.client.post(
            "/accounts/login/",
            data=urlencode(form),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"{self.host}/accounts/login/",
            },
            name="POST sign-in",
            catch_response=True,
        ) as response:
            if 'name="password"' in (response.text or ""):  # the form again: refused
                response.failure("sign-in refused")

    @task
    def search(self) -> None:
        self.client.get(
            "/review/search/?" + urlencode({"q": random.choice(WORDS)}),  # noqa: S311
            name="GET search (reviewer)",
        )


class Secretariat(FastHttpUser):
    """Builds the report once, then follows the build."""

    fixed_count = 1
    wait_time = between(2, 4)

    def on_start(self) -> None:
        self.auth = {"Authorization": f"Token {DATA['secretariat_token']}"}
        response = self.client.post(
            f"/api/v1/reports/{DATA['report']}/builds/",
            json={"acknowledge_warnings": True},
            name="POST build",
            headers=self.auth,
        )
        self.build = response.json().get("id") if response.ok else None

    @task
    def follow(self) -> None:
        if self.build:
            self.client.get(f"/api/v1/builds/{self.build}/", name="GET build", headers=self.auth)


@events.test_stop.add_listener
def _write_saved(**_: object) -> None:
    SAVED_FILE.parent.mkdir(parents=True, exist_ok=True)
    SAVED_FILE.write_text(json.dumps(SAVED))
