"""How far Verbale lets a ZIP-based file (DOCX, XLSX, ODT) unpack before anything reads it.

Only the central directory is read (``ZipFile`` reads it on opening; no member is
decompressed). Python's zipfile never returns more than a member's declared size, and
python-docx, openpyxl and odfpy all read through it, so the declared sizes bound what a parser
can unpack. Used for attachments' text (``surveys.replies.extraction``) and for translators'
spreadsheets (``surveys.questionnaires.translations``).
"""

from __future__ import annotations

import io
import zipfile

_MB = 1024 * 1024
# Members smaller than this may compress as well as they like: a 40 kB styles.xml at 200 to 1
# costs nothing to read, and real documents have such parts.
RATIO_GRACE_BYTES = _MB


class ArchiveRefusedError(ValueError):
    """The archive is damaged or would unpack beyond the limits; the message says which."""


def size_text(n: int) -> str:
    return f"{n / _MB:.1f} MB" if n >= _MB else f"{n} bytes"


def check_archive(data: bytes, *, max_unpacked_bytes: int, max_compression_ratio: int) -> None:
    """Raise :class:`ArchiveRefusedError` for an archive that declares more than the limits."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ArchiveRefusedError("the file is damaged: it is not a readable archive") from error
    total = sum(member.file_size for member in members)
    if total > max_unpacked_bytes:
        raise ArchiveRefusedError(
            f"it unpacks to {size_text(total)}, more than the limit of "
            f"{size_text(max_unpacked_bytes)}"
        )
    for member in members:
        if member.file_size <= RATIO_GRACE_BYTES:
            continue
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > max_compression_ratio:
            raise ArchiveRefusedError(
                f"its part {member.filename[:80]} is compressed {ratio:.0f} to 1 (it unpacks "
                f"to {size_text(member.file_size)}), more than the limit of "
                f"{max_compression_ratio} to 1"
            )
