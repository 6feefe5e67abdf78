"""File storage for uploads and generated reports: a file appears whole or not at all.

Django's ``FileSystemStorage`` writes straight into the final name, so a full disk (ENOSPC) or a
failing write leaves half a file under a name the database may point to later. Here the bytes
go first to a hidden temporary file in the same directory, which is renamed into place only
once every byte is written; on any error the temporary file is removed and the error raised.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

from django.core.files.storage import FileSystemStorage

PARTIAL_PREFIX = ".partial-"


class _WrittenFile:
    """What ``FileSystemStorage._save`` moves into place instead of streaming it."""

    def __init__(self, path: str) -> None:
        self.path = path

    def temporary_file_path(self) -> str:
        return self.path


class MediaStorage(FileSystemStorage):
    def _write(self, out: Any, content: Any) -> None:
        """Copy ``content`` into the open file ``out`` (a seam for tests of a full disk)."""
        for chunk in content.chunks():
            out.write(chunk if isinstance(chunk, bytes) else chunk.encode())

    def _save(self, name: str, content: Any) -> str:
        directory = os.path.dirname(self.path(name))
        os.makedirs(directory, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=PARTIAL_PREFIX)
        try:
            with os.fdopen(fd, "wb") as out:
                self._write(out, content)
                out.flush()
                os.fsync(out.fileno())
            # mkstemp creates the file readable by its owner only.
            if self.file_permissions_mode is None:
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(temporary, 0o666 & ~umask)
            # Same directory, same file system: the move is a rename.
            return super()._save(name, _WrittenFile(temporary))
        finally:
            if os.path.exists(temporary):
                os.remove(temporary)
