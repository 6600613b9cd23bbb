"""Extension points of core that the apps above it fill in from their ``AppConfig.ready()``.

Core imports no domain app (``.importlinter``); where one of its writes needs the apps' part,
it calls the functions they registered here, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from blason.core.models import Issuer

# Run when an issuer comes to exist, inside the transaction that creates it, with the keyword
# arguments ``issuer`` and ``actor`` (the person creating it, or None for the system).
# ``blason.issuing``: the issuer's signing keys, each with an audit entry.
ISSUER_CREATED: list[Callable[..., Any]] = []


def issuer_created(*, issuer: Issuer, actor: Any) -> None:
    """Give the apps their part of a new issuer (``services.issuer_create`` calls this)."""
    for hook in ISSUER_CREATED:
        hook(issuer=issuer, actor=actor)
