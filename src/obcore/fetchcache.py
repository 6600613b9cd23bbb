"""Keeping fetched documents (other sites' issuer profiles, keys, status lists) for as long as
their servers allow, within bounds.

``CachingFetcher`` puts a ``DocumentCache`` in front of any fetcher: a document is kept for the
``max_age`` its fetcher read from the server's ``Cache-Control`` or ``Expires``
(``obcore.fetch.freshness``), never longer than the cache's ``max_ttl``, and not at all when the
server forbids it (``no-store``, ``no-cache``, ``private``), says nothing, or redirected the
request. The cache holds at most ``max_entries`` documents and ``max_bytes`` of bodies, the
least recently used going first. Entries are keyed on the URL *and* the media types asked for
(a server may answer differently for each). Failures are never kept. One cache may be shared
by the threads of a process.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from obcore.fetch import Fetched, Fetcher

__all__ = ["CachingFetcher", "DocumentCache"]

_Key = tuple[str, tuple[str, ...]]


class DocumentCache:
    """Fetched documents with their expiry, bounded in number, bytes and lifetime."""

    def __init__(
        self,
        *,
        max_entries: int = 1024,
        max_bytes: int = 32 * 1024 * 1024,
        max_ttl: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_ttl = max_ttl
        self._now = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[_Key, tuple[float, Fetched]] = OrderedDict()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        """The bytes of the bodies kept."""
        return self._bytes

    def get(self, key: _Key) -> Fetched | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            expires, fetched = found
            if expires <= self._now():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return fetched

    def put(self, key: _Key, fetched: Fetched) -> None:
        """Keep ``fetched`` as long as its ``max_age`` and the bounds allow (maybe not at all)."""
        lifetime = min(fetched.max_age or 0.0, self.max_ttl)
        size = len(fetched.body)
        if lifetime <= 0 or size > self.max_bytes:
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = (self._now() + lifetime, fetched)
            self._bytes += size
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def _drop(self, key: _Key) -> None:
        _expires, fetched = self._entries.pop(key)
        self._bytes -= len(fetched.body)


@dataclass
class CachingFetcher:
    """``inner`` behind ``cache``: a document still fresh there is not fetched again."""

    inner: Fetcher
    cache: DocumentCache

    @property
    def refused(self) -> bool:
        """Whether ``inner`` refused a fetch for lack of room (see ``blason`` fetching)."""
        return bool(getattr(self.inner, "refused", False))

    def __call__(self, url: str, *, accept: Iterable[str] = ()) -> Fetched:
        accept = tuple(accept)
        key = (url, accept)
        found = self.cache.get(key)
        if found is not None:
            return found
        fetched = self.inner(url, accept=accept)
        self.cache.put(key, fetched)
        return fetched
