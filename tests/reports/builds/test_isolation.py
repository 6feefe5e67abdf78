"""A report build reads nothing but Verbale's own files, whatever the secretariat types.

Every text the secretariat can type into a report (masthead fields, titles, paragraphs,
footnotes, respondents' names) is filled with attempts to make WeasyPrint fetch a URL or read a
local file: closing the CSS string early with every CSS newline (``\\r``, ``\\f``, ``\\n``,
``\\r\\n``), escaped quotes, and HTML that would load a stylesheet or an image.  The report is
then built for real (HTML, WeasyPrint, pandoc) while a real HTTP server on this machine records
every request.  The build must ask nothing of that server, read no local file, and print each
value exactly as typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from portal import printing
from reports.builds import services
from tests import listener as http_listener
from tests.documents import pdf_text
from tests.listener import Listener
from tests.reports import samples

listener = http_listener.listener  # the fixture, shared with the fetcher's tests

# Text drawn by a local SVG file: if an injected file: URL were read, it would be in the PDF.
PLANTED = "Plantedsecretfromalocalfile"


@pytest.fixture
def local_secret(tmp_path: Path) -> str:
    """The file: URL of an SVG image that would print ``PLANTED`` if anything read it."""
    svg = tmp_path / "secret.svg"
    svg.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="40">'
        f'<text x="0" y="30" font-size="20">{PLANTED}</text></svg>'
    )
    return svg.as_uri()


@pytest.fixture
def build_fetcher(monkeypatch: pytest.MonkeyPatch) -> printing.StaticOnlyFetcher:
    """The fetcher the build gets, kept to read what it refused."""
    fetcher = printing.fetcher()
    monkeypatch.setattr(printing, "fetcher", lambda: fetcher)
    return fetcher


# Each payload gets the URL of the listener (its path names the field) and the file: URL of the
# planted secret.  The first ones close the CSS string with a character CSS counts as a
# newline and then add rules of their own at the top level of the style sheet.
Payload = Callable[[str, str], str]
PAYLOADS: dict[str, Payload] = {
    "css-cr": lambda u, f: (
        f'X"\r}}}} html{{ background: url({u}) }} '
        f'@page{{ @top-left{{ content: url({f}) url(file:///etc/passwd) }} }} a{{"'
    ),
    "css-ff": lambda u, f: (
        f'X"\f}}}} html{{ background: url({u}) }} @page{{ @top-left{{ content: url({f}) }} }} a{{"'
    ),
    "css-lf": lambda u, f: (
        f'X"\n}}}} html{{ background: url({u}) }} @page{{ @top-left{{ content: url({f}) }} }} a{{"'
    ),
    "css-crlf": lambda u, f: (
        f'X"\r\n}}}} html{{ background: url({u}) }} '
        f'@page{{ @top-left{{ content: url({f}) }} }} a{{"'
    ),
    "css-escaped-quote": lambda u, f: (
        f'X\\"\r}}}} html{{ background: url({u}) }} '
        f'@page{{ @top-left{{ content: url({f}) }} }} a{{\\"'
    ),
    "css-one-brace": lambda u, f: (
        f'X"\r}} @page{{ @top-left{{ content: url({u}) url({f}) }} }} a{{"'
    ),
    "html-link": lambda u, f: f"</style><link rel=stylesheet href={u}><style>",
    "html-img": lambda u, f: f"<img src={f}><img src=file:///etc/passwd><img src={u}>",
}

# Report fields printed as typed.  ``date`` is a date and ``page_size`` one of two constants:
# neither can carry text.
REPORT_FIELDS = (
    "organ",
    "subsidiary_body",
    "session",
    "place_and_dates",
    "agenda_item",
    "agenda_title",
    "agenda_symbol",
    "symbol",
    "distribution",
    "original_language",
    "job_number",
    "title",
    "subtitle",
)


def _markup_escaped(text: str) -> str:
    """Typed into a paragraph, where ``* [ ] { } \\`` are marks: escaped to print as typed."""
    return re.sub(r"([\\*\[\]{}])", r"\\\1", text)


def _set_report_field(name: str) -> Callable[[dict, str], None]:
    def put(data: dict, value: str) -> None:
        data["report"][name] = value

    return put


def _set_respondent_name(data: dict, value: str) -> None:
    # A respondent's name, as the secretariat types it in the registry.
    name = data["respondents"][0]["names"][0]
    name["list_name"] = name["text_name"] = value
    name["sort_key"] = "Belarus"


def _paragraph(section: int, index: int, *, sub: bool = False) -> Callable[[dict], dict]:
    def find(data: dict) -> dict:
        holder = data["sections"][section]
        holder = holder["subsections"][0] if sub else holder
        return holder["paragraphs"][index]

    return find


# Where a value goes in the snapshot, by the name of the field the secretariat types it in.
FIELDS: dict[str, Callable[[dict, str], None]] = {
    **{name: _set_report_field(name) for name in REPORT_FIELDS},
    "summary": lambda d, v: d["report"].update(summary=_markup_escaped(v)),
    "section_title": lambda d, v: d["sections"][0].update(title=v),
    "subsection_title": lambda d, v: d["sections"][1]["subsections"][0].update(title=v),
    "annex_title": lambda d, v: d["sections"][2].update(title=v),
    "paragraph": lambda d, v: _paragraph(0, 0)(d).update(text=_markup_escaped(v)),
    "footnote": lambda d, v: _paragraph(0, 1)(d).update(
        text="A note went out.[^" + _markup_escaped(v) + "]"
    ),
    "heading": lambda d, v: _paragraph(1, 1, sub=True)(d).update(text=v),
    "respondent_name": _set_respondent_name,
}


def _hostile_snapshot(
    payload: Payload, listener: Listener, secret: str, fields: list[str]
) -> tuple[dict, dict[str, str]]:
    """The sample report with the payload in the given fields, and the value of each."""
    data = samples.snapshot()
    # Upper case first: a footnote list capitalizes its first letter.  The listener's path
    # names the field, so a request says which field let it through.
    values = {name: f"{name.upper()}-" + payload(listener.url(name), secret) for name in fields}
    for name, value in values.items():
        FIELDS[name](data, value)
    return data, values


# Body text prints in UN typography (reports.rendering.typeset_text): curly quotation marks for
# the straight ones typed, en dashes in ranges; the words themselves are unchanged.
_TYPOGRAPHY = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})


def _squeezed(text: str) -> str:
    """Text without whitespace and hyphens: lines wrap anywhere in a narrow masthead column,
    and poppler drops the hyphen a line ends with ("top-" + "left" reads "topleft"); printed
    quotation marks read as typed."""
    return re.sub(r"[\s\-\u2013]+", "", text.translate(_TYPOGRAPHY))


def _assert_isolated_and_printed(
    data: dict, values: dict[str, str], listener: Listener, fetcher: printing.StaticOnlyFetcher
) -> None:
    compiled = services.compile_snapshot(data)

    text = "".join(pdf_text(compiled.pdf).split("\f"))
    printed = _squeezed(text)
    outcome = {
        "requests to the network": listener.requests,
        # Typed text never even becomes a URL, so the fetcher has nothing to refuse.
        "URLs refused": fetcher.refused,
        "local file read": PLANTED in text or "root:x:0" in text,
        "fields not printed as typed": [
            name for name, value in values.items() if _squeezed(value) not in printed
        ],
    }
    assert outcome == {
        "requests to the network": [],
        "URLs refused": [],
        "local file read": False,
        "fields not printed as typed": [],
    }


@pytest.mark.parametrize("field_name", list(FIELDS))
def test_a_string_closed_early_in_any_field_makes_the_build_fetch_nothing_and_prints_as_typed(
    field_name, listener, local_secret, build_fetcher
):
    data, values = _hostile_snapshot(PAYLOADS["css-cr"], listener, local_secret, [field_name])
    _assert_isolated_and_printed(data, values, listener, build_fetcher)


@pytest.mark.parametrize("payload_name", list(PAYLOADS))
def test_every_payload_in_every_field_at_once_makes_the_build_fetch_nothing_and_prints_as_typed(
    payload_name, listener, local_secret, build_fetcher
):
    data, values = _hostile_snapshot(PAYLOADS[payload_name], listener, local_secret, list(FIELDS))
    _assert_isolated_and_printed(data, values, listener, build_fetcher)


def test_the_job_number_and_running_symbol_are_printed_as_typed_on_their_pages(listener):
    symbol = 'E/CN.15/2008/9"\r}} a{ b: url(' + listener.url("s") + ') } "'
    job = 'V.08-50669 (E)"\f}} a{ b: url(' + listener.url("j") + ') } "'
    data = samples.snapshot(symbol=symbol, job_number=job)

    compiled = services.compile_snapshot(data)

    pages = [_squeezed(page) for page in pdf_text(compiled.pdf).split("\f")]
    assert _squeezed(job) in pages[0]
    # Page 2 prints the symbol only in its running header (the masthead is on page 1).
    assert _squeezed(symbol) in pages[1]
    assert listener.requests == []
