"""The markup help beside the editor: every example is markup the parser accepts, and the page
shows each to the secretariat only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reports import markup
from reports.editor.examples import EXAMPLES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.title)
def test_every_example_is_accepted_by_the_parser(example):
    markup.parse_paragraph(example.typed)


def test_the_help_covers_every_construct_of_the_markup():
    typed = "\n".join(example.typed for example in EXAMPLES)
    for construct in ("**", "*", "[^", "{fn:", "{names:", "{list:", "{count:", "\n(a) ", "(i) ",
                      "\n- ", "Table:", "|---|", "Note:", "Source:", "\\"):  # fmt: skip
        assert construct in typed, construct


def test_the_secretariat_reads_the_help_beside_the_editor_and_on_its_own_page(client):
    from tests.factories import SecretariatFactory

    client.force_login(SecretariatFactory())
    page = client.get(reverse("reports:markup-help"))
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count('class="markup-example"') == len(EXAMPLES)
    assert "You type" in body and "It prints" in body
    assert "&lt;strong&gt;" not in body  # the printed side is shown as print, not as code


def test_people_outside_the_secretariat_do_not_open_it(client):
    from tests.factories import ReviewerFactory

    client.force_login(ReviewerFactory())
    assert client.get(reverse("reports:markup-help")).status_code in (403, 404)
