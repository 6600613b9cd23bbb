"""Verification results of this site's badges, kept while what they depend on stays the same.

A badge of this site is verified against documents read from the database (``LocalFetcher``):
its issuer's profile and keys, its status list. Each document has a *stamp*
(``issuing.documents.selectors.document_stamp``: the issuer's keys, the status list's
revision, which grows with every revocation), read before the document itself. A result is
kept in the ``pages`` cache (``blason.core.page_cache``) under the digest of what was verified
(and the recipient it was checked against), with the stamps of every document it read; it is
served again only while every stamp reads the same, so a revocation is seen by the very next
verification. A verification that read anything else (another site's documents, which may change
at any time; an OB 2.0 assertion or badge class, which are not stamped) is not kept: other
sites' documents are kept by the fetcher instead, as their HTTP caching headers allow
(``obcore.fetchcache``). A result is kept at most :data:`TIMEOUT` seconds and never past the
credential's own ``validUntil``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from blason.core import page_cache
from blason.issuing.documents.selectors import document_stamp
from blason.verification.fetching import CHECKED_PROOFS
from obcore.fetch import Fetched, Fetcher
from obcore.verify import Report, verify_credential

TIMEOUT = 300  # seconds


@dataclass
class StampingFetcher:
    """``inner``, noting the stamp of each of this site's documents before fetching it;
    ``keepable`` turns false once a document without a stamp was asked for."""

    inner: Fetcher
    stamps: dict[str, Hashable] = field(default_factory=dict)
    keepable: bool = True

    def __call__(self, url: str, *, accept: Iterable[str] = ()) -> Fetched:
        if url not in self.stamps:
            stamp = document_stamp(url)
            if stamp is None:
                self.keepable = False
            else:
                self.stamps[url] = stamp
        return self.inner(url, accept=tuple(accept))


def _source_digest(source: Any) -> str:
    text = source if isinstance(source, str | bytes) else repr(source)
    data = text.encode() if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()


def _lifetime(report: Report) -> int:
    """Seconds to keep ``report``: :data:`TIMEOUT`, less if the credential expires sooner."""
    credential = report.credential if isinstance(report.credential, dict) else {}
    until = credential.get("validUntil") or credential.get("expirationDate")
    if not isinstance(until, str):
        return TIMEOUT
    try:
        moment = datetime.fromisoformat(until.replace("Z", "+00:00"))
    except ValueError:
        return TIMEOUT
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    left = (moment - datetime.now(UTC)).total_seconds()
    return int(max(0, min(TIMEOUT, left)))


def _current(stamps: dict[str, Hashable]) -> bool:
    """True when every document's stamp still reads the same (one query per distinct one)."""
    read: dict[Hashable, Hashable] = {}
    for url, stamp in stamps.items():
        if stamp not in read:
            read[stamp] = document_stamp(url)
        if read[stamp] != stamp:
            return False
    return True


def verify(source: Any, *, fetcher: Fetcher, recipient: str | None = None) -> Report:
    """``obcore.verify.verify_credential(source, fetcher=fetcher, recipient=recipient)``,
    kept for badges of this site (see the module's docstring)."""
    key = page_cache.cache_key("verification", _source_digest(source), recipient)
    store = page_cache.cache()
    entry = store.get(key)
    if entry is not None:
        stamps, report = entry
        if _current(stamps):
            return report  # type: ignore[no-any-return]
    stamping = StampingFetcher(fetcher)
    report = verify_credential(source, fetcher=stamping, recipient=recipient, proofs=CHECKED_PROOFS)
    lifetime = _lifetime(report)
    if stamping.keepable and stamping.stamps and lifetime > 0:
        store.set(key, (stamping.stamps, report), lifetime)
    return report
