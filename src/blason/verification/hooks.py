"""Extension points of verification that other apps fill in from their ``AppConfig.ready()``.

``LOCAL_LISTS``: functions returning the lists of recognised issuers of this site's networks
(``blason.networks`` registers one), which ``trust`` reads as stored, never through a view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class LocalList:
    """A list of a network of this site, as stored: ``key`` changes with every revision."""

    name: str
    url: str
    issuer: str
    key: str
    document: str


LOCAL_LISTS: list[Callable[[], list[LocalList]]] = []
