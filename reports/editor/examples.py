"""The markup help beside the editor: what an editor types and what it prints, by example.

Written for report editors, not programmers. Every example is parsed by the real parser in the
tests (``tests/reports/editor/test_markup_help.py``), so the help never shows a construct the
markup does not accept. "Prints" is written out by hand in the HTML the preview uses, with the
members of the sets of the demo report.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Example:
    title: str
    explanation: str
    typed: str
    prints: str  # HTML, written here (never user input)


EXAMPLES: tuple[Example, ...] = (
    Example(
        "Italic and bold",
        "Asterisks around words set them in italics; two asterisks in bold. Nothing is set in "
        "italics unless you mark it: titles of conventions and protocols print in roman, as UN "
        "style wants.",
        "States stressed **prevention through education**, as the *travaux préparatoires* of "
        "the Protocol foresaw.",
        "States stressed <strong>prevention through education</strong>, as the <em>travaux "
        "préparatoires</em> of the Protocol foresaw.",
    ),
    Example(
        "A footnote listing who said it",
        "{fn:key} makes a footnote that lists the members of an attribution set (see Coding), "
        "in UN style: a capital, no “the”, a full stop. The list follows the set: add or remove "
        "a State in Coding and every footnote citing the set changes.",
        "Several States had set up specialized police units.{fn:police-units}",
        "Several States had set up specialized police units.<sup>3</sup><br><small>³ Belarus, "
        "Bulgaria and Niger.</small>",
    ),
    Example(
        "A footnote you write out",
        "[^ … ] makes a footnote with your own text. It may name a set with {list:key} or "
        "{count:key}, but it cannot hold another footnote.",
        "The Protocol entered into force in 2003.[^General Assembly resolution 55/25, annex II.]",
        "The Protocol entered into force in 2003.<sup>4</sup><br><small>⁴ General Assembly "
        "resolution 55/25, annex II.</small>",
    ),
    Example(
        "A footnote that lists, then adds a remark",
        "{names:key} at the start of a footnote you write prints the set as a footnote list "
        "does; your text follows it.",
        "Some States train judges.[^{names:training} See also the recommendations in annex I.]",
        "Some States train judges.<sup>5</sup><br><small>⁵ Belarus and Latvia. See also the "
        "recommendations in annex I.</small>",
    ),
    Example(
        "Who said it, inside the sentence",
        "{list:key} names the members in the sentence (“the Niger”, with “the” where a name "
        "takes it); {count:key} says how many, by kind. {list:replies} and {count:replies} name "
        "every respondent whose reply the report is based on.",
        "Replies were received from {count:replies}: {list:replies}.",
        "Replies were received from 25 States and one regional organization: Austria, Belarus, "
        "…, Viet Nam and the European Union.",
    ),
    Example(
        "Sub-paragraphs (a), (b) and nested items (i), (ii)",
        "Start a line with (a), (b), (c) … in order; under a lettered item, (i), (ii), (iii) … "
        "in order. Lines before the first (a) are the lead-in. Indent a nested item where the "
        "label could be read either way, such as (i) after (h).",
        "Respondents cited three obstacles:\n"
        "(a) The offence was new, in particular:\n"
        "    (i) Courts had little case law;\n"
        "    (ii) Prosecutors were not trained;\n"
        "(b) Statistics were missing; and\n"
        "(c) Victims rarely came forward.",
        "Respondents cited three obstacles:<br>(a)&emsp;The offence was new, in particular:<br>"
        "&emsp;&emsp;(i)&emsp;Courts had little case law;<br>&emsp;&emsp;(ii)&emsp;Prosecutors "
        "were not trained;<br>(b)&emsp;Statistics were missing; and<br>(c)&emsp;Victims rarely "
        "came forward.",
    ),
    Example(
        "Bulleted lists",
        "Start each line with a hyphen and a space. A list may follow the lead-in or stand "
        "inside a sub-paragraph.",
        "The framework rests on three principles:\n"
        "- respect for the human rights of victims;\n"
        "- cooperation between States; and\n"
        "- evidence-based policy.",
        "The framework rests on three principles:<br>•&emsp;respect for the human rights of "
        "victims;<br>•&emsp;cooperation between States; and<br>•&emsp;evidence-based policy.",
    ),
    Example(
        "Tables",
        "A caption line “Table:”, then one line per row with cells between | bars. A line of "
        "dashes |---| ends the header rows, which repeat at the top of each page the table runs "
        "onto. A cell written < joins the cell on its left. Figures align right: write "
        "thousands with commas (1,234); a range 2003-2006 prints with an en dash; - means none, "
        ".. not available. Notes and the source go under the table. Tables are numbered "
        "“Table 1”, “Table 2” … in order; a paragraph holding only a table has no number.",
        "Table: Cases of trafficking in persons reported, 2003-2006\n"
        "| Region | Cases |\n"
        "|---|---|\n"
        "| Africa | 1,234 |\n"
        "| Europe | 560 |\n"
        "Note: A dash (-) means that none were reported.\n"
        "Source: Replies to the questionnaire.",
        "<b>Table 1</b><br><b>Cases of trafficking in persons reported, 2003–2006</b><br>"
        "Region … Cases<br>Africa … 1,234<br>Europe … 560<br><small><i>Note:</i> A dash (–) "
        "means that none were reported.<br><i>Source:</i> Replies to the questionnaire.</small>",
    ),
    Example(
        "Quotation marks, dashes and spaces",
        "Type plain quotes, apostrophes and hyphens: the print sets typographic quotation marks "
        "and apostrophes, an en dash between figures, and no-break spaces that keep “paragraph "
        "3”, “annex I”, “15 December 2007” and “5 per cent” on one line. Your text is stored as "
        "you typed it.",
        'The Council\'s "Global Plan" (paragraphs 3-5) was adopted on 15 December 2007.',
        "The Council’s “Global Plan” (paragraphs 3–5) was adopted on 15&nbsp;December&nbsp;2007.",
    ),
    Example(
        "Writing a mark as text",
        "A backslash before a mark prints the mark itself: \\* \\[ \\{ \\| \\\\. At the start "
        "of a line, \\- or \\(a) keep the line as ordinary text.",
        "Rates rose by 5 \\* 2 points \\{estimated\\}.",
        "Rates rose by 5 * 2 points {estimated}.",
    ),
)


MISTAKES = (
    "A mistake is shown under the paragraph with the line and column where it is, e.g. "
    "“Line 2, column 5: Sub-paragraph (c) is out of order: expected (b).” The paragraph is "
    "saved as typed, the preview shows the problem in place, and no build is made until it is "
    "corrected: a paragraph with a mistake never prints in part."
)
