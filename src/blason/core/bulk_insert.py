"""Inserting many rows of a model at bulk speed: the rows ``QuerySet.bulk_create`` would write,
without its per-value SQL compilation.

A bulk award stores 100,000 awards; Django's ``bulk_create`` compiles every value of every row
into SQL in Python (``SQLInsertCompiler``: a placeholder, ``pre_save``, ``get_db_prep_save``
and a check for expressions per value), which cost as much as signing the credentials. Here
each column's conversion is chosen once per call — plain strings and integers go as they are,
other fields through their own ``get_db_prep_save``, remembered for values that recur (a
batch's issue date) — and the rows are sent with one prepared statement: PostgreSQL's ``COPY``
through psycopg, or SQLite's ``executemany``. The values written are the ones ``bulk_create``
writes (``tests/blason/core/test_bulk_insert.py`` reads both back, row for row).

The primary keys are asked of the database before the rows are written (PostgreSQL: the
sequence's next values; SQLite: after the table's largest key, within the transaction, which
holds SQLite's write lock from its first write on), so that the objects get their ``pk`` as
with ``bulk_create``. Only for plain models: no expressions in values, no multi-table
inheritance, an auto-incremented integer key.

``present_values`` is the lookup that goes with them: which of many values (a chunk's
idempotency keys, claim codes) a column already holds.
"""

from __future__ import annotations

import contextlib
import operator
from collections.abc import Callable, Collection, Sequence
from typing import Any

from django.db import connection, models, transaction

__all__ = ["insert_fields", "insert_rows", "new_keys", "present_values"]

# Field classes whose Python value is what the database is sent (a str, an int, None).
_PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.SmallIntegerField,
    models.BigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.PositiveBigIntegerField,
)
# Subclasses of the above that convert their values (none of them is plain).
_NOT_PLAIN = (models.JSONField,)


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    if isinstance(field, models.ForeignKey) or (
        isinstance(field, _PLAIN) and not isinstance(field, _NOT_PLAIN)
    ):
        prep = field.get_db_prep_save

        def plain(value: Any) -> Any:
            if value is None or type(value) is str or type(value) is int:
                return value
            value = prep(value, connection)  # a lazy string, an enum member (a str subclass)
            return str(value) if isinstance(value, str) else value

        return plain
    memo: dict[Any, Any] = {}

    def converted(value: Any) -> Any:
        try:
            return memo[value]
        except (KeyError, TypeError):  # TypeError: not hashable (a JSON value)
            result = field.get_db_prep_save(value, connection)
            if len(memo) < 16:
                with contextlib.suppress(TypeError):
                    memo[value] = result
            return result

    return converted


def _getter(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda obj: field.pre_save(obj, add=True)
    attname = field.attname
    return lambda obj: getattr(obj, attname)


def _plain_field(field: models.Field[Any, Any]) -> bool:
    return isinstance(field, models.ForeignKey) or (
        isinstance(field, _PLAIN) and not isinstance(field, _NOT_PLAIN)
    )


_PLAIN_TYPES = {str, int, type(None)}
# A column with at most this many values is converted value by value once, then looked up.
_FEW_VALUES = 64


def _rows(objects: Sequence[models.Model], fields: list[models.Field[Any, Any]]) -> list[Any]:
    """Each object's values of ``fields``, converted for the database, as a tuple per row."""
    return list(zip(*_columns(objects, fields), strict=True))


def _columns(
    objects: Sequence[models.Model], fields: list[models.Field[Any, Any]]
) -> list[Sequence[Any]]:
    """The objects' values of each of ``fields``, converted for the database, as a sequence
    per field. Column by column: a column of a plain field holding only strings, integers and
    None is taken as it is, a column of a few values (a batch's issue date, the kind of
    recipient) has each converted once; only the other columns (such as UUIDs) are converted
    value by value."""
    if len(fields) < 2 or any(
        getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        for field in fields
    ):
        pairs = [(_getter(field), _converter(field)) for field in fields]
        return [[convert(get(obj)) for obj in objects] for get, convert in pairs]
    values = operator.attrgetter(*(field.attname for field in fields))
    columns = list(zip(*map(values, objects), strict=True))
    converted: list[Any] = []
    for field, column in zip(fields, columns, strict=True):
        if _plain_field(field) and set(map(type, column)) <= _PLAIN_TYPES:
            converted.append(column)
            continue
        convert = _converter(field)
        try:
            distinct = set(column)
        except TypeError:  # not hashable (a JSON value)
            distinct = None
        if distinct is not None and len(distinct) <= _FEW_VALUES:
            table = {value: convert(value) for value in distinct}
            converted.append(list(map(table.__getitem__, column)))
        elif _plain_field(field):
            converted.append(list(map(convert, column)))
        else:  # values that do not recur (UUIDs): no memo
            prep = field.get_db_prep_save
            converted.append([prep(value, connection) for value in column])
    return converted


def new_keys(model: type[models.Model], count: int) -> list[int]:
    """``count`` primary keys for new rows of ``model``, unused and never to be given again
    (in a transaction that already writes, on SQLite: nobody else can take them meanwhile)."""
    table = model._meta.db_table
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), pk.column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor != "sqlite":
            raise NotImplementedError(connection.vendor)
        # AUTOINCREMENT: sqlite_sequence holds the largest key ever given (rows deleted
        # since included); an explicit key above it moves it up.
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        given = row[0] if row else 0
        quote = connection.ops.quote_name
        largest_sql = f"SELECT MAX({quote(str(pk.column))}) FROM {quote(table)}"  # noqa: S608 - names from the model
        cursor.execute(largest_sql)
        largest = cursor.fetchone()[0] or 0
        start = max(given, largest) + 1
        return list(range(start, start + count))


def insert_rows(
    model: type[models.Model], objects: Sequence[models.Model], *, ignore_conflicts: bool = False
) -> None:
    """Insert ``objects`` (new, unsaved instances of ``model``) as ``bulk_create`` would, and
    give each its primary key. Must run in a transaction (the keys are taken in it).

    With ``ignore_conflicts``, rows that would break a unique constraint are left out, as
    ``bulk_create(ignore_conflicts=True)`` does (and, as there, no object gets its key)."""
    if not objects:
        return
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    if not isinstance(pk, models.AutoField | models.BigAutoField) or meta.parents:
        raise NotImplementedError("insert_rows takes plain models with an auto-incremented key")
    fields = [field for field in meta.concrete_fields if field is not pk]
    if ignore_conflicts and connection.vendor == "postgresql":
        _insert_arrays(
            meta.db_table, fields, [(True, list(values)) for values in _columns(objects, fields)]
        )
        return
    rows = _rows(objects, fields)
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    if ignore_conflicts:
        columns = ", ".join(quote(str(field.column)) for field in fields)
        marks = ", ".join(["%s"] * len(fields))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT DO NOTHING",  # noqa: S608 - names from the model
                rows,
            )
        return
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("insert_rows runs in a transaction")
    # Keys reserved beforehand (``new_keys``: one reservation for rows inserted part by part)
    # are kept; otherwise they are taken now.
    given = [obj.pk for obj in objects]
    keys = given if None not in given else new_keys(model, len(objects))
    rows = [(key, *row) for key, row in zip(keys, rows, strict=True)]
    columns = ", ".join(quote(str(column)) for column in [pk.column, *(f.column for f in fields)])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg's own cursor: COPY is not in the DB-API
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * (len(fields) + 1))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608 - names from the model
    for obj, key in zip(objects, keys, strict=True):
        obj.pk = key
        obj._state.adding = False
        obj._state.db = connection.alias


def insert_fields(
    model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert rows of ``model`` given as values of the fields ``names`` (attribute names), in
    that order, leaving out those that would break a unique constraint (as
    ``bulk_create(ignore_conflicts=True)``); every other field takes its default, made once
    for the call (a default such as ``timezone.now`` is the same for every row). For many rows
    that differ in a few fields (a bulk award's e-mails): no model object per row."""
    if not rows:
        return
    meta = model._meta
    fields = [field for field in meta.concrete_fields if field is not meta.pk]
    position = {name: n for n, name in enumerate(names)}
    if len(position) != len(names) or not set(names) <= {field.attname for field in fields}:
        raise ValueError(f"give each field of {meta.label} once, by its attribute name")
    given = set(names)
    # Per column: the index of its value in a row, or its default already converted.
    plan: list[tuple[int | None, Any]] = []
    converters: dict[int, Callable[[Any], Any]] = {}
    for field in fields:
        if field.attname in given:
            plan.append((position[field.attname], None))
            converters[position[field.attname]] = _converter(field)
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            raise ValueError(f"{field.name} is set on saving: give its value")
        else:
            plan.append((None, _converter(field)(field.get_default())))
    if connection.vendor == "postgresql":
        _insert_arrays(
            meta.db_table,
            fields,
            [
                (True, [converters[n](row[n]) for row in rows])
                if n is not None
                else (False, default)
                for n, default in plan
            ],
        )
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in fields)
    values = [
        tuple([converters[n](row[n]) if n is not None else default for n, default in plan])
        for row in rows
    ]
    marks = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks}) "  # noqa: S608 - names from the model
            "ON CONFLICT DO NOTHING",
            values,
        )


def _insert_arrays(
    table: str, fields: Sequence[models.Field[Any, Any]], columns: Sequence[tuple[bool, Any]]
) -> None:
    """Insert rows into ``table`` leaving out those that would break a unique constraint, on
    PostgreSQL, in one statement: each of ``columns`` (one per field, converted for the
    database) is ``(True, values)``, one value per row, sent as one array (``unnest``), or
    ``(False, value)``, the same for every row, sent once. Django binds values on the client, so
    ``executemany`` sent each row as a statement of its own for the server to parse and plan
    (0.06 ms of the server's time a row, and 0.03 ms of this process's to write it)."""
    quote = connection.ops.quote_name
    selected: list[str] = []
    once: list[Any] = []
    arrays: list[str] = []
    per_row: list[Any] = []
    for field, (varies, values) in zip(fields, columns, strict=True):
        db_type = field.db_type(connection)
        if varies:
            selected.append(f"u.c{len(arrays)}")
            arrays.append(f"CAST(%s AS {db_type}[])")
            per_row.append(values)
        else:
            selected.append(f"CAST(%s AS {db_type})")
            once.append(values)
    names = ", ".join(quote(str(field.column)) for field in fields)
    aliases = ", ".join(f"c{number}" for number in range(len(arrays)))
    sql = (
        f"INSERT INTO {quote(table)} ({names}) SELECT {', '.join(selected)} "  # noqa: S608 - names from the model
        f"FROM unnest({', '.join(arrays)}) AS u({aliases}) ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*once, *per_row])


def present_values(
    model: type[models.Model], field_name: str, values: Collection[str], **equal: Any
) -> set[str]:
    """Which of ``values`` (non-empty strings) are held by ``field_name`` in rows of ``model``
    whose other fields equal ``equal`` (plain fields, or foreign keys as ``name_id``): what
    ``model.objects.filter(**equal, field__in=values).values_list(field, flat=True)`` gives, in
    one query, without compiling every value of the list into SQL in Python (the ORM's ``__in``
    spent a few milliseconds on each of a bulk award's 500 idempotency keys and claim codes).
    The query says the values are not empty as Django writes a ``~Q(field="")`` condition, so
    that SQLite uses a partial index of the non-empty ones (it matches conditions by form).
    PostgreSQL is given the values as one array (``= ANY``): with 500 placeholders, psycopg
    parsed the query text again on every call (3.3 to 3.8 ms of this process's CPU a lookup,
    1.4 to 1.7 ms as an array)."""
    values = [value for value in values if value]
    if not values:
        return set()
    column = _column(model, field_name)
    among, params = _among(column, values)
    where = [among, f"NOT ({column} = '')"]
    where += [f"{_column(model, name)} = %s" for name in equal]
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"SELECT {column} FROM {table} WHERE {' AND '.join(where)}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *equal.values()])
        return {row[0] for row in cursor.fetchall()}


def _among(column: str, values: list[str]) -> tuple[str, list[Any]]:
    """SQL for ``column`` being one of ``values``, and its parameters: one array on
    PostgreSQL, one placeholder per value elsewhere."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [values]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.column:
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return connection.ops.quote_name(field.column)
