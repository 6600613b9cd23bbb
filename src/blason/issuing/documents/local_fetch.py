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
from typing import Any

from django.urls import Resolver404, resolve

from blason.core.site import local_path
from blason.issuing.awarding.models import StatusListCache
from blason.issuing.documents.published import NotPublished, published
from blason.issuing.signing.models import SigningKey
from obcore.fetch import Fetched, Fetcher, FetchError


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
        path = path.split("#", 1)[0].split("?", 1)[0]
        try:
            match = resolve(path)
            document = published(match.view_name or "", match.kwargs)
        except (Resolver404, NotPublished):
            raise FetchError(url, "not_found", "no such document on this site") from None
        if document.status == 410:
            raise FetchError(url, "gone", "removed (410)")
        if document.status >= 400:  # as a remote server's answer would be read (obcore.fetch)
            raise FetchError(url, "http_error", f"answered HTTP {document.status}")
        return Fetched(
            url=url, final_url=url, content_type=document.content_type, body=document.body
        )


def _issuer_keys(issuer_uuid: Any) -> Hashable:
    keys = SigningKey.objects.filter(issuer__uuid=issuer_uuid).order_by("pk")
    return ("keys", str(issuer_uuid), tuple(keys.values_list("fragment", "retired_at")))


def _status_revision(issuer_uuid: Any, number: int) -> Hashable:
    revision = (
        StatusListCache.objects.filter(issuer__uuid=issuer_uuid, number=number)
        .values_list("revision", flat=True)
        .first()
    )
    # No row yet: revision 0, which is what the row is made with.
    return ("status", str(issuer_uuid), number, revision or 0)


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
    if path is None:
        return None
    try:
        match = resolve(path.split("#", 1)[0].split("?", 1)[0])
    except Resolver404:
        return None
    stamp = _STAMPS.get(match.url_name or "")
    return None if stamp is None else stamp(**match.kwargs)
