"""factory_boy factories for reports, and a small report with replies to build."""

from __future__ import annotations

import datetime
from typing import Any

import factory

from reports import services
from reports.models import AttributionSet, Paragraph, Report, Section
from surveys.models import Questionnaire, Reply
from tests.factories import RespondentFactory, RespondentNameFactory


class QuestionnaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Questionnaire

    title = factory.Sequence(lambda n: f"Questionnaire on cooperation, round {n}")
    mandate_symbol = "Economic and Social Council resolution 2006/27"
    sent_on = datetime.date(2007, 11, 12)
    deadline = datetime.date(2007, 12, 15)
    cutoff = datetime.date(2008, 1, 24)
    status = Questionnaire.Status.DISPATCHED


class ReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reply

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    respondent = factory.SubFactory(RespondentFactory)
    status = Reply.Status.SUBMITTED
    received_on = datetime.date(2007, 12, 10)
    channel = Reply.Channel.PORTAL


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    organ = Report.Organ.ECOSOC
    subsidiary_body = "Commission on Crime Prevention and Criminal Justice"
    session = "Seventeenth session"
    place_and_dates = "Vienna, 14–18 April 2008"
    agenda_item = "4 (a)"
    agenda_title = "World crime trends and responses"
    agenda_symbol = "E/CN.15/2008/1"
    symbol = factory.Sequence(lambda n: f"E/CN.15/2008/{n + 9}")
    date = datetime.date(2008, 1, 29)
    job_number = "V.08-50669 (E)"
    title = "Cooperation against trafficking in persons"


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    report = factory.SubFactory(ReportFactory)
    title = factory.Sequence(lambda n: f"Section {n}")
    order = factory.Sequence(lambda n: n)


class ParagraphFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Paragraph

    section = factory.SubFactory(SectionFactory)
    text = "The replies describe the measures taken."
    order = factory.Sequence(lambda n: n)


class AttributionSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AttributionSet

    report = factory.SubFactory(ReportFactory)
    key = factory.Sequence(lambda n: f"statement-{n}")
    statement = "had set up specialized police units"


def state(list_name: str, text_name: str | None = None, **name: Any):  # type: ignore[no-untyped-def]
    respondent = RespondentFactory(name=False)
    RespondentNameFactory(
        respondent=respondent,
        list_name=list_name,
        text_name=text_name or list_name,
        sort_key=name.pop("sort_key", list_name),
        **name,
    )
    return respondent


def report_with_replies(**fields: Any) -> Report:
    """A report on one questionnaire answered by four States, with a body, sets and an annex."""
    questionnaire = QuestionnaireFactory()
    belarus = state("Belarus")
    niger = state("Niger", "the Niger")
    uk = state(
        "United Kingdom of Great Britain and Northern Ireland",
        "the United Kingdom of Great Britain and Northern Ireland",
        short_name="United Kingdom",
        sort_key="United Kingdom",
    )
    czech = state(
        "Czech Republic",
        "the Czech Republic",
        valid_to=datetime.date(2016, 5, 16),
    )
    RespondentNameFactory(
        respondent=czech,
        list_name="Czechia",
        text_name="Czechia",
        sort_key="Czechia",
        valid_from=datetime.date(2016, 5, 17),
    )
    late = state("Latecomia")
    for respondent in (belarus, niger, uk, czech):
        ReplyFactory(questionnaire=questionnaire, respondent=respondent)
    ReplyFactory(
        questionnaire=questionnaire, respondent=late, received_on=datetime.date(2008, 2, 1)
    )
    report = ReportFactory(**fields)
    report.questionnaires.add(questionnaire)
    intro = services.add_section(report=report, title="Introduction")
    services.add_paragraph(section=intro, text="The Council asked for this report.")
    services.add_paragraph(
        section=intro, text="Replies were received from {count:replies}: {list:replies}."
    )
    results = services.add_section(report=report, title="Results of the survey")
    services.add_paragraph(section=results, text="Most respondents described new laws.")
    laws = services.add_section(report=report, title="Legal provisions", parent=results)
    services.add_paragraph(
        section=laws, text="Some States had ratified the *Protocol*.{fn:ratified}"
    )
    services.add_paragraph(section=laws, kind=Paragraph.Kind.HEADING, text="Enforcement")
    services.add_paragraph(
        section=laws,
        text="Units existed in {list:units}.[^As reported by {list:units} again.]",
    )
    services.add_section(
        report=report,
        title="Respondents",
        kind=Section.Kind.ANNEX,
        generated=Section.Generated.RESPONDENTS,
    )
    services.create_attribution_set(
        report=report,
        key="ratified",
        statement="had ratified",
        respondent_ids=[belarus.pk, czech.pk],
    )
    services.create_attribution_set(
        report=report, key="units", statement="had police units", respondent_ids=[uk.pk, niger.pk]
    )
    return report


def first_paragraph(report: Report) -> Paragraph:
    """Paragraph 1 of the report (the first paragraph of its first body section)."""
    return (
        Paragraph.objects.filter(section__report=report, section__kind=Section.Kind.BODY)
        .order_by("section__order", "order")
        .first()
    )


def file_reply(reply: Reply, by: Any, answers: dict[str, Any], **submit: Any) -> None:
    """Answer questions by number and submit on the respondent's behalf (a reopened reply is
    amended: each answer saved over the version stored)."""
    from surveys.models import Answer
    from surveys.replies import services as replies
    from tests.factories import question

    for number, value in answers.items():
        q = question(reply.questionnaire, number)
        stored = Answer.objects.filter(reply=reply, question=q).first()
        replies.save_answer(
            reply=reply,
            question_id=q.pk,
            user=by,
            value=value,
            expected_version=stored.version if stored else 0,
        )
    replies.submit_reply(
        reply=reply,
        user=by,
        channel=submit.pop("channel", Reply.Channel.NOTE_VERBALE),
        received_on=submit.pop("received_on", datetime.date(2007, 12, 10)),
    )


def coded_report() -> dict[str, Any]:
    """A report on a dispatched questionnaire (``tests.factories.build_questionnaire``) with
    three submitted replies (Belarus, Estonia, the Niger) and a paragraph citing two sets.

    Answers: 1 yes/no (ratified), 1 (a) the year, 2 text, 4 units (multiple choice), 5 table.
    """
    from surveys.models import Respondent
    from tests.factories import SecretariatFactory, build_questionnaire

    by = SecretariatFactory()
    codes = ("BLR", "EST", "NER")
    people = {c: Respondent.objects.get(code=c) for c in codes}
    questionnaire = build_questionnaire(by=by, dispatch_to=list(people.values()))
    replies = {
        c: Reply.objects.get(questionnaire=questionnaire, respondent=people[c]) for c in codes
    }
    file_reply(
        replies["BLR"],
        by,
        {
            "1": "yes",
            "1 (a)": 2003,
            "2": "Penalties range from a fine to 15 years' imprisonment. Border guards check "
            "passports.",
            "4": ["police", "border"],
            "5": {"2006": {"investigated": 12, "prosecuted": 0}},
        },
    )
    file_reply(
        replies["EST"],
        by,
        {
            "1": "yes",
            "1 (a)": 2004,
            "2": "A specific offence is being drafted. Police units investigate cases.",
            "4": ["prosecution"],
            "5": {"2006": {"investigated": 0, "prosecuted": 0}},
        },
    )
    file_reply(
        replies["NER"],
        by,
        {"1": "no", "2": "The Penal Code punishes several forms of exploitation."},
    )
    report = ReportFactory()
    report.questionnaires.add(questionnaire)
    section = services.add_section(report=report, title="Legislation")
    paragraph = services.add_paragraph(
        section=section,
        text="Some States had ratified the Protocol.{fn:ratified} "
        "Police units existed in {list:police-units}.",
    )
    return {
        "by": by,
        "report": report,
        "questionnaire": questionnaire,
        "replies": replies,
        "people": people,
        "section": section,
        "paragraph": paragraph,
    }
