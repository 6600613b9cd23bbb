"""Demo data of peer recognition: the "Collectif du mardi" of the French demo has a join link
and a workshop in progress on its draft badge "Prise de parole en groupe", with groups of
criteria, votes and comments. Idempotent, and added to an existing demo as well."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db import transaction

from blason.accounts.models import User
from blason.core.models import Issuer, Membership, Role
from blason.core.services import membership_add
from blason.issuing.models import BadgeClass, BadgeStatus
from blason.peers import services
from blason.peers.models import JoinLink, Workshop

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


def _member(email: str, name: str, password: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, password, display_name=name, language="fr")
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@transaction.atomic
def load_workshop_demo(password: str) -> Workshop | None:
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
        user = _member(email, name, password)
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
