"""The lists of this site's networks, for its verifiers (``verification.trust.LOCAL_LISTS``):
read from the database as stored, never through a view."""

from __future__ import annotations

from blason.issuing.signing import issuer_documents as documents
from blason.networks import lists, selectors
from blason.verification.trust import LocalList


def local_lists() -> list[LocalList]:
    return [
        LocalList(
            name=item.network.issuer.name,
            url=lists.list_url(item.network),
            issuer=documents.issuer_url(item.network.issuer),
            key=f"{item.network_id}:{item.revision}",
            document=item.credential,
        )
        for item in selectors.current_lists()
    ]
