"""File storage for uploads and generated reports: a file appears whole or not at all.

Django's ``FileSystemStorage`` writes straight into the final name, so a full disk (ENOSPC) or a
failing write leaves half a file under a name the database may point to later. Here the bytes
go first to a hidden temporary file in the same directory, which is renamed into place only
once every byte is written; on any error the temporary file is removed and the error raised.

The same rules hold in an S3-compatible object store (``STORAGE_URL``, portal/settings/files.py):
an object appears only once its upload completes, and the sweep lists and dates files through
the storage API (``listdir``, ``get_modified_time``), never through local paths.

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
from django.core.files.storage import FileSystemStorage, Storage, default_storage
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
            except Exception:  # the sweep will find it (OSError on disk, boto's errors in S3)
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


def stored_names(storage: Storage, directory: str = "") -> Iterator[str]:
    """Every file name in ``storage`` under ``directory``, through the storage API only: the
    same on the local disk and in an object store."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:  # no MEDIA_ROOT yet (nothing stored), or a folder removed meanwhile
        return
    prefix = f"{directory}/" if directory else ""
    for name in files:
        yield prefix + name
    for sub in directories:
        yield from stored_names(storage, prefix + sub)


def _old_stored(storage: Storage, cutoff: float) -> Iterator[str]:
    for name in stored_names(storage):
        try:
            modified = storage.get_modified_time(name).timestamp()
        except Exception:  # FileNotFoundError on disk, a 404 from an object store
            if storage.exists(name):
                raise
            continue  # removed meanwhile
        if modified < cutoff:
            yield name


def where_stored(name: str = "", storage: Storage = default_storage) -> str:
    """Where a stored file (or the store itself) is, for messages to the people running
    Verbale: a path on this machine's disk, or an ``s3://bucket/key`` address."""
    if isinstance(storage, FileSystemStorage):
        return storage.path(name) if name else str(storage.location)
    bucket = getattr(storage, "bucket_name", "")
    key = "/".join(part for part in (getattr(storage, "location", ""), name) if part)
    return f"s3://{bucket}/{key}".rstrip("/")


def sweep_orphans(*, older_than: timedelta | None = None) -> dict[str, int]:
    """Delete stored files (local MEDIA_ROOT or the object store) that no row points to, and
    uploads Django spooled to this machine's FILE_UPLOAD_TEMP_DIR for requests that never
    finished, once older than ``older_than`` (ORPHAN_FILE_AGE). Younger ones may belong to a
    request or a build still at work."""
    age = older_than if older_than is not None else settings.ORPHAN_FILE_AGE
    cutoff = time.time() - age.total_seconds()
    referenced = referenced_names()
    removed = {"media": 0, "uploads": 0}
    old = list(_old_stored(default_storage, cutoff))
    orphans = [name for name in old if name not in referenced]
    if len(orphans) > max(SWEEP_SAFETY_MINIMUM, len(old) // 2):
        # Most files unreferenced is not a leftover of cut-off uploads but a database that does
        # not match this store (restored from an older dump, or another installation's):
        # those files may be exactly what someone needs back.
        logger.error(
            "Not sweeping %s: %d of its %d files older than %s have no row; check that "
            "DATABASE_URL and the file store (MEDIA_ROOT or STORAGE_URL) belong together",
            where_stored(),
            len(orphans),
            len(old),
            age,
        )
        orphans = []
    for name in orphans:
        logger.info("Removing %s: no row points to it", name)
        default_storage.delete(name)
        removed["media"] += 1
    spool = settings.FILE_UPLOAD_TEMP_DIR
    # Spooled uploads stay on each machine's disk: every worker sweeps its own folder.
    if spool and not _is_media(Path(spool)):
        for path in _old_files(Path(spool), cutoff):
            # Django names them tmpXXXX.upload.<ext>; a download from an object store over
            # SPOOL_BYTES waits in tmpXXXX.S3File (django-storages). Leave anything else alone.
            if ".upload" in path.name or path.name.endswith(".S3File"):
                logger.info("Removing %s: an upload whose request never finished", path)
                path.unlink(missing_ok=True)
                removed["uploads"] += 1
    return removed


def _is_media(path: Path) -> bool:
    if not isinstance(default_storage, FileSystemStorage):
        return False
    return path.resolve() == Path(default_storage.location).resolve()
