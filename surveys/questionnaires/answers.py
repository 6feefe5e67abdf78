"""Question options and answers, checked per question kind. Pure Python: no Django.

Every error carries a message written for the person who typed the value; the caller shows it
next to the field and saves nothing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from portal.text import is_valid_text

TEXT = "text"
YES_NO = "yes_no"
SINGLE_CHOICE = "single_choice"
MULTIPLE_CHOICE = "multiple_choice"
NUMBER = "number"
TABLE = "table"
FILE = "file"
KINDS = (TEXT, YES_NO, SINGLE_CHOICE, MULTIPLE_CHOICE, NUMBER, TABLE, FILE)

ANSWERED = "answered"
NOT_KNOWN = "not_known"
NOT_APPLICABLE = "not_applicable"
STATES = (ANSWERED, NOT_KNOWN, NOT_APPLICABLE)

MAX_TEXT = 50_000
MAX_CELL = 10**12
# A number answer (and a question's minimum and maximum) is below 10^15 in size, with at most
# six decimal places: any statistic a State reports, and exact as a float.
MAX_NUMBER = 10**15
MAX_DECIMALS = 6
# Numbers typed as text are read by this grammar before any conversion: ASCII digits, a sign,
# a decimal point, an exponent of at most three digits, 40 characters in all. Decimal and int
# would otherwise accept "1e500000" (13 characters that cost seconds to expand) or "²³".
MAX_NUMBER_TEXT = 40
NUMBER_TEXT = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?$")
NUMBER_SEPARATORS = str.maketrans("", "", ", \u00a0\u202f")  # thousands, as people type them
KEY = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


class OptionsError(ValueError):
    """A question's options do not fit its kind."""


class AnswerError(ValueError):
    """An answer does not fit its question."""


@dataclass(frozen=True)
class QuestionSpec:
    kind: str
    options: Mapping[str, Any]
    required: bool = False


def _labels(item: Any, what: str) -> dict[str, str]:
    label = item.get("label") if isinstance(item, Mapping) else None
    if (
        not isinstance(label, Mapping)
        or not label
        or not all(
            isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in label.items()
        )
    ):
        raise OptionsError(f'Each {what} needs a label per language, e.g. {{"en": "…"}}.')
    return {k: v.strip() for k, v in label.items()}


def _keyed(items: Any, what: str) -> list[dict[str, Any]]:
    if not isinstance(items, list) or not items:
        raise OptionsError(f"Give at least one {what}.")
    cleaned, seen = [], set()
    for item in items:
        key = str(item.get("key", item.get("value", ""))) if isinstance(item, Mapping) else ""
        if not KEY.match(key):
            raise OptionsError(
                f"Each {what} needs a short key of letters, digits, '.', '_' or '-' (got {key!r})."
            )
        if key in seen:
            raise OptionsError(f"The {what} key {key!r} is used twice.")
        seen.add(key)
        cleaned.append({"key": key, "label": _labels(item, what)})
    return cleaned


def clean_options(kind: str, options: Mapping[str, Any] | None) -> dict[str, Any]:
    """Check and normalise the options a question of ``kind`` needs."""
    if options is not None and not isinstance(options, Mapping):
        raise OptionsError('Send the options as an object, e.g. {"choices": […]}.')
    options = dict(options or {})
    if kind not in KINDS:
        raise OptionsError(f"Unknown question kind {kind!r}.")
    if kind in (SINGLE_CHOICE, MULTIPLE_CHOICE):
        choices = _keyed(options.get("choices"), "choice")
        return {"choices": [{"value": c["key"], "label": c["label"]} for c in choices]}
    if kind == TABLE:
        return {
            "rows": _keyed(options.get("rows"), "row"),
            "columns": _keyed(options.get("columns"), "column"),
            "totals": bool(options.get("totals", True)),
        }
    if kind == NUMBER:
        cleaned: dict[str, Any] = {"integer": bool(options.get("integer", False))}
        for bound in ("min", "max"):
            value = options.get(bound)
            if value is not None:
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise OptionsError(f"The {bound}imum must be a number.")
                if not _in_range(value):
                    raise OptionsError(
                        f"The {bound}imum must be a number below {MAX_NUMBER:,} in size."
                    )
                cleaned[bound] = value
        if "min" in cleaned and "max" in cleaned and cleaned["min"] > cleaned["max"]:
            raise OptionsError("The minimum is larger than the maximum.")
        return cleaned
    return {}


def choice_values(options: Mapping[str, Any]) -> list[str]:
    return [c["value"] for c in options.get("choices", [])]


def _in_range(value: int | float) -> bool:
    return (not isinstance(value, float) or math.isfinite(value)) and abs(value) < MAX_NUMBER


def _decimal_places(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def read_number(value: Any) -> int | float:
    """A number answer as typed or sent, within MAX_NUMBER and MAX_DECIMALS; text is matched
    against NUMBER_TEXT before it is converted, so no input costs more than a few steps."""
    too_large = f"Enter a number below {MAX_NUMBER:,} in size."
    too_precise = f"Enter a number with at most {MAX_DECIMALS} decimal places."
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise AnswerError("Enter a number.")
    if isinstance(value, int):
        if abs(value) >= MAX_NUMBER:
            raise AnswerError(too_large)
        return value
    if isinstance(value, float):
        if not _in_range(value):
            raise AnswerError(too_large if math.isfinite(value) else "Enter a number.")
        if _decimal_places(Decimal(repr(value))) > MAX_DECIMALS:
            raise AnswerError(too_precise)
        return value
    text = value.strip().translate(NUMBER_SEPARATORS)
    if len(text) > MAX_NUMBER_TEXT or not NUMBER_TEXT.match(text):
        raise AnswerError("Enter a number, e.g. 1250 or 3.5.")
    number = Decimal(text)  # exact, and cheap: the exponent has at most three digits
    if abs(number) >= MAX_NUMBER:
        raise AnswerError(too_large)
    if _decimal_places(number) > MAX_DECIMALS:
        raise AnswerError(too_precise)
    return int(number) if number == number.to_integral_value() else float(number)


def _number(value: Any, spec: QuestionSpec) -> int | float:
    value = read_number(value)
    if spec.options.get("integer") and value != int(value):
        raise AnswerError("Enter a whole number.")
    if "min" in spec.options and value < spec.options["min"]:
        raise AnswerError(f"Enter a number of at least {spec.options['min']}.")
    if "max" in spec.options and value > spec.options["max"]:
        raise AnswerError(f"Enter a number of at most {spec.options['max']}.")
    return int(value) if value == int(value) and spec.options.get("integer") else value


class CellError(AnswerError):
    """One cell of a statistical table does not hold a figure: ``text`` is what was typed,
    ``reason`` why it was refused ("-4": "a count cannot be negative")."""

    def __init__(self, text: str, reason: str) -> None:
        self.text, self.reason = text, reason
        super().__init__(f"{text}: {reason}")


class TableError(AnswerError):
    """Cells of a statistical table refused, each named with its reason. ``cells`` maps
    (row key, column key) to the CellError, ``valid`` holds the cells that were fine."""

    def __init__(
        self,
        cells: dict[tuple[str, str], CellError],
        names: dict[tuple[str, str], str],
        valid: dict[str, dict[str, int | None]],
    ) -> None:
        self.cells, self.names, self.valid = cells, names, valid
        listed = "; ".join(f"{names[key]} — {error}" for key, error in cells.items())
        count = len(cells)
        super().__init__(f"{count} cell{'s' if count != 1 else ''} could not be read ({listed}).")


MAX_CELL_ECHO = 20  # how much of a refused cell the message repeats


def _cell(cell: Any) -> int | None:
    """One table cell: blank, or a whole number from 0 to MAX_CELL in ASCII digits. The error
    repeats what was typed, so the person sees which figure to correct."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, bool) or not isinstance(cell, int | float | str):
        raise CellError(str(cell)[:MAX_CELL_ECHO], "enter a whole number")
    typed = cell.strip() if isinstance(cell, str) else str(cell)
    echo = typed if len(typed) <= MAX_CELL_ECHO else typed[: MAX_CELL_ECHO - 1] + "…"
    if isinstance(cell, float):
        if not math.isfinite(cell):
            raise CellError(echo, "enter a whole number")
        if cell != int(cell):
            raise CellError(echo, "whole numbers only")
        cell = int(cell)
    if isinstance(cell, str):
        text = typed.translate(NUMBER_SEPARATORS)
        if text.startswith("-") and text[1:].isascii() and text[1:].replace(".", "", 1).isdigit():
            raise CellError(echo, "a count cannot be negative")
        if (
            text.count(".") == 1
            and text.replace(".", "").isascii()
            and text.replace(".", "").isdigit()
        ):
            raise CellError(echo, "whole numbers only")
        if not (text.isascii() and text.isdigit()):  # "²³" and "٣" are digits to isdigit alone
            raise CellError(echo, "enter a whole number")
        if len(text) > len(str(MAX_CELL)):  # before int(): its cost grows with the length
            raise CellError(echo, "the number is too large")
        cell = int(text)
    if cell < 0:
        raise CellError(echo, "a count cannot be negative")
    if cell > MAX_CELL:
        raise CellError(echo, "the number is too large")
    return cell


def check_table(
    value: Any, spec: QuestionSpec
) -> tuple[
    dict[str, dict[str, int | None]], dict[tuple[str, str], CellError], dict[tuple[str, str], str]
]:
    """Each cell on its own: (the cells that hold figures or blanks, the refused cells with
    their reasons, the name of each refused cell as "row, column"). A table whose shape is
    wrong (a row or column the question does not have) is refused whole: that is a broken
    request, not a figure typed wrong."""
    if not isinstance(value, Mapping):
        raise AnswerError("The table could not be read: send rows of columns.")
    rows = {r["key"]: r for r in spec.options["rows"]}
    columns = {c["key"]: c for c in spec.options["columns"]}
    cleaned: dict[str, dict[str, int | None]] = {}
    refused: dict[tuple[str, str], CellError] = {}
    names: dict[tuple[str, str], str] = {}
    for row_key, cells in value.items():
        if row_key not in rows:
            raise AnswerError(f"The table has no row {row_key!r}.")
        if not isinstance(cells, Mapping):
            raise AnswerError(f"Row {row_key!r} could not be read.")
        for column_key, cell in cells.items():
            if column_key not in columns:
                raise AnswerError(f"The table has no column {column_key!r}.")
            try:
                cleaned.setdefault(row_key, {})[column_key] = _cell(cell)
            except CellError as error:
                refused[(row_key, column_key)] = error
                names[(row_key, column_key)] = (
                    f"{rows[row_key]['label'].get('en', row_key)}, "
                    + columns[column_key]["label"].get("en", column_key)
                )
    return {row: cells for row, cells in cleaned.items() if cells}, refused, names


def _table(value: Any, spec: QuestionSpec) -> dict[str, dict[str, int | None]]:
    cleaned, refused, names = check_table(value, spec)
    if refused:
        raise TableError(refused, names, cleaned)
    return cleaned


def clean_answer(spec: QuestionSpec, state: str, value: Any) -> Any:
    """Return the value to store, or raise AnswerError with a message for the field.

    "Not known" and "not applicable" are answers in their own right and carry no value; a blank
    answered value is stored as None (the question counts as unanswered).
    """
    if state not in STATES:
        raise AnswerError("Choose answered, not known or not applicable.")
    if state != ANSWERED:
        return None
    if value is None or value == "" or value == []:
        return None
    kind = spec.kind
    if kind == TEXT:
        if not isinstance(value, str):
            raise AnswerError("Enter text.")
        if not is_valid_text(value):
            raise AnswerError(
                "The text holds a character that cannot be stored (a NUL or a lone surrogate)."
            )
        if len(value) > MAX_TEXT:
            raise AnswerError(f"Keep the answer under {MAX_TEXT:,} characters.")
        return value.strip() or None
    if kind == YES_NO:
        if value not in ("yes", "no"):
            raise AnswerError("Choose yes or no.")
        return value
    if kind == SINGLE_CHOICE:
        if value not in choice_values(spec.options):
            raise AnswerError("Choose one of the options given.")
        return value
    if kind == MULTIPLE_CHOICE:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise AnswerError("Choose one or more of the options given.")
        allowed = choice_values(spec.options)
        unknown = [v for v in value if v not in allowed]
        if unknown:
            raise AnswerError("Choose only among the options given.")
        return [v for v in allowed if v in value]  # option order, duplicates dropped
    if kind == NUMBER:
        return _number(value, spec)
    if kind == TABLE:
        return _table(value, spec) or None
    if kind == FILE:
        if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ):
            raise AnswerError("Attach files with the upload button.")
        return value
    raise AnswerError(f"Unknown question kind {kind!r}.")


def is_answered(state: str, value: Any) -> bool:
    """Counts towards progress: an explicit "not known"/"not applicable" counts as answered."""
    return state != ANSWERED or value not in (None, "", [], {})


def condition_met(condition_values: list[Any], earlier_value: Any) -> bool:
    """A conditional question shows when the earlier answer is (or includes) one of the values."""
    if earlier_value is None:
        return False
    if isinstance(earlier_value, list):
        return any(v in condition_values for v in earlier_value)
    return earlier_value in condition_values


def table_totals(
    options: Mapping[str, Any], value: Mapping[str, Mapping[str, int | None]] | None
) -> tuple[dict[str, int], dict[str, int], int]:
    """Row totals, column totals and the grand total of a statistical table."""
    value = value or {}
    rows = {r["key"]: 0 for r in options.get("rows", [])}
    columns = {c["key"]: 0 for c in options.get("columns", [])}
    for row_key, cells in value.items():
        for column_key, cell in cells.items():
            if cell is not None and row_key in rows and column_key in columns:
                rows[row_key] += cell
                columns[column_key] += cell
    return rows, columns, sum(rows.values())
