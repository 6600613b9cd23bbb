"""The backpack part of the French demo (see ``blason.core.demo``): Samir's badges are in his
backpack, and his public page shows the ones still valid."""

from __future__ import annotations

from blason.backpack import claims, profiles
from blason.core.demo import Demo


def load(demo: Demo) -> None:
    if not demo.first_time:
        return
    samir = demo.people["samir"]
    for item in claims.collect_awards(user=samir):
        if item.expires_at is None:
            profiles.item_set_public(item=item, public=True)
    profiles.profile_save(
        user=samir,
        enabled=True,
        name="Samir B.",
        slug="samir-b",
        headline="En recherche d'un apprentissage en accueil et vente",
    )
