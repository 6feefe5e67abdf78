"""Where Verbale keeps its files (attachments, report PDFs and DOCX, exports), read from the
environment.

By default on the local disk under MEDIA_ROOT: right for one machine. When web processes and
workers run on several machines they must see the same files (a worker writes a PDF that a web
process on another machine serves), so an S3-compatible object store (AWS S3, MinIO, Ceph, …)
is chosen by setting either

- ``STORAGE_URL=s3://bucket[/prefix]?endpoint_url=https://…&region=…`` (optionally
  ``s3://KEY:SECRET@bucket…``; ``addressing_style=virtual|path``), or
- ``AWS_STORAGE_BUCKET_NAME`` with the usual ``AWS_S3_ENDPOINT_URL``, ``AWS_S3_REGION_NAME``
  and ``AWS_LOCATION``.

Keys come from the URL, else from ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY`` (read by
boto3 itself, like an instance role). The bucket stays private: objects are written with no
ACL and files are only ever served through Verbale's permission-checked download views.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

LOCAL_BACKEND = "portal.storage.MediaStorage"
OBJECT_BACKEND = "storages.backends.s3.S3Storage"
# A downloaded object is held in memory up to this size, then spooled to a temporary file.
SPOOL_BYTES = 5 * 1024 * 1024
QUERY_OPTIONS = {"endpoint_url", "region", "region_name", "addressing_style", "location"}


def default_storage_from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    """The ``STORAGES["default"]`` entry the environment asks for."""
    url = environ.get("STORAGE_URL", "").strip()
    if url:
        options = _from_url(url)
    elif environ.get("AWS_STORAGE_BUCKET_NAME", "").strip():
        options = {
            "bucket_name": environ["AWS_STORAGE_BUCKET_NAME"].strip(),
            "endpoint_url": environ.get("AWS_S3_ENDPOINT_URL", "").strip() or None,
            "region_name": environ.get("AWS_S3_REGION_NAME", "").strip() or None,
            "location": environ.get("AWS_LOCATION", "").strip().strip("/"),
            "addressing_style": environ.get("AWS_S3_ADDRESSING_STYLE", "").strip() or None,
        }
    else:
        return {"BACKEND": LOCAL_BACKEND}
    return {"BACKEND": OBJECT_BACKEND, "OPTIONS": _object_store_options(options)}


def _from_url(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    if parts.scheme == "file":
        raise ImproperlyConfigured(
            "STORAGE_URL: for files on the local disk leave STORAGE_URL unset and set MEDIA_ROOT."
        )
    if parts.scheme != "s3":
        raise ImproperlyConfigured(
            f"STORAGE_URL must start with s3:// (an S3-compatible object store), not {url!r}."
        )
    if not parts.hostname:
        raise ImproperlyConfigured("STORAGE_URL names no bucket: s3://BUCKET?endpoint_url=…")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    unknown = sorted(set(query) - QUERY_OPTIONS)
    if unknown:
        raise ImproperlyConfigured(
            f"STORAGE_URL: unknown option(s) {', '.join(unknown)}; "
            f"known: {', '.join(sorted(QUERY_OPTIONS))}."
        )
    options: dict[str, Any] = {
        "bucket_name": parts.hostname,
        "endpoint_url": query.get("endpoint_url") or None,
        "region_name": query.get("region") or query.get("region_name") or None,
        "location": (query.get("location") or parts.path).strip("/"),
        "addressing_style": query.get("addressing_style") or None,
    }
    if parts.username:
        options["access_key"] = unquote(parts.username)
        options["secret_key"] = unquote(parts.password or "")
    return options


def _object_store_options(options: dict[str, Any]) -> dict[str, Any]:
    style = options.pop("addressing_style")
    if style not in (None, "path", "virtual", "auto"):
        raise ImproperlyConfigured(f"S3 addressing style must be path or virtual, not {style!r}.")
    if style is None and options["endpoint_url"]:
        # MinIO, Ceph and most S3-compatible stores answer at one host name, bucket in the path.
        style = "path"
    return {
        **{key: value for key, value in options.items() if value is not None},
        **({"addressing_style": style} if style else {}),
        # Private objects: no ACL on write (the bucket's own, private, applies) and any URL
        # the library makes is signed and short-lived. Verbale itself makes none: downloads
        # are streamed by the views after their permission checks.
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 60,
        # Never replace a stored file with another of the same name (two attachments named
        # alike): a free name is chosen, as on the local disk.
        "file_overwrite": False,
        "max_memory_size": SPOOL_BYTES,
    }
