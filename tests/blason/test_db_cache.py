"""The database cache of sites without Redis (``blason.core.db_cache``): Django's semantics, one
statement per write, and a table that stays bounded without losing live rate-limit counts."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.core.ratelimit import consume
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from blason.core.db_cache import DatabaseCache

pytestmark = pytest.mark.django_db


def _backend(**options: Any) -> dict[str, Any]:
    return {
        "BACKEND": "blason.core.db_cache.DatabaseCache",
        "LOCATION": "blason_test_cache",
        "OPTIONS": options,
    }


@pytest.fixture
def database_cache(settings: Any) -> DatabaseCache:
    settings.CACHES = {**settings.CACHES, "default": _backend(MAX_ENTRIES=20, CULL_EVERY=5)}
    call_command("createcachetable", verbosity=0)
    cache = caches["default"]
    assert isinstance(cache, DatabaseCache)
    cache.clear()  # the table outlives a test that commits
    return cache


def _rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM blason_test_cache")
        return int(cursor.fetchone()[0])


def test_it_keeps_what_djangos_cache_keeps(database_cache: DatabaseCache) -> None:
    database_cache.set("history", [1.5, 2.5], 60)
    assert database_cache.get("history") == [1.5, 2.5]
    database_cache.set("history", [3.5], 60)
    assert database_cache.get("history") == [3.5]
    assert database_cache.add("history", "other") is False
    assert database_cache.get("history") == [3.5]
    assert database_cache.add("lock", True, 60) is True
    assert database_cache.get("lock") is True
    assert database_cache.touch("lock", 120) is True
    assert database_cache.touch("never-set", 120) is False
    assert database_cache.delete("lock") is True
    assert database_cache.get("lock") is None
    database_cache.set("forever", "kept", None)
    assert database_cache.get("forever") == "kept"
    assert database_cache.add("counter", 1) is True
    assert database_cache.incr("counter") == 2


def test_an_expired_entry_is_replaced_by_add_and_read_as_missing(
    database_cache: DatabaseCache,
) -> None:
    database_cache.set("lock", "old", -1)  # already expired
    assert database_cache.get("lock") is None
    database_cache.set("lock", "old", -1)
    assert database_cache.add("lock", "new", 60) is True
    assert database_cache.get("lock") == "new"


@pytest.mark.django_db(transaction=True)  # as for a page: no transaction around the writes
def test_a_write_is_one_statement(database_cache: DatabaseCache) -> None:
    database_cache.set("first", 1)  # the first write of the process counts the table
    with CaptureQueriesContext(connection) as writes:
        database_cache.set("history", [1.0], 60)
        database_cache.add("lock", True, 60)
        database_cache.add("lock", True, 60)
        database_cache.touch("lock", 60)
    assert len(writes.captured_queries) == 4
    assert all("COUNT" not in query["sql"] for query in writes.captured_queries)


def test_the_table_stays_bounded_and_expired_entries_go_first(
    database_cache: DatabaseCache,
) -> None:
    for number in range(15):
        database_cache.set(f"expired-{number:02}", number, -1)
    for number in range(30):  # each expires later than the one before, keys in reverse order
        database_cache.set(f"live-{29 - number:02}", number, 600 + number)
    # MAX_ENTRIES 20, counted every 5 writes: never more than 20 + 5 rows.
    assert _rows() <= 25
    # The expired entries went, then the live entries nearest their expiry (whatever their
    # keys): the one that expires last is kept.
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM blason_test_cache WHERE cache_key LIKE '%%expired%%'")
        assert cursor.fetchall() == []
    assert database_cache.get("live-00") == 29
    assert database_cache.get("live-29") is None


def test_allauths_rate_limit_counts_through_it(
    database_cache: DatabaseCache, settings: Any
) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "verify": "3/m/ip"}
    request = RequestFactory().post("/verify/", REMOTE_ADDR="203.0.113.9")
    assert [consume(request, action="verify") for _ in range(4)] == [True, True, True, False]
    other = RequestFactory().post("/verify/", REMOTE_ADDR="203.0.113.10")
    assert consume(other, action="verify") is True
