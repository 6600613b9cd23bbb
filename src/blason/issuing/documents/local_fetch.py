"""A fetcher that answers for Blason's own public documents without a network round trip.

Verifying one of our own badges needs the issuer's profile, key and status list; fetching them
over HTTP from the server itself would need the server to reach its own public address (often
impossible behind a proxy, and refused by the private-address guard). A URL of this site is
matched to its route and read from what is stored (``blason.issuing.documents.published``), never by
running a view; anything else goes to the next fetcher.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from uuid import UUID

from django.conf import settings
from django.urls import Resolver404, get_urlconf, resolve

from blason.core.compiled import CompiledQuery
from blason.core.site import local_path
from blason.issuing.awarding.models import StatusListCache
from blason.issuing.documents.published import NotPublished, published
from blason.issuing.signing.models import SigningKey
from obcore.fetch import Fetched, Fetcher, FetchError


@dataclass(frozen=True)
class _Route:
    url_name: str
    view_name: str
    kwargs: tuple[tuple[str, Any], ...]


@lru_cache(maxsize=4096)
def _routed(path: str, urlconf: str) -> _Route | None:
    """The route of a path of this site (None: none), once per path in this process: every
    verification reads the same few documents, each twice (its stamp, then itself)."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    return _Route(match.url_name or "", match.view_name or "", tuple(match.kwargs.items()))


def _route(path: str) -> _Route | None:
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _routed(path.split("#", 1)[0].split("?", 1)[0], urlconf)


@dataclass
class LocalFetcher:
    fallback: Fetcher | None = None

    def __call__(self, url: str, *, accept: Iterable[str] = ()) -> Fetched:
        accept = tuple(accept)
        path = local_path(url)
        if path is None:
            if self.fallback is None:
                raise FetchError(url, "not_found", "only this site's documents are available")
            return self.fallback(url, accept=accept)
        route = _route(path)
        try:
            if route is None:
                raise NotPublished
            document = published(route.view_name, dict(route.kwargs))
        except NotPublished:
            raise FetchError(url, "not_found", "no such document on this site") from None
        if document.status == 410:
            raise FetchError(url, "gone", "removed (410)")
        if document.status >= 400:  # as a remote server's answer would be read (obcore.fetch)
            raise FetchError(url, "http_error", f"answered HTTP {document.status}")
        return Fetched(
            url=url, final_url=url, content_type=document.content_type, body=document.body
        )


# Read on every verification of this site's badges (SQL compiled once: ``core.compiled``).
_KEYS = CompiledQuery(
    lambda issuer: (
        SigningKey.objects.filter(issuer__uuid=issuer)
        .order_by("id")
        .values_list("fragment", "retired_at")
    ),
    UUID,
)
_REVISION = CompiledQuery(
    lambda issuer, number: (
        StatusListCache.objects.filter(issuer__uuid=issuer, number=number)
        .order_by("id")
        .values_list("revision")[:1]
    ),
    UUID,
    int,
)


def _issuer_keys(issuer_uuid: Any) -> Hashable:
    return ("keys", str(issuer_uuid), tuple(_KEYS.rows(issuer_uuid)))


def _status_revision(issuer_uuid: Any, number: int) -> Hashable:
    found = _REVISION.first_row(issuer_uuid, number)
    # No row yet: revision 0, which is what the row is made with.
    return ("status", str(issuer_uuid), number, (found[0] if found else None) or 0)


# What a verification's outcome depends on in each document of this site it may read: an
# award's credential never changes; an issuer's documents change with its keys; a status list
# with its revision (one more with each revocation).
_STAMPS: dict[str, Callable[..., Hashable]] = {
    "award_public": lambda award_uuid: ("award", str(award_uuid)),
    "issuer_profile": _issuer_keys,
    "issuer_did": _issuer_keys,
    "issuer_jwks": _issuer_keys,
    "issuer_key": lambda issuer_uuid, fragment: _issuer_keys(issuer_uuid),
    "issuer_status_list": _status_revision,
}


def document_stamp(url: str) -> Hashable | None:
    """What the document of this site at ``url`` depends on, read now: equal stamps, same
    document as far as verifying is concerned. None for an address of another site, or a
    document whose changes are not tracked this way (OB 2.0 documents, badge classes): a
    verification that read one is not kept.

    Read *before* the document itself, so that a revocation committing in between shows in
    the next stamp, never hidden by this one."""
    path = local_path(url)
    route = None if path is None else _route(path)
    if route is None:
        return None
    stamp = _STAMPS.get(route.url_name)
    return None if stamp is None else stamp(**dict(route.kwargs))
