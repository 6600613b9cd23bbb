"""The backpack part of the French demo (see ``blason.core.demo``): Samir's badges are in his
backpack, and his public page shows the ones still valid; Inès signed up with her phone number
and finds the badge awarded to it under her name."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from blason.accounts.selectors import normalise_phone
from blason.accounts.services import phone_verify
from blason.backpack import claims, profiles
from blason.core.demo import INES, Demo


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
    number = normalise_phone(INES.phone)
    ines = get_user_model().objects.create_user(
        phone=number, password=demo.password, display_name=INES.name, language="fr"
    )
    phone_verify(user=ines, phone=number)
    claims.collect_awards(user=ines)
