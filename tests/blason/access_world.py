"""The world the access-control tests of every view run in (``test_every_view_access``).

One space (``org-a``) with a member of each role, another space whose owner is the
*outsider*, an earner with a backpack, an operator, and one of each object a view can be
about: a published badge (with a peer rule, a claim link and batches), awards (one with
evidence, one collected by phone, one waiting for its code, one revoked), workshops, a badge
request, a join link, an invitation, an OAuth client with tokens. Everything is made through
the project's services (and ``tests.factories`` for people and spaces), as a user would.

The world is built once per test module, inside a transaction rolled back at the end
(``shared_world``); each test runs in a savepoint of it (pytest-django's ``db``), so what a
test changes is undone before the next one.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from oauth2_provider.models import AccessToken, RefreshToken
from sesame.utils import get_token

from blason.api import registration
from blason.api import services as api_services
from blason.api.scopes import (
    ASSERTION_READ,
    CREDENTIAL_READ,
    PROFILE_READ,
    PROFILE_UPDATE,
    V2P1_PROFILE_READ,
)
from blason.backpack import claims as backpack_claims
from blason.backpack import imports, profiles
from blason.backpack import services as backpack_services
from blason.backpack.models import AwardQuestion
from blason.core import services as core_services
from blason.core.models import IssuerKind, Role
from blason.issuing.awarding import batch_reading, batches
from blason.issuing.awarding import services as awards
from blason.issuing.badges.services import badge_create
from blason.issuing.claims import services as claims
from blason.issuing.models import KeyAlgorithm
from blason.issuing.signing import keys
from blason.peers import services as peers_services
from blason.peers import validation
from tests.api import oauth_client
from tests.blason import other_platforms
from tests.conftest import BADGE_SVG
from tests.factories import IssuerFactory, MembershipFactory, UserFactory

ROLES = (Role.OWNER, Role.EDITOR, Role.AWARDER, Role.REVIEWER, Role.VIEWER)
PDF = b"%PDF-1.4\n% evidence\n"
SPREADSHEET = "name,phone\nAna Silva,\nBruno Costa,\n"


@dataclass
class AccessWorld:
    people: dict[str, Any]  # owner, editor, awarder, reviewer, viewer, outsider, earner, ...
    values: dict[str, str]  # what goes into addresses, by name (see ``URL_VALUES``)
    secrets: dict[str, str] = field(default_factory=dict)  # OAuth client secret, tokens
    objects: dict[str, Any] = field(default_factory=dict)  # what ``prepare`` hooks need


def _people() -> dict[str, Any]:
    people = {
        role: UserFactory(email=f"{role}@example.org", display_name=role.capitalize())
        for role in ROLES
    }
    people["outsider"] = UserFactory(email="outsider@example.org", display_name="Olivier")
    people["earner"] = UserFactory(email="earner@example.org", display_name="Inès Haddad")
    people["staff"] = UserFactory(email="staff@example.org", display_name="Sam", is_staff=True)
    people["invitee"] = UserFactory(email="invitee@example.org", display_name="Ivan")
    return people


def _oauth(world: AccessWorld, earner: Any) -> None:
    """A registered application the earner connected (all scopes), and a token of another
    application that carries none of the reading scopes."""
    metadata = registration.read(oauth_client.registration(), allow_http_loopback=False)
    application, secret = api_services.client_register(metadata=metadata)
    expires = timezone.now() + timedelta(hours=1)
    scope = " ".join(
        [CREDENTIAL_READ, PROFILE_READ, PROFILE_UPDATE, ASSERTION_READ, V2P1_PROFILE_READ]
    )
    access = AccessToken.objects.create(
        user=earner,
        application=application,
        token=secrets.token_urlsafe(30),
        expires=expires,
        scope=scope,
    )
    refresh = RefreshToken.objects.create(
        user=earner,
        application=application,
        token=secrets.token_urlsafe(30),
        access_token=access,
    )
    other, _secret = api_services.client_register(metadata=metadata)
    narrow = AccessToken.objects.create(
        user=earner,
        application=other,
        token=secrets.token_urlsafe(30),
        expires=expires,
        scope=PROFILE_UPDATE,
    )
    world.values["client_id"] = application.client_id
    world.secrets.update(
        client_id=application.client_id,
        client_secret=secret,
        access_token=access.token,
        refresh_token=refresh.token,
        narrow_token=narrow.token,
    )


def build() -> AccessWorld:
    people = _people()
    owner, editor, awarder = people["owner"], people["editor"], people["awarder"]
    viewer, earner = people["viewer"], people["earner"]
    space = IssuerFactory(name="Organisation A", slug="org-a", kind=IssuerKind.COMMUNITY)
    other_space = IssuerFactory(name="Organisation B", slug="org-b")
    for role in ROLES:
        MembershipFactory(issuer=space, user=people[role], role=role)
    MembershipFactory(issuer=other_space, user=people["outsider"], role=Role.OWNER)
    world = AccessWorld(people=people, values={"slug": space.slug})

    # A published badge, its peer rule (reviewers validate), awards and documents.
    badge = badge_create(
        issuer=space,
        actor=owner,
        name="Accueil du public",
        description="Accueillir et orienter.",
        criteria="Observé trois fois.",
        criteria_items=["Accueille", "Oriente"],
        image_svg=BADGE_SVG,
        status="published",
    )
    validation.rule_set(badge=badge, actor=owner, validators="reviewers", approvals_needed=1)
    award = awards.award_issue(
        badge=badge,
        actor=awarder,
        email=earner.email,
        name=earner.display_name,
        evidence=[
            awards.EvidenceInput(name="Compte rendu", file=PDF, file_name="compte-rendu.pdf"),
            awards.EvidenceInput(url="https://example.org/journal", narrative="Vu à l'accueil."),
        ],
    )
    evidence = award.evidence.exclude(file="").get()
    waiting = awards.award_issue(badge=badge, actor=awarder, name="Nadia Benali")
    revoked = awards.award_issue(badge=badge, actor=awarder, name="Rémi Petit")
    awards.award_revoke(award=revoked, actor=awarder, reason="Attribué par erreur")
    by_phone = awards.award_issue(
        badge=badge, actor=awarder, phone="+33612345678", name=earner.display_name
    )
    backpack_claims.claim_award(user=earner, code=by_phone.claim_code or "")
    ed25519 = keys.active_key(space)
    rsa = keys.active_key(space, KeyAlgorithm.RSA)
    world.values.update(
        badge_uuid=str(badge.uuid),
        issuer_uuid=str(space.uuid),
        award_uuid=str(award.uuid),
        evidence_uuid=str(evidence.uuid),
        code=waiting.claim_code or "",
        fragment=ed25519.fragment,
        rsa_fragment=rsa.fragment,
        number="1",
    )

    # Claim link (with approval) and one claim waiting for it.
    link = claims.link_create(
        badge=badge,
        actor=awarder,
        title="Fête de quartier",
        opens_at=None,
        closes_at=None,
        requires_approval=True,
    )
    claim = claims.claim_make(link=link, name="Zoé Martin", email="zoe@example.org").claim
    world.values.update(
        link_uuid=str(link.uuid), claim_token=link.token, claim_uuid=str(claim.uuid)
    )

    # Batches: one checked (not confirmed), one awarded, one cancelled.
    def checked(content: str, name: str) -> Any:
        uploaded = batch_reading.batch_upload(
            badge=badge, actor=awarder, content=content.encode(), source_name=name
        ).batch
        batch_reading.batch_read(str(uploaded.uuid))  # what the reading task does
        uploaded.refresh_from_db()
        return uploaded

    done = checked(SPREADSHEET, "done.csv")
    batches.batch_confirm(batch=done, actor=awarder, language="fr")
    batches.batch_run(str(done.uuid))
    cancelled = checked(SPREADSHEET + "Carla Dias,\n", "cancelled.csv")
    batches.batch_cancel(batch=batches.batch_confirm(batch=cancelled, actor=awarder), actor=awarder)
    open_batch = checked(SPREADSHEET + "Dora Lima,\n", "checked.csv")
    world.objects["batch"] = open_batch
    world.values.update(
        batch_uuid=str(open_batch.uuid),
        done_batch_uuid=str(done.uuid),
        cancelled_batch_uuid=str(cancelled.uuid),
    )

    # The earner's backpack: a badge from another platform (public, in a public collection),
    # the badge collected by phone, a public page.
    baked = other_platforms.baked_png(other_platforms.data_integrity(email=earner.email).payload)
    item = imports.import_badge(user=earner, content=baked, file_name="parole.png")
    profiles.item_set_public(item=item, public=True)
    collection = backpack_services.collection_create(user=earner, name="Mes engagements")
    backpack_services.item_set_collections(item=item, collections=[collection])
    profiles.collection_set_public(collection=collection, public=True)
    profiles.profile_save(user=earner, enabled=True, name=earner.display_name, slug="ines-haddad")
    # A badge sent to her address under another name: "Is this badge yours?"
    awards.award_issue(
        badge=badge, actor=awarder, email=earner.email, name="Inès Martin", notify=False
    )
    backpack_claims.collect_awards(user=earner)
    question = AwardQuestion.objects.get(user=earner)
    world.values.update(
        item_uuid=str(item.uuid),
        collection_uuid=str(collection.uuid),
        question_uuid=str(question.uuid),
        profile_slug="ines-haddad",
        earner_uuid=str(earner.uuid),
    )

    # The earner asks for the badge; reviewers validate.
    asked = validation.request_create(
        badge=badge,
        requester=earner,
        description="J'ai accueilli le public tout l'été.",
        evidence_file=PDF,
        evidence_file_name="planning.pdf",
    )
    world.values["request_uuid"] = str(asked.uuid)

    # Workshops on draft badges: one open (a group; a criterion by the viewer, who voted to
    # keep it), one closed (its criterion kept, ready to validate).
    for name in ("open", "closed"):
        draft = badge_create(
            issuer=space,
            actor=editor,
            name=f"Atelier {name}",
            description="Un badge conçu ensemble.",
            criteria="",
            image_svg=BADGE_SVG,
        )
        workshop = peers_services.workshop_open(
            issuer=space, actor=editor, badge=draft, quorum=1, start_from_badge=False
        )
        criterion = peers_services.criterion_propose(
            workshop=workshop, actor=viewer, text=f"Écoute ({name})"
        )
        peers_services.vote_cast(criterion=criterion, actor=viewer, choice="keep")
        if name == "open":
            group = peers_services.group_add(workshop=workshop, actor=editor, name="Soins")
            world.values.update(
                workshop_uuid=str(workshop.uuid),
                criterion_uuid=str(criterion.uuid),
                group_uuid=str(group.uuid),
            )
        else:
            peers_services.workshop_close(workshop=workshop, actor=editor)
            world.values["closed_workshop_uuid"] = str(workshop.uuid)
    join = peers_services.join_link_create(issuer=space, actor=editor)
    world.values["join_token"] = join.token

    # An invitation to the invitee's address.
    invitation = core_services.invitation_send(
        issuer=space, email=people["invitee"].email, role=Role.VIEWER, actor=owner
    )
    world.values.update(
        invitation_token=str(invitation.token),
        user_uuid=str(viewer.uuid),
        other_issuer_uuid=str(other_space.uuid),
        other_slug=other_space.slug,
    )
    world.secrets["login_token"] = get_token(earner)
    world.secrets["credential"] = award.credential
    _oauth(world, earner)
    _children(world)
    _network(world, space)
    _pathway(world, space, badge)
    _records(world, earner)
    return world


def _network(world: AccessWorld, space: Any) -> None:
    """A network whose coordinators are the people of each role, with the space invited."""
    from blason.networks import services as networks

    network = networks.network_create(name="Réseau A", owner=world.people[Role.OWNER])
    for role in ROLES[1:]:
        MembershipFactory(issuer=network.issuer, user=world.people[role], role=role)
    member = networks.member_invite(network=network, issuer=space, actor=world.people[Role.OWNER])
    world.objects["network_member"] = member
    from blason.networks import sharing

    designs = [
        badge_create(
            issuer=network.issuer,
            actor=world.people[Role.OWNER],
            name=name,
            description="Un badge du réseau.",
            criteria="Observé.",
            image_svg=BADGE_SVG,
            status="published",
        )
        for name in ("Accueil (réseau)", "Entraide (réseau)")
    ]
    shared = sharing.badge_share(network=network, badge=designs[0], actor=world.people[Role.OWNER])
    from blason.networks import endorsements

    asked = endorsements.endorsement_request(
        endorser=space, subject=designs[1], actor=world.people[Role.OWNER], comment="Merci"
    )
    given = endorsements.endorsement_give(
        endorser=space, subject=network.issuer, actor=world.people[Role.OWNER], comment="Oui"
    )
    world.values.update(
        endorsement_uuid=str(asked.uuid),
        given_endorsement_uuid=str(given.uuid),
        shared_uuid=str(shared.uuid),
        shareable_uuid=str(designs[1].uuid),
        network_slug=network.issuer.slug,
        network_uuid=str(network.issuer.uuid),
        member_uuid=str(member.uuid),
    )


def _records(world: AccessWorld, earner: Any) -> None:
    """The earner's VAE file, with a counsellor's link."""
    from blason.records import selectors as records_selectors
    from blason.records import services as records

    dossier = records.dossier_create(user=earner, rncp_code="RNCP34826", title="Accueil")
    link = records.link_create(dossier=dossier, label="Mission Locale", days=30)
    world.values.update(
        dossier_uuid=str(dossier.uuid),
        counsellor_link_uuid=str(link.uuid),
        counsellor_token=records_selectors.link_token(link),
    )


def _children(world: AccessWorld) -> None:
    """A child's account waiting for a parent (its consent link), and one a parent agreed to
    (a link that opens it for the parent)."""
    from blason.guardians import links
    from blason.guardians import services as guardians

    year = timezone.localdate().year - 12
    held = guardians.account_hold(user=UserFactory(email="lea@example.org"), birth_year=year)
    agreed = guardians.account_hold(user=UserFactory(email="tom@example.org"), birth_year=year)
    assert held is not None
    assert agreed is not None
    for guardianship in (held, agreed):
        guardians.consent_request(
            guardianship=guardianship, channel="email", contact="parent@example.org"
        )
    held.refresh_from_db()
    agreed = guardians.consent_give(guardianship=agreed)
    world.values["consent_token"] = links.consent_token(held.uuid, held.consent_version)
    world.values["guardian_access_token"] = links.access_token(
        [links.LinkRef(agreed.uuid, agreed.access_version)]
    )
    world.values["guardianship_uuid"] = str(agreed.uuid)


def _pathway(world: AccessWorld, space: Any, badge: Any) -> None:
    """A published pathway asking for the badge (1 of 1), completed by the earner, whose
    completion badge waits for the issuer's decision after a revocation."""
    from blason.pathways import engine
    from blason.pathways import services as pathway_services
    from blason.pathways.models import Milestone

    owner, earner = world.people["owner"], world.people["earner"]
    done = badge_create(
        issuer=space,
        actor=owner,
        name="Parcours accueil",
        description="A suivi le parcours.",
        criteria="Les badges du parcours.",
        image_svg=BADGE_SVG,
        achievement_type="LearningProgram",
        status="published",
    )
    pathway = pathway_services.pathway_create(
        issuer=space, actor=owner, name="Vers l'accueil", completion_badge=done
    )
    root = pathway.steps.get()
    requirement = pathway_services.requirement_add_badge(step=root, actor=owner, badge=badge)
    pathway_services.pathway_publish(pathway=pathway, actor=owner)
    pathway_services.pathway_follow(pathway=pathway, user=earner)
    engine.progress_recompute(user_id=earner.pk)
    milestone = Milestone.objects.get(step=root, user=earner)
    Milestone.objects.filter(pk=milestone.pk).update(flagged_at=timezone.now())
    world.values.update(
        pathway_uuid=str(pathway.uuid),
        step_uuid=str(root.uuid),
        step_pk=str(root.pk),
        requirement_id=str(requirement.pk),
        milestone_id=str(milestone.pk),
    )


def shared_world(django_db_blocker: Any, root: Any) -> Iterator[AccessWorld]:
    """Build the world in a transaction kept open (its files under ``root``), give it, then
    roll everything back. For a module-scoped fixture: each test's own transaction
    (pytest-django's ``db``) is a savepoint inside this one."""
    files = override_settings(MEDIA_ROOT=root / "media", PRIVATE_ROOT=root / "private")
    files.enable()
    atomic = transaction.atomic()
    with django_db_blocker.unblock():
        atomic.__enter__()
        try:
            world = build()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            files.disable()
            raise
    try:
        yield world
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
        files.disable()
