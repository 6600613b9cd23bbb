"""The fetchers Blason verifies with, built from the settings.

``guarded_fetcher`` reaches other sites within the limits of ``FETCH_ALLOW_PRIVATE``,
``FETCH_TIMEOUT`` and ``VERIFY_MAX_BYTES`` (no private or loopback address unless allowed, bounded
time, size and redirects, content types checked). ``site_fetcher`` answers for this site's own
documents without a network round trip and hands anything else to the guarded fetcher.
``RecordingFetcher`` remembers what was fetched during one verification, so the caller can read
the documents it needed (an OB 2.0 badge class, the badge itself when given as a URL) without
fetching them twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404

from blason.issuing.local_fetch import LocalFetcher
from obcore.fetch import Fetched, Fetcher, FetchError, FetchPolicy, HttpFetcher

logger = logging.getLogger(__name__)


def guarded_fetcher(*, max_bytes: int | None = None) -> HttpFetcher:
    return HttpFetcher(
        FetchPolicy(
            allow_private=settings.FETCH_ALLOW_PRIVATE,
            timeout=settings.FETCH_TIMEOUT,
            max_bytes=max_bytes or settings.VERIFY_MAX_BYTES,
        )
    )


@dataclass
class SiteFetcher:
    """This site's documents through its own views (``LocalFetcher``), the rest of the web
    through ``fallback``.

    A badge from elsewhere may name any address of this site (a page that needs a session, a
    missing award, a media file): whatever the view does with it (404, redirect, a streamed
    file, an error) becomes a ``FetchError``, so verification reports it instead of failing.
    """

    fallback: Fetcher

    def __call__(self, url: str, *, accept: Iterable[str] = ()) -> Fetched:
        accept = tuple(accept)
        if not url.startswith(settings.SITE_URL + "/"):
            return self.fallback(url, accept=accept)
        try:
            return LocalFetcher()(url, accept=accept)
        except FetchError:
            raise
        except (Http404, PermissionDenied):
            raise FetchError(url, "not_found", "no such document on this site") from None
        except Exception as exc:
            logger.info("local document %s could not be served: %r", url, exc)
            raise FetchError(url, "http_error", "this site cannot serve that document") from None


def site_fetcher() -> Fetcher:
    """This site's documents locally, the rest of the web through the guarded fetcher."""
    return SiteFetcher(fallback=guarded_fetcher())


@dataclass
class RecordingFetcher:
    """Fetch through ``inner`` once per URL and keep every answer in ``fetched``."""

    inner: Fetcher
    fetched: dict[str, Fetched] = field(default_factory=dict)

    def __call__(self, url: str, *, accept: Iterable[str] = ()) -> Fetched:
        if url not in self.fetched:
            self.fetched[url] = self.inner(url, accept=tuple(accept))
        return self.fetched[url]
