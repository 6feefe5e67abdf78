"""The demo's second document: a background paper for an expert group on trafficking in persons,
compiled by Verbale from a 2008 questionnaire that States, United Nations entities,
intergovernmental organizations and non-governmental organizations answered.

It shows the document model the first demo report does not use: a document without a symbol
(its short title runs in the header), an unnumbered introduction, level-3 headings, key phrases
in bold, a table summed from the replies' statistical tables, an annex of numbered
recommendations with sub-items, a framework annex with bullets and a typed table, the annex of
respondents as comma-separated runs with notes, Palestine listed as the observer entity it was
in 2009, and a set cited from publications rather than replies.

The replies, their figures and every sentence are written for the demo: they illustrate the
portal and are not what any State or organization reported.  Idempotent: loading it again
creates nothing twice.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

from reports.coding import services as coding
from reports.editor import services as editor
from reports.models import Report, Section
from surveys.models import Question, Questionnaire, Respondent

from . import data as demo_data

D = datetime.date
SHORT_TITLE = "Trafficking in persons: background paper"
NOTE_VERBALE, EMAIL = demo_data.NOTE_VERBALE, demo_data.EMAIL

QUESTIONNAIRE = {
    **demo_data.QUESTIONNAIRE,
    "title": "Questionnaire for the expert group meeting on trafficking in persons (2009)",
    "reference": "CU 2008/187",
    "sent_on": D(2008, 10, 1),
    "deadline": D(2008, 12, 1),
    "cutoff": D(2009, 1, 15),
}


def _cases(*rows: tuple[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    return dict(rows)


# code → (received, channel, answers by question number), as in ``data.REPLIES``.
REPLIES: dict[str, tuple[datetime.date, str, dict[str, Any]]] = {
    "ARG": (
        D(2008, 11, 20),
        NOTE_VERBALE,
        {
            "1": "yes",
            "5": _cases(
                ("2006", {"investigated": 41, "arrested": 30, "prosecuted": 18}),
                ("2007", {"investigated": 64, "arrested": 52, "prosecuted": 25, "convicted": 6}),
            ),
            "10": ["public", "hotline"],
            "12": ["shelter", "legal_aid", "psychological"],
            "14": "yes",
        },
    ),
    "AUT": (
        D(2008, 11, 25),
        EMAIL,
        {
            "1": "yes",
            "5": _cases(
                ("2005", {"investigated": 120, "prosecuted": 38, "convicted": 15}),
                ("2006", {"investigated": 134, "prosecuted": 41, "convicted": 19}),
                ("2007", {"investigated": 151, "prosecuted": 45, "convicted": 22}),
            ),
            "10": ["public", "schools"],
            "12": ["shelter", "legal_aid", "residence", "protection_law"],
            "14": "yes",
        },
    ),
    "BRA": (
        D(2008, 12, 2),
        NOTE_VERBALE,
        {"1": "yes", "10": ["public", "hotline"], "12": ["shelter", "repatriation"], "14": "yes"},
    ),
    "EGY": (
        D(2008, 12, 10),
        NOTE_VERBALE,
        {"1": "yes", "10": ["public"], "12": ["shelter", "psychological"], "14": "yes"},
    ),
    "ITA": (
        D(2008, 11, 28),
        EMAIL,
        {
            "1": "yes",
            "5": _cases(
                ("2006", {"investigated": 210, "arrested": 162, "prosecuted": 140}),
                ("2007", {"investigated": 1250, "arrested": 190, "prosecuted": 151}),
            ),
            "12": ["shelter", "legal_aid", "psychological", "residence"],
            "14": "yes",
        },
    ),
    "NGA": (
        D(2008, 12, 5),
        NOTE_VERBALE,
        {"1": "yes", "10": ["public", "schools"], "12": ["shelter", "repatriation"], "14": "yes"},
    ),
    "PHL": (
        D(2008, 11, 14),
        NOTE_VERBALE,
        {
            "1": "yes",
            "5": _cases(("2007", {"investigated": 88, "prosecuted": 29, "convicted": 9})),
            "10": ["public", "hotline"],
            "12": ["shelter", "legal_aid", "repatriation"],
            "14": "yes",
        },
    ),
    "SWE": (
        D(2008, 11, 12),
        EMAIL,
        {
            "1": "yes",
            "5": _cases(
                ("2005", {"investigated": 27, "prosecuted": 9, "convicted": 6}),
                ("2006", {"investigated": 31, "prosecuted": 11, "convicted": 7}),
                ("2007", {"investigated": 35, "prosecuted": 12, "convicted": 8}),
            ),
            "10": ["public"],
            "12": ["legal_aid", "psychological", "residence", "protection_law"],
            "14": "yes",
        },
    ),
    "THA": (
        D(2008, 12, 8),
        NOTE_VERBALE,
        {
            "1": "no",
            "1 (a)": "in_progress",
            "5": _cases(("2007", {"investigated": 96, "arrested": 70})),
            "10": ["public", "hotline"],
            "12": ["shelter", "repatriation"],
            "14": "yes",
        },
    ),
    "PSE": (
        D(2008, 12, 18),
        NOTE_VERBALE,
        {"10": ["public"], "12": ["psychological"], "14": "no"},
    ),
    "UNODC": (
        D(2008, 11, 3),
        EMAIL,
        {"16": "The Office supports States in drafting laws and training practitioners."},
    ),
    "UNICEF": (
        D(2008, 11, 21),
        EMAIL,
        {
            "12": ["shelter", "psychological"],
            "16": "Child protection systems are strengthened in over 40 countries.",
        },
    ),
    "ILO": (
        D(2008, 12, 1),
        EMAIL,
        {"11": "Labour inspectors are trained to recognize forced labour and trafficking."},
    ),
    "IOM": (
        D(2008, 11, 18),
        EMAIL,
        {
            "12": ["shelter", "legal_aid", "repatriation"],
            "16": "Assisted voluntary return is offered to victims in 85 countries.",
        },
    ),
    "EUROJUST": (
        D(2008, 12, 12),
        EMAIL,
        {"16": "Coordination meetings bring together prosecutors of the States concerned."},
    ),
    "OSCE": (
        D(2008, 12, 3),
        EMAIL,
        {"16": "A national referral mechanism handbook guides participating States."},
    ),
    "AU": (
        D(2009, 1, 9),
        NOTE_VERBALE,
        {"16": "A continental action plan on trafficking, adopted in 2006, guides member States."},
    ),
    "LA-STRADA": (
        D(2008, 11, 30),
        EMAIL,
        {
            "11": "Helplines run by member organizations answer calls from people who fear they "
            "have been deceived about work abroad.",
            "12": ["shelter", "legal_aid", "psychological"],
        },
    ),
    "ANTI-SLAVERY": (
        D(2008, 12, 15),
        EMAIL,
        {
            "11": "Research with survivors informs the advice given to domestic workers before "
            "they migrate.",
            "12": ["legal_aid"],
        },
    ),
    "GAATW": (
        D(2009, 1, 12),
        EMAIL,
        {"11": "Member organizations train migrant women to know and claim their rights."},
    ),
}

STATES = frozenset({"ARG", "AUT", "BRA", "EGY", "ITA", "NGA", "PHL", "SWE", "THA"})
# Question 2 (offences and penalties) must be answered: States describe their law in a line,
# the others say it does not apply to them.
for _code, (_, _, _answers) in REPLIES.items():
    _answers.setdefault(
        "2",
        "Trafficking in persons is a specific offence under the criminal law."
        if _code in STATES
        else ("not_applicable",),
    )

ANNEX_NOTES = {
    "AU": "on behalf of its 53 member States",
    "LA-STRADA": "Netherlands",
    "ANTI-SLAVERY": "United Kingdom of Great Britain and Northern Ireland",
    "GAATW": "Thailand",
}

# key → (statement, rule (question number, op, values) or None, passages (code, question,
# words), members cited from another source, that source)
SETS: dict[str, tuple[str, tuple[str, str, list[str]] | None, list, list[str], str]] = {
    "ratified": ("had ratified the Protocol", ("1", "equals", ["yes"]), [], [], ""),
    "shelters": ("offered shelter to victims", ("12", "includes_any", ["shelter"]), [], [], ""),
    "legal-aid": ("offered legal aid", ("12", "includes_any", ["legal_aid"]), [], [], ""),
    "hotlines": ("ran telephone hotlines", ("10", "includes_any", ["hotline"]), [], [], ""),
    "coordination": ("had a coordination mechanism", ("14", "equals", ["yes"]), [], [], ""),
    "return": (
        "helped victims return home",
        ("12", "includes_any", ["repatriation"]),
        [],
        [],
        "",
    ),
    "ngo-outreach": (
        "reached people at risk before they migrate",
        None,
        [
            ("LA-STRADA", "11", "Helplines run by member organizations"),
            ("ANTI-SLAVERY", "11", "Research with survivors informs the advice"),
            ("GAATW", "11", "train migrant women to know and claim their rights"),
        ],
        [],
        "",
    ),
    "icat": (
        "are members of the Inter-Agency Coordination Group against Trafficking in Persons",
        None,
        [],
        ["UNODC", "UNICEF", "ILO", "IOM", "OHCHR", "UNHCR"],
        "publications of the Inter-Agency Coordination Group against Trafficking in Persons",
    ),
}

# (title, numbered, blocks, subsections); a block is (kind, text), for a table (kind, caption,
# question number).
PLAIN, TEXT, HEADING3, TABLE = "plain", "text", "heading3", "table"
BODY: list[tuple[str, bool, list[tuple[str, ...]], list[tuple[str, list[tuple[str, ...]]]]]] = [
    (
        "Introduction",
        False,
        [
            (
                PLAIN,
                "The Secretariat prepared this paper for the expert group meeting on trafficking "
                "in persons to be held in Vienna in April 2009. It rests on the replies to a "
                "questionnaire sent on 1 October 2008 to States, to entities of the United "
                "Nations system, to intergovernmental organizations and to non-governmental "
                "organizations working against trafficking.",
            ),
            (
                PLAIN,
                "By 15 January 2009, replies had come from {count:replies}. They are listed in "
                "annex III. The paper groups what they said under three headings and ends with "
                "recommendations for the expert group to consider (annex I).",
            ),
        ],
        [],
    ),
    (
        "Legal and institutional framework",
        True,
        [
            (
                TEXT,
                "Of the States that replied, {list:ratified} said that they were parties to the "
                "Protocol.{fn:ratified} Respondents agreed that **a specific offence of "
                "trafficking in persons** is the starting point of any national response.",
            ),
        ],
        [
            (
                "Coordination",
                [
                    (HEADING3, "National mechanisms"),
                    (
                        TEXT,
                        "{count:coordination} reported a body that brings together the "
                        "ministries, law enforcement agencies and civil society concerned."
                        "{fn:coordination}",
                    ),
                    (HEADING3, "Cooperation among organizations"),
                    (
                        TEXT,
                        "Several organizations coordinate their work within the Inter-Agency "
                        "Coordination Group against Trafficking in Persons, whose members are "
                        "{list:icat}.{fn:icat}",
                    ),
                ],
            ),
        ],
    ),
    (
        "Data on cases",
        True,
        [
            (
                TEXT,
                "Nine States keep statistics of cases, and six of them sent figures by year. "
                "Table 1 sums them cell by cell; **a cell no respondent filled in is not a "
                "zero**, and the figures are not comparable from one country to another, as "
                "definitions and counting rules differ.",
            ),
            (TABLE, "Cases of trafficking in persons reported by respondents, 2005–2007", "5"),
        ],
        [],
    ),
    (
        "Assistance and protection",
        True,
        [
            (
                TEXT,
                "Shelter for victims was offered in {count:shelters},{fn:shelters} and legal aid "
                "in {count:legal-aid}.[^{names:legal-aid} See also recommendation 3 in annex I.]",
            ),
            (
                TEXT,
                "Non-governmental organizations stressed **prevention before departure**: "
                "{list:ngo-outreach} reach people at risk before they migrate.",
            ),
            (
                TEXT,
                "Help to return home safely was reported by {list:return}. Respondents named "
                "three conditions for a safe return:\n"
                "(a) A risk assessment before the journey;\n"
                "(b) Contact with services in the country of origin, including:\n"
                "    (i) Social services;\n"
                "    (ii) Non-governmental organizations;\n"
                "(c) Follow-up after arrival.",
            ),
            (
                PLAIN,
                "The expert group may wish to consider these findings together with the "
                "recommendations in annex I.",
            ),
        ],
        [],
    ),
]

RECOMMENDATIONS: list[tuple[str, list[tuple[str, ...]]]] = [
    (
        "",
        [
            (PLAIN, "The Secretariat offers the following recommendations for discussion."),
            (
                TEXT,
                "States that have not done so should make trafficking in persons a specific "
                "criminal offence covering all forms of exploitation.",
            ),
            (
                TEXT,
                "States should collect data on cases:\n"
                "(a) By year, from investigation to conviction;\n"
                "(b) By sex and age of the victims; and\n"
                "(c) By form of exploitation.",
            ),
        ],
    ),
    (
        "Protection of victims",
        [
            (
                TEXT,
                "States should give victims access to **free legal aid** and to shelter, "
                "whatever their cooperation with the authorities.",
            ),
            (
                TEXT,
                "Organizations should share their training material through the Inter-Agency "
                "Coordination Group.",
            ),
        ],
    ),
]

FRAMEWORK: list[tuple[str, ...]] = [
    (
        PLAIN,
        "A shared framework for data on trafficking in persons rests on four principles:\n"
        "- data protect the identity of victims;\n"
        "- definitions follow the Protocol;\n"
        "- figures are published with their sources; and\n"
        "- gaps are stated, never filled with estimates presented as counts.",
    ),
    (
        PLAIN,
        "The framework distinguishes three levels of data:\n"
        "Table: Levels of data on trafficking in persons\n"
        "| Level | Unit counted | Collected by |\n"
        "|---|---|---|\n"
        "| Cases | Investigations opened | Police |\n"
        "| Proceedings | Persons prosecuted | Prosecution services |\n"
        "| Outcomes | Persons convicted | Courts |\n"
        "Source: Prepared by the Secretariat.",
    ),
]


@transaction.atomic
def load_demo_paper(questionnaire: Questionnaire) -> Report:
    """The background paper on the 2008 questionnaire (``QUESTIONNAIRE``, filed with
    ``REPLIES`` by ``reports.demo.cycle``), with its coding."""
    existing = Report.objects.filter(short_title=SHORT_TITLE, symbol="").first()
    if existing is not None:
        return existing
    return _paper(questionnaire)


def _blocks(
    section: Section, blocks: list[tuple[str, ...]], questions: dict[str, Question]
) -> None:
    for kind, text, *question in blocks:
        editor.add_paragraph(
            section=section,
            kind=kind,
            text=text,
            question_id=questions[question[0]].pk if question else None,
        )


def _paper(questionnaire: Questionnaire) -> Report:
    report = editor.create_report(
        document_type=Report.DocumentType.BACKGROUND_PAPER,
        symbol="",
        short_title=SHORT_TITLE,
        date=D(2009, 3, 16),
        organ=Report.Organ.ECOSOC,
        subsidiary_body="Commission on Crime Prevention and Criminal Justice",
        session="Expert group meeting on trafficking in persons",
        place_and_dates="Vienna, 20–22 April 2009",
        distribution=Report.Distribution.LIMITED,
        title="Responses to trafficking in persons reported by States and organizations",
        subtitle="Background paper prepared by the Secretariat",
        summary=(
            "This paper summarizes the replies of {count:replies} to a questionnaire on "
            "measures against trafficking in persons.\n\n"
            "It sets out **what respondents do**, the figures they reported, and "
            "recommendations for the expert group."
        ),
        questionnaire_ids=[questionnaire.pk],
    )
    questions = {q.number: q for q in Question.objects.filter(section__questionnaire=questionnaire)}
    for title, numbered, blocks, subsections in BODY:
        section = editor.add_section(report=report, title=title, numbered=numbered)
        _blocks(section, blocks, questions)
        for sub_title, sub_blocks in subsections:
            sub = editor.add_section(report=report, title=sub_title, parent=section)
            _blocks(sub, sub_blocks, questions)
    annex = editor.add_section(
        report=report,
        title="Recommendations",
        kind=Section.Kind.ANNEX,
        numbering=Section.Numbering.RECOMMENDATIONS,
    )
    for sub_title, blocks in RECOMMENDATIONS:
        target = (
            annex
            if not sub_title
            else editor.add_section(report=report, title=sub_title, parent=annex)
        )
        _blocks(target, blocks, questions)
    framework = editor.add_section(
        report=report, title="A framework for data on trafficking in persons", kind="annex"
    )
    _blocks(framework, FRAMEWORK, questions)
    editor.add_section(
        report=report,
        title="States and organizations that replied",
        kind=Section.Kind.ANNEX,
        generated=Section.Generated.RESPONDENTS,
        respondents_layout=Section.RespondentsLayout.RUNS,
    )
    codes = dict(Respondent.objects.values_list("code", "pk"))
    for code, note in ANNEX_NOTES.items():
        editor.set_annex_note(report=report, respondent_id=codes[code], note=note)
    _coding(report, questionnaire, questions, codes)
    return report


def _coding(
    report: Report,
    questionnaire: Questionnaire,
    questions: dict[str, Question],
    codes: dict[str, int],
) -> None:
    from .report import _file

    replies = {r.respondent.code: r for r in questionnaire.replies.select_related("respondent")}
    for key, (statement, rule, passages, others, source) in SETS.items():
        wanted = None
        if rule is not None:
            number, op, values = rule
            wanted = {"question": questions[number].pk, "op": op}
            if op == "includes_any":
                wanted["values"] = values
            else:
                wanted["value"] = values[0]
        attribution_set = coding.create_set(
            report=report,
            key=key,
            statement=statement,
            rule=wanted,
            respondent_ids=[codes[c] for c in others],
            source=source,
        )
        for code, number, words in passages:
            _file(report, attribution_set, replies[code], questions[number], words)
