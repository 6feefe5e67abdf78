"""The URL fetcher of every printed document: static files and data: URLs, nothing else."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings

from portal import printing
from tests import listener as http_listener
from tests.documents import pdf_text

listener = http_listener.listener  # the fixture, shared with the report build's tests

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def static_root(tmp_path: Path) -> Path:
    """A static folder with a style sheet and an image, next to a file outside it."""
    root = tmp_path / "static"
    (root / "css").mkdir(parents=True)
    (root / "css" / "print.css").write_text('p::after { content: " styled from static" }')
    (root / "seal.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="30">'
        '<text x="0" y="20" font-size="16">Seal drawn from static</text></svg>'
    )
    (tmp_path / "outside.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="30">'
        '<text x="0" y="20" font-size="16">Outside the static folder</text></svg>'
    )
    (root / "link-out.svg").symlink_to(tmp_path / "outside.svg")
    return root


def test_a_file_of_the_projects_static_folder_is_served_with_its_type():
    css = Path(settings.BASE_DIR) / "static" / "css" / "report-print.css"

    response = printing.fetcher().fetch(css.as_uri())

    assert response.read() == css.read_bytes()
    assert response.content_type == "text/css"


def test_a_data_url_is_served():
    response = printing.fetcher().fetch("data:text/plain;base64,VmVyYmFsZQ==")

    assert response.read() == b"Verbale"


@pytest.mark.parametrize(
    "address",
    [
        "{http}",
        "{https}",
        "ftp://127.0.0.1:{port}/file",
        "file:///etc/passwd",
        "file://{root}/../outside.svg",  # back out of the static folder
        "file://{root}/css/%2e%2e/%2e%2e/outside.svg",  # the same, percent-encoded
        "file://{root}/css/../seal.svg",  # .. is refused even when it leads back inside
        "file://{root}/link-out.svg",  # a symbolic link out of the folder
        "file://{root}",  # a folder, not a file
        "file://{root}/missing.css",
        "file://fileserver{root}/seal.svg",  # a file on another machine
        "{root}/seal.svg",  # no scheme at all
    ],
)
def test_anything_but_a_static_file_or_data_is_refused_without_being_fetched(
    address, static_root, listener
):
    url = address.format(
        http=listener.url("x"),
        https=listener.url("x").replace("http:", "https:"),
        port=listener.port,
        root=static_root,
    )
    fetcher = printing.StaticOnlyFetcher([static_root])

    with pytest.raises(printing.ResourceRefusedError):
        fetcher.fetch(url)

    assert fetcher.refused == [url]
    assert listener.requests == []


def test_a_printed_document_uses_static_files_and_prints_without_anything_refused(
    static_root, listener
):
    html = (
        '<link rel="stylesheet" href="css/print.css">'
        f'<link rel="stylesheet" href="{listener.url("style.css")}">'
        "<p>Report</p>"
        '<img src="seal.svg">'
        f'<img src="{(static_root.parent / "outside.svg").as_uri()}">'
        '<img src="link-out.svg">'
        '<img src="file:///etc/passwd">'
        f'<img src="{listener.url("pixel.png")}">'
    )
    fetcher = printing.StaticOnlyFetcher([static_root])

    pdf = printing.printable(html, base_url=f"{static_root}/", url_fetcher=fetcher).write_pdf()

    text = pdf_text(pdf)
    assert "Report styled from static" in text
    assert "Seal drawn from static" in text
    assert "Outside the static folder" not in text
    assert listener.requests == []
    assert sorted(fetcher.refused) == sorted(
        [
            listener.url("style.css"),
            (static_root.parent / "outside.svg").as_uri(),
            (static_root / "link-out.svg").as_uri(),
            "file:///etc/passwd",
            listener.url("pixel.png"),
        ]
    )


def test_the_static_folders_are_static_root_and_staticfiles_dirs(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "collected"
    settings.STATICFILES_DIRS = [tmp_path / "static", ("vendor/x", tmp_path / "node")]

    assert printing.static_roots() == [
        tmp_path / "collected",
        tmp_path / "static",
        tmp_path / "node",
    ]


def _weasyprint_documents_made_directly(path: Path) -> list[str]:
    """Places in a module that make a WeasyPrint HTML or CSS object themselves."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("weasyprint"):
            found += [
                f"{path}:{node.lineno} imports {alias.name}"
                for alias in node.names
                if alias.name in ("HTML", "CSS")
            ]
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("HTML", "CSS")
            and isinstance(node.value, ast.Name)
            and node.value.id == "weasyprint"
        ):
            found.append(f"{path}:{node.lineno} uses weasyprint.{node.attr}")
    return found


def test_every_weasyprint_document_is_made_with_the_static_only_fetcher():
    """WeasyPrint's default fetcher reads any URL: only portal.printing may make documents."""
    modules = [
        path
        for folder in ("portal", "reports", "surveys", "bench", "scripts")
        for path in (ROOT / folder).rglob("*.py")
        if path != ROOT / "portal" / "printing.py"
    ]
    assert len(modules) > 20
    found = [place for path in modules for place in _weasyprint_documents_made_directly(path)]
    assert found == []
