"""The lists of this site's networks, for its verifiers (``verification.hooks.LOCAL_LISTS``):
read from the database as stored, never through a view."""

from __future__ import annotations

from functools import partial

from blason.issuing.signing import selectors as signing
from blason.networks import lists, selectors
from blason.verification.hooks import LocalList


def local_lists() -> list[LocalList]:
    return [
        LocalList(
            name=item["network__issuer__name"],
            url=lists.list_address(item["network__issuer__uuid"]),
            issuer=signing.issuer_address(item["network__issuer__uuid"]),
            key=f"{item['network_id']}:{item['revision']}",
            document=partial(selectors.list_document, item["id"]),
        )
        for item in selectors.current_lists()
    ]
