"""Shared plumbing for the OB 2.0 / 3.0 builders and parsers: dates, and a path-aware reader.

The reader turns "a value of the wrong shape somewhere in a large document" into a
:class:`~obcore.errors.DocumentError` whose ``path`` (``credentialSubject.achievement.name``)
tells the user exactly what to fix. It is lenient where other platforms legitimately differ
(a single value where an array is expected, as JSON-LD compaction produces) and strict where
the specs are (types, timezones).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from obcore.errors import DocumentError

__all__ = ["Node", "format_datetime", "parse_datetime", "require_aware"]


def require_aware(value: datetime, path: str) -> datetime:
    """Refuse naive datetimes: guessing a timezone would shift every date by hours."""
    if not isinstance(value, datetime):
        raise DocumentError("must be a datetime", path=path)
    if value.tzinfo is None or value.utcoffset() is None:
        raise DocumentError("the datetime must carry a timezone (use UTC)", path=path)
    return value


def format_datetime(value: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ``: UTC, whole seconds (VC-JWT ``nbf``/``exp`` are whole seconds,
    and some validators reject fractions)."""
    utc = value.astimezone(UTC)
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}"
        f"T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}Z"
    )


def parse_datetime(text: Any, path: str) -> datetime:
    """An ISO 8601 / RFC 3339 date-time *with* timezone, returned in UTC."""
    if not isinstance(text, str):
        raise DocumentError("must be a date-time string", path=path)
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise DocumentError(f"{text!r} is not an ISO 8601 date-time", path=path) from None
    if value.tzinfo is None:
        raise DocumentError(f"{text!r} has no timezone (expected e.g. 'Z')", path=path)
    return value.astimezone(UTC)


class Node:
    """A JSON object being parsed, with its path in the document."""

    __slots__ = ("data", "path")

    def __init__(self, data: Any, path: str = "") -> None:
        if not isinstance(data, Mapping):
            raise DocumentError("must be a JSON object", path=path or "$")
        self.data: Mapping[str, Any] = data
        self.path = path

    def sub(self, key: str, index: int | None = None) -> str:
        base = f"{self.path}.{key}" if self.path else key
        return base if index is None else f"{base}[{index}]"

    def error(self, key: str, message: str) -> DocumentError:
        return DocumentError(message, path=self.sub(key))

    def __contains__(self, key: str) -> bool:
        return self.data.get(key) is not None

    def raw(self, key: str) -> Any:
        return self.data.get(key)

    def text(self, key: str, *, required: bool = False) -> str | None:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.error(key, "is required")
            return None
        if not isinstance(value, str):
            raise self.error(key, f"must be a string, not {type(value).__name__}")
        if required and not value.strip():
            raise self.error(key, "must not be empty")
        return value

    def req(self, key: str) -> str:
        value = self.text(key, required=True)
        return value if value is not None else ""

    def flag(self, key: str) -> bool | None:
        value = self.data.get(key)
        if value is None or isinstance(value, bool):
            return value
        raise self.error(key, "must be true or false")

    def number(self, key: str) -> float | int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(key, "must be a number")
        return value

    def date(self, key: str, *, required: bool = False) -> datetime | None:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.error(key, "is required")
            return None
        return parse_datetime(value, self.sub(key))

    def _items(self, key: str) -> Iterator[tuple[int | None, Any]]:
        value = self.data.get(key)
        if value is None:
            return
        if isinstance(value, list):
            yield from enumerate(value)
        else:  # a single value where the canonical form has an array (JSON-LD compaction)
            yield None, value

    def texts(self, key: str) -> tuple[str, ...]:
        out = []
        for index, item in self._items(key):
            if not isinstance(item, str):
                raise DocumentError("must be a string", path=self.sub(key, index))
            out.append(item)
        return tuple(out)

    def obj(self, key: str) -> Node | None:
        value = self.data.get(key)
        return None if value is None else Node(value, self.sub(key))

    def req_obj(self, key: str) -> Node:
        value = self.data.get(key)
        if value is None:
            raise self.error(key, "is required")
        return Node(value, self.sub(key))

    def objs(self, key: str) -> tuple[Node, ...]:
        return tuple(Node(item, self.sub(key, index)) for index, item in self._items(key))

    def raws(self, key: str) -> tuple[Any, ...]:
        return tuple(item for _index, item in self._items(key))

    def types(self, *required: str, key: str = "type") -> tuple[str, ...]:
        """The ``type`` values; each of ``required`` (alternatives joined by ``|``) must occur."""
        found = self.texts(key)
        for wanted in required:
            if not any(option in found for option in wanted.split("|")):
                expected = " or ".join(repr(option) for option in wanted.split("|"))
                raise self.error(key, f"must contain {expected}")
        return found
