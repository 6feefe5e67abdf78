"""Tests for the UN-style list formatter in ``surveys.respondents.formatting``.

The core of this module rebuilds every list of States in a real Report of the
Secretary-General dated 29 January 2008 (kept as
``/work/shared/reference/000_e9affe3924297813.txt``) from respondent ids
given in shuffled order, and checks the output byte for byte.  Where the
report itself broke UN style, the test asserts the correct text and says so.
Only the report's lists of names are reproduced here, never its sentences.
"""

import random
import re
from collections.abc import Sequence
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveys.respondents.formatting import (
    FormatError,
    Kind,
    MentionTracker,
    Name,
    Respondent,
    Style,
    count_phrase,
    display_name,
    format_list,
    join_items,
    number_words,
    sort_respondents,
)

REPORT_DATE = date(2008, 1, 29)
LATER_DATE = date(2026, 11, 24)


def _state(
    respondent_id: int,
    list_name: str,
    *,
    the: bool = False,
    short_name: str = "",
    kind: Kind = Kind.MEMBER_STATE,
) -> Respondent:
    """A State with one open-ended name; ``the`` gives it the article in running text."""
    text_name = f"the {list_name}" if the else list_name
    name = Name(list_name, text_name, list_name, short_name=short_name)
    return Respondent(respondent_id, kind, (name,))


# Every respondent named in a list of the reference report, as the UN printed
# the names in 2008.  Ids are arbitrary and deliberately not alphabetical.
_RESPONDENTS: tuple[Respondent, ...] = (
    _state(31, "Austria"),
    _state(7, "Belarus"),
    _state(32, "Belgium"),
    _state(3, "Bulgaria"),
    _state(12, "Croatia"),
    _state(1, "Cuba"),
    _state(33, "Cyprus"),
    _state(5, "Czech Republic", the=True),
    _state(34, "Denmark"),
    _state(9, "El Salvador"),
    _state(2, "Estonia"),
    _state(35, "Finland"),
    _state(36, "France"),
    _state(37, "Germany"),
    _state(14, "Greece"),
    _state(16, "Hungary"),
    _state(38, "Italy"),
    _state(20, "Japan"),
    _state(18, "Jordan"),
    _state(25, "Latvia"),
    _state(11, "Liechtenstein"),
    _state(22, "Mauritius"),
    _state(4, "Myanmar"),
    _state(15, "Netherlands", the=True),
    _state(24, "Niger", the=True),
    _state(39, "Norway"),
    _state(6, "Oman"),
    _state(23, "Philippines", the=True),
    _state(13, "Poland"),
    _state(10, "Qatar"),
    _state(17, "Romania"),
    _state(21, "Slovenia"),
    _state(40, "Sweden"),
    _state(41, "Switzerland"),
    _state(8, "Ukraine"),
    Respondent(
        42,
        Kind.MEMBER_STATE,
        (
            Name(
                "United Kingdom of Great Britain and Northern Ireland",
                "the United Kingdom of Great Britain and Northern Ireland",
                "United Kingdom of Great Britain and Northern Ireland",
                short_name="United Kingdom",
            ),
        ),
    ),
    Respondent(
        19,
        Kind.IGO,
        (Name("League of Arab States", "the League of Arab States", "League of Arab States"),),
        count_noun=("regional organization", "regional organizations"),
    ),
)
_BY_NAME: dict[str, Respondent] = {r.names[0].list_name: r for r in _RESPONDENTS}
_BY_ID: dict[int, Respondent] = {r.id: r for r in _RESPONDENTS}


def _ids(*list_names: str) -> list[int]:
    """Ids of the respondents with these 2008 list names."""
    return [_BY_NAME[n].id for n in list_names]


def _shuffled(ids: Sequence[int], seed: str) -> list[int]:
    """The ids in a reproducible order that is never the one they were given in.

    A shuffle can return the input unchanged; rotating then guarantees the
    formatter really has to sort.
    """
    result = list(ids)
    random.Random(seed).shuffle(result)  # noqa: S311 -- test data order, not security
    if len(result) > 1 and result == list(ids):
        result = result[1:] + result[:1]
    return result


# (case id, style, ids in the report's own order, expected text in correct UN
# order).  Listed in the report's reading order, which matters for the test
# that shares one MentionTracker across the whole document.
_REPORT_LISTS: tuple[tuple[str, Style, list[int], str], ...] = (
    (
        # The report printed "..., Mauritius, Philippines, Myanmar, Netherlands,
        # Niger, ... and the Arab League": Philippines out of order, no "the"
        # before the Czech Republic, the Netherlands, the Niger and the
        # Philippines inside a sentence, and an informal name for the League of
        # Arab States.  The correct text is asserted.
        "paragraph_3_replies",
        Style.PROSE,
        _ids(
            "Belarus",
            "Bulgaria",
            "Croatia",
            "Cuba",
            "Czech Republic",
            "El Salvador",
            "Estonia",
            "Greece",
            "Hungary",
            "Japan",
            "Jordan",
            "Liechtenstein",
            "Mauritius",
            "Philippines",
            "Myanmar",
            "Netherlands",
            "Niger",
            "Oman",
            "Poland",
            "Qatar",
            "Romania",
            "Slovenia",
            "Ukraine",
            "League of Arab States",
        ),
        "Belarus, Bulgaria, Croatia, Cuba, the Czech Republic, El Salvador, Estonia, Greece, "
        "Hungary, Japan, Jordan, Liechtenstein, Mauritius, Myanmar, the Netherlands, the Niger, "
        "Oman, the Philippines, Poland, Qatar, Romania, Slovenia, Ukraine and the League of "
        "Arab States",
    ),
    (
        "footnote_1",
        Style.LIST,
        _ids(
            "Belarus",
            "Bulgaria",
            "Croatia",
            "El Salvador",
            "Estonia",
            "Hungary",
            "Latvia",
            "Myanmar",
            "Netherlands",
            "Oman",
            "Philippines",
            "Poland",
            "Romania",
        ),
        "Belarus, Bulgaria, Croatia, El Salvador, Estonia, Hungary, Latvia, Myanmar, "
        "Netherlands, Oman, Philippines, Poland and Romania",
    ),
    (
        "footnote_2",
        Style.LIST,
        _ids("Estonia", "Jordan", "Niger", "Oman"),
        "Estonia, Jordan, Niger and Oman",
    ),
    ("footnote_3", Style.LIST, _ids("Liechtenstein"), "Liechtenstein"),
    ("footnote_4", Style.LIST, _ids("Czech Republic", "Japan"), "Czech Republic and Japan"),
    (
        "footnote_5",
        Style.LIST,
        _ids("Belarus", "Bulgaria", "Latvia"),
        "Belarus, Bulgaria and Latvia",
    ),
    ("footnote_6", Style.LIST, _ids("Bulgaria", "Cuba", "Estonia"), "Bulgaria, Cuba and Estonia"),
    (
        "footnote_7",
        Style.LIST,
        _ids("Bulgaria", "El Salvador", "Estonia", "Japan"),
        "Bulgaria, El Salvador, Estonia and Japan",
    ),
    (
        "footnote_8",
        Style.LIST,
        _ids(
            "Bulgaria",
            "Czech Republic",
            "El Salvador",
            "Estonia",
            "Hungary",
            "Japan",
            "Liechtenstein",
            "Mauritius",
            "Niger",
        ),
        "Bulgaria, Czech Republic, El Salvador, Estonia, Hungary, Japan, Liechtenstein, "
        "Mauritius and Niger",
    ),
    (
        # Not in the brief's list of paragraphs, but it is a list of States in
        # a sentence like the others.
        "paragraph_11",
        Style.PROSE,
        _ids("Belarus", "Estonia"),
        "Belarus and Estonia",
    ),
    (
        # The report printed "Sweden and Finland"; alphabetical order is correct.
        "paragraph_15",
        Style.PROSE,
        _ids("Sweden", "Finland"),
        "Finland and Sweden",
    ),
    (
        "paragraph_17",
        Style.PROSE,
        _ids(
            "Austria",
            "Denmark",
            "France",
            "Germany",
            "Italy",
            "Norway",
            "Switzerland",
            "United Kingdom of Great Britain and Northern Ireland",
        ),
        "Austria, Denmark, France, Germany, Italy, Norway, Switzerland and the United Kingdom "
        "of Great Britain and Northern Ireland",
    ),
    (
        "paragraph_24",
        Style.PROSE,
        _ids("Belgium", "Cyprus", "Czech Republic", "Italy"),
        "Belgium, Cyprus, the Czech Republic and Italy",
    ),
    (
        "paragraph_44_first",
        Style.PROSE,
        _ids("El Salvador", "Estonia", "Japan", "Niger", "Philippines", "Qatar"),
        "El Salvador, Estonia, Japan, the Niger, the Philippines and Qatar",
    ),
    (
        "paragraph_44_second",
        Style.PROSE,
        _ids("Estonia", "Netherlands"),
        "Estonia and the Netherlands",
    ),
    ("paragraph_45", Style.PROSE, _ids("Croatia", "Estonia"), "Croatia and Estonia"),
    (
        "paragraph_46",
        Style.PROSE,
        _ids("Belarus", "Estonia", "Romania", "Ukraine"),
        "Belarus, Estonia, Romania and Ukraine",
    ),
    (
        # Footnote 10 is read before the rest of paragraph 60.
        "footnote_10",
        Style.LIST,
        _ids("Bulgaria", "Croatia", "Hungary", "Latvia", "Liechtenstein", "Poland"),
        "Bulgaria, Croatia, Hungary, Latvia, Liechtenstein and Poland",
    ),
    ("paragraph_60", Style.PROSE, _ids("Estonia", "Philippines"), "Estonia and the Philippines"),
    (
        "paragraph_61",
        Style.PROSE,
        _ids(
            "Belarus",
            "Bulgaria",
            "Croatia",
            "Czech Republic",
            "El Salvador",
            "Estonia",
            "Japan",
            "Mauritius",
            "Myanmar",
            "Netherlands",
            "Niger",
            "Philippines",
            "Poland",
            "Qatar",
            "Romania",
        ),
        "Belarus, Bulgaria, Croatia, the Czech Republic, El Salvador, Estonia, Japan, Mauritius, "
        "Myanmar, the Netherlands, the Niger, the Philippines, Poland, Qatar and Romania",
    ),
    (
        "paragraph_62",
        Style.PROSE,
        _ids(
            "Belarus",
            "Croatia",
            "El Salvador",
            "Estonia",
            "Hungary",
            "Japan",
            "Latvia",
            "Netherlands",
            "Philippines",
            "Romania",
            "Ukraine",
        ),
        "Belarus, Croatia, El Salvador, Estonia, Hungary, Japan, Latvia, the Netherlands, "
        "the Philippines, Romania and Ukraine",
    ),
    (
        "paragraph_63",
        Style.PROSE,
        _ids("Bulgaria", "Croatia", "Hungary", "Latvia", "Poland"),
        "Bulgaria, Croatia, Hungary, Latvia and Poland",
    ),
    (
        "paragraph_64",
        Style.PROSE,
        _ids(
            "Belarus",
            "Croatia",
            "El Salvador",
            "Estonia",
            "Japan",
            "Latvia",
            "Myanmar",
            "Niger",
            "Philippines",
            "Romania",
        ),
        "Belarus, Croatia, El Salvador, Estonia, Japan, Latvia, Myanmar, the Niger, "
        "the Philippines and Romania",
    ),
    (
        "paragraph_66",
        Style.PROSE,
        _ids("Bulgaria", "Croatia", "Czech Republic", "El Salvador", "Estonia", "Liechtenstein"),
        "Bulgaria, Croatia, the Czech Republic, El Salvador, Estonia and Liechtenstein",
    ),
    ("paragraph_68_first", Style.PROSE, _ids("Japan", "Latvia"), "Japan and Latvia"),
    ("paragraph_68_second", Style.PROSE, _ids("Mauritius", "Niger"), "Mauritius and the Niger"),
)


@pytest.mark.parametrize(
    ("style", "report_ids", "expected"),
    [pytest.param(style, ids, text, id=case) for case, style, ids, text in _REPORT_LISTS],
)
def test_every_list_in_the_reference_report_is_rebuilt_from_shuffled_ids(
    style: Style, report_ids: list[int], expected: str
) -> None:
    ids = _shuffled(report_ids, seed=expected)
    assert format_list([_BY_ID[i] for i in ids], style=style, on=REPORT_DATE) == expected


def test_the_whole_report_in_reading_order_with_one_shared_tracker_prints_the_same_lists() -> None:
    """No respondent in the report has a shorter later form except the United Kingdom,
    which appears once, so sharing one tracker must not change any list."""
    tracker = MentionTracker()
    for case, style, report_ids, expected in _REPORT_LISTS:
        ids = _shuffled(report_ids, seed=case)
        got = format_list([_BY_ID[i] for i in ids], style=style, on=REPORT_DATE, tracker=tracker)
        assert got == expected, case
    assert tracker.mentioned == {i for _, _, ids, _ in _REPORT_LISTS for i in ids}


def test_paragraph_3_count_phrase_is_23_states_and_one_regional_organization() -> None:
    ids = _shuffled(_REPORT_LISTS[0][2], seed="count")
    assert count_phrase(_BY_ID[i] for i in ids) == "23 States and one regional organization"


def test_caller_adds_the_full_stop_to_a_footnote() -> None:
    footnote = format_list([_BY_NAME["Niger"], _BY_NAME["Estonia"]], style="list", on=REPORT_DATE)
    assert f"{footnote}." == "Estonia and Niger."


# --- Names that change over time -------------------------------------------

_CZECHIA = Respondent(
    5,
    Kind.MEMBER_STATE,
    (
        Name(
            "Czech Republic",
            "the Czech Republic",
            "Czech Republic",
            valid_from=date(1993, 1, 1),
            valid_to=date(2016, 5, 16),
        ),
        Name("Czechia", "Czechia", "Czechia", valid_from=date(2016, 5, 17)),
    ),
)
_ESWATINI = Respondent(
    50,
    Kind.MEMBER_STATE,
    (
        Name("Swaziland", "Swaziland", "Swaziland", valid_to=date(2018, 4, 18)),
        Name("Eswatini", "Eswatini", "Eswatini", valid_from=date(2018, 4, 19)),
    ),
)
_TURKIYE = Respondent(
    51,
    Kind.MEMBER_STATE,
    (
        Name("Turkey", "Turkey", "Turkey", valid_to=date(2022, 5, 31)),
        Name("Türkiye", "Türkiye", "Turkiye", valid_from=date(2022, 6, 1)),
    ),
)


@pytest.mark.parametrize(
    ("on", "style", "expected"),
    [
        (REPORT_DATE, Style.LIST, "Cyprus, Czech Republic and Japan"),
        (REPORT_DATE, Style.PROSE, "Cyprus, the Czech Republic and Japan"),
        (date(2016, 5, 16), Style.PROSE, "Cyprus, the Czech Republic and Japan"),
        (date(2016, 5, 17), Style.PROSE, "Cyprus, Czechia and Japan"),
        (LATER_DATE, Style.LIST, "Cyprus, Czechia and Japan"),
        (LATER_DATE, Style.PROSE, "Cyprus, Czechia and Japan"),
    ],
)
def test_the_same_list_prints_the_name_valid_on_the_report_date(
    on: date, style: Style, expected: str
) -> None:
    respondents = [_BY_NAME["Japan"], _CZECHIA, _BY_NAME["Cyprus"]]
    assert format_list(respondents, style=style, on=on) == expected


def test_a_renamed_state_moves_to_the_place_of_its_new_sort_key() -> None:
    respondents = [_BY_NAME["Sweden"], _ESWATINI, _state(52, "Ethiopia"), _BY_NAME["Estonia"]]
    assert (
        format_list(respondents, style=Style.LIST, on=REPORT_DATE)
        == "Estonia, Ethiopia, Swaziland and Sweden"
    )
    assert (
        format_list(respondents, style=Style.LIST, on=LATER_DATE)
        == "Estonia, Eswatini, Ethiopia and Sweden"
    )


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (REPORT_DATE, "Tunisia, Turkey, Turkmenistan and Tuvalu"),
        (LATER_DATE, "Tunisia, Türkiye, Turkmenistan and Tuvalu"),
    ],
)
def test_turkiye_sorts_by_its_sort_key_between_tunisia_and_turkmenistan(
    on: date, expected: str
) -> None:
    # Sorted by the printed name, "Türkiye" would fall after "Tuvalu".
    respondents = [
        _state(54, "Tuvalu"),
        _state(53, "Turkmenistan"),
        _TURKIYE,
        _state(55, "Tunisia"),
    ]
    assert format_list(respondents, style=Style.PROSE, on=on) == expected


def test_cote_d_ivoire_sorts_as_cote_without_the_accent() -> None:
    cote = Respondent(
        60, Kind.MEMBER_STATE, (Name("Côte d'Ivoire", "Côte d'Ivoire", "Cote d'Ivoire"),)
    )
    respondents = [_BY_NAME["Cuba"], cote, _BY_NAME["Croatia"], _state(61, "Costa Rica")]
    assert (
        format_list(respondents, style=Style.LIST, on=REPORT_DATE)
        == "Costa Rica, Côte d'Ivoire, Croatia and Cuba"
    )


def test_sort_keys_compare_without_regard_to_case() -> None:
    lower = Respondent(
        70, Kind.MEMBER_STATE, (Name("Netherlands", "the Netherlands", "netherlands"),)
    )
    respondents = [_BY_NAME["Niger"], lower, _state(71, "Nauru")]
    assert [r.id for r in sort_respondents(respondents, on=REPORT_DATE)] == [71, 70, 24]


def test_equal_sort_keys_are_ordered_by_id() -> None:
    first = Respondent(2, Kind.NGO, (Name("Same", "Same", "same"),))
    second = Respondent(1, Kind.NGO, (Name("Same", "Same", "SAME"),))
    assert sort_respondents([first, second], on=REPORT_DATE) == [second, first]


def test_name_boundaries_are_inclusive() -> None:
    name = Name("X", "X", "X", valid_from=date(2000, 1, 1), valid_to=date(2000, 12, 31))
    assert name.is_valid_on(date(2000, 1, 1))
    assert name.is_valid_on(date(2000, 12, 31))
    assert not name.is_valid_on(date(1999, 12, 31))
    assert not name.is_valid_on(date(2001, 1, 1))


# --- First and later mentions ------------------------------------------------

_UK = _BY_NAME["United Kingdom of Great Britain and Northern Ireland"]
_IOM = Respondent(
    80,
    Kind.IGO,
    (
        Name(
            "International Organization for Migration",
            "the International Organization for Migration",
            "International Organization for Migration",
            abbreviation="IOM",
        ),
    ),
)


def test_first_mention_is_in_full_and_later_mentions_are_short_across_calls() -> None:
    tracker = MentionTracker()
    first = format_list([_IOM, _UK], style=Style.LIST, on=REPORT_DATE, tracker=tracker)
    later = format_list([_UK, _IOM], style=Style.LIST, on=REPORT_DATE, tracker=tracker)
    assert first == (
        "United Kingdom of Great Britain and Northern Ireland and "
        "International Organization for Migration (IOM)"
    )
    assert later == "United Kingdom and IOM"


def test_later_mentions_in_prose_keep_the_article_except_for_an_abbreviation() -> None:
    tracker = MentionTracker()
    first = format_list([_UK, _IOM], style=Style.PROSE, on=REPORT_DATE, tracker=tracker)
    later = format_list([_UK, _IOM], style=Style.PROSE, on=REPORT_DATE, tracker=tracker)
    assert first == (
        "the United Kingdom of Great Britain and Northern Ireland and "
        "the International Organization for Migration (IOM)"
    )
    assert later == "the United Kingdom and IOM"


def test_a_footnote_mention_counts_for_later_prose() -> None:
    tracker = MentionTracker()
    format_list([_UK], style=Style.LIST, on=REPORT_DATE, tracker=tracker)
    assert (
        format_list([_UK], style="prose", on=REPORT_DATE, tracker=tracker) == "the United Kingdom"
    )


def test_a_name_without_short_forms_prints_the_same_every_time() -> None:
    tracker = MentionTracker()
    niger = _BY_NAME["Niger"]
    assert format_list([niger], style=Style.PROSE, on=REPORT_DATE, tracker=tracker) == "the Niger"
    assert format_list([niger], style=Style.PROSE, on=REPORT_DATE, tracker=tracker) == "the Niger"


def test_display_name_does_not_mark_and_format_list_marks_every_respondent() -> None:
    tracker = MentionTracker()
    assert display_name(_IOM, style=Style.LIST, on=REPORT_DATE, tracker=tracker) == (
        "International Organization for Migration (IOM)"
    )
    assert not tracker.is_mentioned(_IOM.id)
    format_list([_IOM, _UK, _BY_NAME["Niger"]], style=Style.LIST, on=REPORT_DATE, tracker=tracker)
    assert tracker.mentioned == {_IOM.id, _UK.id, _BY_NAME["Niger"].id}


def test_a_tracker_can_start_with_respondents_already_mentioned() -> None:
    tracker = MentionTracker([_UK.id])
    assert display_name(_UK, style=Style.LIST, on=REPORT_DATE, tracker=tracker) == "United Kingdom"
    assert display_name(_IOM, style=Style.LIST, on=REPORT_DATE, tracker=tracker) == (
        "International Organization for Migration (IOM)"
    )


def test_without_a_tracker_every_mention_is_in_full() -> None:
    for _ in range(2):
        assert format_list([_IOM], style=Style.PROSE, on=REPORT_DATE) == (
            "the International Organization for Migration (IOM)"
        )


def test_a_failed_list_leaves_the_tracker_unchanged() -> None:
    tracker = MentionTracker()
    with pytest.raises(FormatError):
        format_list([_UK, _CZECHIA], style=Style.LIST, on=date(1990, 1, 1), tracker=tracker)
    # The United Kingdom's name was valid in 1990, but the list as a whole was
    # never printed, so it must not count as mentioned.
    assert tracker.mentioned == set()


# --- Lengths, kinds and joining ---------------------------------------------


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["Oman"], "Oman"),
        (["Qatar", "Oman"], "Oman and Qatar"),
        (["Qatar", "Oman", "Jordan"], "Jordan, Oman and Qatar"),
        (["Qatar", "Oman", "Jordan", "Cuba"], "Cuba, Jordan, Oman and Qatar"),
    ],
    ids=["one", "two", "three", "four"],
)
def test_one_two_and_many_items_join_without_a_comma_before_and(
    names: list[str], expected: str
) -> None:
    respondents = [_BY_NAME[n] for n in names]
    assert format_list(respondents, style=Style.LIST, on=REPORT_DATE) == expected


def test_kinds_print_in_order_states_groups_un_entities_igos_then_ngos() -> None:
    respondents = [
        Respondent(
            91, Kind.NGO, (Name("Amnesty International", "Amnesty International", "Amnesty"),)
        ),
        Respondent(92, Kind.IGO, (Name("African Union", "the African Union", "African Union"),)),
        Respondent(
            93,
            Kind.UN_ENTITY,
            (
                Name(
                    "United Nations Children's Fund",
                    "the United Nations Children's Fund",
                    "United Nations Children's Fund",
                ),
            ),
        ),
        Respondent(
            94, Kind.GROUP_OF_STATES, (Name("Group of 77", "the Group of 77", "Group of 77"),)
        ),
        _state(95, "Holy See", the=True, kind=Kind.OBSERVER_STATE),
        _state(96, "Zimbabwe"),
    ]
    assert format_list(list(reversed(respondents)), style=Style.PROSE, on=REPORT_DATE) == (
        "Zimbabwe, the Holy See, the Group of 77, the United Nations Children's Fund, "
        "the African Union and Amnesty International"
    )


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        (["A"], "A"),
        (["A", "B"], "A and B"),
        (["A", "B", "C"], "A, B and C"),
        (
            ("Bosnia and Herzegovina", "Trinidad and Tobago"),
            "Bosnia and Herzegovina and Trinidad and Tobago",
        ),
    ],
)
def test_join_items_puts_and_before_the_last_item_only(items: Sequence[str], expected: str) -> None:
    assert join_items(items) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [(0, "no"), (1, "one"), (2, "two"), (9, "nine"), (10, "10"), (23, "23"), (40, "40")],
)
def test_number_words_spells_one_to_nine_and_uses_figures_from_ten(n: int, expected: str) -> None:
    assert number_words(n) == expected


# --- Count phrases -----------------------------------------------------------


def _many(start: int, count: int, kind: Kind = Kind.MEMBER_STATE) -> list[Respondent]:
    """``count`` distinct respondents of one kind, ids from ``start``."""
    return [
        Respondent(i, kind, (Name(f"Respondent {i}", f"Respondent {i}", f"Respondent {i}"),))
        for i in range(start, start + count)
    ]


def test_count_phrase_of_one_state_is_singular() -> None:
    assert count_phrase([_BY_NAME["Oman"]]) == "one State"


def test_count_phrase_counts_member_and_observer_states_together() -> None:
    observer = _state(95, "Holy See", the=True, kind=Kind.OBSERVER_STATE)
    assert count_phrase([observer, _BY_NAME["Oman"]]) == "two States"


def test_count_phrase_uses_the_callers_noun_for_states() -> None:
    assert count_phrase(_many(100, 40), states_noun="Member State") == "40 Member States"


def test_count_phrase_lists_groups_in_kind_order_whatever_the_input_order() -> None:
    respondents = [
        *_many(300, 1, Kind.NGO),
        *_many(200, 2, Kind.UN_ENTITY),
        *_many(100, 10),
    ]
    assert count_phrase(respondents) == (
        "10 States, two United Nations entities and one non-governmental organization"
    )


def test_count_phrase_names_every_kind() -> None:
    respondents = [
        *_many(1, 1, Kind.NGO),
        *_many(2, 3, Kind.IGO),
        *_many(5, 1, Kind.UN_ENTITY),
        *_many(6, 2, Kind.GROUP_OF_STATES),
        *_many(8, 1, Kind.OBSERVER_STATE),
    ]
    assert count_phrase(respondents) == (
        "one State, two groups of States, one United Nations entity, "
        "three intergovernmental organizations and one non-governmental organization"
    )


def test_a_count_noun_forms_its_own_group_after_its_kinds_default_group() -> None:
    league = _BY_NAME["League of Arab States"]
    respondents = [league, *_many(10, 2, Kind.IGO), *_many(20, 1, Kind.NGO)]
    assert count_phrase(respondents) == (
        "two intergovernmental organizations, one regional organization "
        "and one non-governmental organization"
    )


def test_a_count_noun_equal_to_the_default_joins_the_default_group() -> None:
    igo = Respondent(
        30,
        Kind.IGO,
        (Name("Other", "Other", "Other"),),
        count_noun=("intergovernmental organization", "intergovernmental organizations"),
    )
    assert count_phrase([igo, *_many(10, 1, Kind.IGO)]) == "two intergovernmental organizations"


# --- Errors ------------------------------------------------------------------


def test_an_empty_list_is_an_error() -> None:
    with pytest.raises(FormatError, match=r"^The list is empty"):
        format_list([], style=Style.LIST, on=REPORT_DATE)
    with pytest.raises(FormatError, match=r"^The list is empty"):
        count_phrase([])
    with pytest.raises(FormatError, match=r"^The list is empty"):
        join_items([])


def test_sorting_nothing_gives_nothing() -> None:
    assert sort_respondents([], on=REPORT_DATE) == []


@pytest.mark.parametrize("call", ["format_list", "count_phrase", "sort_respondents"])
def test_the_same_id_twice_is_an_error_naming_the_id(call: str) -> None:
    oman = _BY_NAME["Oman"]
    impostor = _state(oman.id, "Not Oman")
    respondents = [oman, _BY_NAME["Qatar"], impostor]
    with pytest.raises(FormatError, match=rf"\bRespondent {oman.id} appears more than once"):
        if call == "format_list":
            format_list(respondents, style=Style.LIST, on=REPORT_DATE)
        elif call == "count_phrase":
            count_phrase(respondents)
        else:
            sort_respondents(respondents, on=REPORT_DATE)


def test_the_same_respondent_twice_is_not_silently_merged() -> None:
    with pytest.raises(FormatError, match=r"Respondent 6 appears more than once"):
        format_list([_BY_NAME["Oman"], _BY_NAME["Oman"]], style=Style.LIST, on=REPORT_DATE)


def test_no_name_valid_on_the_date_is_an_error_naming_id_and_date() -> None:
    with pytest.raises(FormatError, match=r"Respondent 5 has no name valid on 1990-01-01"):
        format_list([_CZECHIA], style=Style.LIST, on=date(1990, 1, 1))


def test_two_names_valid_on_the_same_date_is_an_error_naming_id_and_date() -> None:
    overlap = Respondent(
        5,
        Kind.MEMBER_STATE,
        (
            Name("Czech Republic", "the Czech Republic", "Czech Republic"),
            Name("Czechia", "Czechia", "Czechia", valid_from=date(2016, 5, 17)),
        ),
    )
    assert overlap.name_on(REPORT_DATE).list_name == "Czech Republic"
    with pytest.raises(
        FormatError, match=r"Respondent 5 has more than one name valid on 2026-11-24"
    ):
        overlap.name_on(LATER_DATE)


@pytest.mark.parametrize("style", ["LIST", "footnote", "", "Prose"])
def test_an_unknown_style_is_an_error(style: str) -> None:
    with pytest.raises(FormatError, match=r"Unknown list style .*use 'list' or 'prose'"):
        format_list([_BY_NAME["Oman"]], style=style, on=REPORT_DATE)


def test_a_style_given_as_text_is_accepted() -> None:
    niger = [_BY_NAME["Niger"]]
    assert format_list(niger, style="list", on=REPORT_DATE) == "Niger"
    assert format_list(niger, style="prose", on=REPORT_DATE) == "the Niger"


@pytest.mark.parametrize("n", [-1, -10])
def test_a_negative_count_is_an_error(n: int) -> None:
    with pytest.raises(FormatError, match="cannot be negative"):
        number_words(n)


def test_a_boolean_is_not_a_count() -> None:
    with pytest.raises(FormatError, match="whole number"):
        number_words(True)


def test_a_blank_item_cannot_be_joined() -> None:
    with pytest.raises(FormatError, match=r"Item 2 of the list is blank"):
        join_items(["A", " ", "C"])


def test_a_single_text_is_not_a_list_of_items() -> None:
    with pytest.raises(TypeError):
        join_items("ABC")


def test_an_unknown_kind_is_an_error_not_a_key_error() -> None:
    with pytest.raises(FormatError, match=r"Respondent 1 has unknown kind 'country'"):
        Respondent(1, "country", (Name("X", "X", "X"),))  # type: ignore[arg-type]


def test_a_kind_given_as_text_is_accepted() -> None:
    respondent = Respondent(1, "igo", [Name("X", "X", "X")])  # type: ignore[arg-type]
    assert respondent.kind is Kind.IGO
    assert respondent.names == (Name("X", "X", "X"),)


def test_a_respondent_without_names_is_an_error() -> None:
    with pytest.raises(FormatError, match=r"Respondent 3 has no names"):
        Respondent(3, Kind.MEMBER_STATE, ())


def test_a_blank_name_is_an_error() -> None:
    with pytest.raises(FormatError, match="list name"):
        Name(" ", "x", "x")


def test_a_name_valid_to_before_valid_from_is_an_error() -> None:
    with pytest.raises(FormatError, match="ends before it starts"):
        Name("X", "X", "X", valid_from=date(2020, 1, 2), valid_to=date(2020, 1, 1))


# --- Properties --------------------------------------------------------------


@st.composite
def _respondent_lists(draw: st.DrawFn) -> list[Respondent]:
    """Distinct respondents whose names cannot be substrings of one another.

    Every name contains a token "Q<id, four digits>Z"; tokens have the same
    length, so none is part of another, and none contains ", " or " and ".
    Sort keys are random (and may tie), to exercise ordering.
    """
    ids = draw(st.lists(st.integers(0, 9999), min_size=1, max_size=25, unique=True))
    result = []
    for respondent_id in ids:
        token = f"Q{respondent_id:04d}Z"
        the = draw(st.booleans())
        name = Name(
            list_name=token,
            text_name=f"the {token}" if the else token,
            sort_key=draw(st.text("abcABC xyz", min_size=1, max_size=4).filter(str.strip)),
            short_name=draw(st.sampled_from(["", f"S{token}"])),
        )
        result.append(Respondent(respondent_id, draw(st.sampled_from(Kind)), (name,)))
    return result


@given(
    respondents=_respondent_lists(),
    style=st.sampled_from(Style),
    use_tracker=st.booleans(),
)
def test_every_respondent_appears_exactly_once_and_is_marked(
    respondents: list[Respondent], style: Style, use_tracker: bool
) -> None:
    tracker = MentionTracker() if use_tracker else None
    text = format_list(respondents, style=style, on=REPORT_DATE, tracker=tracker)
    for respondent in respondents:
        assert text.count(f"Q{respondent.id:04d}Z") == 1
    assert len(re.findall(r"Q\d{4}Z", text)) == len(respondents)
    assert text.count(" and ") == (1 if len(respondents) > 1 else 0)
    assert not text.endswith(".")
    if tracker is not None:
        assert tracker.mentioned == {r.id for r in respondents}


@given(
    data=st.data(),
    respondents=_respondent_lists(),
    style=st.sampled_from(Style),
)
def test_output_does_not_depend_on_input_order(
    data: st.DataObject, respondents: list[Respondent], style: Style
) -> None:
    mentioned = data.draw(st.sets(st.sampled_from([r.id for r in respondents])))
    permuted = data.draw(st.permutations(respondents))
    expected = format_list(
        respondents, style=style, on=REPORT_DATE, tracker=MentionTracker(mentioned)
    )
    got = format_list(permuted, style=style, on=REPORT_DATE, tracker=MentionTracker(mentioned))
    assert got == expected
    assert count_phrase(permuted) == count_phrase(respondents)


@given(respondents=_respondent_lists())
def test_sorted_respondents_follow_kind_then_case_insensitive_key_then_id(
    respondents: list[Respondent],
) -> None:
    order = list(Kind)
    keys = [
        (order.index(r.kind), r.names[0].sort_key.casefold(), r.id)
        for r in sort_respondents(respondents, on=REPORT_DATE)
    ]
    assert keys == sorted(keys)
