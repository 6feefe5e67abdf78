"""A report whose paragraphs use every construct of the markup: bold, nested items, bullets,
tables (one long enough to cross a page), a footnote opening with a bare list, typography."""

from __future__ import annotations

from typing import Any

from tests.reports import samples

BOLD = "States stressed **prevention through *education* and training** above all."

NESTED = (
    "Respondents described three kinds of measures:\n"
    "(a) Training, including:\n"
    "    (i) Of judges and prosecutors;\n"
    "    (ii) Of labour inspectors, in particular:\n"
    "    - at borders;\n"
    "    - in ports;\n"
    "(b) Public information; and\n"
    "(c) Shelters for victims."
)

BULLETS = (
    "The framework rests on three principles:\n"
    "- respect for the human rights of victims;\n"
    "- cooperation between States; and\n"
    "- evidence-based policy."
)

TABLE = (
    "Table: Cases of trafficking in persons reported, 2003-2006\n"
    "| Region | Cases reported | <        |\n"
    "|        | 2003           | 2004-2006 |\n"
    "|---|---|---|\n"
    "| Africa | 1,234 | 2,870 |\n"
    "| Europe | 560   | -     |\n"
    "| Asia   | ..    | 12345 |\n"
    "Note: A dash (-) means that none were reported.\n"
    "Note: Two dots (..) mean that the figure was not available.\n"
    "Source: Replies to the questionnaire."
)

FOOTNOTE = (
    "Several States train judges.[^{names:ratified} See also the recommendations in annex I.]"
)

QUOTES = (
    'In its resolution 2006/27, entitled "Strengthening international cooperation", the '
    "Council's members, as stated in paragraph 3 and annex I, met on 15 December 2007; "
    "5 per cent of cases were 'open'."
)


def long_table(rows: int = 70) -> str:
    body = "\n".join(f"| Province number {n} | {n * 37:,} | {n * 3} |" for n in range(1, rows + 1))
    return (
        "Table: Victims identified, by province\n"
        "| Province | Victims | Shelters |\n"
        "|---|---|---|\n"
        f"{body}\n"
        "Source: National statistics."
    )


def snapshot(*, summary: str = "", long: bool = False, extra: list[str] = ()) -> dict[str, Any]:
    data = samples.snapshot(summary=summary)
    texts = [BOLD, NESTED, BULLETS, "The figures are in table 1.", TABLE, FOOTNOTE, QUOTES]
    if long:
        texts.append(long_table())
    texts.extend(extra)
    data["sections"][0]["paragraphs"].extend(
        {"id": 500 + index, "kind": "text", "text": text} for index, text in enumerate(texts)
    )
    return data
