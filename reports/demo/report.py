"""The demo report: a draft on the demo 2007 questionnaire, in our own words, and its coding.

Its structure and its facts (dates, symbols, who said what in the footnotes) follow the 2008
report of this series; none of its sentences does.  Every attribution set is coded from the demo
replies: sets over structured questions are rule-based (question 1 = yes, 3 includes the
Optional Protocol, 4 = yes, 10 and 12 include a choice), the others hold passages quoted from
the answers, found in them by :func:`find_passage`.  Latvia, which the 2008 report describes
in footnotes 1, 5 and 10 and in paragraphs 62–64 and 68, replied: its reply is in the demo, so
the generated paragraph of replies includes it by construction (the reference's paragraph 3
left it out) and its sets take it from the reply.  The slip the consistency report shows instead
is one a drafter really makes: Mexico is cited for the provision defining the offence from its
reply of 6 February 2008, which arrived after the cut-off and is not in the report (a member
without a reply, to acknowledge or fix before building).  Idempotent: loading it again creates
nothing twice.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from reports.coding import selectors as coding_selectors
from reports.coding import services as coding
from reports.editor import services as editor
from reports.models import AttributionSet, Paragraph, Report, Section, Theme
from surveys.models import Question, Questionnaire, Reply, Respondent

DEMO_SYMBOL = "E/CN.15/2008/9"
DEMO_QUESTIONNAIRE_REFERENCE = "CU 2007/212"

# Subsection titles (the themes the sets are grouped under).
LEGISLATION = "Ratification and legislation"
ENFORCEMENT = "Enforcement"
PREVENTION = "Prevention and awareness-raising"
ASSISTANCE = "Assistance to and protection of victims"
COORDINATION = "National coordination mechanisms"
COOPERATION = "International cooperation"

# key → (theme, statement, rule over a question number or None, passages (respondent, question
# number, words of the answer), manual members (respondent, note)).
Rule = tuple[str, str, list[str]]
SetSpec = tuple[str, str, Rule | None, list[tuple[str, str, str]], list[tuple[str, str]]]

LATE_MEXICO = (
    "From Mexico's reply of 6 February 2008 (federal law adopted in November 2007), received "
    "after the cut-off."
)


SETS: dict[str, SetSpec] = {
    "ratified": (
        LEGISLATION,
        "had ratified the Trafficking in Persons Protocol",
        ("1", "equals", ["yes"]),
        [],
        [],
    ),
    "drafting-laws": (
        LEGISLATION,
        "were still drafting specific legislation",
        None,
        [
            (
                "EST",
                "2",
                "drafting of a specific offence of trafficking in persons is not yet complete",
            ),
            ("JOR", "2", "specific legislation has not yet been adopted"),
            ("NER", "2", "a specific law against trafficking in persons is still being drafted"),
            ("OMN", "2", "specific legislation is not yet in force"),
        ],
        [],
    ),
    "ratifying": (
        LEGISLATION,
        "were in the process of ratification",
        None,
        [("LIE", "2", "Liechtenstein is in the process of ratifying the Protocol.")],
        [],
    ),
    "offence-without-ratification": (
        LEGISLATION,
        "made trafficking an offence before ratifying",
        None,
        [
            ("CZE", "2", "its Criminal Code defines the offence of trafficking in persons"),
            (
                "JPN",
                "2",
                (
                    "the Penal Code was amended in 2005 to create the crime of "
                    "buying or selling of "
                    "human beings"
                ),
            ),
        ],
        [],
    ),
    "offence-defined": (
        LEGISLATION,
        "cited the provisions that define the offence",
        None,
        [
            ("GRC", "2", "Trafficking in persons is an offence under Law 3064/2002."),
            (
                "HUN",
                "2",
                (
                    "Trafficking in human beings is an offence under section 175/B of the Criminal "
                    "Code."
                ),
            ),
            ("MMR", "2", "The Anti-Trafficking in Persons Law was adopted in 2005."),
            (
                "NLD",
                "2",
                (
                    "Trafficking in human beings is an offence under article 273f of the Criminal "
                    "Code."
                ),
            ),
            ("PHL", "2", "The Anti-Trafficking in Persons Act of 2003 (Republic Act No. 9208)."),
            (
                "POL",
                "2",
                "Trafficking in persons is an offence under article 253 of the Penal Code.",
            ),
            ("ROU", "2", "Law 678/2001 on preventing and combating trafficking in persons."),
            (
                "SVN",
                "2",
                "Article 387a of the Criminal Code penalizes trafficking in human beings.",
            ),
        ],
        [("MEX", LATE_MEXICO)],
    ),
    "penalties": (
        LEGISLATION,
        "reported on penalties",
        None,
        [
            (
                "BLR",
                "2",
                (
                    "Penalties range from a fine to 15 years' imprisonment with confiscation of "
                    "property in aggravated cases."
                ),
            ),
            ("BGR", "2", "penalties that increase for aggravated forms"),
            ("LVA", "2", "penalties reach 15 years' deprivation of liberty"),
        ],
        [],
    ),
    "related-offences": (
        LEGISLATION,
        "prosecuted related offences alongside trafficking",
        None,
        [
            (
                "BGR",
                "2",
                (
                    "Prosecutors often bring related charges such as document fraud and procuring "
                    "together with the trafficking charge."
                ),
            ),
            (
                "CUB",
                "2",
                (
                    "trafficking cases are prosecuted together with offences "
                    "such as pimping and the "
                    "corruption of minors"
                ),
            ),
            (
                "EST",
                "2",
                (
                    "Related offences such as pimping and aiding prostitution are prosecuted "
                    "together with those elements."
                ),
            ),
        ],
        [],
    ),
    "predicate-offence": (
        LEGISLATION,
        "treated trafficking as a predicate offence to money-laundering",
        ("4", "equals", ["yes"]),
        [],
        [],
    ),
    "optional-protocol": (
        LEGISLATION,
        "had ratified or signed the Optional Protocol on the sale of children",
        ("3", "includes_any", ["opsc"]),
        [],
        [],
    ),
    "document-security": (
        ENFORCEMENT,
        "described checks of travel documents",
        None,
        [
            (
                "BLR",
                "7",
                (
                    "Border guards scrutinize passports and other travel or identity documents to "
                    "detect falsified documents"
                ),
            ),
            ("EST", "7", "Border guards check travel documents for falsification."),
            ("JPN", "7", "The Passport Law was amended in 2005 to put an IC chip in passports"),
        ],
        [],
    ),
    "awareness-officials": (
        PREVENTION,
        "aimed awareness-raising at law enforcement, other agencies and NGOs",
        ("10", "includes_any", ["officials"]),
        [],
        [],
    ),
    "awareness-demand": (
        PREVENTION,
        "campaigned against the demand for trafficking",
        ("10", "includes_any", ["demand"]),
        [],
        [],
    ),
    "awareness-schools": (
        PREVENTION,
        "put trafficking in school curricula",
        ("10", "includes_any", ["schools"]),
        [],
        [],
    ),
    "awareness-hotline": (
        PREVENTION,
        "ran telephone hotlines",
        ("10", "includes_any", ["hotline"]),
        [],
        [],
    ),
    "protection-law": (
        ASSISTANCE,
        "had a witness protection law or a law protecting victims",
        ("12", "includes_any", ["protection_law"]),
        [],
        [],
    ),
    "shelters": (
        ASSISTANCE,
        "offered shelters, refuges, reception or consultation centres",
        ("12", "includes_any", ["shelter"]),
        [],
        [],
    ),
    "legal-psychological": (
        ASSISTANCE,
        "gave victims legal aid or psychological support",
        ("12", "includes_any", ["legal_aid", "psychological"]),
        [],
        [],
    ),
    "residence-permits": (
        ASSISTANCE,
        "let victims qualify for temporary visas or residence permits",
        ("12", "includes_any", ["residence"]),
        [],
        [],
    ),
    "repatriation": (
        ASSISTANCE,
        "helped with repatriation and rehabilitation",
        ("12", "includes_any", ["repatriation"]),
        [],
        [],
    ),
    "coordination-mechanisms": (
        COORDINATION,
        "had a specific national coordination mechanism",
        None,
        [
            ("BGR", "15", "this national coordination mechanism defines the roles of each body"),
            (
                "HRV",
                "15",
                (
                    "this national coordination mechanism also convenes agencies for specific "
                    "initiatives"
                ),
            ),
            (
                "CZE",
                "15",
                (
                    "A national rapporteur coordinates prevention as part of the national "
                    "coordination mechanism"
                ),
            ),
            (
                "SLV",
                "15",
                (
                    "is the national coordination mechanism among government bodies, local "
                    "authorities, NGOs and international organizations"
                ),
            ),
            (
                "EST",
                "15",
                (
                    "A national coordination mechanism sets out the roles of "
                    "ministries, police and "
                    "NGOs."
                ),
            ),
            (
                "LIE",
                "15",
                "this national coordination mechanism assigns responsibilities among authorities",
            ),
        ],
        [],
    ),
    "action-plans": (
        COORDINATION,
        "coordinated through a national action plan",
        None,
        [
            (
                "JPN",
                "15",
                (
                    "The national action plan covers prevention, law enforcement and support for "
                    "victims"
                ),
            ),
            ("LVA", "15", "the State programme for the elimination of trafficking in human beings"),
        ],
        [],
    ),
    "cross-border-cooperation": (
        COOPERATION,
        "described cooperation across borders",
        None,
        [
            (
                "BLR",
                "16",
                (
                    "Belarus has contributed funds to the Inter-Agency Cooperation Group against "
                    "Trafficking in Persons."
                ),
            ),
            (
                "EST",
                "7",
                "Estonia exchanges information with other countries and international agencies",
            ),
            (
                "HUN",
                "7",
                (
                    "joint investigations with Austria, Denmark, France, Germany, Italy, Norway, "
                    "Switzerland and the United Kingdom"
                ),
            ),
            (
                "LAS",
                "16",
                (
                    "In October 2007 the League held a workshop for 16 Arab "
                    "countries on a mechanism "
                    "to address trafficking in Arab legislation in line with the Protocol."
                ),
            ),
        ],
        [],
    ),
}

OUTLINE: list[tuple[str, list[str], list[tuple[str, list[str]]]]] = [
    (
        "Introduction",
        [
            "By its resolution 2006/27, the Economic and Social Council called on Member States "
            "to protect and assist victims of trafficking in persons, to take a comprehensive "
            "approach against it and to make governmental and non-governmental bodies work "
            "together, and it asked the Secretary-General to report on the matter to the "
            "Commission on Crime Prevention and Criminal Justice at its seventeenth session.",
            "Acting on that request, the Secretary-General wrote to Governments by note verbale "
            "on 12 November 2007, asking them to tell the United Nations Office on Drugs and "
            "Crime by 15 December 2007 what they had done to give effect to the resolution. "
            "This report analyses what States sent and takes account of replies that reached "
            "the Office by 24 January 2008.[^Note verbale CU 2007/212.]",
        ],
        [],
    ),
    (
        "What Member States reported",
        [
            "The Office received replies from {count:replies}: {list:replies}.",
        ],
        [
            (
                LEGISLATION,
                [
                    "Respondents saw the Protocol to Prevent, Suppress and Punish Trafficking in "
                    "Persons, Especially Women and Children as the backbone of a common "
                    "response. Many of the States that had ratified it{fn:ratified} were still "
                    "writing the laws it calls for,{fn:drafting-laws} while others were "
                    "preparing to ratify.{fn:ratifying} A few had created the offence in their "
                    "criminal law before ratifying.{fn:offence-without-ratification} Others "
                    "quoted the provisions of their criminal law that define the "
                    "offence.{fn:offence-defined}",
                    "Information on penalties{fn:penalties} showed sentences from a fine up to "
                    "15 years' imprisonment. Several respondents listed offences commonly "
                    "prosecuted together with trafficking,{fn:related-offences} and "
                    "{list:predicate-offence} said that trafficking counted as a predicate "
                    "offence for money-laundering.",
                    "Most respondents had ratified or signed the Optional Protocol to the "
                    "Convention on the Rights of the Child on the sale of children, child "
                    "prostitution and child pornography.{fn:optional-protocol}",
                ],
            ),
            (
                ENFORCEMENT,
                [
                    "# Measuring the problem",
                    "Few respondents could give reliable figures, for three reasons:\n"
                    "(a) some forms of exploitation were not yet offences;\n"
                    "(b) the law had changed too recently for statistics to exist; and\n"
                    "(c) cases were recorded under other offences.",
                    "# Measures taken",
                    "On the security of travel and identity documents, {list:document-security} "
                    "described stricter checks at borders and new passports that are harder to "
                    "forge.",
                ],
            ),
            (
                PREVENTION,
                [
                    "Campaigns for law enforcement officers, other public bodies and "
                    "non-governmental organizations were reported by {list:awareness-officials}; "
                    "{list:awareness-demand} also took aim at the demand for the services of "
                    "trafficked persons.",
                    "{list:awareness-schools} had brought the subject into school curricula, and "
                    "{list:awareness-hotline} kept telephone hotlines open to the public.",
                ],
            ),
            (
                ASSISTANCE,
                [
                    "Several States protected witnesses or victims of trafficking by "
                    "law.{fn:protection-law} Shelters, refuges, reception or consultation centres "
                    "were part of the help victims received in {list:shelters}.",
                    "Help ranging from legal aid to psychological support was available in "
                    "{list:legal-psychological}.",
                    "{list:residence-permits} said that victims could obtain temporary visas or "
                    "residence permits, and {list:repatriation} described help with repatriation "
                    "and rehabilitation.",
                ],
            ),
            (
                COORDINATION,
                [
                    "Specific national mechanisms set out who does what against trafficking in "
                    "{list:coordination-mechanisms}. {list:action-plans} relied on a national "
                    "action plan to tackle trafficking as a whole.",
                ],
            ),
            (
                COOPERATION,
                [
                    "Cooperation across borders ranged from joint investigations and exchanges of "
                    "information to regional workshops and support for the Inter-Agency "
                    "Cooperation Group against Trafficking in "
                    "Persons.{fn:cross-border-cooperation}",
                ],
            ),
        ],
    ),
    (
        "Conclusions",
        [
            "National coordination bodies and plans help authorities act together against "
            "trafficking in persons.",
            "Joint training of police, border officials, social workers and non-governmental "
            "organizations deserves the attention of Member States.",
        ],
        [],
    ),
]


@transaction.atomic
def load_demo_report(questionnaire: Questionnaire | None = None) -> Report | None:
    """The demo report on the demo questionnaire, with its coding; None when that
    questionnaire is not loaded."""
    questionnaire = (
        questionnaire
        or Questionnaire.objects.filter(
            reference=DEMO_QUESTIONNAIRE_REFERENCE, based_on__isnull=True
        ).first()
    )
    report = Report.objects.filter(symbol=DEMO_SYMBOL).first()
    if report is None:
        if questionnaire is None:
            return None
        report = _create_report(questionnaire)
    load_demo_coding(report)
    return report


def _create_report(questionnaire: Questionnaire) -> Report:
    report = editor.create_report(
        symbol=DEMO_SYMBOL,
        date=datetime.date(2008, 1, 29),
        organ=Report.Organ.ECOSOC,
        subsidiary_body="Commission on Crime Prevention and Criminal Justice",
        session="Seventeenth session",
        place_and_dates="Vienna, 14–18 April 2008",
        agenda_item="4 (a)",
        agenda_title=(
            "World crime trends and responses: integration and coordination of efforts by the "
            "United Nations Office on Drugs and Crime and by Member States in the field of crime "
            "prevention and criminal justice"
        ),
        agenda_symbol="E/CN.15/2008/1",
        job_number="V.08-50669 (E)",
        title=(
            "Strengthening international cooperation in preventing and combating trafficking in "
            "persons and protecting victims of such trafficking"
        ),
        questionnaire_ids=[questionnaire.pk],
    )
    for title, paragraphs, subsections in OUTLINE:
        section = editor.add_section(report=report, title=title)
        _paragraphs(section, paragraphs)
        for sub_title, sub_paragraphs in subsections:
            sub = editor.add_section(report=report, title=sub_title, parent=section)
            _paragraphs(sub, sub_paragraphs)
    editor.add_section(
        report=report,
        title="States and organizations that replied",
        kind=Section.Kind.ANNEX,
        generated=Section.Generated.RESPONDENTS,
    )
    return report


def find_passage(text: str, words: str) -> tuple[int, int]:
    """Where the words are in an answer: the demo quotes its replies, it does not type offsets."""
    start = text.find(words)
    if start == -1:
        raise ValueError(f"The demo answer does not say {words!r}: {text!r}")
    return start, start + len(words)


@transaction.atomic
def load_demo_coding(report: Report) -> None:
    """Themes from the report's sections, then every set of ``SETS`` with its rule, passages and
    notes.  Safe to run again: rules re-sync, passages and notes are filed once."""
    themes = {t.title: t for t in coding.themes_from_sections(report=report)}
    questionnaire_ids = list(report.questionnaires.values_list("pk", flat=True))
    questions = {
        q.number: q for q in Question.objects.filter(section__questionnaire__in=questionnaire_ids)
    }
    replies = {
        r.respondent.code: r
        for r in coding_selectors.report_replies(report).filter(
            questionnaire_id__in=questionnaire_ids
        )
    }
    codes = {code for spec in SETS.values() for code, _ in spec[4]}
    respondents = dict(Respondent.objects.filter(code__in=codes).values_list("code", "pk"))
    for key, (theme_title, statement, rule, passages, manual) in SETS.items():
        theme: Theme | None = themes.get(theme_title)
        wanted_rule = None
        if rule is not None:
            number, op, values = rule
            wanted_rule = {"question": questions[number].pk, "op": op}
            if op == "includes_any":
                wanted_rule["values"] = values
            else:
                wanted_rule["value"] = values[0]
        attribution_set = AttributionSet.objects.filter(report=report, key=key).first()
        if attribution_set is None:
            attribution_set = coding.create_set(
                report=report, key=key, statement=statement, theme=theme, rule=wanted_rule
            )
        else:
            coding.update_set(
                attribution_set=attribution_set, statement=statement, theme=theme, rule=wanted_rule
            )
        for code, number, words in passages:
            _file(report, attribution_set, replies[code], questions[number], words)
        for code, note in manual:
            coding.add_manual_member(
                attribution_set=attribution_set, respondent_id=respondents[code], note=note
            )


def _file(
    report: Report, attribution_set: AttributionSet, reply: Reply, question: Question, words: str
) -> None:
    revision = coding_selectors.latest_revisions([reply.pk])[reply.pk]
    text = coding_selectors.answer_text(question, revision.answers[str(question.pk)])
    start, end = find_passage(text, words)
    coding.file_passage(
        attribution_set=attribution_set,
        passage=coding.passage(
            report=report, reply=reply, question_id=question.pk, start=start, end=end
        ),
    )


def _paragraphs(section: Section, texts: list[str]) -> None:
    for text in texts:
        if text.startswith("# "):
            editor.add_paragraph(section=section, kind=Paragraph.Kind.HEADING, text=text[2:])
        else:
            editor.add_paragraph(section=section, text=text)
