"""The database cache of sites without Redis, at one statement per write.

Rate limits (allauth's, and ours through it) keep their counts in the default cache, so each
limited request writes to it: a lock taken and given back, the count read and written. Django's
``DatabaseCache`` runs, for each write, a ``COUNT(*)`` of the whole table, a ``SELECT`` of the
entry and an ``INSERT`` or ``UPDATE`` in a transaction, and once the table holds more than
``MAX_ENTRIES`` it culls on every write: the expired entries, then a third of the others by key
order, whatever they hold (at Django's default of 300 entries, a busy site loses rate-limit
counts that are still running).

This backend writes with one ``INSERT … ON CONFLICT`` (PostgreSQL, and SQLite since 3.24), and
counts the table once every ``CULL_EVERY`` writes per process rather than at each: when it holds
more than ``MAX_ENTRIES``, expired entries go, then, if need be, a third of the others, those
nearest their expiry. Reads and the table itself are Django's (``blason setup`` runs
``createcachetable``).
"""

from __future__ import annotations

import base64
import pickle
import threading
from contextlib import nullcontext
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import DatabaseError, connections, router, transaction
from django.utils.timezone import now as tz_now


class DatabaseCache(DjangoDatabaseCache):
    def __init__(self, table: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        self._cull_every = int(options.pop("CULL_EVERY", 500))
        super().__init__(table, {**params, "OPTIONS": options})
        self._table_name = table
        self._writes = 0
        self._writes_lock = threading.Lock()

    def _base_set(
        self, mode: str, key: str, value: Any, timeout: float | None = DEFAULT_TIMEOUT
    ) -> bool:
        backend_timeout = self.get_backend_timeout(timeout)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        now = tz_now().replace(microsecond=0)
        if backend_timeout is None:
            expires = datetime.max.replace(microsecond=0)
        else:
            zone = UTC if settings.USE_TZ else None
            expires = datetime.fromtimestamp(backend_timeout, tz=zone).replace(microsecond=0)
        adapt = connection.ops.adapt_datetimefield_value
        quote = connection.ops.quote_name
        table, key_column, value_column, expires_column = map(
            quote, (self._table_name, "cache_key", "value", "expires")
        )
        if mode == "touch":
            sql = f"UPDATE {table} SET {expires_column} = %s WHERE {key_column} = %s"  # noqa: S608 - names from the settings
            params = [adapt(expires), key]
        else:
            # ``add`` replaces an entry only once it has expired, as Django's does.
            only_expired = f" WHERE {table}.{expires_column} < %s" if mode == "add" else ""
            sql = (
                f"INSERT INTO {table} ({key_column}, {value_column}, {expires_column}) "  # noqa: S608 - names from the settings
                f"VALUES (%s, %s, %s) ON CONFLICT ({key_column}) DO UPDATE SET "
                f"{value_column} = EXCLUDED.{value_column}, "
                f"{expires_column} = EXCLUDED.{expires_column}{only_expired}"
            )
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            params = [key, encoded, adapt(expires)]
            if mode == "add":
                params.append(adapt(now))
        # Within a transaction, a savepoint keeps a failed write from breaking it, as Django's
        # does; otherwise the statement commits on its own.
        guard = transaction.atomic(using=db) if connection.in_atomic_block else nullcontext()
        with connection.cursor() as cursor:
            self._maybe_cull(db, cursor, now)
            try:
                with guard:
                    cursor.execute(sql, params)
                    return bool(cursor.rowcount)
            except DatabaseError:
                # As Django's: a cache write that fails is a miss, never an error for the page.
                return False

    def _maybe_cull(self, db: str, cursor: Any, now: datetime) -> None:
        """Once every ``CULL_EVERY`` writes: if the table holds more than ``MAX_ENTRIES``,
        delete the expired entries, then, if that was not enough, the third of the others
        nearest their expiry (Django's culls a third by key order, whatever they hold)."""
        with self._writes_lock:
            due = self._writes % self._cull_every == 0
            self._writes += 1
        if not due:
            return
        ops = connections[db].ops
        table, key_column, expires_column = map(
            ops.quote_name, (self._table_name, "cache_key", "expires")
        )
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - names from the settings
        entries = cursor.fetchone()[0]
        if entries <= self._max_entries:
            return
        cursor.execute(
            f"DELETE FROM {table} WHERE {expires_column} < %s",  # noqa: S608 - names from the settings
            [ops.adapt_datetimefield_value(now)],
        )
        left = entries - cursor.rowcount
        if left > self._max_entries:
            cursor.execute(
                f"DELETE FROM {table} WHERE {key_column} IN (SELECT {key_column} FROM {table} "  # noqa: S608 - names from the settings
                f"ORDER BY {expires_column} LIMIT %s)",
                [max(1, left // 3)],
            )
