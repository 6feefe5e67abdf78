"""Text of attached documents, for the full-text search of reviewers.

An upload never waits for this: on commit the reviewer area queues the
``surveys.extract_attachment_text`` task (``surveys.events``), and a worker calls
:func:`extract_attachment`, then indexes the text. The document is read in a child process
(:func:`read_in_child`) that has a ceiling on its memory (``RLIMIT_AS``) and on its CPU time,
and is killed after ``EXTRACTION_SECONDS``: a parser that runs away on a hostile file (a
"zip bomb" of 62 kB that unpacks to 20 MB of XML took 600 MB and 14 s in python-docx) hits the
ceiling in its own process, not in the worker's, which goes on with the next task.

Before any parser sees a document, :func:`read_text` checks what it would have to unpack: for
DOCX, XLSX and ODT (ZIP archives) the total size and the compression ratio that the ZIP's
central directory declares, before a single member is read; for PDF the number of pages; for
plain text the number of bytes. Those limits are settings (``EXTRACTION_*``).

The result is stored on the attachment: its text, and a status with the reason when the text
could not be extracted. A damaged or hostile file is kept (it is what the State sent) and never
stops a submission or a search.

This module imports nothing of Django at load time: the child runs it as
``python -m surveys.replies.extraction``.
"""

from __future__ import annotations

import codecs
import io
import json
import logging
import os
import re
import signal
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from portal import archives

if TYPE_CHECKING:
    from ..models import Attachment

logger = logging.getLogger(__name__)

# Enough for any legislation a State attaches; beyond this the search index would only grow.
MAX_CHARS = 1_000_000
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLAIN = ("text/plain", "text/csv")
ARCHIVES = frozenset({DOCX, ODT, XLSX})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_MB = 1024 * 1024

# What ``Attachment.text_status`` says (the model's choices are these values).
PENDING, EXTRACTED, NO_TEXT, FAILED = "pending", "extracted", "none", "failed"


@dataclass(frozen=True)
class Limits:
    """The bounds one extraction works within (``EXTRACTION_*`` settings)."""

    max_unpacked_bytes: int = 50 * _MB
    max_compression_ratio: int = 100
    max_pdf_pages: int = 2000
    max_text_bytes: int = 5 * _MB
    memory_bytes: int = 512 * _MB
    seconds: int = 120

    @classmethod
    def from_settings(cls) -> Limits:
        from django.conf import settings

        return cls(
            max_unpacked_bytes=settings.EXTRACTION_MAX_UNPACKED_BYTES,
            max_compression_ratio=settings.EXTRACTION_MAX_COMPRESSION_RATIO,
            max_pdf_pages=settings.EXTRACTION_MAX_PDF_PAGES,
            max_text_bytes=settings.EXTRACTION_MAX_TEXT_BYTES,
            memory_bytes=settings.EXTRACTION_MEMORY_BYTES,
            seconds=settings.EXTRACTION_SECONDS,
        )


@dataclass(frozen=True)
class Extraction:
    """What reading a document gave: its text, a status, and why when there is no text."""

    text: str
    status: str
    problem: str = ""


class NotReadError(Exception):
    """The document is not read: the message says why, in words the secretariat can act on."""


_size = archives.size_text


# --- checks made before a parser is given the document --------------------------------------


def check_archive(data: bytes, limits: Limits) -> None:
    """Refuse a ZIP-based document whose central directory declares more than the limits
    (the rule is ``portal.archives``)."""
    try:
        archives.check_archive(
            data,
            max_unpacked_bytes=limits.max_unpacked_bytes,
            max_compression_ratio=limits.max_compression_ratio,
        )
    except archives.ArchiveRefusedError as error:
        raise NotReadError(str(error)) from error


# --- readers: bytes in, pieces of text out --------------------------------------------------


def _pdf(data: bytes, limits: Limits) -> Iterator[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    pages = len(reader.pages)
    if pages > limits.max_pdf_pages:
        raise NotReadError(f"it has {pages} pages, more than the limit of {limits.max_pdf_pages}")
    for page in reader.pages:
        yield page.extract_text() or ""


def _docx(data: bytes, limits: Limits) -> Iterator[str]:
    import docx

    document = docx.Document(io.BytesIO(data))
    for paragraph in document.paragraphs:
        yield paragraph.text
    for table in document.tables:
        for row in table.rows:
            yield " | ".join(cell.text for cell in row.cells)


def _odt(data: bytes, limits: Limits) -> Iterator[str]:
    from odf import teletype, text
    from odf.opendocument import load

    document = load(io.BytesIO(data))
    for element in document.getElementsByType(text.H) + document.getElementsByType(text.P):
        yield teletype.extractText(element)


def _xlsx(data: bytes, limits: Limits) -> Iterator[str]:
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


def _plain(data: bytes, limits: Limits) -> Iterator[str]:
    # Plain text is not compressed: its size is what it costs. Beyond the limit only the start
    # is read (read_text says so); a character cut in two at the limit is left out.
    head = data[: limits.max_text_bytes]
    for encoding in ("utf-8", "cp1252"):
        try:
            yield codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return
        except UnicodeDecodeError:
            continue
    yield head.decode("latin-1")


READERS: dict[str, Callable[[bytes, Limits], Iterator[str]]] = {
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


def read_text(data: bytes, content_type: str, limits: Limits | None = None) -> Extraction:
    """The text of a document, read in this process within ``limits`` (checked before the
    parser runs; then the text stops at ``max_text_bytes``), or why there is none."""
    limits = limits or Limits()
    reader = READERS.get(content_type)
    if reader is None:
        return Extraction("", NO_TEXT, "Verbale does not read the text of this type of file.")
    try:
        if content_type in ARCHIVES:
            check_archive(data, limits)
        parts: list[str] = []
        size = 0
        budget = min(limits.max_text_bytes, MAX_CHARS)
        cut = content_type in PLAIN and len(data) > limits.max_text_bytes
        for part in reader(data, limits):
            parts.append(part)
            size += len(part)
            if size > budget:
                cut = True
                break
    except NotReadError as refusal:
        logger.warning("The text of a %s file is not read: %s", content_type, refusal)
        return Extraction("", FAILED, f"The text could not be extracted: {refusal}.")
    except MemoryError:
        return _out_of_memory(limits)
    except (ValueError, KeyError, OSError, zipfile.BadZipFile, RuntimeError, AttributeError):
        # pypdf, python-docx and odfpy raise all of these on damaged files.
        logger.warning("Could not read the text of a %s file", content_type, exc_info=True)
        return Extraction("", FAILED, "The text could not be extracted: the file is damaged.")
    except Exception as error:  # a parser bug must not stop indexing: log and index nothing
        if "memory" in str(error).lower():  # libxml2 says "Memory allocation failed"
            return _out_of_memory(limits)
        logger.exception("Unexpected error reading the text of a %s file", content_type)
        return Extraction("", FAILED, "The text could not be extracted: the reader failed.")
    text = clean("\n".join(parts))[: min(budget, MAX_CHARS)]
    if cut:
        return Extraction(
            text, EXTRACTED, f"Only the first {budget:,} characters of its text are searchable."
        )
    return Extraction(text, EXTRACTED if text else NO_TEXT, "" if text else "No text was found.")


def _out_of_memory(limits: Limits) -> Extraction:
    return Extraction(
        "",
        FAILED,
        "The text could not be extracted: reading it needed more than "
        f"{_size(limits.memory_bytes)} of memory.",
    )


def extract_text(data: bytes, content_type: str) -> str:
    """The text of a document, or "" (read in this process, with the default limits)."""
    return read_text(data, content_type).text


# --- the child process ------------------------------------------------------------------------


def _bound_this_process(limits: Limits) -> None:
    """Ceilings the kernel enforces on the child: address space (a runaway parser gets
    MemoryError, or is killed) and CPU seconds (a backstop should the parent be killed before
    it can stop the child)."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.seconds, limits.seconds + 5))


def _child_main(argv: list[str]) -> int:
    content_type, encoded_limits = argv
    limits = Limits(**json.loads(encoded_limits))
    _bound_this_process(limits)
    data = sys.stdin.buffer.read()
    result = read_text(data, content_type, limits)
    sys.stdout.write(json.dumps(asdict(result)))
    return 0


CHILD_ENVIRONMENT = {"PATH": os.defpath, "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"}


def _child_command(content_type: str, limits: Limits) -> list[str]:
    return [
        sys.executable,
        "-m",
        "surveys.replies.extraction",
        content_type,
        json.dumps(asdict(limits)),
    ]


def read_in_child(data: bytes, content_type: str, limits: Limits) -> Extraction:
    """:func:`read_text` in a child process bounded in memory and time.

    Why a child process rather than ``worker_max_memory_per_child`` or a limit on the worker
    itself: Celery checks a worker's memory only *after* a task ends, so it cannot stop one
    document half-way; and a ceiling on the worker's own address space would also hit report
    builds (WeasyPrint) and leave the worker in an unknown state after a MemoryError. A child
    is cheap (a quarter of a second), dies alone, and the kernel enforces its limits."""
    if content_type not in READERS:
        return read_text(data, content_type, limits)
    try:
        done = subprocess.run(  # noqa: S603 - our interpreter and module; the file goes on stdin
            _child_command(content_type, limits),
            input=data,
            capture_output=True,
            timeout=limits.seconds,
            cwd=Path(__file__).resolve().parent.parent.parent,
            # Nothing of the worker's environment (SECRET_KEY, DATABASE_URL): a parser that a
            # hostile file takes over finds no credentials.
            env=CHILD_ENVIRONMENT,
            check=False,
        )
    except subprocess.TimeoutExpired:  # run() has killed the child
        return Extraction(
            "",
            FAILED,
            f"The text could not be extracted: reading it took longer than {limits.seconds} s.",
        )
    if done.returncode == 0:
        try:
            return Extraction(**json.loads(done.stdout))
        except (ValueError, TypeError):
            pass
    detail = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or [""]
    logger.warning(
        "The text reader of a %s file stopped with code %s: %s",
        content_type,
        done.returncode,
        detail[0][:500],
    )
    if done.returncode in (-signal.SIGKILL, -signal.SIGXCPU):
        reason = f"reading it took more than {limits.seconds} s of processor time"
    elif "MemoryError" in detail[0] or done.returncode < 0:
        reason = f"reading it needed more than {_size(limits.memory_bytes)} of memory"
    else:
        reason = "the reader failed"
    return Extraction("", FAILED, f"The text could not be extracted: {reason}.")


# --- the service the task calls ---------------------------------------------------------------


def extract_attachment(*, attachment_id: int) -> Attachment | None:
    """Extract and store one attachment's text; safe to run twice (same result). The task
    that calls it then indexes the text (``surveys.review.tasks``)."""
    from ..models import Attachment

    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        return None  # removed since: nothing to do
    with attachment.file.open("rb") as handle:
        data = handle.read()
    result = read_in_child(data, attachment.content_type, Limits.from_settings())
    if result.status == FAILED:
        logger.warning(
            "Attachment %s (%s): %s", attachment.pk, attachment.content_type, result.problem
        )
    mark(attachment, result)
    return attachment


def mark(attachment: Attachment, result: Extraction) -> None:
    """Store what the extraction gave on the attachment (its text, status and reason)."""
    from ..models import Attachment

    attachment.extracted_text = result.text
    attachment.text_status = result.status
    attachment.text_problem = result.problem[:300]
    Attachment.objects.filter(pk=attachment.pk).update(
        extracted_text=attachment.extracted_text,
        text_status=attachment.text_status,
        text_problem=attachment.text_problem,
    )


def mark_failed(*, attachment_id: int, problem: str) -> None:
    """Mark an attachment whose extraction was stopped from outside (the task's time limit)."""
    from ..models import Attachment

    Attachment.objects.filter(pk=attachment_id).update(
        extracted_text="", text_status=FAILED, text_problem=problem[:300]
    )


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv[1:]))
