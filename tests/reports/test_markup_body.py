"""The markup of a paragraph's body: bold, nested items, bullets, tables, a footnote opening
with a bare list.  Pure Python, no database."""

from __future__ import annotations

import pytest

from reports.markup import (
    Cell,
    Emphasis,
    Footnote,
    ItemList,
    ListKind,
    MarkupError,
    Reference,
    RefKind,
    Strong,
    SubParagraph,
    Table,
    Text,
    parse_paragraph,
    references,
)
from tests.reports import body_samples


def test_bold_beside_italic_and_each_inside_the_other_one_level():
    parsed = parse_paragraph("A **key *phrase* here** and *see **annex I***.")
    assert parsed.lead == (
        Text("A "),
        Strong((Text("key "), Emphasis((Text("phrase"),)), Text(" here"))),
        Text(" and "),
        Emphasis((Text("see "), Strong((Text("annex I"),)))),
        Text("."),
    )


def test_nothing_is_italic_unless_marked():
    text = "the Protocol to Prevent, Suppress and Punish Trafficking in Persons"
    assert parse_paragraph(text).lead == (Text(text),)


def test_nested_items_stand_under_their_lettered_item_with_bullets_inside():
    parsed = parse_paragraph(body_samples.NESTED)
    (letters,) = parsed.blocks
    assert letters.kind is ListKind.LETTER
    assert [item.label for item in letters.items] == ["a", "b", "c"]
    (romans,) = letters.items[0].blocks
    assert romans.kind is ListKind.ROMAN
    assert [item.label for item in romans.items] == ["i", "ii"]
    assert romans.items[1].blocks == (
        ItemList(
            ListKind.BULLET,
            (SubParagraph("", (Text("at borders;"),)), SubParagraph("", (Text("in ports;"),))),
        ),
    )
    assert letters.items[1] == SubParagraph("b", (Text("Public information; and"),))


def test_a_bullet_list_may_follow_the_lead_in():
    parsed = parse_paragraph(body_samples.BULLETS)
    assert parsed.lead == (Text("The framework rests on three principles:"),)
    (bullets,) = parsed.blocks
    assert bullets.kind is ListKind.BULLET
    assert [item.children for item in bullets.items] == [
        (Text("respect for the human rights of victims;"),),
        (Text("cooperation between States; and"),),
        (Text("evidence-based policy."),),
    ]


def test_lettered_items_after_a_bullet_list_are_a_list_of_their_own():
    parsed = parse_paragraph("Lead:\n- one;\n(a) first;\n(b) second.")
    assert [block.kind for block in parsed.blocks] == [ListKind.BULLET, ListKind.LETTER]
    assert [item.label for item in parsed.items] == ["a", "b"]


def test_after_h_an_indented_i_is_nested_and_an_unindented_one_is_the_letter():
    letters = "\n".join(f"({c}) item {c};" for c in "abcdefgh")
    nested = parse_paragraph(f"Lead:\n{letters}\n   (i) nested;\n(i) letter i.")
    assert [item.label for item in nested.items][-2:] == ["h", "i"]
    assert nested.items[-2].blocks[0].items[0] == SubParagraph("i", (Text("nested;"),))
    assert nested.items[-1].children == (Text("letter i."),)


def test_a_table_with_two_header_rows_a_spanning_cell_notes_and_source():
    (table,) = parse_paragraph(body_samples.TABLE).blocks
    assert isinstance(table, Table)
    assert table.caption == (Text("Cases of trafficking in persons reported, 2003-2006"),)
    assert table.header == (
        (Cell((Text("Region"),)), Cell((Text("Cases reported"),), colspan=2)),
        (Cell(()), Cell((Text("2003"),)), Cell((Text("2004-2006"),))),
    )
    assert [c.children for c in table.body[0]] == [
        (Text("Africa"),),
        (Text("1,234"),),
        (Text("2,870"),),
    ]
    assert len(table.body) == 3
    assert table.notes == (
        (Text("A dash (-) means that none were reported."),),
        (Text("Two dots (..) mean that the figure was not available."),),
    )
    assert table.source == (Text("Replies to the questionnaire."),)


def test_a_table_may_follow_the_lead_in_and_a_cell_may_hold_marks():
    parsed = parse_paragraph(
        "As the table shows:\nTable: Cases\n| *Kind* | Cases |\n|---|---|\n"
        "| **Total** | 12[^Estimate.] |\n| A \\| B | 3 |"
    )
    assert parsed.lead == (Text("As the table shows:"),)
    (table,) = parsed.tables
    assert table.body[0] == (
        Cell((Strong((Text("Total"),)),)),
        Cell((Text("12"), Footnote((Text("Estimate."),)))),
    )
    assert table.body[1][0] == Cell((Text("A | B"),))


def test_a_footnote_may_open_with_a_bare_list_and_go_on_in_free_text():
    parsed = parse_paragraph(body_samples.FOOTNOTE)
    assert parsed.lead[1] == Footnote(
        (Reference(RefKind.NAMES, "ratified"), Text(" See also the recommendations in annex I."))
    )
    after_sentence = parse_paragraph("Text.[^As reported. {names:units}]")
    assert Reference(RefKind.NAMES, "units") in after_sentence.lead[1].children


def test_references_are_found_in_items_bullets_and_tables():
    parsed = parse_paragraph(
        "Lead {list:a}:\n(a) x {fn:b};\n    (i) y {count:c};\n    - z {list:d}\n"
        "Table: T {list:e}\n| h |\n|---|\n| 1{fn:f} |\nSource: {list:g}."
    )
    assert [ref.key for ref in references(parsed)] == ["a", "b", "c", "d", "e", "f", "g"]


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        ("**open bold", "Bold opened here is never closed with **", 1, 1),
        ("Lead:\n(a) x;\n    (ii) y.", "(ii) is out of order: expected (i) under (a)", 3, 5),
        ("Lead:\n(a) x;\n (i) y;\n (iii) z.", "expected (ii) under (a), or (b)", 4, 2),
        ("Lead:\n(ii) y.", "(ii) stands under a lettered sub-paragraph", 2, 1),
        ("Lead:\n(a)\n(b) y.", "Sub-paragraph (a) is empty", 2, 1),
        ("Lead:\n-\nmore", "An empty bullet", 2, 1),
        ("Lead:\n| a | b |", "write the caption line", 2, 1),
        ("Table: T\nnot a row", "come the table's rows", 2, 1),
        ("Table: T", "has no rows under it", 1, 1),
        ("Table:", "needs its caption", 1, 1),
        ("Table: T\n| a | b |\n| 1 | 2 |", "needs a line of dashes", 1, 1),
        ("Table: T\n| a | b |\n|---|---|", "no body rows", 1, 1),
        ("Table: T\n| a | b |\n|---|---|\n| 1 |", "This row has 1 column; the table's", 4, 1),
        ("Table: T\n| a | b |\n|---|---|\n| < | 2 |", "the first cell has none", 4, 3),
        ("Table: T\n| a |\n|---|\n| 1 |\nMore text.", "Text after a table's rows", 5, 1),
        ("Table: T\n| a |\n|---|\n| 1 |\nSource: S.\nNote: N.", "Notes come before", 6, 1),
        ("Table: T\n| a |\n|---|\n| *1 |", "never closed with *", 4, 3),
        ("A {names:x} list", "stands inside a free footnote", 1, 3),
        ("A[^see {names:x}]", "inside a sentence use {list:", 1, 8),
        ("A[^{names:replies}]", "not available", 1, 4),
    ],
)
def test_body_markup_errors_say_what_and_where(text, message, line, column):
    with pytest.raises(MarkupError) as caught:
        parse_paragraph(text)
    assert message in caught.value.message
    assert (caught.value.line, caught.value.column) == (line, column)


def _docstring_examples() -> list[str]:
    """The literal blocks (after ``::``) of reports.markup's docstring."""
    import textwrap

    import reports.markup

    lines = (reports.markup.__doc__ or "").split("\n")
    examples, current, inside = [], [], False
    for line in lines:
        if inside and (not line.strip() or line.startswith(" " * 8)):
            current.append(line)
            continue
        if inside:
            examples.append(textwrap.dedent("\n".join(current)).strip("\n"))
            current, inside = [], False
        if line.rstrip().endswith("::"):
            inside = True
    return examples


def test_the_docstring_examples_parse_into_what_they_describe():
    """The editor's help page and the demo background paper are written from the docstring."""
    examples = _docstring_examples()
    kinds = []
    for example in examples:
        parsed = parse_paragraph(example)
        kinds.append(
            [block.kind if isinstance(block, ItemList) else "table" for block in parsed.blocks]
        )
    assert kinds == [[ListKind.LETTER], [ListKind.LETTER], [ListKind.BULLET], ["table"]]
    table = parse_paragraph(examples[3]).tables[0]
    assert (len(table.header), len(table.body), len(table.notes)) == (2, 2, 1)
