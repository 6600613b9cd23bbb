"""Importing an export makes its pathways and claim links again (docs/exports-format.md): the
same trees of steps over the new badges, and claim links with new codes that work here; an
inconsistent file is refused in the reader's language with nothing written."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from blason.core.models import AuditEntry
from blason.exports.models import Archive, ArchivedCredential
from blason.issuing.awarding.selectors import badge_url
from blason.issuing.claims import forms as claim_forms
from blason.issuing.claims import services as claims
from blason.issuing.claims.models import ClaimLink
from blason.issuing.models import Award, BadgeClass
from blason.pathways import services as pathways
from blason.pathways.models import Pathway, Requirement, Step
from tests.blason.insights_fixtures import network
from tests.blason.test_claim_pages import claim_data
from tests.blason.test_exports_archive import exported, upload
from tests.factories import IssuerFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def target(world: Any) -> Any:
    """An empty space Alice owns, to import into."""
    space = IssuerFactory(name="Nouvelle maison", slug="nouvelle-maison")
    MembershipFactory(issuer=space, user=world.admin, role="owner")
    return space


ELSEWHERE = "https://other.example/badges/42"


def build(world: Any) -> None:
    """Two pathways and two claim links in organisation A, beside the fixture's awards."""
    made = network(world)
    admin = world.admin
    main = pathways.pathway_create(
        issuer=world.org_a,
        actor=admin,
        name="Cuisine de collectivité",
        description="Du poste d'accueil à la cuisine",
        public=True,
        completion_badge=made.cuisine,
        occupations=["G1602", "G1603"],
        required=2,
    )
    root = Step.objects.get(pathway=main, parent__isnull=True)
    pathways.requirement_add_badge(step=root, actor=admin, badge=made.accueil, how_to_url="")
    sub = pathways.step_add(
        parent=root,
        actor=admin,
        name="Hygiène",
        rule="n_of",
        required=1,
        milestone_badge=made.accueil,
        how_to_url="https://example.org/hygiene",
        description="HACCP",
    )
    pathways.requirement_add_badge(
        step=sub, actor=admin, achievement_id=ELSEWHERE, name="HACCP (autre site)"
    )
    deeper = pathways.step_add(parent=sub, actor=admin, name="Pratique")
    pathways.requirement_add_badge(step=deeper, actor=admin, badge=made.cuisine)
    pathways.pathway_publish(pathway=main, actor=admin)
    draft = pathways.pathway_create(issuer=world.org_a, actor=admin, name="Brouillon", public=False)
    pathways.requirement_add_badge(
        step=Step.objects.get(pathway=draft, parent__isnull=True), actor=admin, badge=made.cuisine
    )
    now = timezone.now()
    claims.link_create(
        badge=made.accueil,
        actor=admin,
        title="Forum de l'emploi",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=3),
        max_claims=40,
        requires_approval=False,
    )
    old = claims.link_create(
        badge=made.cuisine,
        actor=admin,
        title="Atelier d'hier",
        opens_at=None,
        closes_at=now + timedelta(hours=1),
        requires_approval=True,
    )
    ClaimLink.objects.filter(pk=old.pk).update(closes_at=now - timedelta(days=1), active=False)


def shape(pathway: Pathway) -> Any:
    """A pathway as a comparable tree: its fields, and each step's with its requirements."""

    def step(node: Step) -> Any:
        return (
            node.name,
            node.description,
            node.rule,
            node.required,
            node.milestone_badge.name if node.milestone_badge else None,
            node.how_to_url,
            [
                step(req.child)
                if req.child_id
                else (
                    req.badge.name if req.badge else None,
                    req.achievement_id if not req.badge else "",
                    req.name,
                )
                for req in Requirement.objects.filter(step=node).order_by("position")
            ],
        )

    root = Step.objects.get(pathway=pathway, parent__isnull=True)
    return (
        pathway.name,
        pathway.description,
        pathway.status,
        pathway.public,
        pathway.completion_badge.name if pathway.completion_badge else None,
        pathway.occupations,
        step(root),
    )


def test_round_trip_gives_the_same_pathways_and_working_claim_links(
    client: Any, world: Any, target: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(claim_forms, "MIN_FILL_SECONDS", -1)  # the visitor's form, at once
    build(world)
    data = exported(client, world)
    response = upload(client, target, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    before = {p.name: shape(p) for p in Pathway.objects.filter(issuer=world.org_a)}
    after = {p.name: shape(p) for p in Pathway.objects.filter(issuer=target)}
    assert after == before
    assert len(after) == 2
    # The trees are made over the new space's badges, not the old ones.
    ours = set(BadgeClass.objects.filter(issuer=target).values_list("pk", flat=True))
    remade = Requirement.objects.filter(step__pathway__issuer=target, badge__isnull=False)
    assert remade.count() == 3
    assert set(remade.values_list("badge_id", flat=True)) <= ours
    assert all(req.achievement_id == badge_url(req.badge) for req in remade)
    archive = Archive.objects.get(issuer=target)
    old_links = {link.title: link for link in ClaimLink.objects.filter(issuer=world.org_a)}
    new_links = {link.title: link for link in ClaimLink.objects.filter(issuer=target)}
    assert set(new_links) == set(old_links)
    for title, link in new_links.items():
        old = old_links[title]
        assert link.token != old.token
        assert link.uuid != old.uuid
        assert link.badge.issuer_id == target.pk
        assert link.badge.name == old.badge.name
        assert (link.opens_at, link.closes_at, link.max_claims) == (
            old.opens_at,
            old.closes_at,
            old.max_claims,
        )
        assert (link.requires_approval, link.active) == (old.requires_approval, old.active)
        assert archive.kept["claimLinks"][str(old.uuid)] == str(link.uuid)
    assert set(archive.kept["pathways"]) == {
        str(p.uuid) for p in Pathway.objects.filter(issuer=world.org_a)
    }
    # The open link works on this site: a visitor's claim awards the new space's badge.
    forum = new_links["Forum de l'emploi"]
    page = reverse("issuing:claim_page", args=[forum.token])
    assert client.get(page, HTTP_ACCEPT_LANGUAGE="fr").status_code == 200
    client.logout()
    answer = client.post(page, claim_data(forum, email="visiteur@example.org"))
    assert answer.status_code in (200, 302), answer.content.decode()[:1000]
    award = Award.objects.get(issuer=target)
    assert award.badge == forum.badge
    assert award.recipient_email == "visiteur@example.org"
    actions = list(AuditEntry.objects.filter(issuer=target).values_list("action", flat=True))
    assert actions.count("issuing.claim_link.imported") == 2
    assert actions.count("pathways.pathway.published") == 1


def _first_pathway(document: dict[str, Any]) -> dict[str, Any]:
    return next(p for p in document["pathways"] if p["name"] == "Cuisine de collectivité")


def _loop(document: dict[str, Any]) -> None:
    steps = _first_pathway(document)["steps"]
    child = next(s for s in steps if s["name"] == "Hygiène")
    leaf = next(s for s in steps if s["name"] == "Pratique")
    child["parent"] = leaf["id"]  # the sub-step now hangs under its own child


def _two_roots(document: dict[str, Any]) -> None:
    next(s for s in _first_pathway(document)["steps"] if s["name"] == "Pratique")["parent"] = None


def _asked_twice(document: dict[str, Any]) -> None:
    steps = _first_pathway(document)["steps"]
    sub = next(s for s in steps if s["name"] == "Hygiène")
    sub["requirements"].append(dict(sub["requirements"][-1]))


def _unknown_badge(document: dict[str, Any]) -> None:
    _first_pathway(document)["completionBadge"] = "00000000-0000-4000-8000-000000000000"


def _bad_rome(document: dict[str, Any]) -> None:
    _first_pathway(document)["occupations"] = ["G1602", "not a code"]


def _link_badge(document: dict[str, Any]) -> None:
    document["claimLinks"][0]["badge"] = document["awards"][0]["id"]


def _link_window(document: dict[str, Any]) -> None:
    document["claimLinks"][0].update(opensAt="2026-05-02T10:00:00+00:00")
    document["claimLinks"][0].update(closesAt="2026-05-01T10:00:00+00:00")


def _link_max(document: dict[str, Any]) -> None:
    document["claimLinks"][0]["maxClaims"] = 0


def _empty_published(document: dict[str, Any]) -> None:
    pathway = _first_pathway(document)
    root = next(s for s in pathway["steps"] if s["parent"] is None)
    pathway["steps"] = [root]
    root["requirements"] = []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_loop, "de ses sous-étapes"),
        (_two_roots, "exactement une première étape"),
        (_asked_twice, "demandée deux fois"),
        (_unknown_badge, "badge de fin de parcours n\u2019est pas dans le fichier"),
        (_bad_rome, "n\u2019est pas un code ROME"),
        (_link_badge, "son badge n\u2019est pas dans le fichier"),
        (_link_window, "se ferme avant de s\u2019ouvrir"),
        (_link_max, "au moins 1"),
        (_empty_published, "Ajoutez au moins un badge"),
        (lambda d: d["pathways"].append(dict(d["pathways"][0])), "deux fois le même parcours"),
    ],
)
def test_inconsistent_files_are_refused_in_french_with_nothing_written(
    client: Any, world: Any, target: Any, change: Any, message: str
) -> None:
    build(world)
    document = json.loads(exported(client, world))
    change(document)
    audited = AuditEntry.objects.filter(issuer=target).count()  # its keys' creation
    response = upload(client, target, json.dumps(document).encode(), language="fr")
    assert response.status_code == 400
    assert message in response.content.decode()
    for model in (BadgeClass, Pathway, ClaimLink, Archive, ArchivedCredential):
        assert not model.objects.filter(issuer=target).exists(), model
    assert AuditEntry.objects.filter(issuer=target).count() == audited
