"""The consistency report: is every list the report prints backed by the replies it is based on?

Pure functions over plain data (no database): ``reports.selectors.coding_facts`` gathers the
facts, :func:`check` turns them and the renderer's problems into findings.  The renderer
already detects what concerns the printed text (an unknown set key, an empty set, broken
markup, a member whose reply is not in the report); those problems are taken over here as they
are, so each check has one implementation.

What a finding does to a build
==============================

``blocking``
    Nothing sensible can print, or printing would publish what a State asked to keep
    unpublished: broken markup, a reference to an unknown set, an empty set, a name missing on
    the report's date, a member of a cited set whose only evidence is a restricted answer.
    A build is refused until they are fixed.
``warning``
    The report prints as written, but the secretariat must say it has seen the finding before
    the build is made (the build records what was acknowledged): a member of a cited set with no
    reply in the report (the reference document's Latvia; a withdrawn reply is said so), and
    evidence whose passage is no longer in the reply's last submission (stale).
A set whose ``source`` names a source other than replies (the publications of an inter-agency
group, say) cites its members on purpose: a member without a reply, or without evidence, is
then no slip and no finding; the footnote's sources page shows the source.

``note``
    Worth a look, no effect on builds: a reply that no set cited by the report draws on, a set
    the report does not cite, a member of a cited set with neither evidence nor note.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from ..rendering import Problem, ProblemCode


class Severity(StrEnum):
    BLOCKING = "blocking"
    WARNING = "warning"
    NOTE = "note"


class Check(StrEnum):
    """Every check, in the order the consistency page shows them."""

    MARKUP = "markup"
    UNKNOWN_SET = "unknown-set"
    EMPTY_SET = "empty-set"
    NAME = "name"
    RESTRICTED_ONLY = "restricted-only"
    MEMBER_WITHOUT_REPLY = "member-without-reply"
    MEMBER_REPLY_WITHDRAWN = "member-reply-withdrawn"
    STALE_EVIDENCE = "stale-evidence"
    REPLY_NOT_CITED = "reply-not-cited"
    SET_NOT_USED = "set-not-used"
    MEMBER_WITHOUT_EVIDENCE = "member-without-evidence"


CHECK_TITLES = {
    Check.MARKUP: "Paragraphs that cannot print",
    Check.UNKNOWN_SET: "References to unknown attribution sets",
    Check.EMPTY_SET: "Cited sets with no members",
    Check.NAME: "Names missing on the report's date",
    Check.RESTRICTED_ONLY: "Members backed only by restricted answers",
    Check.MEMBER_WITHOUT_REPLY: "Members with no reply received by the cut-off",
    Check.MEMBER_REPLY_WITHDRAWN: "Members whose reply was withdrawn",
    Check.STALE_EVIDENCE: "Evidence no longer in the reply (stale)",
    Check.REPLY_NOT_CITED: "Replies the report never draws on",
    Check.SET_NOT_USED: "Sets the report does not cite",
    Check.MEMBER_WITHOUT_EVIDENCE: "Members with neither evidence nor note",
}

_FROM_PROBLEM = {
    ProblemCode.MARKUP: Check.MARKUP,
    ProblemCode.EMPTY_PARAGRAPH: Check.MARKUP,
    ProblemCode.NO_REPLIES: Check.MARKUP,
    ProblemCode.UNKNOWN_SET: Check.UNKNOWN_SET,
    ProblemCode.EMPTY_SET: Check.EMPTY_SET,
    ProblemCode.NAME: Check.NAME,
    ProblemCode.MEMBER_WITHOUT_REPLY: Check.MEMBER_WITHOUT_REPLY,
}


@dataclass(frozen=True)
class Finding:
    check: Check
    severity: Severity
    where: str
    message: str
    set_key: str = ""
    respondent_id: int | None = None
    paragraph_id: int | None = None
    evidence_id: int | None = None

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"

    @property
    def title(self) -> str:
        return CHECK_TITLES[self.check]


# --- the facts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceFacts:
    """One piece of evidence and what the reply says now.

    ``current_text`` is the answer to the question in the reply's last submission, written as
    the coding view shows it (None when the question is not answered there any more).
    """

    id: int
    kind: str  # "passage" or "value"
    quote: str
    start: int | None
    end: int | None
    revision_number: int
    question_number: str
    current_text: str | None
    current_revision: int | None
    restricted: bool = False


@dataclass(frozen=True)
class MemberFacts:
    respondent_id: int
    label: str
    note: str = ""
    by_rule: bool = False
    evidence: tuple[EvidenceFacts, ...] = ()


@dataclass(frozen=True)
class SetFacts:
    key: str
    members: tuple[MemberFacts, ...] = ()
    source: str = ""  # a stated source other than replies: members are cited on purpose


@dataclass(frozen=True)
class CodingFacts:
    sets: tuple[SetFacts, ...]
    cited_keys: frozenset[str]
    reply_respondents: dict[int, str] = field(default_factory=dict)  # id → label, in UN order
    withdrawn_respondents: frozenset[int] = frozenset()


# --- evidence against the reply as it stands ---------------------------------------------------


class EvidenceState(StrEnum):
    CURRENT = "current"
    MOVED = "moved"  # the passage is still there, at another place (the answer was amended)
    STALE = "stale"


def locate(text: str, quote: str, start: int | None) -> tuple[int, int] | None:
    """Where ``quote`` is in ``text``: at ``start`` if it still is, else the nearest occurrence."""
    if not quote:
        return None
    if start is not None and text[start : start + len(quote)] == quote:
        return start, start + len(quote)
    found, at = [], text.find(quote)
    while at != -1:
        found.append(at)
        at = text.find(quote, at + 1)
    if not found:
        return None
    best = min(found, key=lambda i: abs(i - (start or 0)))
    return best, best + len(quote)


def evidence_state(evidence: EvidenceFacts) -> EvidenceState:
    text = evidence.current_text
    if text is None:
        return EvidenceState.STALE
    if evidence.kind == "value":
        return EvidenceState.CURRENT if text == evidence.quote else EvidenceState.STALE
    place = locate(text, evidence.quote, evidence.start)
    if place is None:
        return EvidenceState.STALE
    return EvidenceState.CURRENT if place[0] == evidence.start else EvidenceState.MOVED


# --- the checks --------------------------------------------------------------------------------


def _clip(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def from_problems(
    problems: Iterable[Problem], *, withdrawn: frozenset[int] = frozenset()
) -> list[Finding]:
    """The renderer's problems as findings (a withdrawn reply is named as such)."""
    findings = []
    for problem in problems:
        check = _FROM_PROBLEM.get(problem.code, Check.MARKUP)
        message = problem.message
        if check is Check.MEMBER_WITHOUT_REPLY and problem.respondent_id in withdrawn:
            check = Check.MEMBER_REPLY_WITHDRAWN
            message = message.replace(
                "has no reply in the report", "has withdrawn its reply, so none is in the report"
            )
        findings.append(
            Finding(
                check=check,
                severity=Severity.BLOCKING if problem.blocking else Severity.WARNING,
                where=problem.where,
                message=message,
                set_key=problem.set_key,
                respondent_id=problem.respondent_id,
                paragraph_id=problem.paragraph_id,
            )
        )
    return findings


def coding_findings(facts: CodingFacts) -> list[Finding]:
    """The checks that look at evidence and coverage, beyond what the renderer sees."""
    findings: list[Finding] = []
    cited = [s for s in facts.sets if s.key in facts.cited_keys]
    for item in facts.sets:
        where = f"Attribution set {item.key!r}"
        is_cited = item.key in facts.cited_keys
        if not is_cited:
            findings.append(
                Finding(
                    Check.SET_NOT_USED,
                    Severity.NOTE,
                    where,
                    "No paragraph of the report cites this set.",
                    set_key=item.key,
                )
            )
        for member in item.members:
            for evidence in member.evidence:
                if evidence_state(evidence) is EvidenceState.STALE:
                    findings.append(
                        Finding(
                            Check.STALE_EVIDENCE,
                            Severity.WARNING,
                            where,
                            f"{member.label}: the passage quoted from question "
                            f"{evidence.question_number} (submission {evidence.revision_number}) "
                            f"is no longer in the reply's last submission: "
                            f"“{_clip(evidence.quote)}”.",
                            set_key=item.key,
                            respondent_id=member.respondent_id,
                            evidence_id=evidence.id,
                        )
                    )
            if not is_cited:
                continue
            if member.evidence and not member.note and all(e.restricted for e in member.evidence):
                findings.append(
                    Finding(
                        Check.RESTRICTED_ONLY,
                        Severity.BLOCKING,
                        where,
                        f"{member.label} is cited only on the strength of answers marked not for "
                        "publication: add a note from another source or remove the member.",
                        set_key=item.key,
                        respondent_id=member.respondent_id,
                    )
                )
            if not member.evidence and not member.note.strip() and not item.source:
                findings.append(
                    Finding(
                        Check.MEMBER_WITHOUT_EVIDENCE,
                        Severity.NOTE,
                        where,
                        f"{member.label} has neither a passage of a reply nor a note behind it.",
                        set_key=item.key,
                        respondent_id=member.respondent_id,
                    )
                )
    drawn_on = {m.respondent_id for s in cited for m in s.members}
    for respondent_id, label in facts.reply_respondents.items():
        if respondent_id not in drawn_on:
            findings.append(
                Finding(
                    Check.REPLY_NOT_CITED,
                    Severity.NOTE,
                    f"Reply of {label}",
                    "No set cited by the report draws on this reply.",
                    respondent_id=respondent_id,
                )
            )
    return findings


ORDER = list(Check)


def check(problems: Sequence[Problem], facts: CodingFacts) -> list[Finding]:
    """Every finding, grouped by check in the page's order (stable within a check)."""
    findings = from_problems(problems, withdrawn=facts.withdrawn_respondents)
    findings += coding_findings(facts)
    return sorted(findings, key=lambda f: ORDER.index(f.check))


@dataclass(frozen=True)
class Gate:
    """What a build may do given the findings."""

    findings: tuple[Finding, ...]

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.BLOCKING]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    @property
    def notes(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.NOTE]

    def groups(self) -> list[tuple[str, Severity, list[Finding]]]:
        """(title, severity, findings) per check that found something, in the page's order."""
        out: list[tuple[str, Severity, list[Finding]]] = []
        for item in ORDER:
            found = [f for f in self.findings if f.check is item]
            if found:
                out.append((CHECK_TITLES[item], found[0].severity, found))
        return out


def summary(findings: Sequence[Finding], limit: int = 10) -> str:
    """Findings in one sentence, for a build's error message."""
    shown = "; ".join(str(f) for f in findings[:limit])
    more = f" (and {len(findings) - limit} more)" if len(findings) > limit else ""
    return f"{shown}{more}"
