"""A revocation never vanishes from the published status list (issue 12, point 1).

The signed status list is cached. A read that rebuilt it while a revocation committed used to
store a list without that revocation, served until the next revocation on the same list: the
award's verify page then said "valid" while its OB 2.0 address answered 410. Here revocations
from several threads race reads of the list on a real database server; every read must show
every revocation that had committed before the read began, and so must the final list, the
OB 2.0 revocation list and the award's own verification.
"""

from __future__ import annotations

import json
import os
import threading
import time
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client

from blason.issuing.awarding import bulk, status_lists
from blason.issuing.awarding import services as awards
from blason.issuing.documents import award_documents
from blason.issuing.models import Award
from blason.verification.fetching import site_fetcher
from obcore.status import BitstringStatusList
from obcore.verify import State, verify_credential

# ≥ 2,000 revocations on a database server (CI's PostgreSQL run); fewer elsewhere.
REVOCATIONS = int(os.environ.get("STATUS_RACE_REVOCATIONS", "2100"))
REVOKERS = 3
READERS = 2


def _revoked_indexes(credential_text: str) -> BitstringStatusList:
    subject = json.loads(credential_text)["credentialSubject"]
    return BitstringStatusList.decode(subject["encodedList"])


@pytest.mark.django_db(transaction=True)
def test_no_revocation_goes_missing_from_the_status_list(world: Any) -> None:
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:"):
        # The in-memory test database is shared between threads through SQLite's shared cache,
        # whose table locks fail at once instead of waiting; SQLite also runs one writer at a
        # time, so the race cannot happen there. It runs on PostgreSQL in CI.
        pytest.skip("needs a database server (runs on PostgreSQL in CI)")
    issuer = world.org_a
    made = bulk.award_many(
        badge=world.badge_a,
        actor=world.admin,
        recipients=[bulk.Recipient(email=f"personne{n}@example.org") for n in range(REVOCATIONS)],
        notify=False,
    )
    assert {award.status_list for award in made} == {1}
    status_lists.status_list_credential(issuer, 1)  # a cached list exists before the race
    index_of = {award.pk: award.status_index for award in made}

    committed: set[int] = set()  # status indexes of revocations that have returned (committed)
    committed_lock = threading.Lock()
    missing: set[int] = set()  # revocations a later read did not show
    reads = 0
    errors: list[BaseException] = []
    revoking = threading.Event()
    revoking.set()

    def revoke(share: list[Award]) -> None:
        try:
            for award in share:
                awards.award_revoke(award=award, actor=world.admin, reason="Erreur")
                with committed_lock:
                    committed.add(index_of[award.pk])
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    def read() -> None:
        nonlocal reads
        try:
            while revoking.is_set():
                with committed_lock:
                    before = set(committed)
                bits = _revoked_indexes(status_lists.status_list_credential(issuer, 1))
                lost = {index for index in before if not bits.get(index)}
                with committed_lock:
                    missing.update(lost)
                    reads += 1
                time.sleep(0.005)  # a busy reader, not a spinning one (the GIL is shared)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    shares = [made[n::REVOKERS] for n in range(REVOKERS)]
    revokers = [threading.Thread(target=revoke, args=(share,)) for share in shares]
    readers = [threading.Thread(target=read) for _ in range(READERS)]
    started = time.monotonic()
    for thread in readers + revokers:
        thread.start()
    for thread in revokers:
        thread.join(120)
    revoking.clear()
    for thread in readers:
        thread.join(60)
    assert not errors, errors
    assert len(committed) == REVOCATIONS
    assert reads > 0

    # The final published list (through its address), read after the race.
    response = Client().get(f"/issuers/{issuer.uuid}/status/1")
    assert response.status_code == 200
    bits = _revoked_indexes(response.content.decode())
    missing |= {index for index in committed if not bits.get(index)}
    assert not missing, (
        f"{len(missing)} of {REVOCATIONS} revocations missing from a later read "
        f"({reads} reads in {time.monotonic() - started:.1f} s)"
    )

    # The OB 2.0 revocation list and the award's own verification say the same.
    listed = award_documents.revocation_list_document(issuer)["revokedAssertions"]
    assert len(listed) == 2 * REVOCATIONS  # each award under its hosted URL and signed URN
    for award in Award.objects.filter(pk__in=[made[0].pk, made[-1].pk]):
        report = verify_credential(award.credential, fetcher=site_fetcher())
        assert report.state == State.REVOKED, report.checks
        assert Client().get(f"/awards/{award.uuid}/ob2").status_code == 410


@pytest.mark.django_db
def test_a_revocation_during_a_rebuild_is_in_the_next_read(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The interleaving of the race, made deterministic (any database): a revocation commits
    while a read is signing a list built before it. That list may be served to that read, but
    never stored as current."""
    first, second = bulk.award_many(
        badge=world.badge_a,
        actor=world.admin,
        recipients=[bulk.Recipient(email=f"p{n}@example.org") for n in range(2)],
        notify=False,
    )
    awards.award_revoke(award=first, actor=world.admin, reason="Erreur")
    real_sign = status_lists.sign
    interleaved = []

    def sign_while_revoking(*args: Any, **kwargs: Any) -> Any:
        if not interleaved:
            interleaved.append(True)
            awards.award_revoke(award=second, actor=world.admin, reason="Erreur")
        return real_sign(*args, **kwargs)

    monkeypatch.setattr(status_lists, "sign", sign_while_revoking)
    during = _revoked_indexes(status_lists.status_list_credential(world.org_a, 1))
    assert interleaved
    assert during.get(first.status_index)
    assert not during.get(second.status_index)
    after = _revoked_indexes(status_lists.status_list_credential(world.org_a, 1))
    assert after.get(first.status_index)
    assert after.get(second.status_index)
    again = _revoked_indexes(status_lists.status_list_credential(world.org_a, 1))  # from the store
    assert again.get(second.status_index)
