"""The rules of the workshop and of joining by link, at the service level (no HTTP)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from blason.core.exceptions import ActionRefused
from blason.core.models import AuditEntry, IssuerKind, Membership, Role
from blason.issuing.badges.services import badge_create
from blason.issuing.models import BadgeClass, BadgeStatus
from blason.peers import services
from blason.peers.access import NotAllowed
from blason.peers.models import (
    CoDesign,
    CoDesigner,
    Criterion,
    Majority,
    Outcome,
    ValidationRule,
    Vote,
    WorkshopStatus,
)
from tests.blason.peers_fixtures import Community, community_fixture, open_workshop  # noqa: F401
from tests.factories import IssuerFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The messages checked below are the English source texts."""
    with translation.override("en"):
        yield


def propose(workshop: Any, person: Any, text: str, **options: Any) -> Criterion:
    return services.criterion_propose(workshop=workshop, actor=person, text=text, **options)


def vote_all(criterion: Criterion, people: list[Any], choice: str) -> None:
    for person in people:
        services.vote_cast(criterion=criterion, actor=person, choice=choice)


@pytest.mark.parametrize(
    ("majority", "keep", "cast", "kept"),
    [
        (Majority.HALF, 2, 4, False),
        (Majority.HALF, 3, 5, True),
        (Majority.HALF, 1, 1, True),
        (Majority.HALF, 0, 0, False),
        (Majority.TWO_THIRDS, 2, 3, True),
        (Majority.TWO_THIRDS, 3, 5, False),
        (Majority.ALL, 4, 4, True),
        (Majority.ALL, 4, 5, False),
    ],
)
def test_majority(majority: Majority, keep: int, cast: int, kept: bool) -> None:
    assert majority.passes(keep, cast) is kept


# Opening ------------------------------------------------------------------------------------


def test_only_facilitators_open_a_workshop(community: Community) -> None:
    for person in (community.members[0], community.outsider):
        with pytest.raises(NotAllowed):
            services.workshop_open(
                issuer=community.issuer, actor=person, badge=community.badge, title="x"
            )
    workshop = open_workshop(community)
    assert workshop.status == WorkshopStatus.OPEN
    assert workshop.title == "Atelier du mardi"
    # The badge's criterion is the first proposal.
    assert [c.text for c in workshop.criteria.all()] == ["Brosse l'âne"]
    assert AuditEntry.objects.filter(action="peers.workshop.opened").count() == 1


def test_a_badge_is_designed_in_one_workshop_at_a_time(community: Community) -> None:
    open_workshop(community)
    with pytest.raises(ActionRefused, match="already running"):
        open_workshop(community)


def test_only_a_draft_badge_of_the_space(community: Community, world: Any) -> None:
    community.badge.status = BadgeStatus.PUBLISHED
    community.badge.save()
    with pytest.raises(ActionRefused, match="draft"):
        open_workshop(community)
    with pytest.raises(ActionRefused, match="another space"):
        services.workshop_open(
            issuer=community.issuer, actor=community.facilitator, badge=world.badge_b
        )


def test_open_with_a_new_badge(community: Community) -> None:
    workshop = services.workshop_open(
        issuer=community.issuer,
        actor=community.owner,
        badge_name="  Iterasinier ",
        badge_description="Guide les balades avec les ânes.",
        start_from_badge=True,
    )
    assert workshop.badge.name == "Iterasinier"
    assert workshop.badge.status == BadgeStatus.DRAFT
    assert workshop.title == "Iterasinier"
    assert not workshop.criteria.exists()
    with pytest.raises(ActionRefused):
        services.workshop_open(issuer=community.issuer, actor=community.owner, badge_name="x")


def test_a_personal_space_has_no_workshops(community: Community) -> None:
    personal = IssuerFactory(kind=IssuerKind.INDIVIDUAL)
    MembershipFactory(issuer=personal, user=community.owner, role=Role.OWNER)
    badge = badge_create(
        issuer=personal, actor=community.owner, name="Merci", description="Merci", criteria=""
    )
    with pytest.raises(ActionRefused):
        services.workshop_open(issuer=personal, actor=community.owner, badge=badge)
    with pytest.raises(ActionRefused):
        services.join_link_create(issuer=personal, actor=community.owner)


def test_rule_settings_are_checked(community: Community) -> None:
    with pytest.raises(ActionRefused):
        open_workshop(community, quorum=0)
    with pytest.raises(ActionRefused):
        open_workshop(community, rule="shouting")
    with pytest.raises(ActionRefused):
        open_workshop(community, majority="most")
    assert not community.badge.workshops.exists()


# Taking part ----------------------------------------------------------------------------------


def test_a_non_member_cannot_take_part(community: Community) -> None:
    workshop = open_workshop(community)
    criterion = workshop.criteria.get()
    with pytest.raises(NotAllowed):
        propose(workshop, community.outsider, "Nourrit l'âne")
    with pytest.raises(NotAllowed):
        services.vote_cast(criterion=criterion, actor=community.outsider, choice="keep")
    with pytest.raises(NotAllowed):
        services.comment_add(criterion=criterion, actor=community.outsider, text="Bof")
    assert not Vote.objects.exists()
    assert workshop.criteria.count() == 1


def test_one_vote_per_member_changeable_until_closed(community: Community) -> None:
    workshop = open_workshop(community)
    criterion = workshop.criteria.get()
    nancy = community.members[0]
    services.vote_cast(criterion=criterion, actor=nancy, choice="drop")
    services.vote_cast(criterion=criterion, actor=nancy, choice="keep")
    assert Vote.objects.get(criterion=criterion, voter=nancy).choice == "keep"
    assert Vote.objects.count() == 1
    with pytest.raises(ActionRefused):
        services.vote_cast(criterion=criterion, actor=nancy, choice="maybe")
    services.workshop_close(workshop=workshop, actor=community.facilitator)
    with pytest.raises(ActionRefused, match="closed"):
        services.vote_cast(criterion=criterion, actor=nancy, choice="drop")
    with pytest.raises(ActionRefused, match="closed"):
        propose(workshop, nancy, "Nourrit l'âne")
    assert Vote.objects.get(criterion=criterion, voter=nancy).choice == "keep"


def test_proposals_are_cleaned_and_not_repeated(community: Community) -> None:
    workshop = open_workshop(community)
    manu = community.members[1]
    criterion = propose(workshop, manu, "  Vérifie   les sabots \n")
    assert criterion.text == "Vérifie les sabots"
    with pytest.raises(ActionRefused, match="already"):
        propose(workshop, community.members[2], "vérifie les sabots")
    with pytest.raises(ActionRefused):
        propose(workshop, manu, "   ")
    with pytest.raises(ActionRefused):
        propose(workshop, manu, "x" * 301)
    with pytest.raises(NotAllowed):
        propose(workshop, manu, "Parle au public", spoken_by="Philippe")
    typed = propose(workshop, community.facilitator, "Parle au public", spoken_by="Philippe")
    assert typed.spoken_by == "Philippe"
    assert typed.author == community.facilitator


def test_rephrasing_clears_the_votes(community: Community) -> None:
    workshop = open_workshop(community)
    nancy, manu = community.members[:2]
    criterion = propose(workshop, nancy, "Brosser")
    vote_all(criterion, [nancy, manu], "rephrase")
    with pytest.raises(NotAllowed):
        services.criterion_edit(criterion=criterion, actor=manu, text="Brosse doucement")
    with pytest.raises(NotAllowed):  # grouping is the facilitator's
        services.criterion_edit(criterion=criterion, actor=nancy, text="Brosser", group=None)
    cleared = services.criterion_edit(criterion=criterion, actor=nancy, text="Brosse doucement")
    assert cleared == 2
    criterion.refresh_from_db()
    assert criterion.text == "Brosse doucement"
    assert not criterion.votes.exists()
    assert services.criterion_edit(criterion=criterion, actor=nancy, text="Brosse doucement") == 0


def test_groups_are_the_facilitators(community: Community) -> None:
    workshop = open_workshop(community)
    nancy = community.members[0]
    with pytest.raises(NotAllowed):
        services.group_add(workshop=workshop, actor=nancy, name="Soins")
    soins = services.group_add(workshop=workshop, actor=community.facilitator, name="Soins")
    with pytest.raises(ActionRefused, match="already"):
        services.group_add(workshop=workshop, actor=community.facilitator, name="soins")
    criterion = propose(workshop, nancy, "Nourrit l'âne", group=soins)
    assert criterion.group == soins
    services.group_rename(group=soins, actor=community.facilitator, name="Les soins")
    services.group_remove(group=soins, actor=community.facilitator)
    criterion.refresh_from_db()
    assert criterion.group is None  # the criterion stays


def test_a_criterion_is_withdrawn_by_its_author_or_a_facilitator(community: Community) -> None:
    workshop = open_workshop(community)
    nancy, manu = community.members[:2]
    criterion = propose(workshop, nancy, "Chante")
    with pytest.raises(NotAllowed):
        services.criterion_withdraw(criterion=criterion, actor=manu)
    services.criterion_withdraw(criterion=criterion, actor=nancy)
    assert not Criterion.objects.filter(pk=criterion.pk).exists()


# Closing and validating ------------------------------------------------------------------------


def run_vote(community: Community, workshop: Any) -> dict[str, Criterion]:
    """Three criteria in two groups; the group keeps two of them."""
    facilitator = community.facilitator
    nancy, manu, severine, herve, nameless = community.members
    soins = services.group_add(workshop=workshop, actor=facilitator, name="Soins")
    balade = services.group_add(workshop=workshop, actor=facilitator, name="Balade")
    brosse = workshop.criteria.get()
    services.criterion_edit(criterion=brosse, actor=facilitator, group=soins)
    sabots = propose(workshop, manu, "Vérifie les sabots", group=soins)
    chante = propose(workshop, severine, "Chante à l'âne")
    van = propose(workshop, herve, "Fait monter l'âne dans le van", group=balade)
    vote_all(brosse, [nancy, manu, severine], "keep")
    vote_all(sabots, [nancy, manu], "keep")
    vote_all(sabots, [severine], "rephrase")
    vote_all(chante, [nancy, manu], "drop")
    vote_all(chante, [nameless], "keep")
    vote_all(van, [herve, nancy], "keep")
    return {"brosse": brosse, "sabots": sabots, "chante": chante, "van": van}


def test_closing_keeps_the_majority_and_writes_the_badge(community: Community) -> None:
    workshop = open_workshop(community)
    criteria = run_vote(community, workshop)
    with pytest.raises(NotAllowed):
        services.workshop_close(workshop=workshop, actor=community.members[0])
    services.workshop_close(workshop=workshop, actor=community.facilitator)
    outcomes = {name: Criterion.objects.get(pk=c.pk).outcome for name, c in criteria.items()}
    assert outcomes == {
        "brosse": Outcome.KEPT,
        "sabots": Outcome.KEPT,
        "chante": Outcome.DROPPED,
        "van": Outcome.KEPT,
    }
    badge = BadgeClass.objects.get(pk=community.badge.pk)
    # Group by group, in the badge's language (French: a space before the colon).
    assert badge.criteria_items == [
        "Soins\u00a0: Brosse l'âne",
        "Soins\u00a0: Vérifie les sabots",
        "Balade\u00a0: Fait monter l'âne dans le van",
    ]
    assert badge.status == BadgeStatus.DRAFT


def test_closing_with_two_thirds(community: Community) -> None:
    workshop = open_workshop(community, majority=Majority.TWO_THIRDS)
    criteria = run_vote(community, workshop)
    services.workshop_close(workshop=workshop, actor=community.facilitator)
    assert Criterion.objects.get(pk=criteria["sabots"].pk).outcome == Outcome.KEPT  # 2 of 3
    workshop.refresh_from_db()
    services.workshop_reopen(workshop=workshop, actor=community.facilitator)
    assert not Criterion.objects.exclude(outcome="").exists()
    services.vote_cast(criterion=criteria["sabots"], actor=community.members[3], choice="drop")
    services.workshop_close(workshop=workshop, actor=community.facilitator)
    assert Criterion.objects.get(pk=criteria["sabots"].pk).outcome == Outcome.DROPPED  # 2 of 4


def test_closing_needs_a_kept_criterion(community: Community) -> None:
    workshop = open_workshop(community)
    with pytest.raises(ActionRefused, match="keep"):
        services.workshop_close(workshop=workshop, actor=community.facilitator)
    workshop.refresh_from_db()
    assert workshop.status == WorkshopStatus.OPEN
    assert BadgeClass.objects.get(pk=community.badge.pk).criteria_items == ["Brosse l'âne"]


def test_validation_waits_for_the_rule(community: Community) -> None:
    workshop = open_workshop(community, quorum=7)
    run_vote(community, workshop)
    with pytest.raises(ActionRefused, match="Close the vote"):
        services.workshop_validate(workshop=workshop, actor=community.facilitator)
    services.workshop_close(workshop=workshop, actor=community.facilitator)
    # Six took part (the facilitator, whose criterion opened the list, and five members).
    with pytest.raises(ActionRefused, match="7 members must take part, 6 did"):
        services.workshop_validate(workshop=workshop, actor=community.facilitator)
    assert BadgeClass.objects.get(pk=community.badge.pk).status == BadgeStatus.DRAFT
    assert not CoDesign.objects.exists()


def test_validation_publishes_and_records_the_co_designers(community: Community) -> None:
    workshop = open_workshop(community, quorum=5)
    nancy, manu, *_others, nameless = community.members
    run_vote(community, workshop)
    for person in (nancy, manu, nameless):
        services.participant_show_name(workshop=workshop, actor=person, show=True)
    services.workshop_close(workshop=workshop, actor=community.facilitator)
    with pytest.raises(NotAllowed):
        services.workshop_validate(workshop=workshop, actor=nancy)
    co_design = services.workshop_validate(workshop=workshop, actor=community.facilitator)
    badge = BadgeClass.objects.get(pk=community.badge.pk)
    assert badge.status == BadgeStatus.PUBLISHED
    workshop.refresh_from_db()
    assert workshop.status == WorkshopStatus.VALIDATED
    assert co_design.member_count == 6
    assert co_design.criteria_count == 3
    assert co_design.vote_count == 11
    designers = {d.user: d for d in CoDesigner.objects.filter(co_design=co_design)}
    assert set(designers) == {community.facilitator, *community.members}
    assert designers[community.facilitator].facilitator is True
    assert designers[manu].proposals == 1
    assert designers[manu].votes == 3
    shown = sorted(d.public_name for d in designers.values() if d.public_name)
    assert shown == ["Manu", "Nancy"]  # the member without a name is counted, never named
    assert all("@" not in d.name for d in designers.values())
    with pytest.raises(ActionRefused):
        services.workshop_validate(workshop=workshop, actor=community.facilitator)
    # A validated workshop is finished: another one may now start for another badge.
    assert AuditEntry.objects.filter(action="peers.workshop.validated").count() == 1


def test_validation_by_votes(community: Community) -> None:
    workshop = open_workshop(community, rule=ValidationRule.VOTES, quorum=12)
    run_vote(community, workshop)
    services.workshop_close(workshop=workshop, actor=community.facilitator)
    with pytest.raises(ActionRefused, match="12 votes are needed, 11 were cast"):
        services.workshop_validate(workshop=workshop, actor=community.facilitator)
    services.workshop_reopen(workshop=workshop, actor=community.facilitator)
    criterion = workshop.criteria.first()
    assert criterion is not None
    services.vote_cast(criterion=criterion, actor=community.members[4], choice="keep")
    services.workshop_close(workshop=workshop, actor=community.facilitator)
    services.workshop_validate(workshop=workshop, actor=community.facilitator)
    assert BadgeClass.objects.get(pk=community.badge.pk).status == BadgeStatus.PUBLISHED


def test_validation_needs_a_picture(community: Community) -> None:
    community.badge.image = ""
    community.badge.save()
    workshop = open_workshop(community, quorum=1)
    services.vote_cast(criterion=workshop.criteria.get(), actor=community.members[0], choice="keep")
    services.workshop_close(workshop=workshop, actor=community.facilitator)
    with pytest.raises(ActionRefused, match="picture"):
        services.workshop_validate(workshop=workshop, actor=community.facilitator)
    assert not CoDesign.objects.exists()
    assert BadgeClass.objects.get(pk=community.badge.pk).status == BadgeStatus.DRAFT


def test_a_badge_published_in_the_designer_stops_the_workshop(community: Community) -> None:
    workshop = open_workshop(community, quorum=1)
    services.vote_cast(criterion=workshop.criteria.get(), actor=community.members[0], choice="keep")
    community.badge.status = BadgeStatus.PUBLISHED
    community.badge.save()
    with pytest.raises(ActionRefused, match="no longer a draft"):
        services.workshop_close(workshop=workshop, actor=community.facilitator)


def test_hiding_a_name_after_validation(community: Community) -> None:
    workshop = open_workshop(community, quorum=1)
    nancy = community.members[0]
    services.participant_show_name(workshop=workshop, actor=nancy, show=True)
    services.vote_cast(criterion=workshop.criteria.get(), actor=nancy, choice="keep")
    services.workshop_close(workshop=workshop, actor=community.facilitator)
    services.workshop_validate(workshop=workshop, actor=community.facilitator)
    assert CoDesigner.objects.get(user=nancy).public_name == "Nancy"
    services.participant_show_name(workshop=workshop, actor=nancy, show=False)
    assert CoDesigner.objects.get(user=nancy).public_name == ""


# Joining by link ---------------------------------------------------------------------------------


def test_join_link(community: Community) -> None:
    with pytest.raises(NotAllowed):
        services.join_link_create(issuer=community.issuer, actor=community.members[0])
    link = services.join_link_create(issuer=community.issuer, actor=community.facilitator)
    newcomer = community.outsider
    membership, new = services.join_by_link(link=link, user=newcomer)
    assert new
    assert membership.role == Role.VIEWER
    again, new = services.join_by_link(link=link, user=newcomer)
    assert not new
    assert again.pk == membership.pk
    owner_membership, new = services.join_by_link(link=link, user=community.owner)
    assert not new
    assert owner_membership.role == Role.OWNER
    link.refresh_from_db()
    assert link.uses == 1
    # A new link switches the old one off.
    fresh = services.join_link_create(issuer=community.issuer, actor=community.owner)
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert fresh.revoked_at is None
    Membership.objects.filter(user=newcomer, issuer=community.issuer).delete()
    with pytest.raises(ActionRefused, match="no longer works"):
        services.join_by_link(link=link, user=newcomer)
    services.join_link_revoke(link=fresh, actor=community.facilitator)
    with pytest.raises(ActionRefused):
        services.join_by_link(link=fresh, user=newcomer)
    with pytest.raises(ActionRefused):
        services.join_link_revoke(link=fresh, actor=community.facilitator)
    assert not Membership.objects.filter(user=newcomer, issuer=community.issuer).exists()
    assert AuditEntry.objects.filter(action="peers.member.joined").count() == 1
