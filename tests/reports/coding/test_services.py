"""Coding services: filing passages, evidence staleness after an amendment, rule-based sets kept
in step with the replies, themes mirroring sections."""

from __future__ import annotations

import pytest

from portal.errors import InvalidError
from reports import rendering, selectors
from reports.coding import consistency
from reports.coding import selectors as coding_selectors
from reports.coding import services as coding
from reports.editor import services as editor
from reports.models import AttributionMember, Evidence, Theme
from surveys.replies import services as reply_services
from tests.factories import question
from tests.reports.factories import coded_report, file_reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def coded():  # type: ignore[no-untyped-def]
    return coded_report()


def _passage(coded, code: str, words: str, number: str = "2"):  # type: ignore[no-untyped-def]
    reply = coded["replies"][code]
    q = question(coded["questionnaire"], number)
    revision = coding_selectors.latest_revisions([reply.pk])[reply.pk]
    text = coding_selectors.answer_text(q, revision.answers[str(q.pk)])
    start = text.index(words)
    return coding.passage(
        report=coded["report"],
        reply=reply,
        question_id=q.pk,
        start=start,
        end=start + len(words),
        quote=words,
    )


def _footnote(report) -> str:  # type: ignore[no-untyped-def]
    composition = rendering.compose(selectors.report_snapshot(report))
    return rendering.plain_text(composition.footnotes[0].children)


def test_filing_a_passage_makes_the_respondent_a_member_backed_by_it(coded):
    units = coding.create_set(report=coded["report"], key="police-units", statement="had units")
    evidence = coding.file_passage(
        attribution_set=units,
        passage=_passage(coded, "EST", "Police units investigate cases."),
        by=coded["by"],
    )
    assert evidence.member.respondent.code == "EST"
    assert evidence.quote == "Police units investigate cases."
    assert evidence.revision_number == 1
    # filing the same passage again files it once
    coding.file_passage(
        attribution_set=units, passage=_passage(coded, "EST", "Police units investigate cases.")
    )
    assert Evidence.objects.count() == 1


def test_a_selection_is_trimmed_to_its_words_and_refused_when_it_is_not_in_the_reply(coded):
    reply = coded["replies"]["BLR"]
    q = question(coded["questionnaire"], "2")
    text = "Penalties range from a fine to 15 years' imprisonment. Border guards check"
    at = text.index("Border")
    trimmed = coding.passage(
        report=coded["report"], reply=reply, question_id=q.pk, start=at - 1, end=at + 14
    )
    assert trimmed.quote == "Border guards"
    assert trimmed.start == at
    with pytest.raises(InvalidError, match="has changed since you selected"):
        coding.passage(
            report=coded["report"],
            reply=reply,
            question_id=q.pk,
            start=0,
            end=5,
            quote="Something the reply never said",
        )
    with pytest.raises(InvalidError, match="Select a passage"):
        coding.passage(report=coded["report"], reply=reply, question_id=q.pk, start=5, end=5)


def test_a_reply_outside_the_report_cannot_be_coded(coded):
    reply = coded["replies"]["NER"]
    reply.withdrawn = True
    reply.save(update_fields=["withdrawn"])
    q = question(coded["questionnaire"], "2")
    with pytest.raises(InvalidError, match="not among the replies"):
        coding.passage(report=coded["report"], reply=reply, question_id=q.pk, start=0, end=3)


def test_evidence_becomes_stale_after_an_amendment_and_is_kept(coded):
    units = coding.create_set(report=coded["report"], key="police-units", statement="had units")
    kept = coding.file_passage(
        attribution_set=units,
        passage=_passage(coded, "EST", "A specific offence is being drafted."),
    )
    gone = coding.file_passage(
        attribution_set=units, passage=_passage(coded, "EST", "Police units investigate cases.")
    )
    reply = coded["replies"]["EST"]
    reply_services.reopen_reply(reply=reply, user=coded["by"])
    file_reply(
        reply,
        coded["by"],
        {"2": "Since January: A specific offence is being drafted. Nothing else changed."},
    )
    states = {
        v.evidence.pk: v.state for v in coding_selectors.evidence_views(Evidence.objects.all())
    }
    assert states == {kept.pk: "moved", gone.pk: "stale"}
    assert Evidence.objects.count() == 2  # never silently dropped
    gate = coding_selectors.consistency_gate(coded["report"])
    stale = [f for f in gate.findings if f.check is consistency.Check.STALE_EVIDENCE]
    assert [f.evidence_id for f in stale] == [gone.pk]
    assert stale[0].severity is consistency.Severity.WARNING
    assert "Police units investigate cases." in stale[0].message


def test_a_rule_based_set_follows_the_replies_on_submission_and_is_idempotent(
    coded, django_capture_on_commit_callbacks
):
    q1 = question(coded["questionnaire"], "1")
    ratified = coding.create_set(
        report=coded["report"],
        key="ratified",
        statement="had ratified",
        rule={"question": q1.pk, "op": "equals", "value": "yes"},
    )
    members = {m.respondent.code: m for m in ratified.members.all()}
    assert set(members) == {"BLR", "EST"}
    assert all(m.by_rule for m in members.values())
    assert [e.quote for e in members["BLR"].evidence.all()] == ["Yes"]
    assert coding.sync_rule_set(attribution_set=ratified) == coding.SyncResult(0, 0, 0)
    # a manual member stays whatever the rule says
    coding.add_manual_member(
        attribution_set=ratified,
        respondent_id=coded["people"]["NER"].pk,
        note="Said so at the Commission",
    )
    # Estonia amends its reply: no longer ratified; the submission re-syncs the set
    reply = coded["replies"]["EST"]
    reply_services.reopen_reply(reply=reply, user=coded["by"])
    with django_capture_on_commit_callbacks(execute=True):
        file_reply(reply, coded["by"], {"1": "no"})
    codes = set(ratified.members.values_list("respondent__code", flat=True))
    assert codes == {"BLR", "NER"}
    niger = ratified.members.get(respondent__code="NER")
    assert not niger.by_rule and niger.note == "Said so at the Commission"


def test_a_member_the_rule_drops_is_kept_when_a_passage_backs_it(coded):
    q4 = question(coded["questionnaire"], "4")
    units = coding.create_set(
        report=coded["report"],
        key="police-units",
        statement="had police units",
        rule={"question": q4.pk, "op": "includes_any", "values": ["police"]},
    )
    coding.file_passage(
        attribution_set=units, passage=_passage(coded, "EST", "Police units investigate cases.")
    )
    assert set(units.members.values_list("respondent__code", "by_rule")) == {
        ("BLR", True),
        ("EST", False),
    }
    coding.update_set(
        attribution_set=units,
        rule={"question": q4.pk, "op": "includes_any", "values": ["prosecution"]},
    )
    assert set(units.members.values_list("respondent__code", "by_rule")) == {("EST", True)}
    assert units.members.get().evidence.count() == 2  # the passage and the answer


def test_table_and_number_rules(coded):
    q5 = question(coded["questionnaire"], "5")
    q1a = question(coded["questionnaire"], "1 (a)")
    cases = coding.create_set(
        report=coded["report"],
        key="cases",
        statement="investigated cases in 2006",
        rule={
            "question": q5.pk,
            "op": "greater_than",
            "value": 0,
            "row": "2006",
            "column": "investigated",
        },
    )
    assert list(cases.members.values_list("respondent__code", flat=True)) == ["BLR"]
    early = coding.create_set(
        report=coded["report"],
        key="early",
        statement="ratified before 2004",
        rule={"question": q1a.pk, "op": "equals", "value": 2003},
    )
    assert list(early.members.values_list("respondent__code", flat=True)) == ["BLR"]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"question": 0, "op": "equals", "value": "yes"}, "question of the report"),
        ({"number": "1", "op": "includes_any", "values": ["yes"]}, "question of the report"),
        ("1", "A rule is an object"),
    ],
)
def test_broken_rules_are_refused_with_a_message(coded, rule, message):
    with pytest.raises(InvalidError, match=message):
        coding.create_set(report=coded["report"], key="x", statement="x", rule=rule)


def test_rules_must_fit_their_question(coded):
    q1 = question(coded["questionnaire"], "1")
    q2 = question(coded["questionnaire"], "2")
    q5 = question(coded["questionnaire"], "5")
    with pytest.raises(InvalidError, match="takes no rule"):
        coding.clean_rule({"question": q2.pk, "op": "equals", "value": "x"}, report=coded["report"])
    with pytest.raises(InvalidError, match="has no choice 'maybe'"):
        coding.clean_rule(
            {"question": q1.pk, "op": "equals", "value": "maybe"}, report=coded["report"]
        )
    with pytest.raises(InvalidError, match="has no row '1999'"):
        coding.clean_rule(
            {"question": q5.pk, "op": "greater_than", "value": 0, "row": "1999"},
            report=coded["report"],
        )


def test_a_member_with_a_manual_note_needs_the_note(coded):
    units = coding.create_set(report=coded["report"], key="police-units", statement="had units")
    with pytest.raises(InvalidError, match="Say where"):
        coding.add_manual_member(
            attribution_set=units, respondent_id=coded["people"]["NER"].pk, note=" "
        )
    member = coding.add_manual_member(
        attribution_set=units, respondent_id=coded["people"]["NER"].pk, note="Previous report"
    )
    assert member.note == "Previous report"


def test_themes_mirror_sections_and_can_be_made_again(coded):
    report = coded["report"]
    sub = editor.add_section(report=report, title="Penalties", parent=coded["section"])
    first = coding.themes_from_sections(report=report)
    assert [(t.title, t.section_id) for t in first] == [
        ("Legislation", coded["section"].pk),
        ("Penalties", sub.pk),
    ]
    editor.update_section(section=sub, title="Penalties and aggravation")
    again = coding.themes_from_sections(report=report)
    assert [t.pk for t in again] == [t.pk for t in first]
    assert again[1].title == "Penalties and aggravation"
    assert Theme.objects.count() == 2
    units = coding.create_set(
        report=report, key="police-units", statement="had units", theme=again[0]
    )
    coding.delete_theme(theme=again[0])
    units.refresh_from_db()
    assert units.theme is None  # the set stays


def test_the_sentence_of_a_search_hit_is_filed(coded):
    units = coding.create_set(report=coded["report"], key="police-units", statement="had units")
    passage = coding.hit_passage(
        report=coded["report"],
        reply=coded["replies"]["BLR"],
        question_id=question(coded["questionnaire"], "2").pk,
        query="guards",
    )
    assert passage.quote == "Border guards check passports."
    coding.file_passage(attribution_set=units, passage=passage)
    assert AttributionMember.objects.get().respondent.code == "BLR"


def test_footnotes_list_filed_members_in_un_order(coded):
    ratified = coding.create_set(report=coded["report"], key="ratified", statement="had ratified")
    coding.create_set(report=coded["report"], key="police-units", statement="had police units")
    coding.file_passage(
        attribution_set=ratified, passage=_passage(coded, "NER", "The Penal Code punishes")
    )
    coding.file_passage(attribution_set=ratified, passage=_passage(coded, "EST", "A specific"))
    coding.file_passage(attribution_set=ratified, passage=_passage(coded, "BLR", "Penalties"))
    assert _footnote(coded["report"]) == "Belarus, Estonia and Niger."
