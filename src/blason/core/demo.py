"""French demo data: an association, a community, a personal issuer, badges and an earner.

Loading is idempotent: running it again changes nothing once the demo people exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from html import escape

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from blason.accounts.models import User
from blason.core.models import Issuer, IssuerKind, Role
from blason.core.services import issuer_create, membership_add
from blason.issuing.awards import award_issue, award_revoke
from blason.issuing.models import BadgeStatus, Validity
from blason.issuing.services import badge_create, badge_update

FIRST_AID = "Gestes de premiers secours"  # renewed every year: the demo has an expired one
DEMO_PASSWORD = "badges-demo-2026"  # noqa: S105 - printed for the demo on purpose


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    role: str


PEOPLE = (
    DemoPerson("corinne@demo.blason.test", "Corinne Martin", "animatrice, propriétaire"),
    DemoPerson("claire@demo.blason.test", "Claire Dubois", "chargée de projet, attributrice"),
    DemoPerson("samir@demo.blason.test", "Samir Benali", "bénéficiaire (porteur de badges)"),
)


def badge_svg(label: str, colour: str) -> str:
    """A simple shield; the badge designer will replace this with real artwork later."""
    text = escape(label[:3].upper())
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200" width="200" height="200">'
        f'<path d="M100 8 24 36v56c0 48 32 84 76 100 44-16 76-52 76-100V36z" fill="{colour}"/>'
        '<path d="M100 26 42 48v44c0 38 24 66 58 80 34-14 58-42 58-80V48z" fill="#ffffff"/>'
        f'<text x="100" y="118" font-family="sans-serif" font-size="44" font-weight="700" '
        f'text-anchor="middle" fill="{colour}">{text}</text></svg>'
    )


def _person(person: DemoPerson) -> User:
    user = User.objects.filter(email=person.email).first()
    if user is None:
        user = User.objects.create_user(
            person.email, DEMO_PASSWORD, display_name=person.name, language="fr"
        )
        EmailAddress.objects.create(user=user, email=person.email, verified=True, primary=True)
    return user


@transaction.atomic
def load_demo() -> list[DemoPerson]:
    from blason.peers.demo import load_workshop_demo  # the community's workshop in progress

    if Issuer.objects.filter(slug="les-ateliers-du-lien").exists():
        load_workshop_demo(DEMO_PASSWORD)
        return list(PEOPLE)
    corinne, claire, samir = (_person(person) for person in PEOPLE)
    association = issuer_create(
        name="Les Ateliers du Lien",
        kind=IssuerKind.ORGANISATION,
        owner=corinne,
        slug="les-ateliers-du-lien",
        description="Association d'insertion : ateliers collectifs, accompagnement et entraide.",
        url="https://ateliers-du-lien.example.org",
        email="contact@ateliers-du-lien.example.org",
    )
    membership_add(issuer=association, user=claire, role=Role.AWARDER, actor=corinne)
    community = issuer_create(
        name="Collectif du mardi",
        kind=IssuerKind.COMMUNITY,
        owner=corinne,
        slug="collectif-du-mardi",
        description="Chaque mardi, le groupe construit ensemble les badges qu'il reconnaît.",
    )
    membership_add(issuer=community, user=samir, role=Role.VIEWER, actor=corinne)
    personal = issuer_create(
        name="Claire Dubois",
        kind=IssuerKind.INDIVIDUAL,
        owner=claire,
        slug="claire-dubois",
        description="Je reconnais les coups de main de mes pairs.",
    )
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
    _samir_shows_his_badges(samir)
    load_workshop_demo(DEMO_PASSWORD)
    return list(PEOPLE)


def _samir_shows_his_badges(samir: User) -> None:
    """Samir's badges are in his backpack, and his public page shows the two still valid."""
    from blason.backpack import claims, profiles

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
