"""The blank questionnaire, printed in one of its languages, for the note verbale.

The secretariat attaches the questionnaire to the note verbale that sends it, in each official
language the questionnaire is in: as PDF (WeasyPrint through ``portal.printing``) and as a Word
file (pandoc) a permanent mission can fill in offline. The form's own words (Yes, No, "Not
known"…) are in the same language (Django's translation catalogs under ``locale/``); a question
not yet translated prints in the language it exists in, marked so, never silently. Arabic prints
right to left; the fonts (Noto Naskh Arabic, Noto CJK) come from the system through fontconfig.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pypandoc
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from portal.errors import InvalidError

from ..models import LANGUAGES, RTL_LANGUAGES, Questionnaire
from . import display

LANGUAGE_NAMES = dict(LANGUAGES)
# Django's language codes for the questionnaire's: Chinese is written in simplified characters.
DJANGO_LANGUAGE = {"zh": "zh-hans"}


def _check(questionnaire: Questionnaire, language: str) -> None:
    if language not in questionnaire.languages:
        names = ", ".join(LANGUAGE_NAMES[c] for c in questionnaire.languages)
        raise InvalidError(f"This questionnaire is in {names}: choose one of them.")


def _sections(questionnaire: Questionnaire, language: str) -> list[dict]:
    sections = list(questionnaire.sections.prefetch_related("questions").order_by("order", "pk"))
    numbers = {q.pk: q.number for s in sections for q in s.questions.all()}
    return [
        {
            "number": section.number,
            "title": display.label(section.title, language),
            "title_language": display.language_of(section.title, language),
            "questions": [
                display.question_display(
                    q, language, condition_number=numbers.get(q.condition_question_id or 0, "")
                )
                for q in section.questions.all()
            ],
        }
        for section in sections
    ]


def blank_form_html(questionnaire: Questionnaire, language: str, *, for_word: bool = False) -> str:
    """The whole form as one HTML document in ``language``."""
    _check(questionnaire, language)
    with translation.override(DJANGO_LANGUAGE.get(language, language)):
        return render_to_string(
            "surveys/print/blank_questionnaire.html",
            {
                "questionnaire": questionnaire,
                "language": language,
                "rtl": language in RTL_LANGUAGES,
                "sections": _sections(questionnaire, language),
                "for_word": for_word,
            },
        )


def blank_form_pdf(questionnaire: Questionnaire, language: str) -> bytes:
    from portal import printing  # loads WeasyPrint: only where a PDF is made

    html = blank_form_html(questionnaire, language)
    return printing.printable(html, base_url=str(settings.BASE_DIR)).write_pdf()


def blank_form_docx(questionnaire: Questionnaire, language: str) -> bytes:
    """The form as a Word file (pandoc from the same HTML, right to left for Arabic)."""
    html = blank_form_html(questionnaire, language, for_word=True)
    extra = [f"--metadata=lang:{DJANGO_LANGUAGE.get(language, language)}"]
    if language in RTL_LANGUAGES:
        extra.append("--metadata=dir:rtl")
    with tempfile.TemporaryDirectory(prefix="verbale-form-") as folder:
        target = Path(folder) / "questionnaire.docx"
        pypandoc.convert_text(html, "docx", format="html", outputfile=str(target), extra_args=extra)
        return target.read_bytes()
