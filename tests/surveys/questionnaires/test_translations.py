"""The translators' round trip: a questionnaire's texts out as XLIFF and XLSX and back in,
checked as a whole so that a file with any problem changes nothing."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from translate.storage import xliff

from portal.errors import FrozenError, InvalidError
from surveys.models import Question, Questionnaire, QuestionnaireRevision, Respondent
from surveys.questionnaires import authoring, translations
from tests.factories import MembershipFactory, SecretariatFactory, build_questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat():  # type: ignore[no-untyped-def]
    return SecretariatFactory()


@pytest.fixture
def draft(secretariat) -> Questionnaire:
    questionnaire = build_questionnaire(by=secretariat, languages=["en", "fr", "es"])
    section = questionnaire.sections.first()
    authoring.add_question(
        section=section,
        by=secretariat,
        number="9",
        kind="text",
        text={"en": "Describe *the* measures listed at https://www.unodc.org/ by {year}."},
    )
    return questionnaire


def state(questionnaire: Questionnaire) -> list[tuple[str, dict[str, str]]]:
    return [(unit.id, dict(unit.texts)) for unit in translations.units(questionnaire)]


def translated_xliff(questionnaire: Questionnaire, language: str, fill) -> bytes:  # type: ignore[no-untyped-def]
    """The exported XLIFF with targets written by ``fill(id, source)`` (None: leave empty)."""
    store = xliff.xlifffile.parsestring(translations.export_xliff(questionnaire, language))
    for unit in store.getunits():
        if unit.isheader():
            continue
        text = fill(unit.xmlelement.get("id"), unit.source or "")
        if text is not None:
            unit.target = text
    return bytes(store)


def translated_xlsx(questionnaire: Questionnaire, fill) -> bytes:  # type: ignore[no-untyped-def]
    """The exported workbook with cells changed by ``fill(id, column title, value)``."""
    book = load_workbook(io.BytesIO(translations.export_xlsx(questionnaire)))
    sheet = book.active
    titles = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        for index, cell in enumerate(row[2:], start=2):
            cell.value = fill(row[0].value, titles[index], cell.value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def french(ident: str, source: str) -> str:
    return f"FR {source}" if source else ""


# --- exports ----------------------------------------------------------------------------------


def test_every_text_a_reader_sees_is_a_unit_with_a_stable_id(draft) -> None:
    ids = [unit.id for unit in translations.units(draft)]
    sections = list(draft.sections.order_by("order"))
    choice_question = Question.objects.get(section__questionnaire=draft, kind="single_choice")
    table = Question.objects.get(section__questionnaire=draft, kind="table")
    assert ids[0] == f"s{sections[0].pk}.title"
    assert f"q{choice_question.pk}.choice.adopted" in ids
    first_row = table.options["rows"][0]["key"]
    first_column = table.options["columns"][0]["key"]
    assert f"q{table.pk}.row.{first_row}" in ids
    assert f"q{table.pk}.column.{first_column}" in ids
    assert len(ids) == len(set(ids))


def test_the_xliff_export_carries_source_existing_targets_and_where_each_text_is(draft) -> None:
    store = xliff.xlifffile.parsestring(translations.export_xliff(draft, "fr"))
    assert store.gettargetlanguage() == "fr"
    assert store.getsourcelanguage() == "en"
    units = {u.xmlelement.get("id"): u for u in store.getunits() if not u.isheader()}
    section = draft.sections.order_by("order").first()
    title = units[f"s{section.pk}.title"]
    assert str(title.source) == "Ratification and legislation"
    assert str(title.target) == "Ratification"  # the French title the questionnaire has
    assert "Section A" in title.getnotes()


def test_xliff_only_into_a_language_of_the_questionnaire_other_than_the_source(draft) -> None:
    with pytest.raises(InvalidError):
        translations.export_xliff(draft, "ru")
    with pytest.raises(InvalidError):
        translations.export_xliff(draft, "en")


def test_the_spreadsheet_has_one_column_per_language_source_first_and_a_frozen_header(
    draft,
) -> None:
    sheet = load_workbook(io.BytesIO(translations.export_xlsx(draft))).active
    assert [c.value for c in sheet[1]] == [
        "id",
        "where",
        "English (en)",
        "French (fr)",
        "Spanish (es)",
    ]
    assert sheet.freeze_panes == "C2"
    assert sheet.max_row == 1 + len(translations.units(draft))


# --- imports that succeed -----------------------------------------------------------------------


def test_an_xliff_round_trip_writes_every_translation_and_nothing_else(draft, secretariat) -> None:
    before = state(draft)
    data = translated_xliff(draft, "fr", french)
    result = translations.import_file(draft, filename="t.xlf", data=data, by=secretariat)
    after = dict(state(draft))
    for ident, texts in before:
        if texts.get("en"):
            assert after[ident]["fr"] == f"FR {texts['en']}"
        assert after[ident].get("en") == texts.get("en")
        assert after[ident].get("es") == texts.get("es")
    assert result.written["fr"] == sum(1 for _, t in before if t.get("en"))
    assert "in French" in result.summary()
    # The same file again changes nothing.
    again = translations.import_file(draft, filename="t.xlf", data=data, by=secretariat)
    assert not again.written
    assert "nothing changed" in again.summary()


def test_a_choice_label_lands_in_the_language_of_its_column(draft, secretariat) -> None:
    choice = Question.objects.get(section__questionnaire=draft, kind="single_choice")

    def fill(ident, title, value):  # type: ignore[no-untyped-def]
        if ident == f"q{choice.pk}.choice.adopted" and title == "Spanish (es)":
            return "Aprobada"
        return value

    data = translated_xlsx(draft, fill)
    translations.import_file(draft, filename="t.xlsx", data=data, by=secretariat)
    choice.refresh_from_db()
    label = choice.options["choices"][0]["label"]
    assert label == {"en": "Adopted", "es": "Aprobada"}


def test_an_empty_translation_leaves_the_text_as_it_is(draft, secretariat) -> None:
    before = state(draft)
    data = translated_xliff(draft, "fr", lambda ident, source: "")
    translations.import_file(draft, filename="t.xlf", data=data, by=secretariat)
    assert state(draft) == before


def test_a_dispatched_questionnaire_needs_a_reason_and_records_one_revision(secretariat) -> None:
    salvador = Respondent.objects.get(code="SLV")
    questionnaire = build_questionnaire(by=secretariat, dispatch_to=[salvador])
    data = translated_xliff(questionnaire, "fr", french)
    before = state(questionnaire)
    with pytest.raises(FrozenError):
        translations.import_file(questionnaire, filename="t.xlf", data=data, by=secretariat)
    assert state(questionnaire) == before
    translations.import_file(
        questionnaire, filename="t.xlf", data=data, by=secretariat, reason="French translation"
    )
    revisions = QuestionnaireRevision.objects.filter(questionnaire=questionnaire)
    assert [r.reason for r in revisions] == ["French translation"]
    assert state(questionnaire) != before


# --- imports refused, changing nothing ----------------------------------------------------------


def refused(draft, secretariat, filename: str, data: bytes) -> str:  # type: ignore[no-untyped-def]
    before = state(draft)
    with pytest.raises(InvalidError) as caught:
        translations.import_file(draft, filename=filename, data=data, by=secretariat)
    assert state(draft) == before
    assert not QuestionnaireRevision.objects.filter(questionnaire=draft).exists()
    return caught.value.message


def test_an_unknown_id_is_refused(draft, secretariat) -> None:
    data = translated_xliff(draft, "fr", french).replace(b'id="s', b'id="s999', 1)
    message = refused(draft, secretariat, "t.xlf", data)
    assert "Unknown ids" in message and "s999" in message
    assert "missing from the file" in message  # the renamed unit is now missing too


def test_a_text_missing_from_the_spreadsheet_is_refused(draft, secretariat) -> None:
    book = load_workbook(io.BytesIO(translations.export_xlsx(draft)))
    sheet = book.active
    gone = sheet.cell(row=3, column=1).value
    sheet.delete_rows(3)
    out = io.BytesIO()
    book.save(out)
    message = refused(draft, secretariat, "t.xlsx", out.getvalue())
    assert f"missing from the file: {gone}." in message


def test_a_source_changed_since_export_is_refused(draft, secretariat) -> None:
    data = translated_xliff(draft, "fr", french)
    question = Question.objects.get(section__questionnaire=draft, number="2")
    authoring.update_question(
        question=question, by=secretariat, text={"en": "Describe the offences now."}
    )
    message = refused(draft, secretariat, "t.xlf", data)
    assert f"(q{question.pk}.text): the English text has changed since the export" in message


def test_damaged_markup_is_refused_with_the_place_and_language(draft, secretariat) -> None:
    question = Question.objects.get(section__questionnaire=draft, number="9")

    def fill(ident, source):  # type: ignore[no-untyped-def]
        if ident == f"q{question.pk}.text":
            return "Décrivez les mesures énumérées sur le site avant {annee}."
        return french(ident, source)

    message = refused(draft, secretariat, "t.xlf", translated_xliff(draft, "fr", fill))
    assert f"Question 9 (q{question.pk}.text), French" in message
    assert "https://www.unodc.org/" in message and "{year}" in message


def test_a_language_the_questionnaire_is_not_in_is_refused(draft, secretariat) -> None:
    data = translated_xliff(draft, "fr", french).replace(
        b'target-language="fr"', b'target-language="ru"'
    )
    message = refused(draft, secretariat, "t.xlf", data)
    assert "Russian is not a language of this questionnaire" in message


@pytest.mark.parametrize(
    ("filename", "data", "expected"),
    [
        ("t.xlf", b"<xliff><file", "could not be read as XLIFF"),
        ("t.xlf", b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', "XLIFF"),
        ("t.xlsx", b"PK\x03\x04 not a workbook", "could not be read as a spreadsheet"),
        ("t.docx", b"anything", "Upload the XLIFF"),
        ("t.xlf", b"x" * (translations.MAX_FILE_BYTES + 1), "larger than 5 MB"),
    ],
)
def test_a_file_that_is_not_an_export_is_refused(draft, secretariat, filename, data, expected):  # type: ignore[no-untyped-def]
    assert expected in refused(draft, secretariat, filename, data)


def test_a_spreadsheet_without_the_source_column_is_refused(draft, secretariat) -> None:
    book = load_workbook(io.BytesIO(translations.export_xlsx(draft)))
    book.active.delete_cols(3)
    out = io.BytesIO()
    book.save(out)
    assert "no English column" in refused(draft, secretariat, "t.xlsx", out.getvalue())


# --- the page ---------------------------------------------------------------------------------


def test_the_secretariat_exports_and_imports_from_the_page(client, draft, secretariat) -> None:
    client.force_login(secretariat)
    page = reverse("surveys:questionnaire-translations", args=[draft.pk])
    export = reverse("surveys:questionnaire-translations-export", args=[draft.pk])
    response = client.get(page)
    assert response.status_code == 200
    assert b"XLIFF (.xlf) into French" in response.content
    assert b"XLIFF (.xlf) into Spanish" in response.content
    download = client.get(export, {"format": "xliff", "language": "fr"})
    assert download.status_code == 200
    assert download["Content-Disposition"].endswith(f'questionnaire-{draft.pk}-fr.xlf"')
    assert client.get(export, {"format": "xliff", "language": "ru"}).status_code == 404
    assert client.get(export, {"format": "pdf"}).status_code == 404

    store = xliff.xlifffile.parsestring(download.content)
    for unit in store.getunits():
        if not unit.isheader() and unit.source:
            unit.target = f"FR {unit.source}"
    upload = io.BytesIO(bytes(store))
    upload.name = "fr.xlf"
    response = client.post(page, {"file": upload, "reason": ""}, follow=True)
    assert b"Translations imported:" in response.content
    section = draft.sections.order_by("order").first()
    section.refresh_from_db()
    assert section.title["fr"] == "FR Ratification and legislation"


def test_a_refused_import_lists_every_problem_on_the_page(client, draft, secretariat) -> None:
    client.force_login(secretariat)
    before = state(draft)
    data = translated_xliff(draft, "fr", french).replace(b'id="s', b'id="s999', 1)
    upload = io.BytesIO(data)
    upload.name = "fr.xlf"
    page = reverse("surveys:questionnaire-translations", args=[draft.pk])
    response = client.post(page, {"file": upload})
    assert response.status_code == 400
    assert b"Nothing was imported" in response.content
    assert b"Unknown ids" in response.content and b"missing from the file" in response.content
    assert state(draft) == before


@pytest.mark.parametrize("role", ["focal_point", "expert"])
def test_a_focal_point_or_expert_cannot_export_or_import(client, draft, role) -> None:
    member = MembershipFactory(respondent=Respondent.objects.get(code="SLV"), role=role).user
    client.force_login(member)
    page = reverse("surveys:questionnaire-translations", args=[draft.pk])
    export = reverse("surveys:questionnaire-translations-export", args=[draft.pk])
    assert client.get(page).status_code in (403, 404)
    assert client.get(export).status_code in (403, 404)
    before = state(draft)
    upload = io.BytesIO(translated_xliff(draft, "fr", french))
    upload.name = "fr.xlf"
    assert client.post(page, {"file": upload}).status_code in (403, 404)
    assert state(draft) == before


def test_a_spreadsheet_that_would_unpack_too_far_is_refused_before_it_is_read(
    draft, secretariat
) -> None:
    import zipfile

    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (4 * 1024 * 1024))
    message = refused(draft, secretariat, "t.xlsx", packed.getvalue())
    assert "compressed" in message and "to 1" in message
