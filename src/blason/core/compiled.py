"""ORM queries compiled to SQL once, then run with each call's values.

Some small reads run on every request of the busiest public paths: the stamps that the cached
pages are keyed on, and what a verification of this site's badge depends on (the issuer's keys,
a status list's revision, the networks' newest lists). Compiling such a query (the ORM's
``as_sql``, with its joins, annotations and subqueries) cost more CPU than running it: 1.5 ms
of the issuer page's 2.7 ms. A ``CompiledQuery`` compiles its query once per thread and
database connection, with sentinels in place of its parameters (UUIDs or integers), then only
swaps each call's values into the parameters, executes the SQL through Django's cursor (so the
query is logged and counted as any other) and converts the rows with the ORM's own converters
(SQLite's datetimes and UUIDs come back as the ORM gives them). ``tests/blason/test_compiled.py``
compares its rows with the ORM's.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler

Kind = type[uuid.UUID] | type[int]
Row = tuple[Any, ...]


def _sentinel(kind: Kind, position: int) -> uuid.UUID | int:
    """A value the query is unlikely to hold otherwise, different for each parameter (an
    integer within every integer field's range: Django compiles a lookup out of the field's
    range as no row at all). A sentinel found twice, or not at all, stops the compiling."""
    if kind is uuid.UUID:
        return uuid.UUID(f"6e0c1d2a-8b7f-4c3e-9a51-0b1a50c0f{position:03x}")
    return 32_749 - position


def _as_kind(kind: Kind, value: Any) -> Any:
    if kind is uuid.UUID:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    return int(value)


# How a UUID went into the compiled parameters: as is (PostgreSQL), as hex text (SQLite).
_UUID_FORMS: tuple[Callable[[uuid.UUID], Any], ...] = (lambda u: u, lambda u: u.hex, str)


@dataclass(frozen=True)
class _Prepared:
    connection: BaseDatabaseWrapper
    compiler: SQLCompiler
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, Callable[[Any], Any]], ...]  # per value: where it goes, its form
    converters: dict[int, tuple[list[Any], Any]]


class CompiledQuery:
    """``build(*sentinels)`` is a ``values_list`` query using each of its arguments once, as a
    filter value of the kind given in ``kinds`` (``uuid.UUID`` or ``int``); ``rows(*values)``
    runs it with ``values`` in their place."""

    def __init__(self, build: Callable[..., QuerySet[Any, Any]], *kinds: Kind) -> None:
        self._build = build
        self._kinds = kinds
        self._local = threading.local()

    def _prepare(self, connection: BaseDatabaseWrapper) -> _Prepared:
        sentinels = [_sentinel(kind, i) for i, kind in enumerate(self._kinds)]
        queryset = self._build(*sentinels)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        slots = []
        for sentinel in sentinels:
            if isinstance(sentinel, uuid.UUID):
                found = [
                    (i, form)
                    for form in _UUID_FORMS
                    for i, param in enumerate(params)
                    if type(param) is type(form(sentinel)) and param == form(sentinel)
                ]
            else:  # an int, or the driver's own type for it (psycopg's Int2, Int4, Int8)
                found = [
                    (i, type(param))
                    for i, param in enumerate(params)
                    if isinstance(param, int) and not isinstance(param, bool) and param == sentinel
                ]
            if len(found) != 1:
                raise ValueError(f"the query must use each of its values once: {sql}")
            slots.append(found[0])
        fields = [selected[0] for selected in compiler.select[: compiler.col_count]]
        return _Prepared(
            connection,
            compiler,
            sql,
            tuple(params),
            tuple(slots),
            compiler.get_converters(fields),
        )

    def rows(self, *values: Any) -> list[Row]:
        connection = connections[DEFAULT_DB_ALIAS]
        prepared: _Prepared | None = getattr(self._local, "prepared", None)
        if prepared is None or prepared.connection is not connection:
            prepared = self._local.prepared = self._prepare(connection)
        params = list(prepared.params)
        for (index, form), kind, value in zip(prepared.slots, self._kinds, values, strict=True):
            params[index] = form(_as_kind(kind, value))
        with connection.cursor() as cursor:
            cursor.execute(prepared.sql, params)
            found = cursor.fetchall()
        if prepared.converters:
            found = prepared.compiler.apply_converters(found, prepared.converters)
        return [tuple(row) for row in found]

    def first_row(self, *values: Any) -> Row | None:
        """The first row (build the query with ``[:1]``), or None."""
        found = self.rows(*values)
        return found[0] if found else None
