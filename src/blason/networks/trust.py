"""The lists of this site's networks, for its verifiers (``verification.hooks.LOCAL_LISTS``):
read from the database as stored, never through a view."""

from __future__ import annotations

from functools import lru_cache, partial
from uuid import UUID

from django.conf import settings

from blason.issuing.signing import selectors as signing
from blason.networks import lists, selectors
from blason.verification.hooks import LocalList


@lru_cache(maxsize=1024)
def _addresses(network_uuid: UUID, site_url: str) -> tuple[str, str]:
    """The list's address and its issuer's, which never change for a network (made once per
    process: each verification reads every list; ``site_url`` keys a change of settings)."""
    return lists.list_address(network_uuid), signing.issuer_address(network_uuid)


def local_lists() -> list[LocalList]:
    found = []
    for item in selectors.current_lists():
        url, issuer = _addresses(item["network__issuer__uuid"], settings.SITE_URL)
        found.append(
            LocalList(
                name=item["network__issuer__name"],
                url=url,
                issuer=issuer,
                key=f"{item['network_id']}:{item['revision']}",
                document=partial(selectors.list_document, item["id"]),
            )
        )
    return found
