"""How a question and its answer read: the one builder every page, print copy and export uses.

Built on unsaved questions (no database): the builder reads only what it is given."""

from __future__ import annotations

import dataclasses
import datetime

import pytest

from surveys.models import Question
from surveys.questionnaires import answers
from surveys.questionnaires.display import (
    AnswerDisplay,
    FileDisplay,
    answer_display,
    answer_line,
    answer_writer,
    question_display,
)

CHOICES = {
    "choices": [
        {"value": "police", "label": {"en": "Specialized police", "fr": "Police spécialisée"}},
        {"value": "prosecution", "label": {"en": "Prosecution unit"}},
        {"value": "border", "label": {"en": "Border unit"}},
    ]
}
TABLE = {
    "rows": [
        {"key": "2006", "label": {"en": "2006"}},
        {"key": "2007", "label": {"en": "2007"}},
    ],
    "columns": [
        {"key": "investigated", "label": {"en": "Cases investigated", "fr": "Enquêtes"}},
        {"key": "arrested", "label": {"en": "Persons arrested"}},
    ],
}


def make(kind: str, options: dict | None = None, **fields) -> Question:  # type: ignore[type-arg]
    return Question(
        pk=fields.pop("pk", 7),
        number=fields.pop("number", "4"),
        kind=kind,
        text=fields.pop("text", {"en": "Which units exist?", "fr": "Quelles unités ?"}),
        options=options or {},
        **fields,
    )


def given(value, state=answers.ANSWERED, **extra):  # type: ignore[no-untyped-def]
    return {"state": state, "value": value, **extra}


# --- each kind of question ----------------------------------------------------------------


def test_a_text_answer_reads_as_its_text():
    shown = answer_display(make("text"), given("Article 3 of the penal code."))
    assert shown.answered and shown.text == "Article 3 of the penal code."
    assert shown.plain == shown.line == "Article 3 of the penal code."


def test_a_yes_no_answer_reads_as_yes_or_no_with_both_choices_listed():
    shown = answer_display(make("yes_no"), given("yes"))
    assert shown.chosen == ("Yes",)
    assert [(c.label, c.chosen) for c in shown.choices] == [("Yes", True), ("No", False)]
    assert shown.line == "Yes"


def test_a_single_choice_reads_as_its_label_in_the_page_language():
    question = make("single_choice", CHOICES)
    assert answer_display(question, given("police"), "fr").chosen == ("Police spécialisée",)
    # a language without a translation falls back to English
    assert answer_line(question, given("police"), "es") == "Specialized police"


def test_multiple_choices_read_in_the_order_given_and_are_marked_among_the_options():
    shown = answer_display(make("multiple_choice", CHOICES), given(["border", "police"]))
    assert shown.chosen == ("Border unit", "Specialized police")
    assert [c.value for c in shown.choices if c.chosen] == ["police", "border"]
    assert shown.line == "Border unit; Specialized police"
    assert shown.plain == "Border unit\nSpecialized police"


def test_a_choice_no_longer_offered_reads_as_its_value():
    assert answer_line(make("single_choice", CHOICES), given("gone")) == "gone"


def test_a_number_reads_as_written_and_the_blank_question_states_its_bounds():
    question = make("number", {"integer": True, "min": 2000, "max": 2008})
    assert answer_display(question, given(2004)).text == "2004"
    blank = question_display(question, "en")
    assert blank.bounds is not None
    assert (blank.bounds.min, blank.bounds.max, blank.bounds.integer) == (2000, 2008, True)
    assert not blank.has_answer


def test_a_statistical_table_carries_labels_figures_and_totals():
    shown = answer_display(
        make("table", TABLE),
        given({"2006": {"investigated": 4, "arrested": None}, "2007": {"investigated": 6}}),
        "fr",
    )
    table = shown.table
    assert table is not None and table.totals
    assert table.column_labels == ("Enquêtes", "Persons arrested")
    assert [(r.label, r.cells, r.total) for r in table.rows] == [
        ("2006", (4, None), 4),
        ("2007", (6, None), 6),
    ]
    assert table.column_totals == (10, 0)
    assert table.grand_total == 10
    assert shown.line == "2006: Enquêtes 4; 2007: Enquêtes 6"
    assert shown.plain == "\tEnquêtes\tPersons arrested\n2006\t4\t\n2007\t6\t"


def test_a_blank_table_shows_its_grid_without_totals():
    table = question_display(make("table", TABLE), "en").answer.table
    assert table is not None
    assert not table.totals
    assert [r.cells for r in table.rows] == [(None, None), (None, None)]


def test_files_read_from_the_attachments_given_or_those_the_revision_records():
    question = make("file")
    recorded = given([3], attachments=[{"id": 3, "name": "law.pdf", "size": 1200}])
    assert answer_display(question, recorded).files == (FileDisplay(3, "law.pdf", 1200),)
    assert answer_line(question, recorded) == "law.pdf"

    class Attachment:  # what a page passes: the rows this reader may download
        pk, original_name, size = 3, "law.pdf", 1200
        uploaded_at = datetime.datetime(2007, 12, 1, 10, 0, tzinfo=datetime.UTC)

    shown = answer_display(question, recorded, files=[Attachment()])
    assert shown.files[0].uploaded_at == Attachment.uploaded_at
    assert answer_display(question, recorded, files=[]).files == ()


# --- states ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "label"),
    [(answers.NOT_KNOWN, "Not known"), (answers.NOT_APPLICABLE, "Not applicable")],
)
@pytest.mark.parametrize("kind", ["text", "yes_no", "multiple_choice", "number", "table", "file"])
def test_not_known_and_not_applicable_read_as_the_state_whatever_the_kind(kind, state, label):
    options = CHOICES if kind == "multiple_choice" else TABLE if kind == "table" else {}
    shown = answer_display(make(kind, options), given(None, state))
    assert shown.given and not shown.answered and not shown.empty
    assert shown.state_label == shown.plain == shown.line == label
    assert shown.chosen == () and shown.files == () and shown.text == ""


@pytest.mark.parametrize("value", [None, "", []])
def test_an_answer_given_without_a_value_is_empty(value):
    shown = answer_display(make("multiple_choice", CHOICES), given(value))
    assert shown.given and shown.empty and not shown.answered
    assert shown.plain == "(no answer)"
    assert shown.line == ""
    assert not any(c.chosen for c in shown.choices)


def test_no_answer_at_all_is_the_blank_question():
    shown = question_display(make("multiple_choice", CHOICES), "en")
    assert not shown.has_answer and not shown.answer.given
    assert shown.answer.line == "" and answer_writer(shown.question)(None) == ""
    assert [c.label for c in shown.answer.choices] == [
        "Specialized police",
        "Prosecution unit",
        "Border unit",
    ]


# --- the question around the answer -------------------------------------------------------


def test_restricted_comes_from_the_stored_answer_or_the_caller():
    question = make("text")
    assert question_display(question, "en", given("x", restricted=True)).restricted
    assert not question_display(question, "en", given("x")).restricted
    assert answer_display(question, given("x"), restricted=True).restricted


def test_the_question_text_falls_back_to_english_and_says_so():
    question = make("text", text={"en": "Describe the offences.", "fr": "Décrivez."})
    french = question_display(question, "fr")
    assert (french.text, french.text_language, french.translated) == ("Décrivez.", "fr", True)
    arabic = question_display(question, "ar")
    assert (arabic.text, arabic.text_language, arabic.translated) == (
        "Describe the offences.",
        "en",
        False,
    )


def test_a_conditional_question_names_the_earlier_question_and_values():
    question = make("number", condition_question_id=1, condition_values=["yes"])
    shown = question_display(question, "en", condition_number="1")
    assert shown.condition is not None
    assert (shown.condition.number, shown.condition.values) == ("1", "yes")
    assert question_display(make("number"), "en").condition is None


def test_the_shapes_are_frozen():
    shown = question_display(make("text"), "en", given("x"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        shown.answer.text = "changed"  # type: ignore[misc]
    assert isinstance(shown.answer, AnswerDisplay)


def test_text_is_left_for_templates_to_escape():
    shown = answer_display(make("text"), given("<script>alert(1)</script>"))
    assert shown.text == shown.line == "<script>alert(1)</script>"
    assert not hasattr(shown.text, "__html__")
