"""The learner-records part of the French demo (see ``blason.core.demo``): Samir prepares a VAE
file for a reception certification; his reception badge (aligned to the ROME job M1601) is in
it, with what he did, and his adviser at the Mission Locale has a link to read it."""

from __future__ import annotations

from blason.core.demo import Demo
from blason.records import selectors, services

# A certification of reception staff; the title as the person would type it.
RNCP_CODE = "RNCP34826"
TITLE = "Agent d'accueil et d'information"


def load(demo: Demo) -> None:
    if not demo.first_time:
        return
    samir = demo.people["samir"]
    dossier = services.dossier_create(
        user=samir,
        rncp_code=RNCP_CODE,
        title=TITLE,
        blocs=[
            {"code": "RNCP34826BC01", "name": "Accueillir et orienter le public"},
            {"code": "RNCP34826BC02", "name": "Informer et renseigner"},
        ],
        occupations=["M1601"],
    )
    entries = [
        services.EntryInput(
            item=entry.item,
            narrative="Accueil des visiteurs au forum de l'emploi : orientation vers les stands, "
            "réponses aux questions, gestion de la file d'attente.",
            bloc="RNCP34826BC01",
        )
        for entry in selectors.dossier_for(samir, dossier.uuid).entries.all()
    ]
    services.dossier_save(dossier=dossier, entries=entries)
    services.link_create(dossier=dossier, label="Conseillère Mission Locale", days=30)
