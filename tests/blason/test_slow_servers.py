"""Slow remote servers cannot take the site down (issue 12, point 2).

In-process tests of the verify page's bounds: a trickling server is cut at the total deadline,
and fetches beyond the process's slots (in all, and per client address) are refused at once
with a clear 503 in the user's language. The load test against the real ``blason serve`` is in
``test_slow_server_load.py``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from blason.verification.fetching import SLOTS
from tests.blason.trickling import TricklingServer

pytestmark = pytest.mark.django_db
URL = "/verify/"


@pytest.fixture
def trickling() -> Iterator[TricklingServer]:
    server = TricklingServer()
    yield server
    server.close()


@pytest.fixture
def loopback_allowed(settings: Any) -> Any:
    settings.FETCH_ALLOW_PRIVATE = True
    settings.FETCH_TIMEOUT = 1
    return settings


def test_a_trickling_server_is_cut_at_the_deadline(
    client: Any, trickling: TricklingServer, loopback_allowed: Any
) -> None:
    started = time.monotonic()
    response = client.post(URL, {"text": trickling.url}, HTTP_ACCEPT_LANGUAGE="en")
    assert trickling.connections == 1, trickling.connections
    assert time.monotonic() - started < 5  # the server would trickle for 2,000 s
    assert response.status_code == 200
    assert "Cannot be checked" in response.content.decode()
    assert SLOTS.running == 0  # the slot is given back


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Many badges from other sites are being checked right now."),
        ("fr", "sont en cours de vérification. Réessayez dans une minute."),
    ],
)
def test_no_free_slot_is_a_clear_503_at_once(
    client: Any, trickling: TricklingServer, loopback_allowed: Any, language: str, message: str
) -> None:
    loopback_allowed.FETCH_MAX_CONCURRENT = 1
    loopback_allowed.FETCH_TIMEOUT = 10  # a fetch would hold the request 10 s
    assert SLOTS.take("192.0.2.7")  # someone else's slow fetch holds the only slot
    try:
        started = time.monotonic()
        response = client.post(URL, {"text": trickling.url}, HTTP_ACCEPT_LANGUAGE=language)
        assert time.monotonic() - started < 3
    finally:
        SLOTS.give_back("192.0.2.7")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert message in response.content.decode()
    assert trickling.connections == 0


def test_one_address_cannot_take_every_slot(
    client: Any, trickling: TricklingServer, loopback_allowed: Any
) -> None:
    loopback_allowed.FETCH_MAX_CONCURRENT = 4
    loopback_allowed.FETCH_MAX_PER_CLIENT = 1
    assert SLOTS.take("198.51.100.9")  # this address already has a fetch running
    try:
        refused = client.post(URL, {"text": trickling.url}, REMOTE_ADDR="198.51.100.9")
        served = client.post(URL, {"text": trickling.url}, REMOTE_ADDR="203.0.113.5")
    finally:
        SLOTS.give_back("198.51.100.9")
    assert refused.status_code == 503
    assert served.status_code == 200  # another address still gets its fetch (cut at 1 s)
    assert SLOTS.running == 0
