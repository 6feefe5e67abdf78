"""Per-endpoint figures of load runs, as a Markdown table for the README.

``python bench/load/summary.py var/load/stats-50_stats.csv var/load/stats-200_stats.csv``
reads locust's ``--csv`` statistics and prints, for each run and endpoint: requests, failures,
requests per second, and the 50th, 95th and 99th percentiles of the response time.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path


def _ms(value: str) -> str:
    number = float(value)
    return f"{number / 1000:.1f} s" if number >= 1000 else f"{number:.0f} ms"


def rows(path: Path) -> list[str]:
    users = re.search(r"stats-(\d+)_stats", path.name)
    label = f"{users.group(1)} users" if users else path.stem
    lines = []
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            name = row["Name"] if row["Name"] != "Aggregated" else "**all requests**"
            lines.append(
                f"| {label} | {name} | {int(row['Request Count']):,} | {row['Failure Count']} "
                f"| {float(row['Requests/s']):.1f} | {_ms(row['50%'])} | {_ms(row['95%'])} "
                f"| {_ms(row['99%'])} |"
            )
    return lines


def main(paths: list[str]) -> None:
    print("| run | endpoint | requests | failures | requests/s | p50 | p95 | p99 |")
    print("|---|---|---|---|---|---|---|---|")
    for path in paths:
        print("\n".join(rows(Path(path))))


if __name__ == "__main__":
    main(sys.argv[1:])
