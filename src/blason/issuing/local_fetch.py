"""A fetcher that answers for Blason's own public documents without a network round trip.

Verifying one of our own badges needs the issuer's profile, key and status list; fetching them
over HTTP from the server itself would need the server to reach its own public address (often
impossible behind a proxy, and refused by the private-address guard). URLs under ``SITE_URL``
are dispatched to the view directly; anything else goes to the next fetcher.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.test import RequestFactory
from django.urls import Resolver404, resolve

from obcore.fetch import Fetched, Fetcher, FetchError


@dataclass
class LocalFetcher:
    fallback: Fetcher | None = None

    def __call__(self, url: str, *, accept: Iterable[str] = ()) -> Fetched:
        accept = tuple(accept)
        prefix = settings.SITE_URL + "/"
        if not url.startswith(prefix):
            if self.fallback is None:
                raise FetchError(url, "not_found", "only this site's documents are available")
            return self.fallback(url, accept=accept)
        path = "/" + url.removeprefix(prefix).split("#", 1)[0]
        try:
            match = resolve(path.split("?", 1)[0])
        except Resolver404:
            raise FetchError(url, "not_found", "no such document on this site") from None
        request = RequestFactory().get(path, HTTP_ACCEPT="application/ld+json")
        response = match.func(request, *match.args, **match.kwargs)
        if response.status_code == 410:
            raise FetchError(url, "gone", "removed (410)")
        if response.status_code != 200:
            raise FetchError(url, "http_error", f"HTTP {response.status_code}")
        return Fetched(
            url=url,
            final_url=url,
            content_type=response.get("Content-Type", ""),
            body=response.content,
        )
