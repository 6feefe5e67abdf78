"""Answers checked per question kind (pure functions, no database)."""

from __future__ import annotations

import pytest

from surveys.questionnaires import answers
from surveys.questionnaires.answers import AnswerError, OptionsError, QuestionSpec

CHOICES = answers.clean_options(
    "single_choice",
    {"choices": [{"value": "a", "label": {"en": "A"}}, {"value": "b", "label": {"en": "B"}}]},
)
TABLE = answers.clean_options(
    "table",
    {
        "rows": [
            {"key": "2005", "label": {"en": "2005"}},
            {"key": "2006", "label": {"en": "2006"}},
        ],
        "columns": [
            {"key": "cases", "label": {"en": "Cases"}},
            {"key": "arrests", "label": {"en": "Arrests"}},
        ],
    },
)


def spec(kind, options=None):  # type: ignore[no-untyped-def]
    return QuestionSpec(kind, answers.clean_options(kind, options or {}))


@pytest.mark.parametrize(
    ("kind", "options", "value", "expected"),
    [
        ("text", None, "  Articles 168 and 169  ", "Articles 168 and 169"),
        ("text", None, "   ", None),
        ("yes_no", None, "yes", "yes"),
        ("number", {"integer": True}, "1,250", 1250),
        ("number", None, "3.5", 3.5),
        ("number", None, 12, 12),
        ("single_choice", CHOICES, "b", "b"),
        ("multiple_choice", CHOICES, ["b", "a", "b"], ["a", "b"]),
        (
            "table",
            TABLE,
            {"2005": {"cases": "32", "arrests": ""}},
            {"2005": {"cases": 32, "arrests": None}},
        ),
        ("file", None, [3, 4], [3, 4]),
    ],
)
def test_valid_answers_are_cleaned(kind, options, value, expected):
    assert answers.clean_answer(spec(kind, options), "answered", value) == expected


@pytest.mark.parametrize(
    ("kind", "options", "value", "message"),
    [
        ("text", None, 42, "Enter text"),
        ("text", None, "x" * 50_001, "under 50,000"),
        ("yes_no", None, "maybe", "Choose yes or no"),
        ("number", None, "twelve", "Enter a number"),
        ("number", None, True, "Enter a number"),
        ("number", None, "NaN", "Enter a number"),
        ("number", {"integer": True}, "2.5", "whole number"),
        ("number", {"min": 0}, -1, "at least 0"),
        ("number", {"max": 10}, 11, "at most 10"),
        ("single_choice", CHOICES, "c", "Choose one of the options"),
        ("multiple_choice", CHOICES, "a", "one or more"),
        ("multiple_choice", CHOICES, ["a", "z"], "only among"),
        ("table", TABLE, [1, 2], "could not be read"),
        ("table", TABLE, {"2004": {"cases": 1}}, "no row '2004'"),
        ("table", TABLE, {"2005": {"victims": 1}}, "no column 'victims'"),
        ("table", TABLE, {"2005": {"cases": -3}}, "2005, Cases — -3: a count cannot be negative"),
        ("table", TABLE, {"2005": {"cases": "1.5"}}, r"1\.5: whole numbers only"),
        ("table", TABLE, {"2005": {"cases": "12a"}}, "12a: enter a whole number"),
        ("file", None, ["../etc/passwd"], "upload button"),
    ],
)
def test_invalid_answers_are_refused_with_a_message(kind, options, value, message):
    with pytest.raises(AnswerError, match=message):
        answers.clean_answer(spec(kind, options), "answered", value)


@pytest.mark.parametrize("state", ["not_known", "not_applicable"])
def test_not_known_and_not_applicable_are_answers_without_a_value(state):
    assert answers.clean_answer(spec("number"), state, "ignored") is None
    assert answers.is_answered(state, None)
    assert not answers.is_answered("answered", None)


def test_unknown_answer_state_is_refused():
    with pytest.raises(AnswerError, match="not known or not applicable"):
        answers.clean_answer(spec("text"), "perhaps", "x")


@pytest.mark.parametrize(
    ("kind", "options", "message"),
    [
        ("single_choice", {}, "at least one choice"),
        ("single_choice", {"choices": [{"value": "a b", "label": {"en": "A"}}]}, "short key"),
        (
            "single_choice",
            {
                "choices": [
                    {"value": "a", "label": {"en": "A"}},
                    {"value": "a", "label": {"en": "B"}},
                ]
            },
            "used twice",
        ),
        ("multiple_choice", {"choices": [{"value": "a"}]}, "label per language"),
        ("table", {"rows": [{"key": "r", "label": {"en": "R"}}]}, "at least one column"),
        ("number", {"min": 5, "max": 1}, "minimum is larger"),
        ("number", {"min": "zero"}, "must be a number"),
        ("essay", {}, "Unknown question kind"),
    ],
)
def test_bad_question_options_are_refused(kind, options, message):
    with pytest.raises(OptionsError, match=message):
        answers.clean_options(kind, options)


def test_conditions_match_single_and_multiple_answers():
    assert answers.condition_met(["yes"], "yes")
    assert not answers.condition_met(["yes"], "no")
    assert not answers.condition_met(["yes"], None)
    assert answers.condition_met(["police"], ["border", "police"])


def test_table_totals_by_row_column_and_grand_total():
    rows, columns, total = answers.table_totals(
        TABLE, {"2005": {"cases": 32, "arrests": 53}, "2006": {"cases": 67, "arrests": None}}
    )
    assert rows == {"2005": 85, "2006": 67}
    assert columns == {"cases": 99, "arrests": 53}
    assert total == 152
