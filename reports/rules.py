"""Rules of rule-based attribution sets: which operations each kind of question allows, whether
an answer satisfies a rule, and how a rule reads. Used by coding (which checks and applies
rules) and by selectors (which show them)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from surveys.models import Question

RULE_OPS = ("equals", "includes_any", "greater_than")


OPS_BY_KIND = {
    Question.Kind.YES_NO: ("equals",),
    Question.Kind.SINGLE_CHOICE: ("equals", "includes_any"),
    Question.Kind.MULTIPLE_CHOICE: ("includes_any",),
    Question.Kind.NUMBER: ("equals", "greater_than"),
    Question.Kind.TABLE: ("greater_than",),
}


def rule_matches(rule: dict[str, Any], entry: dict[str, Any] | None) -> bool:
    """Whether an answer (a revision's entry) satisfies the rule. Pure."""
    if not entry or entry.get("state", "answered") != "answered":
        return False
    value, op = entry.get("value"), rule["op"]
    if value is None:
        return False
    if op == "includes_any":
        chosen = value if isinstance(value, list) else [value]
        return any(v in chosen for v in rule["values"])
    if op == "equals":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return Decimal(str(value)) == Decimal(str(rule["value"]))
        return value == rule["value"]
    threshold = Decimal(str(rule["value"]))
    if isinstance(value, dict):  # a table: rows → columns → numbers
        cells = [
            cell
            for row_key, row in value.items()
            if isinstance(row, dict) and rule.get("row") in (None, row_key)
            for column_key, cell in row.items()
            if rule.get("column") in (None, column_key)
        ]
    else:
        cells = [value]
    return any(
        isinstance(c, int | float) and not isinstance(c, bool) and Decimal(str(c)) > threshold
        for c in cells
    )


def describe_rule(rule: dict[str, Any] | None, question: Question | None) -> str:
    """The rule in words, for the coding page: 'Question 12 includes Legal aid or …'."""
    if not rule or question is None:
        return ""
    labels = {
        c["value"]: c["label"].get("en", c["value"]) for c in question.options.get("choices", [])
    }
    labels.update({"yes": "Yes", "no": "No"} if question.kind == Question.Kind.YES_NO else {})
    where = f"question {question.number}"
    if rule["op"] == "includes_any":
        return f"{where} includes " + " or ".join(f"“{labels.get(v, v)}”" for v in rule["values"])
    if rule["op"] == "equals":
        return f"{where} is “{labels.get(rule['value'], rule['value'])}”"
    cell = ", ".join(f"{k} {rule[k]}" for k in ("row", "column") if rule.get(k))
    number = f"{rule['value']:g}" if isinstance(rule["value"], float) else rule["value"]
    return f"{where}{f' ({cell})' if cell else ''} reports a number above {number}"
