"""Only your own badges, ever (issue 13, point 5). A claim code attaches exactly its award; the
other badges awarded to the same number or address arrive only once the account verified it, by
themselves under the account's name, otherwise after "Is this badge yours?". The recycled number
and the typing mistake; the migration of numbers proven only by a claim code."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from blason.accounts.models import User
from blason.accounts.services import phone_remove, phone_verify
from blason.backpack import claims
from blason.backpack.models import AwardQuestion, Item, ItemRecipient
from blason.core.models import AuditEntry
from blason.issuing.awarding import credentials
from blason.issuing.awarding import services as awards
from blason.issuing.models import Award
from tests.factories import UserFactory

NUMBER = "+33612345678"
NEW_NUMBER = "+33698765432"


def phone_person(name: str, number: str = NUMBER) -> User:
    user = User.objects.create_user(phone=number, display_name=name, language="en")
    phone_verify(user=user, phone=number)
    return user


def award(published: Any, world: Any, **recipient: Any) -> Award:
    return awards.award_issue(badge=published, actor=world.admin, notify=False, **recipient)


def backpack_of(user: Any) -> set[Any]:
    return {item.award_id for item in Item.objects.filter(owner=user)}


@pytest.mark.django_db
def test_a_claim_code_attaches_exactly_its_award(world: Any, published: Any) -> None:
    first = award(published, world, phone="06 12 34 56 78", name="Samir Benali")
    second = award(published, world, phone="06 12 34 56 78", name="Samir Benali")
    result = claims.claim_award(user=world.member, code=first.claim_code or "")
    assert result.phone_to_verify == NUMBER
    assert backpack_of(world.member) == {first.pk}
    assert claims.collect_awards(user=world.member) == []  # the number is not verified
    assert Award.objects.get(pk=second.pk).claimed_by is None


@pytest.mark.django_db
def test_badges_to_a_verified_number_under_one_s_name_arrive_by_themselves(
    client: Any, world: Any, published: Any
) -> None:
    samir = phone_person("Samir Benali")
    mine = award(published, world, phone="06 12 34 56 78", name="BENALI samir")
    unnamed_later = award(published, world, phone=NUMBER)
    client.force_login(samir)
    page = client.get(reverse("backpack:list"), HTTP_ACCEPT_LANGUAGE="en")
    assert "2 new badges" in page.text
    assert backpack_of(samir) == {mine.pk, unnamed_later.pk}
    assert all(item.is_owners for item in Item.objects.filter(owner=samir))


@pytest.mark.django_db
def test_the_recycled_number(client: Any, world: Any, published: Any) -> None:
    # A had the number, verified it, and received a badge on it.
    alice = phone_person("Alice Martin")
    hers = award(published, world, phone=NUMBER, name="Alice Martin")
    forgotten = award(published, world, phone=NUMBER, name="Alice Martin")
    claims.collect_awards(user=alice)
    assert backpack_of(alice) == {hers.pk, forgotten.pk}
    # Then a badge she never collected, and she changed number.
    unclaimed = award(published, world, phone=NUMBER, name="Alice Martin")
    unnamed_before = award(published, world, phone=NUMBER)
    phone_verify(user=alice, phone=NEW_NUMBER)
    # The operator gave her old number to B, who signs up with it and gets a badge.
    Award.objects.filter(pk=unnamed_before.pk).update(issued_at=timezone.now() - timedelta(days=30))
    bruno = phone_person("Bruno Petit")
    his = award(published, world, phone=NUMBER, name="Bruno Petit")
    client.force_login(bruno)
    listing = client.get(reverse("backpack:list"), HTTP_ACCEPT_LANGUAGE="en")
    assert backpack_of(bruno) == {his.pk}  # never A's badges
    # A's badges not collected yet are only *asked about*; he answers no.
    asked = {q.award_id for q in AwardQuestion.objects.filter(user=bruno)}
    assert asked == {unclaimed.pk, unnamed_before.pk}
    assert "2 badges were awarded to your address or phone number under another name" in (
        listing.text
    )
    questions = client.get(reverse("backpack:questions"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Is this badge yours?" in questions.text
    for question in AwardQuestion.objects.filter(user=bruno):
        response = client.post(
            reverse("backpack:question_answer", args=[question.uuid]), {"answer": "no"}
        )
        assert response.status_code == 302
    assert backpack_of(bruno) == {his.pk}
    claims.collect_awards(user=bruno)
    assert AwardQuestion.objects.filter(user=bruno).count() == 2  # never asked again
    assert backpack_of(bruno) == {his.pk}
    # A's badges stay A's, shown as hers; the one she never collected she still can, by code.
    assert {i.award_id for i in Item.objects.filter(owner=alice, recipient="owner")} == {
        hers.pk,
        forgotten.pk,
    }
    claims.claim_award(user=alice, code=unclaimed.claim_code or "")
    assert unclaimed.pk in backpack_of(alice)
    # Nothing tells the issuer who declined.
    assert not AuditEntry.objects.filter(
        action="backpack.award.declined", issuer__isnull=False
    ).exists()
    assert Award.objects.get(pk=unnamed_before.pk).claimed_by is None


@pytest.mark.django_db
def test_the_typing_mistake_is_asked_not_attached(client: Any, world: Any, published: Any) -> None:
    # The awarder meant lea.dubois@example.org and typed Charlie's verified address.
    typo = award(published, world, email="charlie@example.org", name="Léa Dubois")
    client.force_login(world.outsider)  # Charlie
    client.get(reverse("backpack:list"))
    assert backpack_of(world.outsider) == set()
    question = AwardQuestion.objects.get(user=world.outsider)
    assert question.award == typo
    page = client.get(reverse("backpack:questions"), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Ce badge est-il à vous" in page.text
    assert "Léa Dubois" in page.text
    assert "Non, ce n'est pas moi" in page.text
    client.post(reverse("backpack:question_answer", args=[question.uuid]), {"answer": "no"})
    assert backpack_of(world.outsider) == set()
    # Léa still collects it with the code she was given.
    lea = UserFactory(display_name="Léa Dubois")
    claims.claim_award(user=lea, code=typo.claim_code or "")
    assert backpack_of(lea) == {typo.pk}


@pytest.mark.django_db
def test_yes_it_is_mine(client: Any, world: Any, published: Any) -> None:
    nickname = award(published, world, email="charlie@example.org", name="Charly")
    client.force_login(world.outsider)
    client.get(reverse("backpack:list"))
    question = AwardQuestion.objects.get(user=world.outsider)
    response = client.post(
        reverse("backpack:question_answer", args=[question.uuid]), {"answer": "yes"}
    )
    assert response.status_code == 302
    item = Item.objects.get(owner=world.outsider)
    assert item.award == nickname
    assert item.recipient == ItemRecipient.OWNER
    assert Award.objects.get(pk=nickname.pk).claimed_by == world.outsider
    # Someone else cannot answer for him, nor reach the question.
    client.force_login(world.member)
    other = client.post(reverse("backpack:question_answer", args=[question.uuid]), {"answer": "no"})
    assert other.status_code == 404


@pytest.mark.django_db
def test_an_address_verified_later_brings_only_what_it_proves(world: Any, published: Any) -> None:
    user = UserFactory(email="new@example.org", display_name="Nadia Ferhat")
    EmailAddress.objects.create(user=user, email="old@example.org", verified=False)
    named = award(published, world, email="old@example.org", name="Nadia Ferhat")
    other = award(published, world, email="old@example.org", name="Someone Else")
    assert claims.collect_awards(user=user) == []  # not verified yet
    EmailAddress.objects.filter(email="old@example.org").update(verified=True)
    collected = claims.collect_awards(user=user)
    assert [item.award for item in collected] == [named]
    assert AwardQuestion.objects.get(user=user).award == other


@pytest.mark.django_db
def test_removing_the_number_keeps_collected_badges_theirs(world: Any, published: Any) -> None:
    phone_verify(user=world.member, phone=NUMBER)
    world.member.display_name = "Bob"
    world.member.save()
    got = award(published, world, phone=NUMBER, name="Bob")
    claims.collect_awards(user=world.member)
    phone_remove(user=world.member)
    item = Item.objects.get(owner=world.member, award=got)
    assert item.recipient == ItemRecipient.OWNER  # it reached his backpack while he had it
    later = award(published, world, phone=NUMBER, name="Bob")
    assert claims.collect_awards(user=world.member) == []
    assert Award.objects.get(pk=later.pk).claimed_by is None


@pytest.mark.django_db(transaction=True)
def test_numbers_proven_only_by_a_claim_code_are_not_verified(world: Any, published: Any) -> None:
    """The migration: badges that went into a backpack because of a number "proven" by a claim
    code are given back; the ones collected with their own code stay."""
    with_code = award(published, world, phone=NUMBER, name="Samir")
    by_itself = award(published, world, phone=NUMBER, name="Someone")
    executor = MigrationExecutor(connection)
    before = [("backpack", "0004_item_once_per_owner_and_issuer")]
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    Phone = apps.get_model("backpack", "Phone")
    OldItem = apps.get_model("backpack", "Item")
    OldAward = apps.get_model("issuing", "Award")
    now = timezone.now()
    Phone.objects.create(user_id=world.member.pk, number=NUMBER, verified_at=now)
    for each in (with_code, by_itself):
        OldAward.objects.filter(pk=each.pk).update(claimed_by_id=world.member.pk, claimed_at=now)
        OldItem.objects.create(
            owner_id=world.member.pk,
            source="award",
            award_id=each.pk,
            received=each.credential.encode(),
            received_format="site",
            received_sha256=hashlib.sha256(each.credential.encode()).hexdigest(),
            credential=each.credential,
            credential_key=credentials.award_url(each),
            identity=str(each.pk),
            name="Accueil du public",
            recipient="owner",
            public=True,
        )
    AuditEntry.objects.create(
        action="backpack.award.claimed",
        actor_id=world.member.pk,
        target_type="issuing.award",
        target_id=str(with_code.uuid),
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    kept = Item.objects.get(award=with_code)
    assert kept.recipient == "owner"
    assert kept.public
    assert Award.objects.get(pk=with_code.pk).claimed_by == world.member
    given_back = Item.objects.get(award=by_itself)
    assert given_back.recipient == "other"
    assert not given_back.public
    assert Award.objects.get(pk=by_itself.pk).claimed_by is None
    assert AuditEntry.objects.filter(
        action="backpack.award.released", target_id=str(by_itself.uuid)
    ).exists()
    member = User.objects.get(pk=world.member.pk)
    assert member.phone == ""
    assert not member.phone_verified
