"""The pathways part of the French demo (see ``blason.core.demo``): the Mission Locale de
Lille's pathway "Vers les métiers de l'accueil" (three badges, all three needed, a completion
badge, aligned to ROME M1601 and M1607), which Samir follows: he holds two of the three badges
("2 / 3"), the third is greyed with its "how to get it" link, and his backpack shows the
fictitious offers around Lille (``blason.jobs.demo``)."""

from __future__ import annotations

from blason.accounts.models import User
from blason.backpack import claims
from blason.core.demo import Demo, badge_svg
from blason.core.models import Issuer, IssuerKind, Membership, Role
from blason.core.services import issuer_create, membership_add
from blason.issuing.awarding.services import award_issue
from blason.issuing.badges.services import badge_create
from blason.issuing.models import AchievementType, BadgeStatus
from blason.pathways import engine, services

MISSION_LOCALE = "mission-locale-de-lille"  # the same space as the networks demo's
PATHWAY = "Vers les métiers de l'accueil"
SITE = "https://mission-locale-lille.example.org"
ACCUEIL = {"framework": "ROME", "code": "M1601", "name": "Accueil et renseignements"}
SECRETARIAT = {"framework": "ROME", "code": "M1607", "name": "Secrétariat"}

BADGES = (
    (
        "Accueil téléphonique",
        "#1f4fb8",
        "Répondre au téléphone, prendre un message, orienter l'appel.",
        "A tenu le standard d'une structure pendant une demi-journée.",
        ACCUEIL,
        f"{SITE}/ateliers/accueil-telephonique",
    ),
    (
        "Accueil physique et orientation",
        "#17622f",
        "Accueillir une personne, comprendre sa demande et l'orienter.",
        "A accueilli le public lors d'une permanence, accompagné d'un tuteur.",
        ACCUEIL,
        f"{SITE}/immersions",
    ),
    (
        "Bureautique de base",
        "#a33a00",
        "Rédiger un courrier simple, classer des documents, tenir un tableau.",
        "A réalisé les trois exercices de l'atelier bureautique.",
        SECRETARIAT,
        f"{SITE}/ateliers/bureautique",
    ),
)


def _mission_locale(corinne: User, claire: User) -> Issuer:
    """The Mission Locale of the demo: made by the networks demo when it ran first, here
    otherwise; Corinne edits its pathways and Claire awards its badges."""
    mission = Issuer.objects.filter(slug=MISSION_LOCALE).first()
    if mission is None:
        mission = issuer_create(
            name="Mission Locale de Lille (démo)",
            kind=IssuerKind.ORGANISATION,
            owner=corinne,
            slug=MISSION_LOCALE,
            description="Accompagne les jeunes de 16 à 25 ans vers l'emploi et la formation.",
            url=SITE,
            email="contact@mission-locale-lille.example.org",
        )
    members = set(Membership.objects.filter(issuer=mission).values_list("user_id", flat=True))
    owner = next(m.user for m in Membership.objects.filter(issuer=mission, role=Role.OWNER))
    for person, role in ((corinne, Role.EDITOR), (claire, Role.AWARDER)):
        if person.pk not in members:
            membership_add(issuer=mission, user=person, role=role, actor=owner)
    return mission


def load(demo: Demo) -> None:
    if not demo.first_time:
        return
    corinne, claire, samir = demo.people["corinne"], demo.people["claire"], demo.people["samir"]
    mission = _mission_locale(corinne, claire)
    made = [
        badge_create(
            issuer=mission,
            actor=corinne,
            name=name,
            description=description,
            criteria=criteria,
            image_svg=badge_svg(name, colour),
            status=BadgeStatus.PUBLISHED,
            alignments=[alignment],
        )
        for name, colour, description, criteria, alignment, _link in BADGES
    ]
    completion = badge_create(
        issuer=mission,
        actor=corinne,
        name="Prêt·e pour les métiers de l'accueil",
        description="A suivi le parcours de la Mission Locale vers les métiers de l'accueil.",
        criteria="Les trois badges du parcours « Vers les métiers de l'accueil ».",
        image_svg=badge_svg("Parcours accueil", "#6b2fa3"),
        achievement_type=AchievementType.LEARNING_PROGRAM,
        status=BadgeStatus.PUBLISHED,
        alignments=[ACCUEIL],
    )
    pathway = services.pathway_create(
        issuer=mission,
        actor=corinne,
        name=PATHWAY,
        description=(
            "Trois badges pour découvrir l'accueil du public : avec les trois, le badge du "
            "parcours, pour se présenter aux offres d'agent d'accueil près de chez soi."
        ),
        completion_badge=completion,
        occupations=["M1601", "M1607"],
        required=None,  # all three
    )
    root = pathway.steps.get()
    for badge, (*_rest, link) in zip(made, BADGES, strict=True):
        services.requirement_add_badge(step=root, actor=corinne, badge=badge, how_to_url=link)
    services.pathway_publish(pathway=pathway, actor=corinne)
    # Samir holds the first two badges (2 of the 3 needed) and follows the pathway.
    for badge, narrative in (
        (made[0], "A tenu le standard de la Mission Locale un mercredi matin."),
        (made[1], "A accueilli le public de la permanence du jeudi avec sa tutrice."),
    ):
        award_issue(
            badge=badge,
            actor=claire,
            email=samir.email,
            name=samir.display_name,
            narrative=narrative,
            language="fr",
        )
    claims.collect_awards(user=samir)
    services.pathway_follow(pathway=pathway, user=samir)
    engine.progress_recompute(user_id=samir.pk)
