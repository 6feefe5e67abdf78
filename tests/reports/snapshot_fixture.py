"""The demo report's snapshot as main printed it before the snapshot became typed, kept to prove
that builds keep storing (and hashing) the very same JSON.

Only what the database assigns at random between runs is set aside: the layout fingerprint (it
changes with the print CSS, on purpose) and the ids of the report, its sections and paragraphs
(sequences differ between SQLite and PostgreSQL runs). Respondent ids come from the reference
data migration and stay as stored."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).with_name("fixtures") / "demo_snapshot.json"


def canonical(snapshot: dict[str, Any]) -> str:
    """The JSON form ``snapshot_sha256`` hashes."""
    return json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def normalized(snapshot: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(snapshot)
    data["layout"] = "layout"
    data["report"]["id"] = 0
    counter = iter(range(1, 10_000))

    def walk(sections: list[dict[str, Any]]) -> None:
        for section in sections:
            section["id"] = next(counter)
            for paragraph in section["paragraphs"]:
                paragraph["id"] = next(counter)
            walk(section.get("subsections", []))

    walk(data["sections"])
    return data


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
