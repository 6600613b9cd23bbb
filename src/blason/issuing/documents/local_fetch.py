"""A fetcher that answers for Blason's own public documents without a network round trip.

Verifying one of our own badges needs the issuer's profile, key and status list; fetching them
over HTTP from the server itself would need the server to reach its own public address (often
impossible behind a proxy, and refused by the private-address guard). A URL of this site is
matched to its route and read from what is stored (``blason.issuing.documents.published``), never by
running a view; anything else goes to the next fetcher.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import Resolver404, resolve

from blason.core.site import local_path
from blason.issuing.documents.published import NotPublished, published
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
