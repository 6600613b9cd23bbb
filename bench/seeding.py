"""Rows written by the database itself, for benchmarks over a million awards: one
``INSERT … SELECT`` per chunk of numbers ``g`` (PostgreSQL's ``generate_series``, SQLite's
recursive ``WITH``), each row computed from its number ``g``. Used by ``award_lists`` and
``insights``; their SELECTs say what each column holds."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence

CHUNK = 100_000  # rows per statement
# The columns of ``issuing_award`` the benchmarks' seeds write, in their SELECTs' order.
AWARD_COLUMNS = (
    "uuid, badge_id, issuer_id, recipient_kind, recipient_email, recipient_phone, "
    "recipient_name, recipient_language, recipient_salt, narrative, credential, "
    "status_list, status_index, issued_at, valid_until, revoked_at, revocation_reason, "
    "claim_code, claimed_at, idempotency_key"
)


def insert_series(vendor: str, table: str, columns: str, select: str) -> str:
    """One statement inserting into ``table`` a row per number ``g`` in [%(start)s, %(end)s),
    ``select`` computing its ``columns`` from ``g`` (``%%`` for a modulo: values are passed
    as parameters)."""
    if vendor == "postgresql":
        return f"""
        INSERT INTO {table} ({columns})
        SELECT {select}
        FROM generate_series(%(start)s, %(end)s - 1) AS g
        """  # noqa: S608 (only constants in the f-string; values are parameters)
    # SQLite: no generate_series; a recursive WITH counts.
    return f"""
        WITH RECURSIVE n(g) AS (SELECT %(start)s UNION ALL SELECT g + 1 FROM n
                                WHERE g + 1 < %(end)s)
        INSERT INTO {table} ({columns})
        SELECT {select}
        FROM n
        """  # noqa: S608 (only constants in the f-string; values are parameters)


def pick(vendor: str, values: Sequence[object], index: str) -> str:
    """SQL for ``values[index]`` (``index`` an SQL expression from 0): a literal array on
    PostgreSQL, a JSON array on SQLite. ``values`` are numbers or plain text."""
    if vendor == "postgresql":
        items = ",".join(str(v) if isinstance(v, int) else _text(str(v)) for v in values)
        return f"(ARRAY[{items}])[({index}) + 1]"
    array = json.dumps(list(values), ensure_ascii=False).replace("'", "''")
    return f"json_extract('{array}', '$[' || ({index}) || ']')"


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def write(sql: str, rows: int, params: Mapping[str, object], chunk: int = CHUNK) -> float:
    """Run ``sql`` (from ``insert_series``) for ``g`` in [0, rows), ``chunk`` rows per
    transaction; returns the seconds taken."""
    from django.db import connection, transaction

    start = time.perf_counter()
    for first in range(0, rows, chunk):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, {**params, "start": first, "end": min(first + chunk, rows)})
    return time.perf_counter() - start


def analyze(*tables: str) -> None:
    """Statistics and visibility, as autovacuum keeps them after a bulk load."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in tables:
                cursor.execute(f"VACUUM ANALYZE {table}")
        else:
            cursor.execute("ANALYZE")
