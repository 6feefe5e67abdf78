"""What WeasyPrint may read while it prints a Verbale document: Verbale's own static files.

The printed report and the printed copy of a reply are made from text that people type.  That
text is escaped wherever it goes, but WeasyPrint's own URL fetcher would follow any URL that
slipped through anyway: it fetches ``http://`` addresses (including this machine's own services
and the cloud's metadata address) and reads any ``file:`` the worker can read (other States'
attachments in the media folder, configuration, keys).  Every WeasyPrint document in Verbale is
therefore made with :func:`printable`, whose fetcher serves only

* ``data:`` URLs (they carry their content, nothing is fetched), and
* files inside the static folders (``STATICFILES_DIRS`` and ``STATIC_ROOT``), after following
  ``..`` and symbolic links, so a path that leads out of them is refused;

and refuses everything else *before* any connection is opened or file read.  WeasyPrint logs a
refused resource and prints without it; the refusal is also logged here, because it means that
a template asks for something it should not, or that somebody tried to make the build fetch.
Fonts come from the system through fontconfig, not through URLs.
"""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import weasyprint
from django.conf import settings
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)


class ResourceRefusedError(ValueError):
    """A URL the printed document may not use; nothing was fetched or read."""


def static_roots() -> list[Path]:
    """The folders whose files a printed document may use: Verbale's static files."""
    roots = [Path(settings.STATIC_ROOT)]
    for entry in settings.STATICFILES_DIRS:
        roots.append(Path(entry[1] if isinstance(entry, tuple | list) else entry))
    return roots


class StaticOnlyFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves ``data:`` URLs and files under ``roots`` only.

    ``refused`` lists every URL refused, in order (for tests and for the log).
    """

    def __init__(self, roots: Iterable[Path]) -> None:
        # No redirects and only data: for WeasyPrint's own machinery: a second fence in case
        # a URL ever reached it.
        super().__init__(allowed_protocols=("data",), allow_redirects=False)
        self.roots = [Path(root).resolve() for root in roots]
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, Any] | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = self._static_file(url)
            if path is not None:
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    path.as_uri(), path.read_bytes(), {"Content-Type": content_type}
                )
        self.refused.append(url)
        logger.warning("A printed document asked for %s: refused, nothing was fetched.", url)
        raise ResourceRefusedError(
            f"Printed documents may use only Verbale's static files, not {url}"
        )

    def _static_file(self, url: str) -> Path | None:
        """The file a file: URL names, if it is a file inside one of the roots."""
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return None  # a file on another machine (a network share)
        raw = url2pathname(unquote(parts.path))
        if ".." in Path(raw).parts:
            return None  # refused outright, even when it would lead back inside
        try:
            path = Path(raw).resolve(strict=True)  # follows symbolic links
        except (OSError, RuntimeError):
            return None
        if not path.is_file():
            return None
        if not any(path.is_relative_to(root) for root in self.roots):
            return None
        return path


def fetcher() -> StaticOnlyFetcher:
    """The fetcher every printed document uses, on the project's static folders."""
    return StaticOnlyFetcher(static_roots())


def printable(
    html: str, *, base_url: str, url_fetcher: StaticOnlyFetcher | None = None
) -> weasyprint.HTML:
    """A WeasyPrint document of ``html`` that may read nothing but Verbale's static files.

    The only way Verbale makes WeasyPrint documents (a test checks no module calls
    ``weasyprint.HTML`` or ``CSS`` directly).  ``base_url`` resolves relative URLs such as
    ``static/css/…``.
    """
    return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=url_fetcher or fetcher())
