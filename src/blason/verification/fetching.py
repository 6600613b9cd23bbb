"""The fetchers Blason verifies with, built from the settings.

``guarded_fetcher`` reaches other sites within the limits of ``FETCH_ALLOW_PRIVATE``,
``FETCH_TIMEOUT`` and ``VERIFY_MAX_BYTES`` (no private or loopback address unless allowed, one
total deadline per fetch, bounded size and redirects, content types checked), and never more
than ``FETCH_MAX_CONCURRENT`` at once in this process, ``FETCH_MAX_PER_CLIENT`` of them for one
client address: a slow or hostile server can hold a few web threads, never all of them (see
docs/operations.md). A fetch beyond those bounds is refused at once (``FetchError`` with reason
``busy``), never queued. ``site_fetcher`` answers for this site's own documents without a
network round trip and hands anything else to the guarded fetcher, through a bounded cache
that keeps other sites' documents as long as their HTTP caching headers allow.
``RecordingFetcher`` remembers what was fetched during one verification, so the caller can read
the documents it needed (an OB 2.0 badge class, the badge itself when given as a URL) without
fetching them twice.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings

from blason.core.site import local_path
from blason.issuing.documents.selectors import LocalFetcher
from obcore.fetch import Fetched, Fetcher, FetchError, FetchPolicy, HttpFetcher
from obcore.fetchcache import CachingFetcher, DocumentCache
from obcore.proofmemo import ProofMemo

logger = logging.getLogger(__name__)


class FetchSlots:
    """The remote fetches running in this process, in all and per client address."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0
        self._per_client: Counter[str] = Counter()

    def take(self, client: str) -> bool:
        """Take a slot for ``client`` ("" when no client is known) if one is free."""
        with self._lock:
            if self._running >= settings.FETCH_MAX_CONCURRENT:
                return False
            if client and self._per_client[client] >= settings.FETCH_MAX_PER_CLIENT:
                return False
            self._running += 1
            if client:
                self._per_client[client] += 1
            return True

    def give_back(self, client: str) -> None:
        with self._lock:
            self._running -= 1
            if client:
                self._per_client[client] -= 1
                if self._per_client[client] <= 0:
                    del self._per_client[client]

    @property
    def running(self) -> int:
        return self._running


SLOTS = FetchSlots()


@dataclass
class BoundedFetcher:
    """``inner`` within the process's slots for remote fetches; ``refused`` tells that a
    fetch was refused because every slot was taken (the caller then says "busy")."""

    inner: Fetcher
    client: str = ""
    refused: bool = False

    def __call__(self, url: str, *, accept: Iterable[str] = ()) -> Fetched:
        if not SLOTS.take(self.client):
            self.refused = True
            raise FetchError(
                url, "busy", "too many documents are being fetched right now; try again later"
            )
        try:
            return self.inner(url, accept=tuple(accept))
        finally:
            SLOTS.give_back(self.client)


def guarded_fetcher(*, max_bytes: int | None = None, client: str = "") -> BoundedFetcher:
    """The fetcher for other sites; ``client`` is the address of the person it fetches for
    (a web request), "" in background tasks."""
    return BoundedFetcher(
        HttpFetcher(
            FetchPolicy(
                allow_private=settings.FETCH_ALLOW_PRIVATE,
                timeout=settings.FETCH_TIMEOUT,
                max_bytes=max_bytes or settings.VERIFY_MAX_BYTES,
            )
        ),
        client=client,
    )


@dataclass
class SiteFetcher:
    """This site's documents read from what is stored (``LocalFetcher``), the rest of the web
    through ``fallback``.

    A badge from elsewhere may name any address of this site (a page that needs a session, a
    missing award, a media file): anything that is not a published document becomes a
    ``FetchError`` (not found), and so does a document that cannot be made right now, so
    verification reports it instead of failing.
    """

    fallback: Fetcher

    @property
    def busy(self) -> bool:
        """True when a fetch was refused because this process was fetching all it may."""
        return bool(getattr(self.fallback, "refused", False))

    def __call__(self, url: str, *, accept: Iterable[str] = ()) -> Fetched:
        accept = tuple(accept)
        if local_path(url) is None:
            return self.fallback(url, accept=accept)
        try:
            return LocalFetcher()(url, accept=accept)
        except FetchError:
            raise
        except Exception as exc:
            logger.info("local document %s could not be served: %r", url, exc)
            raise FetchError(url, "http_error", "this site cannot serve that document") from None


# Other sites' documents, kept by each process as long as their HTTP caching headers allow,
# within bounds (``obcore.fetchcache``): a badge verified again needs no new fetch.
REMOTE_DOCUMENTS = DocumentCache(max_entries=1024, max_bytes=32 * 1024 * 1024, max_ttl=3600)
# Proofs this process checked (status lists, badges verified again), each kept with the digests
# of the documents it was checked against and used again only while they read the same
# (``obcore.proofmemo``).
CHECKED_PROOFS = ProofMemo(max_entries=1024)


def site_fetcher(*, client: str = "") -> SiteFetcher:
    """This site's documents locally, the rest of the web through the guarded fetcher and
    the process's cache of other sites' documents (:data:`REMOTE_DOCUMENTS`)."""
    return SiteFetcher(fallback=CachingFetcher(guarded_fetcher(client=client), REMOTE_DOCUMENTS))


@dataclass
class RecordingFetcher:
    """Fetch through ``inner`` once per URL and keep every answer in ``fetched``."""

    inner: Fetcher
    fetched: dict[str, Fetched] = field(default_factory=dict)

    def __call__(self, url: str, *, accept: Iterable[str] = ()) -> Fetched:
        if url not in self.fetched:
            self.fetched[url] = self.inner(url, accept=tuple(accept))
        return self.fetched[url]
