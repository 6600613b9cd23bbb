"""The network of the French demo (see ``blason.core.demo``): "Badgeons les Hauts-de-France
(démo)", coordinated by Corinne, with the demo association and the Mission Locale de Lille as
members (the Mission Locale is made here when the demo has none), one shared badge awarded by
both, and a badge of the association the network endorsed. Safe to run again: what exists is
kept."""

from __future__ import annotations

from blason.core.demo import ASSOCIATION, Demo, badge_svg
from blason.core.models import Issuer, IssuerKind
from blason.core.services import issuer_create
from blason.issuing.awarding.services import award_issue
from blason.issuing.badges.services import badge_create
from blason.issuing.models import BadgeClass, BadgeStatus
from blason.networks import endorsements, services, sharing
from blason.networks.models import Network

NETWORK = "badgeons-les-hauts-de-france-demo"
MISSION_LOCALE = "mission-locale-de-lille"
SHARED = "Savoir-être en entreprise"
ENDORSED = "Accueil du public"


def _mission_locale(demo: Demo) -> Issuer:
    found = Issuer.objects.filter(slug=MISSION_LOCALE).first()
    if found is not None:
        return found
    mission = issuer_create(
        name="Mission Locale de Lille (démo)",
        kind=IssuerKind.ORGANISATION,
        owner=demo.people["claire"],
        slug=MISSION_LOCALE,
        description="Accompagne les jeunes de 16 à 25 ans vers l'emploi et la formation.",
        url="https://mission-locale.example.org",
    )
    Issuer.objects.filter(pk=mission.pk).update(
        commune_code="59350", departement_code="59", region_code="32"
    )
    return mission


def load(demo: Demo) -> None:
    if Network.objects.filter(issuer__slug=NETWORK).exists():
        return
    corinne, claire = demo.people["corinne"], demo.people["claire"]
    association = demo.spaces[ASSOCIATION]
    mission = _mission_locale(demo)
    network = services.network_create(
        name="Badgeons les Hauts-de-France (démo)",
        owner=corinne,
        description="Réseau d'acteurs qui reconnaissent ensemble les compétences des habitants.",
        url="https://badgeons-hdf.example.org",
        charter_url="https://badgeons-hdf.example.org/charte",
        region_code="32",
        departements=["02", "59", "60", "62", "80"],
        slug=NETWORK,
    )
    owners = {association.pk: corinne, mission.pk: claire}
    for issuer in (association, mission):
        member = services.member_invite(
            network=network,
            issuer=issuer,
            actor=corinne,
            message="Bienvenue dans le réseau !",
            notify=False,
        )
        services.invitation_accept(member=member, actor=owners[issuer.pk])

    design = badge_create(
        issuer=network.issuer,
        actor=corinne,
        name=SHARED,
        description="Ponctualité, respect des consignes et travail en équipe en entreprise.",
        criteria="Observé pendant une immersion ou un stage, attesté par le tuteur.",
        criteria_items=["Arrive à l'heure", "Respecte les consignes", "Travaille en équipe"],
        image_svg=badge_svg(SHARED, "#5b2a86"),
        status=BadgeStatus.PUBLISHED,
        alignments=[
            {
                "name": "Savoir-être professionnels",
                "url": "https://www.francetravail.fr/candidat/vos-recherches/preparer-votre-candidature/les-savoir-etre-professionnels.html",
                "framework": "France Travail",
            }
        ],
    )
    shared = sharing.badge_share(network=network, badge=design, actor=corinne)
    samir = demo.people["samir"]
    for issuer, awarder, recipient in (
        (association, corinne, ("Samir Benali", samir.email)),
        (mission, claire, ("Léa Moreau", "")),
    ):
        copy = sharing.badge_take_up(shared=shared, issuer=issuer, actor=awarder)
        award_issue(
            badge=copy.badge,
            actor=awarder,
            name=recipient[0],
            email=recipient[1],
            notify=False,
        )

    endorsed = BadgeClass.objects.filter(
        issuer=association, name=ENDORSED, status=BadgeStatus.PUBLISHED
    ).first()
    if endorsed is not None:
        asked = endorsements.endorsement_request(
            endorser=network.issuer,
            subject=endorsed,
            actor=corinne,
            comment="Ce badge suit le référentiel commun de l'accueil du réseau.",
            notify=False,
        )
        endorsements.endorsement_accept(
            endorsement=asked,
            actor=corinne,
            comment="Reconnu par le réseau : critères conformes au référentiel de l'accueil.",
            notify=False,
        )
        award_issue(
            badge=endorsed, actor=corinne, name="Samir Benali", email=samir.email, notify=False
        )
