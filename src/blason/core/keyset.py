"""Pages of long lists read by position ("keyset"), not by ``OFFSET``, and counts that stop.

A list of a million rows read with ``OFFSET 500000`` makes the database walk half a million
rows for each deep page. Here a page starts after (or before) the last row shown: the address
carries that row's sort key (``?after=<microseconds>.<id>``), and the query asks for rows
strictly beyond it, in a stable order with the row's ``id`` as tie-breaker, so rows sharing a
timestamp are never shown twice nor skipped. An index on ``(…, timestamp DESC, id DESC)`` makes
every page, the first as the last, cost the same.

A cursor that cannot be read (edited by hand, truncated) gives the first page, never an error.

``bounded_count`` counts at most ``threshold + 1`` rows; past the threshold the page says
"more than 10,000", or, on PostgreSQL, "about 1,000,000" from the planner's estimate
(``estimated_count``), read before any row.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import connections
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest

COUNT_THRESHOLD = 10_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Beyond this, a cursor is not one this site wrote (year ~2286 in microseconds).
_MAX_MICROSECONDS = 10**16
_CURSOR = re.compile(r"[0-9]{1,17}\.[0-9]{1,19}")  # ASCII digits only (int() reads others)


@dataclass(frozen=True)
class Cursor:
    moment: datetime
    pk: int

    def encode(self) -> str:
        delta = self.moment - _EPOCH
        micro = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        return f"{micro}.{self.pk}"

    @classmethod
    def decode(cls, text: str | None) -> Cursor | None:
        """The cursor written by ``encode``, or ``None`` for anything else."""
        if not text or len(text) > 40 or not _CURSOR.fullmatch(text):
            return None
        micro_text, _dot, pk_text = text.partition(".")
        micro, pk = int(micro_text), int(pk_text)
        if not (0 <= micro < _MAX_MICROSECONDS and 0 < pk < 2**63):
            return None
        moment = datetime.fromtimestamp(micro // 1_000_000, tz=UTC).replace(
            microsecond=micro % 1_000_000
        )
        return cls(moment, pk)


@dataclass
class KeysetPage:
    """One page: its rows and the cursors of the pages around it (``None`` when none)."""

    object_list: list[Any]
    next_cursor: str | None = None
    previous_cursor: str | None = None
    first: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def __iter__(self) -> Any:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def keyset_page(
    queryset: QuerySet[Any],
    *,
    after: str | None,
    before: str | None,
    size: int,
    moment_field: str,
) -> KeysetPage:
    """The page of ``queryset`` newest first (``moment_field`` then ``id``, both descending)
    after the cursor ``after`` (older rows) or before ``before`` (newer rows). Two queries at
    most: one for the rows (one extra row tells whether a next page exists) and, for a page
    read backwards that turns out to be the first, none more."""
    newest_first = queryset.order_by(f"-{moment_field}", "-id")
    after_cursor = Cursor.decode(after)
    before_cursor = None if after_cursor else Cursor.decode(before)
    if before_cursor is not None:
        newer = _beyond(moment_field, before_cursor, "gt")
        rows = list(queryset.filter(newer).order_by(moment_field, "id")[: size + 1])
        more_before = len(rows) > size
        rows = rows[:size][::-1]
        if not rows:  # nothing newer: the first page
            return keyset_page(
                queryset, after=None, before=None, size=size, moment_field=moment_field
            )
        return KeysetPage(
            rows,
            next_cursor=_cursor_of(rows[-1], moment_field),
            previous_cursor=_cursor_of(rows[0], moment_field) if more_before else None,
            first=not more_before,
        )
    if after_cursor is not None:
        older = _beyond(moment_field, after_cursor, "lt")
        newest_first = newest_first.filter(older)
    rows = list(newest_first[: size + 1])
    more_after = len(rows) > size
    rows = rows[:size]
    return KeysetPage(
        rows,
        next_cursor=_cursor_of(rows[-1], moment_field) if more_after and rows else None,
        previous_cursor=_cursor_of(rows[0], moment_field) if after_cursor and rows else None,
        first=after_cursor is None,
    )


def page_from_request(
    request: HttpRequest, queryset: QuerySet[Any], *, size: int, moment_field: str
) -> KeysetPage:
    """``keyset_page`` with the cursors of the request's ``after`` and ``before``."""
    return keyset_page(
        queryset,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=size,
        moment_field=moment_field,
    )


def _beyond(moment_field: str, cursor: Cursor, direction: str) -> Q:
    """Rows strictly past ``cursor`` (``direction`` "lt": older, "gt": newer). The first
    condition is redundant but a plain range on the timestamp, which the database reads as
    where to start in its index; without it, ``a < x OR (a = x AND id < y)`` is a filter
    tested on every row from the top of the list."""
    moment = cursor.moment
    return Q(**{f"{moment_field}__{direction}e": moment}) & (
        Q(**{f"{moment_field}__{direction}": moment})
        | Q(**{moment_field: moment, f"id__{direction}": cursor.pk})
    )


def _cursor_of(row: Model, moment_field: str) -> str:
    return Cursor(getattr(row, moment_field), row.pk).encode()


@dataclass(frozen=True)
class Count:
    """How many rows match: exactly (``value``), or "more than ``value``" (``more``), or only
    the planner's estimate (``about``, when it is past the threshold: counting would read
    every matching row)."""

    value: int
    more: bool = False
    about: int | None = None


def bounded_count(queryset: QuerySet[Any], *, threshold: int | None = None) -> Count:
    """How many rows ``queryset`` has, never reading more than ``threshold + 1`` of them
    (default ``COUNT_THRESHOLD``). On PostgreSQL the planner's estimate comes first (no row
    read): past the threshold it is the answer, rounded; otherwise the rows are counted up to
    the threshold. Two queries at most."""
    threshold = COUNT_THRESHOLD if threshold is None else threshold
    about = estimated_count(queryset)
    if about is not None and about > threshold:
        return Count(0, about=_rounded(about))
    counted = queryset.order_by().values("pk")[: threshold + 1].count()
    if counted <= threshold:
        return Count(counted)
    return Count(threshold, more=True)


def _rounded(number: int) -> int:
    """Two significant digits: an estimate is not exact (1,234,567 → 1,200,000)."""
    digits = len(str(number))
    return round(number, -(digits - 2)) if digits > 2 else number


def estimated_count(queryset: QuerySet[Any]) -> int | None:
    """PostgreSQL's planner estimate of the rows of ``queryset`` (no row is read), or ``None``
    on a database that has none (SQLite)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    try:
        return int(plan[0]["Plan"]["Plan Rows"])
    except (KeyError, IndexError, TypeError, ValueError):
        return None
