"""Which lists of recognised issuers recognise a badge's issuer, for the verifiers of this site.

Two sources: the lists an operator configures (``TRUST_LISTS``: a name, the list's address and
the issuers it is accepted from; fetched with the guarded fetcher) and the lists of the
networks on this site, read from the database by the function the ``networks`` app registers
in ``hooks.LOCAL_LISTS`` (never through a view). Each list is a signed
``RecognizedEntityCredential`` read by ``obcore.recognition.check_list``; what was read is
kept in this process until the list's ``validUntil``, at most ``CACHE_FOR`` (a list that could
not be read: ``RETRY_AFTER``).

Each list gives one of three answers about a badge: recognised, not listed, or not checkable
(unreachable, expired, badly signed). A list that cannot be checked says nothing about the
badge: the page says so beside the signature's result, never as a fault of the badge.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings

from blason.verification.hooks import LOCAL_LISTS, LocalList
from obcore.fetch import Fetcher
from obcore.recognition import (
    CheckedList,
    Recognition,
    TrustList,
    badge_endorsers,
    check_list,
    issuer_ids,
    read_list,
)

logger = logging.getLogger(__name__)

CACHE_FOR = 3600.0  # seconds: a list is read again at least every hour
RETRY_AFTER = 300.0  # seconds: a list that could not be read is tried again after this


@dataclass(frozen=True)
class Line:
    """What one list says about a badge's issuer (``kind`` "issuer"), or that the network
    publishing a list endorsed the badge itself (``kind`` "badge")."""

    name: str
    url: str
    state: Recognition
    valid_until: datetime | None = None
    kind: str = "issuer"


_cache: dict[str, tuple[float, CheckedList]] = {}
_lock = threading.Lock()


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def _remember(key: str, checked: CheckedList) -> CheckedList:
    if checked.checkable and checked.valid_until is not None:
        left = (checked.valid_until - datetime.now(UTC)).total_seconds()
        lifetime = max(0.0, min(CACHE_FOR, left))
    else:
        lifetime = RETRY_AFTER
    with _lock:
        _cache[key] = (time.monotonic() + lifetime, checked)
    return checked


def _cached(key: str) -> CheckedList | None:
    with _lock:
        found = _cache.get(key)
    if found is None or found[0] < time.monotonic():
        return None
    return found[1]


def configured_lists() -> list[TrustList]:
    return list(settings.TRUST_LISTS)


def _read_remote(trust_list: TrustList, fetcher: Fetcher) -> CheckedList:
    key = f"remote:{trust_list.url}:{','.join(trust_list.issuers)}"
    cached = _cached(key)
    if cached is not None:
        return cached
    checked = read_list(trust_list, fetcher)
    if not checked.checkable:
        logger.info("trust list %s not checkable: %s", trust_list.url, checked.reason)
    return _remember(key, checked)


def _read_local(item: LocalList, fetcher: Fetcher) -> CheckedList:
    key = f"local:{item.url}:{item.key}"
    cached = _cached(key)
    if cached is not None:
        return cached
    try:
        document: Any = json.loads(item.document())
    except ValueError:
        return _remember(key, CheckedList(False, "the stored list is not JSON"))
    return _remember(key, check_list(document, accepted_issuers=[item.issuer], fetcher=fetcher))


def recognitions(
    credential: dict[str, Any], fetcher: Fetcher, endorsements: list[Any] | None = None
) -> list[Line]:
    """What every list this site reads says about the credential's issuer: recognised lines
    first, then lists that could not be checked, then those that do not list it. Then, for
    each list whose (checked) issuer endorsed the badge itself among ``endorsements`` (the
    embedded endorsements that verified), a "badge recognised by" line."""
    ids = issuer_ids(credential)
    if not ids:
        return []
    endorsers = badge_endorsers(credential, endorsements or [])
    lines: list[Line] = []
    badges: list[Line] = []

    def add(name: str, url: str, checked: CheckedList) -> None:
        lines.append(Line(name, url, checked.recognition(ids), checked.valid_until))
        if checked.checkable and checked.issuer in endorsers:
            badges.append(Line(name, url, Recognition.RECOGNISED, kind="badge"))

    for source in LOCAL_LISTS:
        for item in source():
            add(item.name, item.url, _read_local(item, fetcher))
    for trust_list in configured_lists():
        add(trust_list.name, trust_list.url, _read_remote(trust_list, fetcher))
    order = {Recognition.RECOGNISED: 0, Recognition.NOT_CHECKABLE: 1, Recognition.NOT_LISTED: 2}
    return sorted(lines, key=lambda line: order[line.state]) + badges
