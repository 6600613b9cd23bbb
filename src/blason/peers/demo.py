"""Demo data of peer recognition: the "Collectif du mardi" of the French demo has a join link
and a workshop in progress on its draft badge "Prise de parole en groupe", with groups of
criteria, votes and comments; and two badges awarded by peer validation: "Itérasinier" (any
three members validate; Hervé has it, validated by Nancy, Manu and Séverine, whose endorsements
are signed into it; Samir's request waits, with one approval and one "not yet") and
"Ambassadeur du badge" (validated by the ambassadors, Nancy and Séverine; Manu's request
waits). Idempotent, and added to an existing demo as well."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from blason.accounts.models import User
from blason.core.demo import Demo, badge_svg, demo_user
from blason.core.models import Issuer, Membership, Role
from blason.core.services import membership_add
from blason.issuing.badges import services as badge_services
from blason.issuing.models import BadgeClass, BadgeStatus
from blason.peers import services
from blason.peers import validation as peer_validation
from blason.peers.models import BadgeRequest, JoinLink, Validators, Workshop

COMMUNITY = "collectif-du-mardi"
BADGE = "Prise de parole en groupe"
MEMBERS = (
    ("nancy@demo.blason.test", "Nancy"),
    ("manu@demo.blason.test", "Manu"),
    ("severine@demo.blason.test", "Séverine"),
    ("herve@demo.blason.test", "Hervé"),
)
GROUPS = {
    "Oser parler": [
        ("Prend la parole devant au moins cinq personnes", "nancy"),
        ("Se présente en quelques phrases", "manu"),
    ],
    "Écouter": [
        ("Laisse les autres finir leur phrase", "severine"),
        ("Reformule ce qu'une autre personne a dit", "herve"),
    ],
    "Convaincre": [
        ("Défend une idée avec un exemple", "manu"),
        ("Accepte que d'autres ne soient pas d'accord", "nancy"),
    ],
}


def load(demo: Demo) -> None:
    load_workshop_demo(demo.password)


@transaction.atomic
def load_workshop_demo(password: str) -> Workshop | None:
    workshop = _load_workshop(password)
    load_validation_demo(password)
    return workshop


def _load_workshop(password: str) -> Workshop | None:
    community = Issuer.objects.filter(slug=COMMUNITY).first()
    badge = BadgeClass.objects.filter(
        issuer=community, name=BADGE, status=BadgeStatus.DRAFT
    ).first()
    if community is None or badge is None or Workshop.objects.filter(badge=badge).exists():
        return None
    owner = Membership.objects.filter(issuer=community, role=Role.OWNER).first()
    if owner is None:
        return None
    corinne = owner.user
    people = {}
    for email, name in MEMBERS:
        user = demo_user(email, name, password)
        if not Membership.objects.filter(issuer=community, user=user).exists():
            membership_add(issuer=community, user=user, role=Role.VIEWER, actor=corinne)
        people[email.split("@")[0]] = user
    others = [
        m.user
        for m in Membership.objects.filter(issuer=community, role=Role.VIEWER).select_related(
            "user"
        )
        if m.user not in people.values()
    ]
    if not JoinLink.objects.filter(issuer=community, revoked_at__isnull=True).exists():
        services.join_link_create(issuer=community, actor=corinne)
    workshop = services.workshop_open(
        issuer=community,
        actor=corinne,
        badge=badge,
        title="Atelier du mardi : prendre la parole",
        quorum=5,
        start_from_badge=False,
    )
    criteria = []
    for group_name, items in GROUPS.items():
        group = services.group_add(workshop=workshop, actor=corinne, name=group_name)
        for text, author in items:
            criteria.append(
                services.criterion_propose(
                    workshop=workshop, actor=people[author], text=text, group=group
                )
            )
    spoken = services.criterion_propose(
        workshop=workshop, actor=corinne, text="Parle fort et distinctement", spoken_by="Philippe"
    )
    voters = [*people.values(), *others]
    pattern = ["keep", "keep", "rephrase", "keep", "drop"]
    for index, criterion in enumerate(criteria):
        for offset, voter in enumerate(voters[: 2 + index % 3]):
            choice = pattern[(index + offset) % len(pattern)]
            services.vote_cast(criterion=criterion, actor=voter, choice=choice)
    services.comment_add(
        criterion=criteria[0],
        actor=people["severine"],
        text="Cinq personnes, c'est déjà beaucoup quand on est timide !",
    )
    services.comment_add(
        criterion=spoken,
        actor=people["herve"],
        text="Ou bien : « se fait entendre de toute la salle » ?",
    )
    for name in ("nancy", "manu"):
        services.participant_show_name(workshop=workshop, actor=people[name], show=True)
    return workshop


# Badge requests and peer validation -------------------------------------------------------------

ITERASINIER = "Itérasinier"
AMBASSADOR = "Ambassadeur du badge"


def _observe(request: BadgeRequest, validator: User, days_ago: int, **answer: str) -> None:
    peer_validation.validation_record(
        request=request,
        validator=validator,
        decision=answer.pop("decision", "approve"),
        observed_on=timezone.localdate() - timedelta(days=days_ago),
        **answer,
    )


@transaction.atomic
def load_validation_demo(password: str) -> BadgeClass | None:
    """The community's badges awarded by peer validation (see the module's docstring)."""
    from blason.issuing.awarding.services import award_issue

    community = Issuer.objects.filter(slug=COMMUNITY).first()
    if community is None or BadgeClass.objects.filter(issuer=community, name=ITERASINIER).exists():
        return None
    owner = Membership.objects.filter(issuer=community, role=Role.OWNER).first()
    samir = User.objects.filter(email="samir@demo.blason.test").first()
    if owner is None or samir is None:
        return None
    corinne = owner.user
    people = {}
    for email, name in MEMBERS:
        user = demo_user(email, name, password)
        if not Membership.objects.filter(issuer=community, user=user).exists():
            membership_add(issuer=community, user=user, role=Role.VIEWER, actor=corinne)
        people[email.split("@")[0]] = user
    nancy, manu, severine, herve = (people[n] for n in ("nancy", "manu", "severine", "herve"))
    ambassador = badge_services.badge_create(
        issuer=community,
        actor=corinne,
        name=AMBASSADOR,
        description="Fait connaître les badges du collectif et accueille les nouveaux.",
        criteria="",
        criteria_items=[
            "Explique ce qu'est un badge à une personne qui ne connaît pas",
            "Accueille un nouveau membre au groupe du mardi",
            "Présente le collectif lors d'un forum ou d'une rencontre",
        ],
        image_svg=badge_svg("Ambassadeur", "#6b2fa3"),
        language="fr",
    )
    iterasinier = badge_services.badge_create(
        issuer=community,
        actor=corinne,
        name=ITERASINIER,
        description="Prend soin des ânes et les guide lors des balades.",
        criteria="",
        criteria_items=[
            "S'approche de l'âne calmement",
            "Brosse l'âne et lui apporte les soins de pansage",
            "Le nourrit correctement et vérifie son confort",
            "Le prépare à la balade et le fait monter dans le van",
            "Guide l'âne devant du public",
        ],
        image_svg=badge_svg("Itérasinier", "#7a4b12"),
        language="fr",
    )
    for badge in (ambassador, iterasinier):
        badge_services.badge_set_status(badge=badge, actor=corinne, status=BadgeStatus.PUBLISHED)
    for person in (nancy, severine):  # the first ambassadors, recognised by hand
        award_issue(
            badge=ambassador,
            actor=corinne,
            email=person.email or "",
            name=person.display_name,
            language="fr",
            notify=False,
        )
    # The ambassadors make new ambassadors: "those who have it can give it".
    peer_validation.rule_set(
        badge=ambassador, actor=corinne, validators=Validators.HOLDERS, approvals_needed=2
    )
    peer_validation.rule_set(
        badge=iterasinier, actor=corinne, validators=Validators.MEMBERS, approvals_needed=3
    )
    place = "Pré de l'association, Pernes"
    herve_asks = peer_validation.request_create(
        badge=iterasinier,
        requester=herve,
        description="Mardi, j'ai brossé Caramel, vérifié ses sabots et je l'ai fait monter "
        "dans le van pour la balade du marché.",
        language="fr",
    )
    _observe(
        herve_asks,
        nancy,
        6,
        place=place,
        observation="Hervé a brossé Caramel avec douceur et curé les quatre sabots.",
    )
    _observe(
        herve_asks,
        manu,
        6,
        place=place,
        observation="Il a fait monter Caramel dans le van sans le brusquer, du premier coup.",
        comment="Bravo, ce n'était pas facile ce jour-là !",
    )
    _observe(
        herve_asks,
        severine,
        5,
        place="Marché de Saint-Pol-sur-Ternoise",
        observation="Il a guidé Caramel au milieu du public et répondu aux enfants.",
    )
    samir_asks = peer_validation.request_create(
        badge=iterasinier,
        requester=samir,
        description="J'ai nourri les ânes trois mardis de suite et préparé Pompon pour la balade.",
        language="fr",
    )
    _observe(
        samir_asks,
        nancy,
        2,
        place=place,
        observation="Samir a préparé la ration de foin et vérifié l'eau sans qu'on lui dise.",
    )
    _observe(
        samir_asks,
        severine,
        1,
        decision="refuse",
        place=place,
        observation="Samir a préparé Pompon, mais n'a pas encore essayé le van.",
        comment="Il manque la montée dans le van : on essaie ensemble mardi prochain ?",
    )
    manu_asks = peer_validation.request_create(
        badge=ambassador,
        requester=manu,
        description="J'ai présenté le collectif au forum des associations et expliqué les "
        "badges à trois personnes.",
        language="fr",
    )
    _observe(
        manu_asks,
        nancy,
        3,
        place="Forum des associations de Pernes",
        observation="Manu a expliqué ce qu'est un badge avec ses mots, les gens ont compris.",
    )
    return iterasinier
