"""The lists of this site's networks, for its verifiers (``verification.hooks.LOCAL_LISTS``):
read from the database as stored, never through a view."""

from __future__ import annotations

from blason.issuing.signing import selectors as signing
from blason.networks import lists, selectors
from blason.verification.hooks import LocalList


def local_lists() -> list[LocalList]:
    return [
        LocalList(
            name=item.network.issuer.name,
            url=lists.list_url(item.network),
            issuer=signing.issuer_url(item.network.issuer),
            key=f"{item.network_id}:{item.revision}",
            document=item.credential,
        )
        for item in selectors.current_lists()
    ]
