"""Proofs already checked, kept with the exact bytes they were checked against.

Checking a Data Integrity proof canonicalises the document (RDFC-1.0 through PyLD): most of the
time a verification takes. Yet the same documents come back: a status list is one document for
every badge of its issuer, and a badge is often verified again as it is. A :class:`ProofMemo`
keeps a *verified* outcome of ``data_integrity.verify`` under a digest of the document, with the
digest of every document its keys were resolved from (the issuer's profile, a key document, a
DID document). It answers again only when the document hashes the same *and* every one of those
documents, read again now through the verifier's fetcher, hashes the same (and every one that
could not be read then still cannot): a changed list, a changed, retired or withdrawn key is
checked afresh; a document whose server's caching time ran out is fetched again
(``obcore.fetchcache``) before it is compared. Failures are never kept (they are checked again,
and may be passing outages), nor proofs that expire (their outcome depends on the time).
``did:key`` keys are read from the key's own address, which is part of the document. Bounded in
entries, least recently used first; one memo may be shared by the threads of a process.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from obcore.errors import ObcoreError
from obcore.proofs.data_integrity import VerificationResult

__all__ = ["FAILED", "ProofMemo", "body_key", "digest", "document_key", "expiring", "read_digest"]

#: The bytes of the document at a URL, read now (raises ``ObcoreError`` when it cannot be read).
Reader = Callable[[str], bytes]
_Entry = tuple[tuple[tuple[str, str], ...], VerificationResult]
#: What is noted for a document that could not be read.
FAILED = ""


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_digest(read: Reader, url: str) -> str:
    """The digest of the document at ``url`` read now, :data:`FAILED` when it cannot be read."""
    try:
        return digest(read(url))
    except (ObcoreError, LookupError):
        return FAILED


def body_key(body: bytes) -> str:
    """The memo's key for a document read from these bytes."""
    return "body:" + digest(body)


def document_key(document: Mapping[str, Any]) -> str:
    """The memo's key for a parsed JSON document (sorted keys: one text per JSON value)."""
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "json:" + digest(text.encode())


def expiring(document: Mapping[str, Any]) -> bool:
    """True when a proof of ``document`` has an expiry date (its outcome depends on the time)."""
    proofs = document.get("proof")
    for proof in proofs if isinstance(proofs, list) else [proofs]:
        if not isinstance(proof, Mapping) or "expires" in proof:
            return True
    return False


class ProofMemo:
    """Verified proofs by document digest, each with the digests of the documents it read."""

    def __init__(self, max_entries: int = 1024) -> None:
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, _Entry] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def get(self, key: str, read: Reader) -> VerificationResult | None:
        """The kept result for ``key`` if every document it read reads the same now."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
        if found is None:
            return None
        documents, result = found
        for url, expected in documents:
            if read_digest(read, url) != expected:
                return None
        return copy.deepcopy(result)

    def put(self, key: str, documents: Mapping[str, str], result: VerificationResult) -> None:
        """Keep ``result`` (only a verified one) with the digests of the ``documents`` it read."""
        if not result.verified:
            return
        entry = (tuple(sorted(documents.items())), copy.deepcopy(result))
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
