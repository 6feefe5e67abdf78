"""The paragraph markup parser: pure Python, no database."""

from __future__ import annotations

import pytest

from reports.markup import (
    Emphasis,
    Footnote,
    MarkupError,
    ParsedParagraph,
    Reference,
    RefKind,
    SubParagraph,
    Text,
    parse_paragraph,
    references,
)


def test_plain_text_is_one_text_node():
    assert parse_paragraph("Respondents stressed the point.") == ParsedParagraph(
        lead=(Text("Respondents stressed the point."),)
    )


def test_emphasis_free_footnote_and_references_are_parsed_in_order():
    parsed = parse_paragraph("See *the Protocol*[^Adopted in 2000.] and {list:units}{fn:units}.")
    assert parsed.lead == (
        Text("See "),
        Emphasis((Text("the Protocol"),)),
        Footnote((Text("Adopted in 2000."),)),
        Text(" and "),
        Reference(RefKind.LIST, "units"),
        Reference(RefKind.FOOTNOTE, "units"),
        Text("."),
    )


def test_count_reference_and_reserved_replies_key():
    parsed = parse_paragraph("Replies came from {count:replies}: {list:replies}.")
    assert references(parsed) == [
        Reference(RefKind.COUNT, "replies"),
        Reference(RefKind.LIST, "replies"),
    ]


def test_a_free_footnote_may_hold_emphasis_and_an_in_text_list():
    parsed = parse_paragraph("Text.[^As reported by {list:units}, see *Annex*.]")
    footnote = parsed.lead[1]
    assert isinstance(footnote, Footnote)
    assert Reference(RefKind.LIST, "units") in footnote.children
    assert Emphasis((Text("Annex"),)) in footnote.children


def test_lettered_lines_become_sub_paragraphs_after_the_lead_in():
    parsed = parse_paragraph(
        "This was due in part to the fact that:\n"
        "(a) the offence was new;\n"
        "(b) codification had not\n   advanced; or\n"
        "(c) statistics were missing{fn:stats}."
    )
    assert parsed.lead == (Text("This was due in part to the fact that:"),)
    assert [item.label for item in parsed.items] == ["a", "b", "c"]
    assert parsed.items[1] == SubParagraph("b", (Text("codification had not advanced; or"),))
    assert parsed.items[2].children[-2] == Reference(RefKind.FOOTNOTE, "stats")


def test_html_is_kept_as_text_never_as_markup():
    parsed = parse_paragraph("<script>alert(1)</script> & <b>bold</b>")
    assert parsed.lead == (Text("<script>alert(1)</script> & <b>bold</b>"),)


def test_backslash_escapes_the_marks():
    parsed = parse_paragraph(r"5 \* 3 \[^not a note] \{fn:x\} \\ done")
    assert parsed.lead == (Text(r"5 * 3 [^not a note] {fn:x} \ done"),)


def test_a_lone_bracket_or_caret_is_plain_text():
    assert parse_paragraph("a [b] ^c").lead == (Text("a [b] ^c"),)


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        ("An *open emphasis", "never closed with *", 1, 4),
        ("Note[^never closed", "never closed with ]", 1, 5),
        ("Empty ** here", "Empty emphasis", 1, 7),
        ("Empty [^ ] note", "Empty footnote", 1, 7),
        ("A {bad} brace", "reference such as", 1, 3),
        ("A {ref:key} kind", "Unknown reference {ref", 1, 3),
        ("A {fn:Bad_Key} key", "is not a key", 1, 3),
        ("Stray } brace", "closing brace", 1, 7),
        ("Note[^inner [^nested] note]", "cannot contain another footnote", 1, 13),
        ("Note[^a {fn:units} b]", "cannot stand inside a footnote", 1, 9),
        ("Trailing \\", "nothing to escape", 1, 10),
        ("Lead:\n(a) one;\n(c) three.", "(c) is out of order: expected (b)", 3, 1),
        ("Lead:\n(a) one;\n(b) an *open\none.", "never closed with *", 3, 8),
        ("{fn:replies}", "not available", 1, 1),
        ("*a [^b *c* d] e*", "cannot be nested", 1, 8),
    ],
)
def test_markup_errors_say_what_and_where(text, message, line, column):
    with pytest.raises(MarkupError) as caught:
        parse_paragraph(text)
    assert message in caught.value.message
    assert (caught.value.line, caught.value.column) == (line, column)
    assert str(caught.value).startswith(f"Line {line}, column {column}: ")


def test_a_non_text_paragraph_is_a_markup_error():
    with pytest.raises(MarkupError):
        parse_paragraph(None)  # type: ignore[arg-type]
