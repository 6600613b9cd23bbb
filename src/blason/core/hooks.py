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


# Run when an issuer's profile changed, inside the transaction that changed it, with the keyword
# arguments ``issuer``, ``actor`` and ``fields`` (the names of the fields that changed).
# ``blason.networks``: the signed lists that name the issuer are signed again.
ISSUER_UPDATED: list[Callable[..., Any]] = []


def issuer_updated(*, issuer: Issuer, actor: Any, fields: list[str]) -> None:
    """Tell the apps that ``fields`` of the issuer changed (``services.issuer_update``)."""
    for hook in ISSUER_UPDATED:
        hook(issuer=issuer, actor=actor, fields=fields)


# Run after awards of this site were issued or revoked, inside the transaction that did it,
# with the keyword arguments ``badge`` (the BadgeClass) and ``awards`` (the awards concerned,
# a list). ``blason.pathways``: recompute the progress of their holders once it commits.
AWARDS_CHANGED: list[Callable[..., Any]] = []

# Run when the badges a person provably holds may have changed (a claim, an import, a badge
# collected, removed or marked as theirs or not), inside the transaction that did it, with the
# keyword argument ``user_id``. ``blason.pathways``: recompute that person's progress.
HOLDINGS_CHANGED: list[Callable[..., Any]] = []


def awards_changed(*, badge: Any, awards: list[Any]) -> None:
    """Tell the apps that these awards of ``badge`` were issued or revoked."""
    if awards:
        for hook in AWARDS_CHANGED:
            hook(badge=badge, awards=awards)


def holdings_changed(*, user_id: int) -> None:
    """Tell the apps that the badges of the account ``user_id`` may have changed."""
    for hook in HOLDINGS_CHANGED:
        hook(user_id=user_id)


# A form field picking a French commune, département or région by its name, without typing a
# code (``blason.jobs``: its places picker, which works without JavaScript). Called with the
# field's keyword arguments; it cleans to an object with ``kind`` ("commune", "departement",
# "region"), ``code``, ``departement`` and ``region`` (INSEE codes), or None. The issuer's
# profile form uses it for the issuer's address.
PLACE_FIELD: list[Callable[..., Any]] = []


def place_field(**options: Any) -> Any:
    """The registered place field, or None when no app gives one."""
    return PLACE_FIELD[0](**options) if PLACE_FIELD else None


# The name of a French place by its kind ("commune", "departement", "region") and INSEE code
# (``blason.jobs``: its bundled Code officiel géographique), for the issuer's OB 3.0
# ``address``; None for a code it does not know.
PLACE_NAMES: list[Callable[[str, str], str | None]] = []


def place_name(kind: str, code: str) -> str | None:
    """The registered name of a place, or None (no app gives names, or the code is unknown)."""
    for name_of in PLACE_NAMES:
        name = name_of(kind, code)
        if name:
            return name
    return None
