"""Extension points of verification that other apps fill in from their ``AppConfig.ready()``.

``LOCAL_LISTS``: functions returning the lists of recognised issuers of this site's networks
(``blason.networks`` registers one), which ``trust`` reads as stored, never through a view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class LocalList:
    """A list of a network of this site, as stored: ``key`` changes with every revision;
    ``document()`` reads the signed list itself, which verifiers call only for a revision they
    have not checked yet."""

    name: str
    url: str
    issuer: str
    key: str
    document: Callable[[], str]


LOCAL_LISTS: list[Callable[[], list[LocalList]]] = []
