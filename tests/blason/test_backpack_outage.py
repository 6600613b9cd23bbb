"""An outage is not a forgery (issue 11, point 3): a badge that verified once is never
downgraded by a re-check that could not reach its issuer. Its issuer publishes its key on a real
HTTP server on loopback, which then answers 503, stops answering in time, or is gone (connection
refused): the backpack keeps the date the badge was last found valid and says so, on the badge's
page and in the list, in English and in French. A re-check that does reach the issuer records
what it finds, better or worse; and one that cannot does not undo a revocation."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from blason.backpack import imports
from blason.backpack.models import Item, ItemStatus
from obcore.jose import sign_vc_jwt
from obcore.keys import generate_key
from tests.blason import other_platforms as op

pytestmark = pytest.mark.django_db


class Issuer:
    """Another platform on loopback, publishing its key; ``mode`` is how it answers now."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.key = generate_key("P-256")
        self.other_key = generate_key("P-256")
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if issuer.mode == "slow":
                    time.sleep(3)
                if issuer.mode == "503":
                    self.send_response(503)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                key = issuer.other_key if issuer.mode == "wrong key" else issuer.key
                body = json.dumps(
                    {
                        "id": issuer.kid,
                        "type": "JsonWebKey",
                        "controller": issuer.id,
                        "publicKeyJwk": key.to_public_jwk(),
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(OSError):  # the client may have given up waiting
                    self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.id = f"http://127.0.0.1:{self.port}/issuers/1"
        self.kid = f"{self.id}/keys/p-256"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def badge(self, number: int = 1) -> str:
        return sign_vc_jwt(op.ob3_credential(self.id, number=number), self.key, kid=self.kid)

    def refuse(self) -> None:
        """Gone: nothing listens on its port any more (connection refused)."""
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def issuer(settings: Any) -> Iterator[Issuer]:
    settings.FETCH_ALLOW_PRIVATE = True
    settings.FETCH_TIMEOUT = 1
    running = Issuer()
    yield running
    if running.mode != "refused":
        running.refuse()


def _kept(user: Any, issuer: Issuer) -> Item:
    item = imports.import_badge(user=user, text=issuer.badge())
    assert item.status == ItemStatus.VALID, item.report
    assert item.last_valid_at is not None
    return item


@pytest.mark.parametrize("outage", ["503", "slow", "refused"])
def test_an_outage_never_downgrades_a_badge_that_verified(
    client: Any, world: Any, issuer: Issuer, outage: str
) -> None:
    item = _kept(world.member, issuer)
    valid_on = item.last_valid_at
    if outage == "refused":
        issuer.refuse()
    issuer.mode = outage
    item = imports.recheck_item(item=item)
    item.refresh_from_db()
    assert item.status == ItemStatus.UNVERIFIABLE, item.report
    assert item.last_valid_at == valid_on
    assert item.checked_at is not None
    assert item.checked_at > valid_on

    client.force_login(world.member)
    with translation.override("fr"):
        date = date_format(timezone.localtime(valid_on), "DATE_FORMAT")
    page = client.get(reverse("backpack:item", args=[item.uuid]), HTTP_ACCEPT_LANGUAGE="en")
    assert (
        "Could not be checked today (its issuer could not be reached); last checked valid on"
        in (page.text)
    )
    listing = client.get(reverse("backpack:list"), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Vérification impossible aujourd\u2019hui" in listing.text
    assert "dernière vérification valide le" in listing.text
    assert date in listing.text


def test_a_recheck_that_reaches_the_issuer_records_what_it_finds(
    world: Any, issuer: Issuer
) -> None:
    item = _kept(world.member, issuer)
    issuer.mode = "503"
    assert imports.recheck_item(item=item).status == ItemStatus.UNVERIFIABLE
    issuer.mode = "ok"
    assert imports.recheck_item(item=item).status == ItemStatus.VALID
    issuer.mode = "wrong key"  # the issuer answers, and the signature does not hold: not valid
    item = imports.recheck_item(item=item)
    assert item.status == ItemStatus.INVALID
    issuer.mode = "503"  # an outage afterwards does not turn it back into "could not check"
    item = imports.recheck_item(item=item)
    assert item.status == ItemStatus.INVALID
    assert Item.objects.get(pk=item.pk).status == ItemStatus.INVALID


@pytest.mark.parametrize("known", [ItemStatus.REVOKED, ItemStatus.SUSPENDED, ItemStatus.EXPIRED])
def test_an_outage_does_not_undo_a_conclusive_answer(
    world: Any, issuer: Issuer, known: str
) -> None:
    item = _kept(world.member, issuer)
    known_report = {"state": known, "checks": []}
    Item.objects.filter(pk=item.pk).update(status=known, report=known_report)
    item.refresh_from_db()
    issuer.mode = "503"
    item = imports.recheck_item(item=item)
    item.refresh_from_db()
    assert item.status == known
    assert item.report == known_report
