"""File storage for uploads and generated reports: a file appears whole or not at all.

Django's ``FileSystemStorage`` writes straight into the final name, so a full disk (ENOSPC) or a
failing write leaves half a file under a name the database may point to later. Here the bytes
go first to a hidden temporary file in the same directory, which is renamed into place only
once every byte is written; on any error the temporary file is removed and the error raised.

A file is useful only with the row that points to it. :func:`deleted_unless_committed` removes
the files a transaction stored when it does not commit; what no process was left to remove (a
worker killed between the two, a request cut off while Django spooled the upload) is swept by
:func:`sweep_orphans` from the ``portal.sweep_orphan_files`` task.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models.fields.files import FieldFile

logger = logging.getLogger(__name__)

PARTIAL_PREFIX = ".partial-"
# The sweep removes at most half of the stored files, or this many when there are few.
SWEEP_SAFETY_MINIMUM = 10


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


@contextmanager
def deleted_unless_committed() -> Iterator[list[FieldFile]]:
    """Wrap ``transaction.atomic()`` in this and add each file the block stores to the list:
    if the block raises, its COMMIT included, the files are deleted again (no file without
    its row)."""
    stored: list[FieldFile] = []
    try:
        yield stored
    except BaseException:
        for file in stored:
            try:
                file.storage.delete(file.name)
            except OSError:  # the sweep will find it
                logger.warning("Could not remove %s after a failed write", file.name, exc_info=True)
        raise


def referenced_names() -> set[str]:
    """Every file name a row points to, over every FileField of every model."""
    names: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                rows = model._base_manager.exclude(**{field.name: ""})
                names.update(rows.values_list(field.name, flat=True))
    return names


def _old_files(root: Path, cutoff: float) -> Iterator[Path]:
    for directory, _, files in os.walk(root):
        for name in files:
            path = Path(directory, name)
            try:
                if path.lstat().st_mtime < cutoff and path.is_file():
                    yield path
            except FileNotFoundError:  # removed meanwhile
                continue


def sweep_orphans(*, older_than: timedelta | None = None) -> dict[str, int]:
    """Delete files in MEDIA_ROOT that no row points to, and uploads Django spooled to
    FILE_UPLOAD_TEMP_DIR for requests that never finished, once older than ``older_than``
    (ORPHAN_FILE_AGE). Younger ones may belong to a request or a build still at work."""
    age = older_than if older_than is not None else settings.ORPHAN_FILE_AGE
    cutoff = time.time() - age.total_seconds()
    media = Path(settings.MEDIA_ROOT)
    referenced = referenced_names()
    removed = {"media": 0, "uploads": 0}
    old = list(_old_files(media, cutoff))
    orphans = [path for path in old if path.relative_to(media).as_posix() not in referenced]
    if len(orphans) > max(SWEEP_SAFETY_MINIMUM, len(old) // 2):
        # Most files unreferenced is not a leftover of cut-off uploads but a database that does
        # not match this folder (restored from an older dump, or another installation's):
        # those files may be exactly what someone needs back.
        logger.error(
            "Not sweeping %s: %d of its %d files older than %s have no row; check that "
            "DATABASE_URL and MEDIA_ROOT belong together",
            media,
            len(orphans),
            len(old),
            age,
        )
        orphans = []
    for path in orphans:
        logger.info("Removing %s: no row points to it", path)
        path.unlink(missing_ok=True)
        removed["media"] += 1
    spool = settings.FILE_UPLOAD_TEMP_DIR
    if spool and Path(spool).resolve() != media.resolve():
        for path in _old_files(Path(spool), cutoff):
            # Django names them tmpXXXX.upload.<ext>: leave anything else alone.
            if ".upload" in path.name:
                logger.info("Removing %s: an upload whose request never finished", path)
                path.unlink(missing_ok=True)
                removed["uploads"] += 1
    return removed
