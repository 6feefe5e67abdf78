"""Example XLSForms of the kinds a KoboToolbox or ODK user brings, built as .xlsx bytes in the
tests (``python -m tests.surveys.questionnaires.forms DIR`` writes them out to open in a
spreadsheet or in Kobo)."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook

Rows = list[list[Any]]


def workbook(survey: Rows, choices: Rows | None = None, settings: Rows | None = None) -> bytes:
    """An .xlsx with the sheets given (first row of each: the column names)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    if choices is not None:
        sheet = book.create_sheet("choices")
        for row in choices:
            sheet.append(row)
    if settings is not None:
        sheet = book.create_sheet("settings")
        for row in settings:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


EN, FR, ES = "label::English (en)", "label::French (fr)", "label::Spanish (es)"

# A ministry's survey as drafted in Kobo: metadata rows Kobo adds, questions outside any
# group, a yes/no list, bounds on a number, a condition on a yes/no answer, hints.
KOBO_MINISTRY = {
    "survey": [
        [
            "type",
            "name",
            EN,
            FR,
            "hint::English (en)",
            "required",
            "relevant",
            "constraint",
            "appearance",
            "$kuid",
        ],
        ["start", "start", "", "", "", "", "", "", "", "k1"],
        ["end", "end", "", "", "", "", "", "", "", "k2"],
        [
            "select_one yn",
            "has_plan",
            "Does your State have a national action plan?",
            "Votre État a-t-il un plan d'action national ?",
            "",
            "yes",
            "",
            "",
            "",
            "k3",
        ],
        [
            "integer",
            "plan_year",
            "In which year was it adopted?",
            "En quelle année ?",
            "Four digits.",
            "",
            "${has_plan} = 'yes'",
            ". >= 1990 and . <= 2030",
            "",
            "k4",
        ],
        [
            "text",
            "plan_body",
            "Which body coordinates it?",
            "Quel organe le coordonne ?",
            "",
            "",
            "${has_plan}='yes'",
            "",
            "multiline",
            "k5",
        ],
        [
            "decimal",
            "budget",
            "Budget in millions of US dollars",
            "Budget en millions",
            "",
            "",
            "",
            ". >= 0",
            "",
            "k6",
        ],
        ["today", "today", "", "", "", "", "", "", "", "k7"],
    ],
    "choices": [
        ["list_name", "name", EN, FR],
        ["yn", "yes", "Yes", "Oui"],
        ["yn", "no", "No", "Non"],
    ],
    "settings": [
        ["form_title", "form_id", "default_language"],
        ["National action plans", "nap_2026", "English (en)"],
    ],
}

# A survey in groups, in English and Spanish, with choice lists, a multiple choice condition
# and a file.
GROUPED_SURVEY = {
    "survey": [
        ["type", "name", "label", ES, "hint", "required", "relevant"],
        ["begin_group", "legal", "Legal framework", "Marco jurídico", "", "", ""],
        ["select_one stage", "stage", "Stage of the law", "Etapa de la ley", "", "true", ""],
        [
            "select_multiple units",
            "units",
            "Which units exist?",
            "¿Qué unidades existen?",
            "Tick all that apply.",
            "",
            "",
        ],
        [
            "text",
            "police_detail",
            "Describe the police unit",
            "Describa la unidad policial",
            "",
            "",
            "selected(${units}, 'police') or selected(${units}, 'border')",
        ],
        ["end_group", "", "", "", "", "", ""],
        ["begin group", "evidence", "Evidence", "Pruebas", "", "", ""],
        ["file", "law_text", "Attach the law", "Adjunte la ley", "", "", "${stage} = 'adopted'"],
        ["end group", "", "", "", "", "", ""],
    ],
    "choices": [
        ["list_name", "name", "label", ES],
        ["stage", "adopted", "Adopted", "Aprobada"],
        ["stage", "draft", "In draft", "En proyecto"],
        ["units", "police", "Specialized police", "Policía especializada"],
        ["units", "prosecution", "Prosecution unit", "Fiscalía"],
        ["units", "border", "Border unit", "Unidad fronteriza"],
    ],
    "settings": [["form_title", "default_language"], ["Trafficking in persons", "English"]],
}

EXAMPLES = {"kobo_ministry": KOBO_MINISTRY, "grouped_survey": GROUPED_SURVEY}


def example(name: str) -> bytes:
    form = EXAMPLES[name]
    return workbook(form["survey"], form.get("choices"), form.get("settings"))


if __name__ == "__main__":
    import pathlib
    import sys

    folder = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    for name in EXAMPLES:
        (folder / f"{name}.xlsx").write_bytes(example(name))
        print(folder / f"{name}.xlsx")
