"""UN-style lists of respondents for Reports of the Secretary-General.

A report says again and again which States (and which organizations) said
something: in footnotes that are nothing but a list, and inside sentences.
United Nations editorial practice fixes how those lists look, and a reader
notices at once when one is wrong, so the rules live here, in one pure-Python
module with no Django in it, where they can be tested exhaustively:

* Order: by kind of respondent (Member States, observer States, observer
  entities, groups of States, United Nations entities, intergovernmental
  organizations, non-governmental organizations), then alphabetically by each name's sort
  key.  The sort key is data, not computed, because the UN alphabetizes some
  names by a form that differs from the printed one ("Côte d'Ivoire" sorts as
  "Cote d'Ivoire", "Türkiye" as "Turkiye").
* Style: a bare list (a footnote that is only a list, a parenthesis) uses the
  list form of each name, without an article ("Niger"); a list inside a
  sentence uses the running-text form ("the Niger").
* Joining: "A", "A and B", "A, B and C" -- never a comma before "and".  No
  full stop is added: punctuation belongs to the caller's sentence.
* Mentions: the first mention in a document uses the full name, later mentions
  the short form or abbreviation, tracked by one :class:`MentionTracker`
  shared across the whole document in reading order.
* Counts: one to nine in words, 10 and above in figures.

Names change over time (Czech Republic became Czechia, Swaziland became
Eswatini), and a report must print the name that was correct on its own date,
so every name carries an inclusive validity range and every function that
prints or sorts names takes the date to print for.
"""

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

__all__ = [
    "FormatError",
    "Kind",
    "MentionTracker",
    "Name",
    "Respondent",
    "Style",
    "count_phrase",
    "display_name",
    "format_list",
    "join_items",
    "number_words",
    "sort_respondents",
]


class Kind(StrEnum):
    """What a respondent is; the definition order is the order lists print in.

    States come first because the reports are about what States did;
    organizations follow from the most to the least official.
    """

    MEMBER_STATE = "member_state"
    OBSERVER_STATE = "observer_state"
    OBSERVER_ENTITY = "observer_entity"
    GROUP_OF_STATES = "group_of_states"
    UN_ENTITY = "un_entity"
    IGO = "igo"
    NGO = "ngo"


class Style(StrEnum):
    """Where a list is printed, which decides the form of each name.

    ``LIST`` is a list standing on its own (a footnote, a parenthesis), where
    the UN drops the article ("Niger"); ``PROSE`` is a list inside a sentence,
    where the article is part of the name ("the Niger").
    """

    LIST = "list"
    PROSE = "prose"


class FormatError(ValueError):
    """Raised with a message fit to show a user.

    A report is compiled by editors, not programmers: when the data cannot be
    printed correctly (no valid name on the report's date, a respondent listed
    twice) the message says which respondent and what to fix, instead of a
    bare ``KeyError`` from deep inside the formatter.
    """


# Rank of each kind in a printed list; spelled out rather than derived from
# the enum's definition order so that reordering the enum cannot silently
# reorder every report.
_KIND_RANK: dict[Kind, int] = {
    Kind.MEMBER_STATE: 0,
    Kind.OBSERVER_STATE: 1,
    Kind.OBSERVER_ENTITY: 2,
    Kind.GROUP_OF_STATES: 3,
    Kind.UN_ENTITY: 4,
    Kind.IGO: 5,
    Kind.NGO: 6,
}

# Count nouns (singular, plural) for each kind.  Member and observer States
# are counted together ("23 States") under a noun chosen by the caller, so
# they have no entry here.
_KIND_NOUNS: dict[Kind, tuple[str, str]] = {
    Kind.OBSERVER_ENTITY: ("observer entity", "observer entities"),
    Kind.GROUP_OF_STATES: ("group of States", "groups of States"),
    Kind.UN_ENTITY: ("United Nations entity", "United Nations entities"),
    Kind.IGO: ("intergovernmental organization", "intergovernmental organizations"),
    Kind.NGO: ("non-governmental organization", "non-governmental organizations"),
}

_STATE_KINDS = frozenset({Kind.MEMBER_STATE, Kind.OBSERVER_STATE})

_NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

_ARTICLE = "the "


def _as_date(on: date) -> date:
    """Return ``on`` as a plain date.

    ``datetime`` is a subclass of ``date`` but cannot be compared with one,
    so a caller passing a timestamp would otherwise get a ``TypeError`` from
    the middle of a comparison.
    """
    if isinstance(on, datetime):
        return on.date()
    if not isinstance(on, date):
        raise FormatError(f"{on!r} is not a date.")
    return on


def _require_text(value: object, what: str) -> None:
    """Reject a blank or non-string name part when the data is built.

    A blank name would print as ", , and" in the middle of a report; catching
    it when the :class:`Name` is made points at the bad record.
    """
    if not isinstance(value, str) or not value.strip():
        raise FormatError(f"The {what} must be a non-empty text, not {value!r}.")


@dataclass(frozen=True)
class Name:
    """One name of a respondent, valid over an inclusive range of dates.

    ``list_name`` is printed in bare lists ("Niger"), ``text_name`` in
    running text ("the Niger").  ``sort_key`` is what the name is
    alphabetized by; it is data because the UN's order cannot always be
    computed from the printed name.  ``short_name`` is the later-mention form
    without an article ("United Kingdom"); in prose it takes "the" when
    ``text_name`` does.  ``abbreviation`` is for organizations: the first
    mention prints "Full Name (ABBR)", later ones "ABBR" alone.
    ``valid_from`` and ``valid_to`` are inclusive; ``None`` leaves that end
    open.  ``kind``, when given, is what the respondent was while the name
    was in force (Palestine, an observer entity until 28 November 2012, an
    observer State since); empty means the respondent's own kind.
    """

    list_name: str
    text_name: str
    sort_key: str
    short_name: str = ""
    abbreviation: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    kind: str = ""

    def __post_init__(self) -> None:
        """Validate at construction so bad data fails where it is loaded."""
        if self.kind:
            try:
                object.__setattr__(self, "kind", Kind(self.kind))
            except ValueError:
                allowed = ", ".join(repr(k.value) for k in Kind)
                raise FormatError(
                    f"The name {self.list_name!r} has unknown kind {self.kind!r}; "
                    f"use one of {allowed}."
                ) from None
        _require_text(self.list_name, "list name")
        _require_text(self.text_name, "running-text name")
        _require_text(self.sort_key, f"sort key of {self.list_name!r}")
        for value, what in ((self.short_name, "short name"), (self.abbreviation, "abbreviation")):
            if not isinstance(value, str) or (value and not value.strip()):
                raise FormatError(
                    f"The {what} of {self.list_name!r} must be text or empty, not {value!r}."
                )
        if (
            self.valid_from is not None
            and self.valid_to is not None
            and _as_date(self.valid_from) > _as_date(self.valid_to)
        ):
            raise FormatError(
                f"The name {self.list_name!r} is valid from {self.valid_from.isoformat()} "
                f"to {self.valid_to.isoformat()}: the range ends before it starts."
            )

    def is_valid_on(self, on: date) -> bool:
        """Whether this name was the correct one on ``on`` (both ends inclusive)."""
        on = _as_date(on)
        if self.valid_from is not None and on < _as_date(self.valid_from):
            return False
        return not (self.valid_to is not None and on > _as_date(self.valid_to))


@dataclass(frozen=True)
class Respondent:
    """A State or organization that can appear in a list.

    ``names`` holds every name the respondent has had; exactly one must be
    valid on any date a report is printed for.  ``count_noun`` (singular,
    plural) replaces the kind's noun in :func:`count_phrase`, for example
    ``("regional organization", "regional organizations")`` for an
    intergovernmental organization the report counts separately.
    """

    id: int
    kind: Kind
    names: tuple[Name, ...]
    count_noun: tuple[str, str] | None = None

    def __post_init__(self) -> None:
        """Normalize loaded data (kind from text, names to a tuple) and reject what cannot print."""
        try:
            kind = Kind(self.kind)
        except ValueError:
            allowed = ", ".join(repr(k.value) for k in Kind)
            raise FormatError(
                f"Respondent {self.id} has unknown kind {self.kind!r}; use one of {allowed}."
            ) from None
        object.__setattr__(self, "kind", kind)
        names = tuple(self.names)
        if not names:
            raise FormatError(f"Respondent {self.id} has no names.")
        if not all(isinstance(name, Name) for name in names):
            raise FormatError(f"Respondent {self.id} has a name that is not a Name.")
        object.__setattr__(self, "names", names)
        if self.count_noun is not None:
            noun = tuple(self.count_noun)
            if len(noun) != 2 or not all(isinstance(n, str) and n.strip() for n in noun):
                raise FormatError(
                    f"The count noun of respondent {self.id} must be a (singular, plural) pair "
                    f"of texts, not {self.count_noun!r}."
                )
            object.__setattr__(self, "count_noun", noun)

    def kind_on(self, on: date) -> Kind:
        """What the respondent was on ``on``: the kind of the name then in force, if it says."""
        name = self.name_on(on)
        return Kind(name.kind) if name.kind else self.kind  # type: ignore[return-value]

    def name_on(self, on: date) -> Name:
        """The one name valid on ``on``.

        Raises :class:`FormatError` when no name or more than one name is
        valid: either would mean the data cannot say what the report should
        print, and guessing would put a wrong name in an official document.
        """
        on = _as_date(on)
        valid = [name for name in self.names if name.is_valid_on(on)]
        if len(valid) == 1:
            return valid[0]
        known = "; ".join(name.list_name for name in self.names)
        if not valid:
            raise FormatError(
                f"Respondent {self.id} has no name valid on {on.isoformat()} (names: {known})."
            )
        clash = " and ".join(repr(name.list_name) for name in valid)
        raise FormatError(
            f"Respondent {self.id} has more than one name valid on {on.isoformat()}: {clash}."
        )


class MentionTracker:
    """Which respondents a document has already named, in reading order.

    The first mention of a name in a document is in full, later ones may be
    shortened.  One tracker is shared by everything that prints names in one
    document, footnotes included, and must be used in reading order.
    """

    def __init__(self, mentioned: Iterable[int] = ()) -> None:
        """Start a document, optionally with respondents already mentioned before this point."""
        self.mentioned: set[int] = set(mentioned)

    def is_mentioned(self, respondent_id: int) -> bool:
        """Whether the respondent has been named earlier in the document."""
        return respondent_id in self.mentioned

    def mark(self, ids: Iterable[int]) -> None:
        """Record that the respondents have now been named."""
        self.mentioned.update(ids)

    def __repr__(self) -> str:
        """Show the ids, sorted, so test failures are readable."""
        return f"MentionTracker({sorted(self.mentioned)!r})"


def number_words(n: int) -> str:
    """Spell a count the UN way: one to nine in words, 10 and above in figures.

    Zero gives ``"no"``, so that ``f"{number_words(0)} States"`` reads
    "no States"; the caller must then use the plural noun, as for any count
    other than one.  Negative counts, and booleans (which Python would accept
    as integers), raise :class:`FormatError` because no report counts them.
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise FormatError(f"A count must be a whole number, not {n!r}.")
    if n < 0:
        raise FormatError(f"A count cannot be negative ({n}).")
    if n == 0:
        return "no"
    if n < 10:
        return _NUMBER_WORDS[n - 1]
    return str(n)


def join_items(items: Sequence[str]) -> str:
    """Join already-rendered items: "A", "A and B", "A, B and C".

    UN style puts no comma before the final "and".  An empty sequence raises
    :class:`FormatError` rather than returning "", because an empty list in a
    report is always a mistake in the data, not something to print.  A bare
    string is refused because it would be joined letter by letter.
    """
    if isinstance(items, str):
        raise TypeError("join_items() takes a sequence of texts, not a single text.")
    parts = list(items)
    if not parts:
        raise FormatError("The list is empty: there is nothing to join.")
    for position, part in enumerate(parts, start=1):
        if not isinstance(part, str) or not part.strip():
            raise FormatError(f"Item {position} of the list is blank ({part!r}).")
    if len(parts) == 1:
        return parts[0]
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def _check_unique(respondents: Iterable[Respondent]) -> list[Respondent]:
    """Materialize the respondents, refusing any id given twice.

    Duplicates are not silently dropped: a respondent listed twice usually
    means two records were merged badly, and the editor has to know.
    """
    result = list(respondents)
    seen: set[int] = set()
    for respondent in result:
        if not isinstance(respondent, Respondent):
            raise FormatError(f"{respondent!r} is not a respondent.")
        if respondent.id in seen:
            raise FormatError(f"Respondent {respondent.id} appears more than once in the list.")
        seen.add(respondent.id)
    return result


def _check_not_empty(respondents: list[Respondent]) -> None:
    """Refuse an empty list: a report never prints "replies were received from" nothing."""
    if not respondents:
        raise FormatError("The list is empty: at least one respondent is needed.")


def _sort_text(sort_key: str) -> str:
    """Compare sort keys without regard to case or Unicode composition.

    The keys are typed by people; "netherlands" and "Netherlands", or a
    decomposed and a composed accent, must sort the same.
    """
    return unicodedata.normalize("NFKC", sort_key).casefold()


def sort_respondents(respondents: Iterable[Respondent], *, on: date) -> list[Respondent]:
    """Sort into UN order: by kind, then by sort key of the name valid ``on``.

    Sort keys compare case-insensitively; ties are broken by id so that the
    same data always prints the same report.  The date matters because a
    renamed respondent can move (Swaziland sorted under S, Eswatini under E).
    An empty input gives an empty list; an id given twice raises
    :class:`FormatError`.
    """
    on = _as_date(on)
    items = _check_unique(respondents)
    keyed = [
        ((_KIND_RANK[r.kind_on(on)], _sort_text(r.name_on(on).sort_key), r.id), r) for r in items
    ]
    keyed.sort(key=lambda pair: pair[0])
    return [respondent for _, respondent in keyed]


def _coerce_style(style: Style | str) -> Style:
    """Accept a :class:`Style` or its value, so templates can pass plain text."""
    try:
        return Style(style)
    except ValueError:
        raise FormatError(f"Unknown list style {style!r}: use 'list' or 'prose'.") from None


def display_name(
    respondent: Respondent,
    *,
    style: Style,
    on: date,
    tracker: MentionTracker | None = None,
) -> str:
    """The form of one respondent's name to print here, without marking it mentioned.

    First mention (or no tracker at all, when nothing is known about earlier
    mentions and the full name is the safe choice): the list or running-text
    name, followed by "(ABBR)" when there is an abbreviation.  Later
    mentions: the abbreviation if there is one (never with "the"), else the
    short name (with "the" in prose when the running-text name has it), else
    the same full name.  The name is not capitalized for the start of a
    sentence; that is the caller's business.
    """
    style = _coerce_style(style)
    name = respondent.name_on(on)
    full = name.list_name if style is Style.LIST else name.text_name
    already = tracker is not None and tracker.is_mentioned(respondent.id)
    if not already:
        # "Eurojust", never "Eurojust (Eurojust)": a name that is its own abbreviation prints once
        if name.abbreviation and name.abbreviation not in (name.list_name, name.text_name):
            return f"{full} ({name.abbreviation})"
        return full
    if name.abbreviation:
        return name.abbreviation
    if name.short_name:
        if style is Style.PROSE and name.text_name.startswith(_ARTICLE):
            return f"{_ARTICLE}{name.short_name}"
        return name.short_name
    return full


def format_list(
    respondents: Iterable[Respondent],
    *,
    style: Style | str,
    on: date,
    tracker: MentionTracker | None = None,
) -> str:
    """Sort, render and join a list of respondents, then mark them all as mentioned.

    Every name is rendered against the tracker as it stood before the call,
    and the tracker is only updated once the whole list has rendered, so an
    error leaves it untouched.  No full stop is added.
    """
    style = _coerce_style(style)
    on = _as_date(on)
    ordered = sort_respondents(respondents, on=on)
    _check_not_empty(ordered)
    text = join_items([display_name(r, style=style, on=on, tracker=tracker) for r in ordered])
    if tracker is not None:
        tracker.mark(r.id for r in ordered)
    return text


def _plural(noun: str) -> str:
    """Plural of the caller's States noun ("State", "Member State"): add "s"."""
    return f"{noun}s"


def count_phrase(
    respondents: Iterable[Respondent], *, states_noun: str = "State", on: date | None = None
) -> str:
    """Count respondents by kind: "23 States and one regional organization".

    Member and observer States are counted together under ``states_noun``
    (singular; "Member State" gives "Member States").  Other kinds use their
    own nouns.  A respondent with a ``count_noun`` forms its own group after
    its kind's default group; several such groups of one kind are ordered by
    noun, so the phrase never depends on input order.  A ``count_noun`` equal
    to the default noun simply joins the default group.  Groups are joined
    like any list; empty groups are left out.  With ``on``, each respondent
    is counted as the kind it was on that date (see :meth:`Respondent.kind_on`).
    """
    _require_text(states_noun, "noun for States")
    items = _check_unique(respondents)
    _check_not_empty(items)
    states_default = (states_noun, _plural(states_noun))

    # Group key: (kind rank of the group, 0 for the default noun / 1 for an
    # overriding one, noun).  Member and observer States share the rank of
    # Member States so that they are counted together.
    counts: dict[tuple[int, int, tuple[str, str]], int] = {}
    for respondent in items:
        kind = respondent.kind if on is None else respondent.kind_on(on)
        is_state = kind in _STATE_KINDS
        rank = _KIND_RANK[Kind.MEMBER_STATE] if is_state else _KIND_RANK[kind]
        default = states_default if is_state else _KIND_NOUNS[kind]
        noun = respondent.count_noun or default
        key = (rank, 0 if noun == default else 1, noun)
        counts[key] = counts.get(key, 0) + 1

    def order(key: tuple[int, int, tuple[str, str]]) -> tuple[int, int, str, str]:
        rank, custom, (singular, plural) = key
        return (rank, custom, singular.casefold(), plural.casefold())

    phrases = []
    for key in sorted(counts, key=order):
        singular, plural = key[2]
        n = counts[key]
        phrases.append(f"{number_words(n)} {singular if n == 1 else plural}")
    return join_items(phrases)
