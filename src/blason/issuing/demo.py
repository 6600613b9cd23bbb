"""The badges and awards of the French demo (see ``blason.core.demo``): a badge in two
languages linked to its ROME job sheet, awards by e-mail, to a phone number and to a name only,
a revoked award and an expired one."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from blason.core.demo import ASSOCIATION, COMMUNITY, PERSONAL, Demo, badge_svg
from blason.issuing.awarding.services import award_issue, award_revoke
from blason.issuing.badges.services import badge_create, badge_update
from blason.issuing.models import BadgeStatus, Validity

FIRST_AID = "Gestes de premiers secours"  # renewed every year: the demo has an expired one


def load(demo: Demo) -> None:
    if not demo.first_time:
        return
    corinne, claire, samir = demo.people["corinne"], demo.people["claire"], demo.people["samir"]
    association = demo.spaces[ASSOCIATION]
    community = demo.spaces[COMMUNITY]
    personal = demo.spaces[PERSONAL]
    badges = [
        (
            association,
            "Accueil du public",
            "#1f4fb8",
            BadgeStatus.PUBLISHED,
            "Accueillir une personne, l'écouter et l'orienter vers le bon interlocuteur.",
            "A accueilli au moins trois personnes lors d'une permanence, en autonomie.",
        ),
        (
            association,
            "Atelier CV",
            "#a33a00",
            BadgeStatus.PUBLISHED,
            "A participé à l'atelier CV et a rédigé son propre CV.",
            "Présence à l'atelier ; CV rédigé et relu avec un conseiller.",
        ),
        (
            community,
            "Prise de parole en groupe",
            "#17622f",
            BadgeStatus.DRAFT,
            "Ose prendre la parole devant le groupe et défendre une idée.",
            "Critères en cours de co-construction par le collectif du mardi.",
        ),
        (
            association,
            FIRST_AID,
            "#b3261e",
            BadgeStatus.PUBLISHED,
            "Connaît les gestes qui sauvent ; à renouveler chaque année.",
            "A suivi la sensibilisation de deux heures et réalisé les gestes devant le formateur.",
        ),
        (
            personal,
            "Coup de main",
            "#6b2fa3",
            BadgeStatus.PUBLISHED,
            "Merci pour ton aide précieuse !",
            "A aidé spontanément un membre du groupe.",
        ),
    ]
    created = []
    for issuer, name, colour, status, description, criteria in badges:
        owner = claire if issuer is personal else corinne
        created.append(
            badge_create(
                issuer=issuer,
                actor=owner,
                name=name,
                description=description,
                criteria=criteria,
                image_svg=badge_svg(name, colour),
                status=status,
                validity=Validity.DURATION if name == FIRST_AID else Validity.FOREVER,
                validity_days=365 if name == FIRST_AID else None,
            )
        )
    # A badge in French and English, linked to its ROME job sheet (its awards carry the link).
    badge_update(
        badge=created[0],
        actor=corinne,
        criteria_items=["Accueille avec le sourire", "Écoute la demande", "Oriente la personne"],
        translations={
            "en": {
                "name": "Welcoming the public",
                "description": "Welcome a person, listen to them and guide them to the "
                "right contact.",
                "criteria_items": ["Welcomes with a smile", "Listens", "Guides the person"],
                "criteria": "Welcomed at least three people on their own during a session.",
            }
        },
        alignments=[
            {"framework": "ROME", "code": "M1601", "name": "Accueil et renseignements"},
        ],
    )
    # Signed, verifiable awards: Samir holds two badges, one of them from a peer.
    award_issue(
        badge=created[1],
        actor=corinne,
        email=samir.email,
        name=samir.display_name,
        narrative="A rédigé et présenté son CV.",
        language="fr",
    )
    # A young person without e-mail at a job fair (phone number), and one known only by name:
    # both get a claim code. A badge given by mistake and revoked; a first-aid badge expired.
    award_issue(
        badge=created[0],
        actor=claire,
        phone="06 12 34 56 78",
        name="Inès Haddad",
        narrative="Accueil des visiteurs au forum de l'emploi.",
        language="fr",
        notify=False,  # a made-up number that may be someone's: never sent an SMS
    )
    award_issue(badge=created[1], actor=claire, name="Yanis Moreau", language="fr")
    mistaken = award_issue(badge=created[0], actor=claire, name="Yanis Moreau", language="fr")
    award_revoke(award=mistaken, actor=corinne, reason="Attribué par erreur : badge en double.")
    award_issue(
        badge=created[3],
        actor=corinne,
        email=samir.email,
        name=samir.display_name,
        language="fr",
        issued_at=timezone.now() - timedelta(days=400),
    )
    award_issue(
        badge=created[4],
        actor=claire,
        email=samir.email,
        name=samir.display_name,
        narrative="Merci pour l'aide à l'atelier de mardi.",
        language="fr",
    )
