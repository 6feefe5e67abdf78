"""The demo report: a draft on the demo 2007 questionnaire, in our own words.

Its structure and its facts (dates, symbols, who said what in the footnotes) follow the 2008
report of this series; none of its sentences does.  Latvia, cited in three footnotes of that
report without a reply in its list, is left out of the sets here: Verbale would refuse to print
it (see the consistency check in ``reports.rendering``).  Idempotent: loading it again returns
the report already there.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from surveys.models import Questionnaire, Respondent

from . import services
from .models import Paragraph, Report, Section

DEMO_SYMBOL = "E/CN.15/2008/9"
DEMO_QUESTIONNAIRE_REFERENCE = "CU 2007/212"

SETS: dict[str, tuple[str, list[str]]] = {
    "ratified": (
        "had ratified the Trafficking in Persons Protocol",
        ["BLR", "BGR", "HRV", "SLV", "EST", "HUN", "MMR", "NLD", "OMN", "PHL", "POL", "ROU"],
    ),
    "drafting-laws": ("were still drafting specific legislation", ["EST", "JOR", "NER", "OMN"]),
    "ratifying": ("were in the process of ratification", ["LIE"]),
    "offence-without-ratification": (
        "made trafficking an offence before ratifying",
        ["CZE", "JPN"],
    ),
    "penalties": ("reported on penalties", ["BLR", "BGR"]),
    "related-offences": (
        "prosecuted related offences alongside trafficking",
        ["BGR", "CUB", "EST"],
    ),
    "predicate-offence": (
        "treated trafficking as a predicate offence to money-laundering",
        ["BGR", "SLV", "EST", "JPN"],
    ),
    "optional-protocol": (
        "had ratified or signed the Optional Protocol on the sale of children",
        ["BGR", "CZE", "SLV", "EST", "HUN", "JPN", "LIE", "MUS", "NER"],
    ),
    "document-security": ("described checks of travel documents", ["BLR", "EST", "JPN"]),
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
                "Ratification and legislation",
                [
                    "Respondents saw the *Protocol to Prevent, Suppress and Punish Trafficking in "
                    "Persons, Especially Women and Children* as the backbone of a common "
                    "response. Many of the States that had ratified it{fn:ratified} were still "
                    "writing the laws it calls for,{fn:drafting-laws} while others were "
                    "preparing to ratify.{fn:ratifying} A few had created the offence in their "
                    "criminal law before ratifying.{fn:offence-without-ratification}",
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
                "Enforcement",
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
    """The demo report on the demo questionnaire; None when that questionnaire is not loaded."""
    existing = Report.objects.filter(symbol=DEMO_SYMBOL).first()
    if existing is not None:
        return existing
    questionnaire = (
        questionnaire
        or Questionnaire.objects.filter(
            reference=DEMO_QUESTIONNAIRE_REFERENCE, based_on__isnull=True
        ).first()
    )
    if questionnaire is None:
        return None
    report = services.create_report(
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
    codes = {code for _, members in SETS.values() for code in members}
    ids = dict(Respondent.objects.filter(code__in=codes).values_list("code", "pk"))
    for key, (statement, members) in SETS.items():
        services.create_attribution_set(
            report=report,
            key=key,
            statement=statement,
            respondent_ids=[ids[c] for c in members if c in ids],
        )
    for title, paragraphs, subsections in OUTLINE:
        section = services.add_section(report=report, title=title)
        _paragraphs(section, paragraphs)
        for sub_title, sub_paragraphs in subsections:
            sub = services.add_section(report=report, title=sub_title, parent=section)
            _paragraphs(sub, sub_paragraphs)
    services.add_section(
        report=report,
        title="States and organizations that replied",
        kind=Section.Kind.ANNEX,
        generated=Section.Generated.RESPONDENTS,
    )
    return report


def _paragraphs(section: Section, texts: list[str]) -> None:
    for text in texts:
        if text.startswith("# "):
            services.add_paragraph(section=section, kind=Paragraph.Kind.HEADING, text=text[2:])
        else:
            services.add_paragraph(section=section, text=text)
