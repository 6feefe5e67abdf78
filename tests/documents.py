"""Reading what Verbale prints, for assertions: the text of a PDF as poppler reads it."""

from __future__ import annotations

import subprocess
from pathlib import Path


def pdf_text(pdf: bytes | Path, *, layout: bool = False) -> str:
    """The PDF's text by ``pdftotext`` (pypdf garbles a font subset holding a form feed's glyph);
    pages are separated by form feeds. ``layout`` keeps the page's columns and line breaks."""
    data = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    args = ["pdftotext", *(["-layout"] if layout else []), "-", "-"]
    return subprocess.run(args, input=data, capture_output=True, check=True).stdout.decode()
