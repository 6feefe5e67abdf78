"""The blank questionnaire for the note verbale, printed in each of its languages (PDF and
Word), read back as a person would: the text of the PDF with pdftotext, the Word file with
python-docx."""

from __future__ import annotations

import datetime
import io
import subprocess
import tempfile
import zipfile
from pathlib import Path

import docx
import pytest
from django.urls import reverse

from portal.errors import InvalidError
from surveys.models import Questionnaire, Respondent
from surveys.questionnaires import authoring, printing
from tests.factories import MembershipFactory, SecretariatFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat():  # type: ignore[no-untyped-def]
    return SecretariatFactory()


@pytest.fixture
def questionnaire(secretariat) -> Questionnaire:
    q = authoring.create_questionnaire(
        by=secretariat,
        title="Trafficking in persons",
        reference="CU 2007/212",
        deadline=datetime.date(2007, 12, 15),
        cutoff=datetime.date(2008, 1, 24),
        languages=["ar", "zh", "en", "fr"],
    )
    section = authoring.add_section(
        questionnaire=q,
        by=secretariat,
        number="A",
        title={"en": "Legislation", "fr": "Législation", "ar": "التشريعات", "zh": "立法"},
    )
    authoring.add_question(
        section=section,
        by=secretariat,
        number="1",
        kind="yes_no",
        required=True,
        text={
            "en": "Has your State ratified the Protocol?",
            "fr": "Votre État a-t-il ratifié le Protocole ?",
            "ar": "هل صدقت دولتكم على البروتوكول؟",
            "zh": "贵国是否已批准《议定书》？",  # noqa: RUF001 - Chinese punctuation
        },
    )
    authoring.add_question(
        section=section,
        by=secretariat,
        number="2",
        kind="text",
        text={"en": "Describe the offences in your criminal code."},
    )
    return q


def pdf_text(data: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "form.pdf"
        path.write_bytes(data)
        return subprocess.run(
            ["pdftotext", "-layout", str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout


def test_the_french_form_speaks_french_and_marks_what_is_not_yet_translated(questionnaire):
    text = pdf_text(printing.blank_form_pdf(questionnaire, "fr"))
    assert "Veuillez répondre au plus tard le 15 décembre 2007." in text
    assert "Votre État a-t-il ratifié le Protocole ?" in text
    assert "Oui" in text and "Non" in text and "(obligatoire)" in text
    assert "Sans objet" in text
    # Question 2 exists in English only: printed in English, marked, never silently.
    assert "Describe the offences in your criminal code. Pas encore traduit" in " ".join(
        text.split()
    )


def test_the_arabic_form_prints_shaped_arabic_right_to_left(questionnaire):
    html = printing.blank_form_html(questionnaire, "ar")
    assert '<html lang="ar" dir="rtl">' in html
    text = pdf_text(printing.blank_form_pdf(questionnaire, "ar"))
    assert "هل صدقت دولتكم على البروتوكول؟" in text
    assert "نعم" in text and "لا ينطبق" in text
    assert "التشريعات" in text


def test_the_chinese_form_prints_chinese_characters(questionnaire):
    text = pdf_text(printing.blank_form_pdf(questionnaire, "zh"))
    assert "贵国是否已批准《议定书》？" in text  # noqa: RUF001
    assert "是" in text and "不适用" in text and "立法" in text


def test_the_word_form_has_the_same_texts_and_runs_right_to_left_in_arabic(questionnaire):
    document = docx.Document(io.BytesIO(printing.blank_form_docx(questionnaire, "fr")))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    assert "Votre État a-t-il ratifié le Protocole ?" in paragraphs
    assert "Oui" in paragraphs
    arabic = printing.blank_form_docx(questionnaire, "ar")
    with zipfile.ZipFile(io.BytesIO(arabic)) as archive:
        body = archive.read("word/document.xml").decode()
        settings = archive.read("word/styles.xml").decode()
    assert "هل صدقت دولتكم على البروتوكول؟" in body
    assert "<w:bidi" in body or "<w:bidi" in settings or "<w:rtl" in body + settings


def test_only_the_questionnaire_languages_print(questionnaire):
    with pytest.raises(InvalidError):
        printing.blank_form_html(questionnaire, "ru")


def test_the_secretariat_downloads_the_forms_from_the_page(client, questionnaire, secretariat):
    client.force_login(secretariat)
    detail = client.get(reverse("surveys:questionnaire-detail", args=[questionnaire.pk]))
    url = reverse("surveys:questionnaire-print", args=[questionnaire.pk])
    assert f"{url}?language=ar&amp;format=pdf".encode() in detail.content
    pdf = client.get(url, {"language": "ar", "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"].endswith(f'questionnaire-{questionnaire.pk}-ar.pdf"')
    word = client.get(url, {"language": "zh", "format": "docx"})
    assert word.status_code == 200 and word.content.startswith(b"PK")
    assert client.get(url, {"language": "ru", "format": "pdf"}).status_code == 404
    assert client.get(url, {"language": "fr", "format": "exe"}).status_code == 404


@pytest.mark.parametrize("role", ["focal_point", "expert"])
def test_respondents_people_do_not_print_the_secretariat_forms(client, questionnaire, role):
    member = MembershipFactory(respondent=Respondent.objects.get(code="SLV"), role=role).user
    client.force_login(member)
    url = reverse("surveys:questionnaire-print", args=[questionnaire.pk])
    assert client.get(url, {"language": "fr"}).status_code in (403, 404)
