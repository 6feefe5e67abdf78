"""A hand-written snapshot (no database) shaped like a 2008 report of this series.

The facts (dates, symbols, who replied) follow the reference report; every sentence is ours.
"""

from __future__ import annotations

import copy
from typing import Any

from reports import rendering

_STATES = [
    (1, "Belarus"),
    (2, "Bulgaria"),
    (3, "Croatia"),
    (4, "El Salvador"),
    (5, "Estonia"),
    (6, "Japan"),
    (7, "Qatar"),
    (8, "Ukraine"),
]


def _name(list_name: str, text_name: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "list_name": list_name,
        "text_name": text_name or list_name,
        "short_name": extra.get("short_name", ""),
        "abbreviation": extra.get("abbreviation", ""),
        "sort_key": extra.get("sort_key", list_name),
        "valid_from": extra.get("valid_from"),
        "valid_to": extra.get("valid_to"),
    }


def respondents() -> list[dict[str, Any]]:
    out = [
        {
            "id": rid,
            "kind": "member_state",
            "label": name,
            "count_noun": None,
            "names": [_name(name)],
        }
        for rid, name in _STATES
    ]
    out += [
        {
            "id": 9,
            "kind": "member_state",
            "label": "Niger",
            "count_noun": None,
            "names": [_name("Niger", "the Niger")],
        },
        {
            "id": 10,
            "kind": "member_state",
            "label": "Philippines",
            "count_noun": None,
            "names": [_name("Philippines", "the Philippines")],
        },
        {
            "id": 11,
            "kind": "igo",
            "label": "League of Arab States",
            "count_noun": ["regional organization", "regional organizations"],
            "names": [_name("League of Arab States", "the League of Arab States")],
        },
    ]
    return out


def snapshot(**report: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format": 1,
        "layout": "test",
        "report": {
            "id": 1,
            "organ": "Economic and Social Council",
            "subsidiary_body": "Commission on Crime Prevention and Criminal Justice",
            "session": "Seventeenth session",
            "place_and_dates": "Vienna, 14–18 April 2008",
            "agenda_item": "4 (a)",
            "agenda_title": "World crime trends and responses: integration and coordination",
            "agenda_symbol": "E/CN.15/2008/1",
            "symbol": "E/CN.15/2008/9",
            "distribution": "General",
            "date": "2008-01-29",
            "original_language": "English",
            "page_size": "A4",
            "job_number": "V.08-50669 (E)",
            "title": "Cooperation against trafficking in persons and protection of its victims",
            "subtitle": "Report of the Secretary-General",
            "summary": "",
        },
        "sections": [
            {
                "id": 10,
                "kind": "body",
                "title": "Introduction",
                "generated": "",
                "paragraphs": [
                    {
                        "id": 100,
                        "kind": "text",
                        "text": "The Council asked for a report on its resolution 2006/27.",
                    },
                    {
                        "id": 101,
                        "kind": "text",
                        "text": "A note verbale went out on 12 November 2007.[^Reference "
                        "CU 2007/213.]",
                    },
                ],
                "subsections": [],
            },
            {
                "id": 20,
                "kind": "body",
                "title": "What the replies said",
                "generated": "",
                "paragraphs": [
                    {
                        "id": 200,
                        "kind": "text",
                        "text": "Replies came from {count:replies}: {list:replies}.",
                    },
                ],
                "subsections": [
                    {
                        "id": 21,
                        "kind": "body",
                        "title": "Laws and ratification",
                        "generated": "",
                        "paragraphs": [
                            {
                                "id": 210,
                                "kind": "text",
                                "text": "Several States had ratified the *Protocol*.{fn:ratified}",
                            },
                            {"id": 211, "kind": "heading", "text": "Enforcement measures"},
                            {
                                "id": 212,
                                "kind": "text",
                                "text": "Units existed in {list:units}. The causes were:\n"
                                "(a) new offences;\n(b) missing statistics.",
                            },
                        ],
                    },
                ],
            },
            {
                "id": 30,
                "kind": "annex",
                "title": "States and organizations that replied",
                "generated": "respondents",
                "paragraphs": [],
                "subsections": [],
            },
        ],
        "attribution_sets": [
            {"key": "ratified", "statement": "had ratified", "members": [1, 2, 3, 9]},
            {"key": "units", "statement": "had police units", "members": [4, 9, 10, 7]},
        ],
        "respondents": respondents(),
        "replies": list(range(1, 12)),
    }
    data["report"].update(report)
    return copy.deepcopy(data)


def rendered(**report: Any) -> rendering.Rendered:
    return rendering.render_print_html(snapshot(**report))
