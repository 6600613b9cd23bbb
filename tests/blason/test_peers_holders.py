"""Who "has" a badge for peer validation ("those who have it can give it", ambassadors): the
backpack's rule (docs/architecture.md, "Whose badge is it"), never an award merely addressed to
an address or number the account verified."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from blason.accounts.models import User
from blason.accounts.services import phone_verify
from blason.backpack import claims
from blason.backpack.models import Answer, AwardQuestion
from blason.issuing.awarding import services as awards
from blason.issuing.badges.services import badge_set_status
from blason.issuing.models import Award
from blason.peers import selectors, validation
from blason.peers.models import Validators
from tests.blason.peers_fixtures import Community, community_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def holders_rule(community: Community) -> Any:
    badge = community.badge
    badge_set_status(badge=badge, actor=community.owner, status="published")
    badge.refresh_from_db()
    validation.rule_set(
        badge=badge, actor=community.facilitator, validators=Validators.HOLDERS, approvals_needed=1
    )
    return selectors.rule_of(badge)


def holds(user: Any, community: Community) -> bool:
    rule = selectors.rule_of(community.badge)
    in_list = user in set(selectors.validators_of(rule))
    by_facts = community.badge.pk in selectors.validator_facts(user).held_badges
    assert in_list == by_facts  # the two ways of asking agree
    return by_facts


def test_a_mistyped_address_someone_else_verified_later_holds_nothing(
    community: Community,
) -> None:
    """Nancy's badge went to a mistyped address (nanci@…); Séverine later verifies that
    address on her account. The badge is not hers: she is not a holder."""
    holders_rule(community)
    nancy, severine = community.members[0], community.members[2]
    awards.award_issue(
        badge=community.badge, actor=community.owner, email="nanci@example.org", name="Nancy"
    )
    EmailAddress.objects.create(user=severine, email="nanci@example.org", verified=True)
    assert not holds(severine, community)
    assert not holds(nancy, community)
    # Asked "Is this badge yours?", she says no: still not hers.
    claims.collect_awards(user=severine)
    question = AwardQuestion.objects.get(user=severine)
    question.answer = Answer.NO
    question.save()
    assert not holds(severine, community)
    # Nancy collects it with its code: hers.
    award = community.badge.awards.get()
    claims.claim_award(user=nancy, code=award.claim_code)
    assert holds(nancy, community)
    assert not holds(severine, community)


def test_an_award_waiting_at_a_verified_address_under_ones_name_is_held(
    community: Community,
) -> None:
    """The normal case: awarded to Manu's verified address under his name, it arrives in his
    backpack by itself: he holds it, before and after opening his backpack."""
    holders_rule(community)
    manu = community.members[1]
    awards.award_issue(
        badge=community.badge, actor=community.owner, email=manu.email.upper(), name="MANU"
    )
    assert holds(manu, community)
    claims.collect_awards(user=manu)
    assert community.badge.awards.get().claimed_by == manu
    assert holds(manu, community)
    assert not holds(community.members[0], community)


def test_a_recycled_number_holds_nothing_and_a_verified_number_does(
    community: Community,
) -> None:
    holders_rule(community)
    before = awards.award_issue(badge=community.badge, actor=community.owner, phone="0612345678")
    Award.objects.filter(pk=before.pk).update(issued_at=timezone.now() - timedelta(days=30))
    karim = User.objects.create_user(phone="+33612345678", display_name="Karim Diallo")
    phone_verify(user=karim, phone="+33612345678")
    community.issuer.memberships.create(user=karim, role="viewer")
    # Unnamed and awarded before he had the number: not his.
    assert not holds(karim, community)
    awards.award_revoke(award=before, actor=community.owner, reason="Erreur")
    awards.award_issue(
        badge=community.badge, actor=community.owner, phone="0612345678", name="Karim Diallo"
    )
    assert holds(karim, community)


def test_queries_stay_bounded(community: Community, django_assert_max_num_queries: Any) -> None:
    rule = holders_rule(community)
    for n in range(8):
        person = community.members[n % 5]
        awards.award_issue(
            badge=community.badge,
            actor=community.owner,
            email=person.email if n < 5 else f"someone{n}@example.org",
            name=person.display_name,
        )
    with django_assert_max_num_queries(8):
        list(selectors.validators_of(rule))
    with django_assert_max_num_queries(4):
        selectors.held_badge_ids(community.members[0])
