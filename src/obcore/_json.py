"""Strict reading of untrusted JSON.

``json.loads`` accepts what other parsers read differently or choke on: duplicate keys (Python
keeps the last one, some parsers the first — a signed value can then mean two things), ``NaN``
and ``Infinity`` (not JSON), and nesting deep enough to exhaust the stack of every later
recursive step (JSON-LD expansion, canonicalisation, schema checks). ``loads`` refuses all
three, and integers too long to convert, with an :class:`~obcore.errors.InputError`.

``check_document`` applies the same limits to a document built in Python, and refuses values
JSON does not have (a set, bytes, a non-string key): JSON-LD processing would drop them
silently, outside what a signature covers.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, Final

from obcore.errors import InputError

__all__ = ["MAX_DEPTH", "check_document", "loads"]

#: Deepest nesting accepted: a CLR holding credentials with endorsements stays far below it.
MAX_DEPTH: Final = 64


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) != len(pairs):
        counts = Counter(key for key, _value in pairs)
        duplicate = next(key for key, count in counts.items() if count > 1)
        raise InputError(f"the JSON has the key {duplicate!r} twice in one object")
    return document


def _constant(name: str) -> Any:
    raise InputError(f"{name} is not a JSON value")


def loads(text: str | bytes) -> Any:
    """Parse ``text`` strictly; :class:`InputError` says why it is refused."""
    try:
        value = json.loads(text, object_pairs_hook=_object, parse_constant=_constant)
    except RecursionError:
        raise InputError("the JSON is nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc.msg}, line {exc.lineno})") from None
    except UnicodeDecodeError:
        raise InputError("the JSON is not UTF-8 text") from None
    except ValueError as exc:  # InputError from the hooks, or an integer beyond 4,300 digits
        if isinstance(exc, InputError):
            raise
        raise InputError(f"not valid JSON ({exc})") from None
    check_document(value)
    return value


def check_document(value: Any, limit: int = MAX_DEPTH) -> None:
    """Refuse a document nested more than ``limit`` deep, or holding what JSON cannot."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, Mapping | list):
            if depth >= limit:
                raise InputError(f"the JSON is nested more than {limit} levels deep")
            if isinstance(node, Mapping):
                if not all(isinstance(key, str) for key in node):
                    raise InputError("a JSON object has a key that is not a string")
                children: Iterable[Any] = node.values()
            else:
                children = node
            stack.extend((child, depth + 1) for child in children)
        elif isinstance(node, float) and not math.isfinite(node):
            raise InputError(f"{node} is not a JSON value")
        elif not isinstance(node, str | int | float | bool | None):
            raise InputError(f"a value of type {type(node).__name__} is not JSON")
