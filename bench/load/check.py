"""After a load run: is every answer the server acknowledged in the database, at its version?

``python bench/load/check.py var/load/saved-50.json`` prints the count and any difference.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from surveys.models import Answer  # noqa: E402


def main(path: str) -> int:
    saved = json.loads(Path(path).read_text())
    stored = {
        f"{reply}/{question}": (value, version)
        for reply, question, value, version in Answer.objects.filter(
            reply_id__in={int(key.split("/")[0]) for key in saved}
        ).values_list("reply_id", "question_id", "value", "version")
    }

    def found(key: str, last: dict) -> bool:
        # The last acknowledged save, or one sent as the run stopped (the server may have
        # stored it without the client hearing back).
        candidates = [last if "version" in last else None, last.get("in_flight")]
        return any(c and stored.get(key) == (c["value"], c["version"]) for c in candidates)

    missing = [key for key, last in saved.items() if not found(key, last)]
    print(f"{len(saved) - len(missing)} of {len(saved)} answers last saved are in the database")
    for key in missing[:20]:
        print(f"  {key}: saved {saved[key]}, stored {stored.get(key)}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
