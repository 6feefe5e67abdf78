"""Text of attached documents, for the full-text search of reviewers.

``extract_text`` is a pure function of the file's bytes and its (sniffed) content type; the
``surveys.extract_attachment_text`` task calls :func:`extract_attachment` with an attachment id,
stores the text on the attachment and re-indexes it. A file that cannot be read gives an empty
text and a log line: a damaged upload must never stop a submission or a search.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Callable, Iterator

from .models import Attachment

logger = logging.getLogger(__name__)

# Enough for any legislation a State attaches; beyond this the search index would only grow.
MAX_CHARS = 1_000_000
# DOCX, ODT and XLSX are ZIP archives: a small upload can unpack to gigabytes (a "zip bomb")
# and the parsers read each part whole. Real documents of 20 MB unpack to far less than this.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLAIN = ("text/plain", "text/csv")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def _pdf(data: bytes) -> Iterator[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    for page in reader.pages:
        yield page.extract_text() or ""


def _docx(data: bytes) -> Iterator[str]:
    import docx

    document = docx.Document(io.BytesIO(data))
    for paragraph in document.paragraphs:
        yield paragraph.text
    for table in document.tables:
        for row in table.rows:
            yield " | ".join(cell.text for cell in row.cells)


def _odt(data: bytes) -> Iterator[str]:
    from odf import teletype, text
    from odf.opendocument import load

    document = load(io.BytesIO(data))
    for element in document.getElementsByType(text.H) + document.getElementsByType(text.P):
        yield teletype.extractText(element)


def _xlsx(data: bytes) -> Iterator[str]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(values_only=True):
                cells = [str(value) for value in row if value is not None]
                if cells:
                    yield " ".join(cells)
    finally:
        workbook.close()


def _plain(data: bytes) -> Iterator[str]:
    for encoding in ("utf-8", "cp1252"):
        try:
            yield data.decode(encoding)
            return
        except UnicodeDecodeError:
            continue
    yield data.decode("latin-1")


READERS: dict[str, Callable[[bytes], Iterator[str]]] = {
    PDF: _pdf,
    DOCX: _docx,
    ODT: _odt,
    XLSX: _xlsx,
    **dict.fromkeys(PLAIN, _plain),
}


def clean(text: str) -> str:
    """Control characters out (they would break snippets), runs of blank lines folded."""
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()


ARCHIVES = {DOCX, ODT, XLSX}


def unpacked_size(data: bytes) -> int:
    """What a ZIP-based document unpacks to, as its directory declares. Python's zipfile never
    returns more than the declared size of a member, so this bounds what a parser can read."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(item.file_size for item in archive.infolist())


def extract_text(data: bytes, content_type: str) -> str:
    """The text of a document, or "" for a type we do not read (images, old Word files), a
    damaged file, or an archive that would unpack to more than ``MAX_UNPACKED_BYTES``."""
    reader = READERS.get(content_type)
    if reader is None:
        return ""
    if content_type in ARCHIVES:
        try:
            size = unpacked_size(data)
        except (zipfile.BadZipFile, OSError, ValueError):
            logger.warning("Could not open a %s file as an archive", content_type, exc_info=True)
            return ""
        if size > MAX_UNPACKED_BYTES:
            logger.warning(
                "A %s file unpacks to %d bytes, more than %d: its text is not read",
                content_type,
                size,
                MAX_UNPACKED_BYTES,
            )
            return ""
    parts: list[str] = []
    size = 0
    try:
        for part in reader(data):
            parts.append(part)
            size += len(part)
            if size > MAX_CHARS:
                break
    except (ValueError, KeyError, OSError, zipfile.BadZipFile, RuntimeError, AttributeError):
        # pypdf, python-docx and odfpy raise all of these on damaged files.
        logger.warning("Could not read the text of a %s file", content_type, exc_info=True)
    except Exception:  # a parser bug must not stop indexing: log and index nothing
        logger.exception("Unexpected error reading the text of a %s file", content_type)
    return clean("\n".join(parts))[:MAX_CHARS]


def extract_attachment(*, attachment_id: int) -> Attachment | None:
    """Extract, store and index one attachment's text; safe to run twice (same result)."""
    from . import search

    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        return None  # removed since: nothing to do
    with attachment.file.open("rb") as handle:
        data = handle.read()
    text = extract_text(data, attachment.content_type)
    Attachment.objects.filter(pk=attachment.pk).update(extracted_text=text)
    attachment.extracted_text = text
    search.index_attachment(attachment_id=attachment.pk)
    return attachment
