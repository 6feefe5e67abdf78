"""Reading the respondents registry shipped in ``surveys/data/respondents.csv``.

Pure Python (no Django) so the file can be checked by tests and by a data migration alike.
One CSV row is one name record; respondent-level columns repeat on every row of a code.
"""

from __future__ import annotations

import csv
import datetime
import itertools
from dataclasses import dataclass, field
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "respondents.csv"

RESPONDENT_COLUMNS = (
    "kind",
    "regional_group",
    "m49",
    "iso3",
    "count_singular",
    "count_plural",
)
NAME_COLUMNS = (
    "list_name",
    "text_name",
    "short_name",
    "abbreviation",
    "sort_key",
    "valid_from",
    "valid_to",
    "source",
    "note",
)
KINDS = (
    "member_state",
    "observer_state",
    "observer_entity",
    "group_of_states",
    "un_entity",
    "igo",
    "ngo",
)
REGIONAL_GROUPS = (
    "african",
    "asia_pacific",
    "eastern_european",
    "latin_american_caribbean",
    "western_european_other",
)


class ReferenceDataError(ValueError):
    """The data file is inconsistent; the message names the line and the problem."""


@dataclass
class NameRow:
    list_name: str
    text_name: str
    short_name: str
    abbreviation: str
    sort_key: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    source: str
    note: str


@dataclass
class RespondentRow:
    code: str
    kind: str
    regional_group: str
    m49: str
    iso3: str
    count_singular: str
    count_plural: str
    names: list[NameRow] = field(default_factory=list)


def _date(value: str, line: int, column: str) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ReferenceDataError(
            f"line {line}: {column} {value!r} is not a YYYY-MM-DD date"
        ) from None


def check_periods(code: str, names: list[NameRow]) -> None:
    """Names of one respondent must not overlap: on any date at most one is in force."""
    ordered = sorted(names, key=lambda n: n.valid_from or datetime.date.min)
    for earlier, later in itertools.pairwise(ordered):
        if earlier.valid_to is None or (
            later.valid_from is not None and later.valid_from <= earlier.valid_to
        ):
            raise ReferenceDataError(
                f"{code}: names {earlier.list_name!r} and {later.list_name!r} overlap"
            )
    for name in names:
        if name.valid_from and name.valid_to and name.valid_from > name.valid_to:
            raise ReferenceDataError(f"{code}: {name.list_name!r} ends before it starts")


def read_reference_rows(path: Path = DATA_FILE) -> list[RespondentRow]:
    """Parse and check the data file; raise ReferenceDataError on the first inconsistency."""
    respondents: dict[str, RespondentRow] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            code = row["code"].strip()
            values = {column: (row.get(column) or "").strip() for column in RESPONDENT_COLUMNS}
            if not code:
                raise ReferenceDataError(f"line {line}: no code")
            if values["kind"] not in KINDS:
                raise ReferenceDataError(f"line {line}: unknown kind {values['kind']!r}")
            if values["regional_group"] and values["regional_group"] not in REGIONAL_GROUPS:
                raise ReferenceDataError(
                    f"line {line}: unknown regional group {values['regional_group']!r}"
                )
            current = respondents.get(code)
            if current is None:
                current = respondents[code] = RespondentRow(code=code, **values)
            elif any(getattr(current, column) != values[column] for column in RESPONDENT_COLUMNS):
                raise ReferenceDataError(f"line {line}: {code} differs from its earlier rows")
            name = {column: (row.get(column) or "").strip() for column in NAME_COLUMNS}
            if not name["list_name"] or not name["text_name"] or not name["sort_key"]:
                raise ReferenceDataError(
                    f"line {line}: list_name, text_name and sort_key are needed"
                )
            current.names.append(
                NameRow(
                    **{k: v for k, v in name.items() if k not in ("valid_from", "valid_to")},
                    valid_from=_date(name["valid_from"], line, "valid_from"),
                    valid_to=_date(name["valid_to"], line, "valid_to"),
                )
            )
    for respondent in respondents.values():
        check_periods(respondent.code, respondent.names)
    return list(respondents.values())
