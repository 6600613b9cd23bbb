"""Status lists: where each award's revocation bit lives (a random free entry on one of the
issuer's Bitstring Status Lists), and the signed status list credential a verifier reads.

Revocation flips the award's bit (``services.award_revoke``); the signed list is rebuilt on the
next request for it."""

from __future__ import annotations

import json
import secrets
from collections.abc import Collection, Iterator
from datetime import timedelta
from typing import Any

from django.db import connection
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from blason.core.models import Issuer
from blason.core.site import absolute_url
from blason.issuing.awarding.models import (
    Award,
    StatusListCache,
)
from blason.issuing.signing import issuer_documents, keys
from obcore import status
from obcore.proofs.data_integrity import sign

STATUS_LIST_SIZE = status.MIN_ENTRIES  # entries per status list (131,072)


def status_list_url(issuer: Issuer, number: int = 1) -> str:
    return absolute_url("issuer_status_list", issuer.uuid, number)


class _IssuedIndexes(Collection[int]):
    """The status-list indexes taken on one of the issuer's lists, asked of the database one
    at a time.

    Drawing a random free index usually takes one or two probes, so each award costs a couple
    of indexed lookups instead of loading every index the issuer ever used. Once the list is
    half full, random draws start to miss and the indexes are loaded once instead.
    """

    def __init__(self, awards: QuerySet[Award], count: int | None = None) -> None:
        self._awards = awards
        self._count = count  # already counted by the caller: one COUNT(*) per award, not two
        self._loaded: set[int] | None = None

    def __contains__(self, index: object) -> bool:
        if self._loaded is not None:
            return index in self._loaded
        return isinstance(index, int) and self._awards.filter(status_index=index).exists()

    def __len__(self) -> int:
        count = self._awards.count() if self._count is None else self._count
        if count >= STATUS_LIST_SIZE // 2 and self._loaded is None:
            self._loaded = set(self)
        return count

    def __iter__(self) -> Iterator[int]:
        return iter(self._awards.values_list("status_index", flat=True))


def allocate_status_entry(issuer: Issuer) -> tuple[int, int]:
    """(list number, index) for a new award: a random free index on the issuer's newest list,
    or on a new list once that one is half full. Below half, a random draw takes one or two
    indexed probes; above, ``status.allocate_index`` lists every free index of the list for
    each award (measured: 350 ms an award past 65,536 awards on a list, instead of 30)."""
    awards = Award.objects.filter(issuer=issuer)
    number = awards.aggregate(number=Max("status_list"))["number"] or 1
    on_list = awards.filter(status_list=number)
    count = on_list.count()
    if count >= STATUS_LIST_SIZE // 2:
        number, count = number + 1, 0  # the newest list was ``number``: the next one is empty
        on_list = awards.filter(status_list=number)
    taken = _IssuedIndexes(on_list, count)
    return number, status.allocate_index(taken, size=STATUS_LIST_SIZE)


def allocate_status_entries(issuer: Issuer, count: int) -> list[tuple[int, int]]:
    """``count`` random free (list number, index) pairs, as ``allocate_status_entry`` draws
    them one at a time, with one query per round of draws: every candidate of a round is
    checked at once, and the few taken ones (under half full, fewer than half) drawn again."""
    awards = Award.objects.filter(issuer=issuer)
    number = awards.aggregate(number=Max("status_list"))["number"] or 1
    used = _entries_taken(issuer, number, count)
    entries: list[tuple[int, int]] = []
    while len(entries) < count:
        if used >= STATUS_LIST_SIZE // 2:
            number, used = number + 1, 0
        room = min(count - len(entries), STATUS_LIST_SIZE // 2 - used)
        # In the order drawn (a dict, not a set: a set of ints iterates nearly sorted).
        drawn: dict[int, None] = {}
        while len(drawn) < room:
            wanted = dict.fromkeys(_random_indexes(room - len(drawn)))
            for index in drawn:
                wanted.pop(index, None)
            taken = _taken(issuer, number, list(wanted))
            drawn.update((index, None) for index in wanted if index not in taken)
        entries.extend((number, index) for index in drawn)
        used += room
    return entries


def _random_indexes(count: int) -> list[int]:
    """``count`` random indexes of a status list, each equally likely, from one draw of random
    bytes (four per index: the list's size divides 2**32) rather than a system call each."""
    assert (1 << 32) % STATUS_LIST_SIZE == 0
    raw = secrets.token_bytes(4 * count)
    return [
        int.from_bytes(raw[start : start + 4], "big") % STATUS_LIST_SIZE
        for start in range(0, 4 * count, 4)
    ]


def _taken(issuer: Issuer, number: int, indexes: Collection[int]) -> set[int]:
    """Which of ``indexes`` are taken on the issuer's status list ``number``.

    Written as a join of the candidates with the awards, so that SQLite looks each candidate
    up in the (issuer, list, index) unique index: as ``status_index IN (...)``, its planner,
    without statistics, read every award of the issuer instead (a 100,000-award batch spent a
    third of its time there). PostgreSQL plans it well once its statistics follow the table's
    growth (``refresh_statistics``), given the candidates as one array (``= ANY``): with 500
    placeholders, psycopg parsed the query text again on every call (4 ms of this process's
    CPU a lookup, 1.4 ms as an array).
    """
    if not indexes:
        return set()
    table = connection.ops.quote_name(Award._meta.db_table)
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT status_index FROM {table} "  # noqa: S608 - the table's name only
            "WHERE issuer_id = %s AND status_list = %s AND status_index = ANY(%s)"
        )
        params: list[Any] = [issuer.pk, number, list(indexes)]
    else:
        values = ", ".join(["(CAST(%s AS INTEGER))"] * len(indexes))
        sql = (
            f"SELECT a.status_index FROM (VALUES {values}) AS c CROSS JOIN {table} AS a "  # noqa: S608 - placeholders only
            "WHERE a.issuer_id = %s AND a.status_list = %s AND a.status_index = c.column1"
        )
        params = [*indexes, issuer.pk, number]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


# The columns whose statistics the batch's lookups need (``refresh_statistics``).
_ANALYSED = ("issuer", "status_list", "status_index", "badge", "idempotency_key", "claim_code")


def refresh_statistics() -> None:
    """Bring PostgreSQL's statistics on awards up to date (ANALYZE samples the table).

    A bulk award grows the table faster than autovacuum re-analyses it; with statistics from
    when the issuer had few awards, PostgreSQL reads all of them for each lookup. The batch
    task calls this every 10,000 awards. SQLite's queries here do not depend on
    statistics (see ``_taken``).

    Only the columns the batch's lookups filter on (status indexes, idempotency keys, claim
    codes): the table's row count is refreshed all the same, and the whole table's ANALYZE,
    credentials included, cost two to three times as much (0.4 s at 30,000 awards)."""
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        fields = Award._meta.concrete_fields
        columns = ", ".join(quote(str(f.column)) for f in fields if f.name in _ANALYSED)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {quote(Award._meta.db_table)} ({columns})")


# Indexes sampled to tell that a status list is far from half full, and the margin required.
_FILL_SAMPLE = 256
_FILL_MARGIN = 0.1


def _entries_taken(issuer: Issuer, number: int, adding: int) -> int:
    """How many entries of the issuer's status list ``number`` are taken — exactly, or, when
    a random sample of its indexes shows that adding ``adding`` more keeps it well under half
    full, an estimate.

    Counting reads every award on the list; 256 lookups are enough to know that a list is,
    say, 20 % full. The margin is over three standard errors, and a wrong estimate would only
    let a list fill a little past half."""
    sample = set(_random_indexes(_FILL_SAMPLE))
    fill = len(_taken(issuer, number, sample)) / len(sample)
    if (fill + _FILL_MARGIN) * STATUS_LIST_SIZE + adding <= STATUS_LIST_SIZE // 2:
        return round(fill * STATUS_LIST_SIZE)
    return Award.objects.filter(issuer=issuer, status_list=number).count()


def status_list_credential(issuer: Issuer, number: int = 1) -> str:
    """The issuer's signed status list credential number ``number`` (JSON text).

    Consistent with committed revocations by construction: each revocation adds one to the
    list's ``revision`` in its own transaction. The revision is read *before* the revoked
    awards, so a list built here holds every revocation of that revision (a revocation that
    commits meanwhile raises the revision past it); it is stored marked with that revision, and
    served from the store only while no revocation has come since.
    """
    row, _created = StatusListCache.objects.get_or_create(issuer=issuer, number=number)
    if row.credential and row.built_revision == row.revision:
        return row.credential
    revision = row.revision
    bits = status.BitstringStatusList()
    revoked = Award.objects.filter(issuer=issuer, status_list=number, revoked_at__isnull=False)
    for index in revoked.values_list("status_index", flat=True):
        bits.set(index)
    key = keys.active_key(issuer)
    document = status.build_status_list_credential(
        credential_id=status_list_url(issuer, number),
        issuer=issuer_documents.issuer_url(issuer),
        status_list=bits,
        valid_from=timezone.now() - timedelta(minutes=5),
    )
    signed = sign(
        document,
        keys.private_key(key),
        verification_method=issuer_documents.verification_method_id(issuer, key),
    )
    text = json.dumps(signed, ensure_ascii=False, separators=(",", ":"))
    # Kept unless a list of this revision or a later one was stored meanwhile.
    StatusListCache.objects.filter(pk=row.pk).filter(
        Q(built_revision__isnull=True) | Q(built_revision__lt=revision)
    ).update(credential=text, built_revision=revision, updated_at=timezone.now())
    return text
