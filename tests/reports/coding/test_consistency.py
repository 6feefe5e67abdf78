"""The consistency report: each check on purpose-built data (pure, no database), then what it
does to builds, and the demo's one deliberate slip."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from reports.builds import services
from reports.coding import consistency
from reports.coding import selectors as coding_selectors
from reports.coding import services as coding
from reports.coding.consistency import (
    Check,
    CodingFacts,
    EvidenceFacts,
    EvidenceState,
    MemberFacts,
    SetFacts,
    Severity,
)
from reports.editor import services as editor
from reports.models import Build, Report
from reports.rendering import Problem, ProblemCode
from surveys.models import Answer
from tests.factories import question
from tests.reports.factories import coded_report_with_sets

# --- pure checks ---------------------------------------------------------------------------


def _evidence(**overrides):  # type: ignore[no-untyped-def]
    values = {
        "id": 1,
        "kind": "passage",
        "quote": "police units",
        "start": 4,
        "end": 16,
        "revision_number": 1,
        "question_number": "7",
        "current_text": "New police units exist.",
        "current_revision": 1,
        "restricted": False,
    }
    return EvidenceFacts(**{**values, **overrides})


def _facts(*sets: SetFacts, cited=("units",), replies=None, withdrawn=()):  # type: ignore[no-untyped-def]
    return CodingFacts(
        sets=sets,
        cited_keys=frozenset(cited),
        reply_respondents=replies if replies is not None else {1: "Belarus"},
        withdrawn_respondents=frozenset(withdrawn),
    )


def _checks(findings):  # type: ignore[no-untyped-def]
    return [(f.check, f.severity) for f in findings]


def test_a_member_without_a_reply_is_a_warning_taken_from_the_renderer():
    problem = Problem(
        "Attribution set 'ratified'",
        "Latvia is a member but has no reply in the report (none received by the cut-off).",
        code=ProblemCode.MEMBER_WITHOUT_REPLY,
        set_key="ratified",
        respondent_id=9,
    )
    [finding] = consistency.from_problems([problem])
    assert (finding.check, finding.severity) == (Check.MEMBER_WITHOUT_REPLY, Severity.WARNING)
    assert "Latvia" in finding.message


def test_a_member_whose_reply_was_withdrawn_is_named_as_such():
    problem = Problem(
        "Attribution set 'units'",
        "Oman is a member but has no reply in the report (none received by the cut-off).",
        code=ProblemCode.MEMBER_WITHOUT_REPLY,
        set_key="units",
        respondent_id=5,
    )
    [finding] = consistency.from_problems([problem], withdrawn=frozenset({5}))
    assert finding.check is Check.MEMBER_REPLY_WITHDRAWN
    assert "withdrawn its reply" in finding.message
    assert finding.severity is Severity.WARNING


def test_unknown_set_keys_and_broken_markup_block():
    problems = [
        Problem("Paragraph 3", "No attribution set has the key 'x'.", 3, ProblemCode.UNKNOWN_SET),
        Problem("Paragraph 4", "Line 1: never closed.", 4, ProblemCode.MARKUP),
        Problem("Paragraph 5", "Set 'y' has no members yet.", 5, ProblemCode.EMPTY_SET),
    ]
    assert _checks(consistency.from_problems(problems)) == [
        (Check.UNKNOWN_SET, Severity.BLOCKING),
        (Check.MARKUP, Severity.BLOCKING),
        (Check.EMPTY_SET, Severity.BLOCKING),
    ]


def test_a_reply_no_cited_set_draws_on_is_a_note():
    facts = _facts(
        SetFacts("units", (MemberFacts(1, "Belarus", evidence=(_evidence(),)),)),
        replies={1: "Belarus", 2: "Cuba"},
    )
    findings = consistency.coding_findings(facts)
    assert _checks(findings) == [(Check.REPLY_NOT_CITED, Severity.NOTE)]
    assert findings[0].where == "Reply of Cuba"


def test_a_set_the_report_does_not_cite_is_a_note_and_does_not_count_as_citing():
    facts = _facts(
        SetFacts("units", (MemberFacts(1, "Belarus", note="Known"),)),
        SetFacts("spare", (MemberFacts(2, "Cuba", note="Known"),)),
        replies={1: "Belarus", 2: "Cuba"},
    )
    findings = consistency.coding_findings(facts)
    assert _checks(findings) == [
        (Check.SET_NOT_USED, Severity.NOTE),
        (Check.REPLY_NOT_CITED, Severity.NOTE),
    ]
    assert findings[0].set_key == "spare"


@pytest.mark.parametrize(
    ("current_text", "state"),
    [
        ("New police units exist.", EvidenceState.CURRENT),
        ("Since 2006, new police units exist.", EvidenceState.MOVED),
        ("A task force was set up.", EvidenceState.STALE),
        (None, EvidenceState.STALE),
    ],
)
def test_evidence_state_against_the_last_submission(current_text, state):
    assert consistency.evidence_state(_evidence(current_text=current_text)) is state


def test_a_rule_value_is_stale_when_the_answer_differs():
    value = _evidence(kind="value", quote="Yes", start=None, end=None, current_text="No")
    assert consistency.evidence_state(value) is EvidenceState.STALE


def test_stale_evidence_is_a_warning():
    facts = _facts(
        SetFacts("units", (MemberFacts(1, "Belarus", evidence=(_evidence(current_text="Gone"),)),))
    )
    [finding] = consistency.coding_findings(facts)
    assert (finding.check, finding.severity) == (Check.STALE_EVIDENCE, Severity.WARNING)
    assert finding.evidence_id == 1 and "“police units”" in finding.message


def test_a_cited_member_backed_only_by_restricted_answers_blocks():
    restricted = _evidence(restricted=True)
    facts = _facts(SetFacts("units", (MemberFacts(1, "Belarus", evidence=(restricted,)),)))
    assert _checks(consistency.coding_findings(facts)) == [
        (Check.RESTRICTED_ONLY, Severity.BLOCKING)
    ]
    with_note = MemberFacts(1, "Belarus", note="Said in plenary", evidence=(restricted,))
    assert consistency.coding_findings(_facts(SetFacts("units", (with_note,)))) == []
    both = MemberFacts(1, "Belarus", evidence=(restricted, _evidence(id=2)))
    assert consistency.coding_findings(_facts(SetFacts("units", (both,)))) == []


def test_a_cited_member_with_nothing_behind_it_is_a_note():
    facts = _facts(SetFacts("units", (MemberFacts(1, "Belarus"),)))
    assert _checks(consistency.coding_findings(facts)) == [
        (Check.MEMBER_WITHOUT_EVIDENCE, Severity.NOTE)
    ]


def test_the_gate_sorts_findings_by_check_and_severity():
    problems = [
        Problem(
            "Set 'units'",
            "Oman is a member but has no reply.",
            None,
            ProblemCode.MEMBER_WITHOUT_REPLY,
            "units",
            7,
        ),
    ]
    facts = _facts(SetFacts("units", (MemberFacts(1, "Belarus"),)), SetFacts("spare"))
    gate = consistency.Gate(tuple(consistency.check(problems, facts)))
    assert [title for title, _, _ in gate.groups()] == [
        "Members with no reply received by the cut-off",
        "Sets the report does not cite",
        "Members with neither evidence nor note",
    ]
    assert (len(gate.blocking), len(gate.warnings), len(gate.notes)) == (0, 1, 2)


# --- with the database ------------------------------------------------------------------------


@pytest.fixture
def coded(db):  # type: ignore[no-untyped-def]
    return coded_report_with_sets()


def test_a_consistent_report_builds_without_acknowledgement(coded):
    gate = coding_selectors.consistency_gate(coded["report"])
    assert gate.findings == ()
    build = services.start_build(report=coded["report"], enqueue=False)
    assert build.status == Build.Status.QUEUED and build.acknowledged_warnings == []


def test_a_member_without_a_reply_must_be_acknowledged_before_a_build(coded):
    latvia = coded["people"]["NER"].__class__.objects.get(code="LVA")
    coding.add_manual_member(
        attribution_set=coded["ratified"], respondent_id=latvia.pk, note="Previous report"
    )
    gate = coding_selectors.consistency_gate(coded["report"])
    assert [(f.check, f.respondent_id) for f in gate.findings] == [
        (Check.MEMBER_WITHOUT_REPLY, latvia.pk)
    ]
    with pytest.raises(services.WarningsNotAcknowledgedError, match="Latvia is a member"):
        services.start_build(report=coded["report"], enqueue=False)
    assert not Build.objects.exists()
    build = services.start_build(report=coded["report"], enqueue=False, acknowledge_warnings=True)
    assert build.status == Build.Status.QUEUED
    assert "Latvia is a member" in build.acknowledged_warnings[0]


def test_a_cited_member_backed_only_by_a_restricted_answer_fails_the_build(coded):
    belarus = coded["replies"]["BLR"]
    Answer.objects.filter(reply=belarus, question=question(coded["questionnaire"], "2")).update(
        restricted=True
    )
    q2 = question(coded["questionnaire"], "2")
    coding.file_passage(
        attribution_set=coded["units"],
        passage=coding.passage(
            report=coded["report"], reply=belarus, question_id=q2.pk, start=0, end=9
        ),
    )
    build = services.start_build(report=coded["report"], enqueue=False)
    assert build.status == Build.Status.FAILED
    assert "only on the strength of answers marked not for publication" in build.error


def test_an_unknown_key_fails_the_build_with_the_reason(coded):
    editor.save_paragraph(paragraph_id=coded["paragraph"].pk, text="Cited {fn:nobody}.", version=1)
    gate = coding_selectors.consistency_gate(coded["report"])
    assert Check.UNKNOWN_SET in {f.check for f in gate.blocking}
    assert {f.check for f in gate.notes} == {Check.SET_NOT_USED, Check.REPLY_NOT_CITED}
    build = services.start_build(report=coded["report"], enqueue=False)
    assert build.status == Build.Status.FAILED
    assert "No attribution set has the key 'nobody'" in build.error


def test_a_withdrawn_reply_of_a_member_is_said_so(coded):
    niger = coded["replies"]["NER"]
    niger.withdrawn = True
    niger.save(update_fields=["withdrawn"])
    [finding] = coding_selectors.consistency_gate(coded["report"]).findings
    assert finding.check is Check.MEMBER_REPLY_WITHDRAWN
    assert finding.respondent_id == coded["people"]["NER"].pk


@pytest.mark.django_db
def test_the_demo_report_reproduces_the_reference_lists_and_flags_the_late_reply_cited(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    report = Report.objects.get(symbol="E/CN.15/2008/9")
    gate = coding_selectors.consistency_gate(report)
    assert {(f.check, f.severity) for f in gate.findings} == {
        (Check.MEMBER_WITHOUT_REPLY, Severity.WARNING)
    }
    # Latvia replied, so it is no slip; Mexico is cited from a reply received after the cut-off
    [finding] = gate.findings
    assert finding.message.startswith("Mexico is a member but has no reply in the report")
    assert finding.set_key == "offence-defined"
    sources = coding_selectors.footnote_sources(report, 2)
    assert sources is not None
    text, sets = sources
    assert text == (
        "Belarus, Bulgaria, Croatia, El Salvador, Estonia, Hungary, Latvia, Myanmar, Netherlands, "
        "Oman, Philippines, Poland and Romania."
    )
    latvia = next(m for m in sets[0].members if m.label == "Latvia")
    assert [e.evidence.quote for e in latvia.evidence] == ["Yes"]  # from its reply, by the rule
    belarus = sets[0].members[0]
    assert [e.evidence.quote for e in belarus.evidence] == ["Yes"]
    build = Build.objects.filter(report=report, status=Build.Status.SUCCEEDED).get()
    assert len(build.acknowledged_warnings) == 1
