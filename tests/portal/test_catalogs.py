"""The interface's translation catalogs: complete, nothing fuzzy, placeholders kept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from translate.storage import po

CATALOGS = sorted(Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/django.po"))
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]*\}")


def test_there_is_a_catalog_for_each_official_language_but_english():
    assert sorted(path.parts[-3] for path in CATALOGS) == ["ar", "es", "fr", "ru", "zh_Hans"]


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parts[-3])
def test_every_message_is_translated_not_fuzzy_and_keeps_its_placeholders(path):
    store = po.pofile.parsefile(str(path))
    problems = []
    for unit in store.units:
        if unit.isheader() or unit.isobsolete():
            continue
        if not unit.target:
            problems.append(f"untranslated: {unit.source!r}")
        elif unit.isfuzzy():
            problems.append(f"fuzzy: {unit.source!r}")
        elif sorted(PLACEHOLDER.findall(unit.source)) != sorted(PLACEHOLDER.findall(unit.target)):
            problems.append(f"placeholders differ: {unit.source!r} → {unit.target!r}")
    assert not problems, f"{path}: " + "; ".join(problems)
