"""Extension points of jobs that the apps above it fill in from their ``AppConfig.ready()``.

``PERSON_OCCUPATIONS``: functions ``(user, *, issuer=None) -> [(ROME code, what names it)]``
giving the occupations a person is headed for besides their badges' (pathways: the pathways
they follow or completed). With ``issuer``, only what that space may see of the person.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PERSON_OCCUPATIONS: list[Callable[..., list[tuple[str, str]]]] = []


def person_occupations(user: Any, *, issuer: Any = None) -> list[tuple[str, str]]:
    """(ROME code, name of what names it) from every registered app, in their order."""
    return [found for give in PERSON_OCCUPATIONS for found in give(user, issuer=issuer)]
