"""Small reads run on every request, as SQL made once per process instead of by the ORM.

The ORM compiles a queryset's SQL on each evaluation: for a join with a filter, or a subquery,
that costs several times what the database then spends answering it. ``core.compiled`` keeps
the ORM's own SQL for a query by one UUID that gives one row; the verify page's reads have
other shapes (every row of an issuer's keys, a status list's revision by issuer *and* number,
the networks' newest lists without any value), so ``Statement`` holds SQL written against the
models' own table and column names (``table``, ``column``) and runs it with each call's values.
Values come back as the database driver gives them (no ORM converters): fit for stamps compared
with one another and for the columns converted by the caller (``as_uuid``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from django.db import connection, models

Row = tuple[Any, ...]


def table(model: type[models.Model]) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


def column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    return str(connection.ops.quote_name(str(getattr(field, "column", name))))


def uuid_param(model: type[models.Model], name: str, value: Any) -> Any:
    """``value`` as the database stores the model's UUID field ``name``."""
    return model._meta.get_field(name).get_db_prep_value(value, connection)  # type: ignore[union-attr]


def as_uuid(value: Any) -> UUID:
    """A UUID column's value as read (a ``UUID`` from PostgreSQL, hex text from SQLite)."""
    return value if isinstance(value, UUID) else UUID(str(value))


class Statement:
    """SQL made by ``make()`` (with the table and column names) once per database vendor."""

    def __init__(self, make: Callable[[], str]) -> None:
        self._make = make
        self._sql: dict[str, str] = {}

    def rows(self, params: Sequence[Any] = ()) -> list[Row]:
        sql = self._sql.get(connection.vendor)
        if sql is None:
            sql = self._sql[connection.vendor] = self._make()
        with connection.cursor() as cursor:
            cursor.execute(sql, list(params))
            return [tuple(row) for row in cursor.fetchall()]
