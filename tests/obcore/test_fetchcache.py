"""Other sites' documents kept as their HTTP caching headers allow, within bounds, against a
real HTTP server on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from obcore.fetch import Fetched, FetchError, HttpFetcher, freshness
from obcore.fetchcache import CachingFetcher, DocumentCache
from tests.obcore.test_fetch import ALLOW_LOOPBACK, Handler, reply
from tests.obcore.test_fetch import server as server

JSON = ["application/json"]


@pytest.fixture
def counted() -> Iterator[dict[str, int]]:
    hits: dict[str, int] = {}
    yield hits
    Handler.routes.clear()


def _route(path: str, hits: dict[str, int], headers: dict[str, str], body: bytes = b"{}") -> None:
    answer = reply(body=body, headers=headers)

    def handle(handler: Any) -> None:
        hits[path] = hits.get(path, 0) + 1
        answer(handler)

    Handler.routes[path] = handle


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"cache-control": "public, max-age=600"}, 600),
        ({"cache-control": "max-age=600, s-maxage=60"}, 60),
        ({"cache-control": "no-store"}, 0),
        ({"cache-control": "max-age=600, no-cache"}, 0),
        ({"cache-control": "private, max-age=600"}, 0),
        ({"cache-control": "max-age=soon"}, 0),
        (
            {"expires": "Mon, 07 Dec 2026 10:10:00 GMT", "date": "Mon, 07 Dec 2026 10:00:00 GMT"},
            600,
        ),
        ({"expires": "0"}, 0),
        ({}, None),
    ],
)
def test_freshness_follows_the_headers(headers: dict[str, str], seconds: float | None) -> None:
    assert freshness(headers) == seconds


def test_a_document_is_kept_as_long_as_its_server_allows(
    server: str,
    counted: dict[str, int],
) -> None:
    _route("/kept", counted, {"Cache-Control": "public, max-age=600"}, b'{"kept": 1}')
    _route("/fresh", counted, {"Cache-Control": "no-store"})
    _route("/silent", counted, {})
    fetcher = CachingFetcher(HttpFetcher(ALLOW_LOOPBACK), DocumentCache())
    for _ in range(3):
        assert fetcher(f"{server}/kept", accept=JSON).body == b'{"kept": 1}'
        fetcher(f"{server}/fresh", accept=JSON)
        fetcher(f"{server}/silent", accept=JSON)
    assert counted == {"/kept": 1, "/fresh": 3, "/silent": 3}
    # Asked for with other media types, a document is fetched again (and checked for them).
    with pytest.raises(FetchError) as refused:
        fetcher(f"{server}/kept", accept=["application/ld+json"])
    assert refused.value.reason == "content_type"
    assert counted["/kept"] == 2


def test_failures_and_redirected_documents_are_not_kept(
    server: str,
    counted: dict[str, int],
) -> None:
    _route("/target", counted, {"Cache-Control": "max-age=600"})
    Handler.routes["/moved"] = reply(302, headers={"Location": "/target"})
    fetcher = CachingFetcher(HttpFetcher(ALLOW_LOOPBACK), DocumentCache())
    fetcher(f"{server}/moved", accept=JSON)
    fetcher(f"{server}/moved", accept=JSON)
    assert counted["/target"] == 2
    for _ in range(2):
        with pytest.raises(FetchError):
            fetcher(f"{server}/missing", accept=JSON)


def _doc(url: str, size: int, max_age: float | None = 600) -> Fetched:
    return Fetched(url, url, "application/json", b"x" * size, max_age)


def test_the_cache_is_bounded_in_entries_bytes_and_lifetime() -> None:
    now = [1000.0]
    cache = DocumentCache(max_entries=3, max_bytes=100, max_ttl=60, clock=lambda: now[0])
    for n in range(4):
        cache.put((f"u{n}", ()), _doc(f"u{n}", 10))
    assert len(cache) == 3
    assert cache.get(("u0", ())) is None
    assert cache.get(("u1", ())) is not None
    cache.put(("big", ()), _doc("big", 90))
    assert cache.size <= 100
    assert cache.get(("big", ())) is not None
    assert cache.get(("u2", ())) is None  # made room for it
    cache.put(("huge", ()), _doc("huge", 101))
    assert cache.get(("huge", ())) is None
    now[0] += 61  # past max_ttl, although the server allowed 600 s
    assert cache.get(("big", ())) is None
    assert cache.get(("u1", ())) is None
    cache.put(("never", ()), _doc("never", 1, max_age=None))
    cache.put(("forbidden", ()), _doc("forbidden", 1, max_age=0))
    assert cache.get(("never", ())) is None
    assert cache.get(("forbidden", ())) is None
