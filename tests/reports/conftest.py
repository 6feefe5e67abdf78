"""Fixtures of the reports pages' tests."""

from __future__ import annotations

import pytest

from tests.factories import SecretariatFactory
from tests.reports.factories import report_with_replies


@pytest.fixture
def report(db):  # type: ignore[no-untyped-def]
    """A report on submitted replies, with sections, paragraphs and sets."""
    return report_with_replies()


@pytest.fixture
def secretariat(client):  # type: ignore[no-untyped-def]
    """The test client, signed in as the secretariat."""
    client.force_login(SecretariatFactory())
    return client
