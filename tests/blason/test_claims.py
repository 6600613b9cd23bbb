"""Claim links, the services: the time window, the maximum (also under concurrent claims), the
approval flow, duplicates, name-only claims, e-mails (through a real SMTP server) and the audit
log."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from blason.core.exceptions import ActionRefused
from blason.core.models import AuditEntry
from blason.issuing.claims import selectors as claim_selectors
from blason.issuing.claims import services as claims
from blason.issuing.claims.selectors import LinkState
from blason.issuing.claims.services import ClaimRefused
from blason.issuing.models import (
    Award,
    BadgeStatus,
    Claim,
    ClaimLink,
    ClaimStatus,
    RecipientKind,
)
from tests.conftest import message_text
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture(autouse=True)
def english() -> Any:
    """Messages of the services in English (the default language is French)."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def immediate_tasks(settings: Any) -> None:
    """E-mails leave through the immediate task backend once the transaction commits (set
    here through ``settings`` so that django-tasks rebuilds its backends whatever loaded them
    first)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def awarder(world: Any) -> Any:
    user = UserFactory(email="awarder@example.org", display_name="Awa Awarder")
    MembershipFactory(issuer=world.org_a, user=user, role="awarder")
    return user


def open_link(badge: Any, actor: Any, **options: Any) -> ClaimLink:
    now = timezone.now()
    values: dict[str, Any] = {
        "title": "Forum de l'emploi",
        "opens_at": now - timedelta(hours=1),
        "closes_at": now + timedelta(hours=8),
    }
    values.update(options)
    return claims.link_create(badge=badge, actor=actor, **values)


def actions() -> list[str]:
    return list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))


@pytest.mark.django_db
class TestLinks:
    def test_create_records_everything_and_makes_a_short_token(
        self, world: Any, published: Any, awarder: Any
    ) -> None:
        link = open_link(published, awarder, max_claims=300, requires_approval=True)
        assert len(link.token) == claims.TOKEN_LENGTH
        assert set(link.token) <= set(claims.TOKEN_ALPHABET)
        assert link.issuer == world.org_a
        assert link.created_by == awarder
        assert claim_selectors.link_url(link) == f"http://testserver/c/{link.token}"
        entry = AuditEntry.objects.get(action="issuing.claim_link.created")
        assert entry.actor == awarder
        assert entry.issuer == world.org_a
        assert entry.data["max_claims"] == 300
        assert entry.data["requires_approval"] is True

    @pytest.mark.parametrize(
        ("options", "message"),
        [
            ({"title": "  "}, "Give the name of the event."),
            ({"max_claims": 0}, "at least 1"),
            ({"closes_at": timezone.now() - timedelta(days=2)}, "after the opening time"),
            (
                {
                    "opens_at": timezone.now() - timedelta(days=3),
                    "closes_at": timezone.now() - timedelta(days=2),
                },
                "already past",
            ),
        ],
    )
    def test_create_refuses_wrong_values(
        self, published: Any, awarder: Any, options: dict[str, Any], message: str
    ) -> None:
        with pytest.raises(ActionRefused, match=message):
            open_link(published, awarder, **options)
        assert not ClaimLink.objects.exists()
        assert "issuing.claim_link.created" not in actions()

    def test_only_a_published_badge(self, world: Any, awarder: Any) -> None:
        world.badge_a.status = BadgeStatus.DRAFT
        world.badge_a.save()
        with pytest.raises(ActionRefused, match="published"):
            open_link(world.badge_a, awarder)

    def test_update_records_the_changes(self, published: Any, awarder: Any) -> None:
        link = open_link(published, awarder)
        claims.link_update(
            link=link,
            actor=awarder,
            title="Forum de l'emploi, Lille",
            opens_at=link.opens_at,
            closes_at=link.closes_at,
            max_claims=50,
            requires_approval=False,
        )
        link.refresh_from_db()
        assert link.title == "Forum de l'emploi, Lille"
        assert link.max_claims == 50
        entry = AuditEntry.objects.get(action="issuing.claim_link.changed")
        assert set(entry.data["changes"]) == {"title", "max_claims"}
        assert entry.data["changes"]["max_claims"] == {"from": None, "to": 50}
        # The same values again change nothing and record nothing.
        claims.link_update(
            link=link,
            actor=awarder,
            title=link.title,
            opens_at=link.opens_at,
            closes_at=link.closes_at,
            max_claims=50,
        )
        assert actions().count("issuing.claim_link.changed") == 1

    def test_the_maximum_cannot_go_below_the_claims_made(
        self, published: Any, awarder: Any
    ) -> None:
        link = open_link(published, awarder)
        for name in ("Inès", "Samir", "Yanis"):
            claims.claim_make(link=link, name=name)
        with pytest.raises(ActionRefused, match="3 people have already claimed it"):
            claims.link_update(
                link=link,
                actor=awarder,
                title=link.title,
                opens_at=link.opens_at,
                closes_at=link.closes_at,
                max_claims=2,
            )

    def test_deactivate_and_reactivate(self, published: Any, awarder: Any) -> None:
        link = open_link(published, awarder)
        claims.link_set_active(link=link, actor=awarder, active=False)
        with pytest.raises(ClaimRefused) as refused:
            claims.claim_make(link=link, name="Inès")
        assert refused.value.state == LinkState.INACTIVE
        claims.link_set_active(link=link, actor=awarder, active=True)
        assert claims.claim_make(link=link, name="Inès").created
        assert actions().count("issuing.claim_link.deactivated") == 1
        assert actions().count("issuing.claim_link.reactivated") == 1


@pytest.mark.django_db
class TestClaims:
    def test_claim_without_approval_awards_at_once(
        self, world: Any, published: Any, awarder: Any
    ) -> None:
        link = open_link(published, awarder)
        result = claims.claim_make(link=link, name="  Samir   Benali ", phone="06 12 34 56 78")
        claim = result.claim
        assert result.created
        assert result.mine
        assert claim.status == ClaimStatus.ISSUED
        assert claim.decided_by is None
        award = claim.award
        assert award is not None
        assert award.recipient_kind == RecipientKind.PHONE
        assert award.recipient_phone == "+33612345678"
        assert award.recipient_name == "Samir Benali"
        assert award.awarded_by is None  # nobody looked at this claim: the link awarded it
        assert award.idempotency_key == f"claim:{claim.uuid}"
        assert award.narrative == "Forum de l'emploi"
        assert award.claim_code
        assert len(award.claim_code) == 9
        assert actions()[-2:] == ["issuing.award.issued", "issuing.claim.made"] or actions()[
            -2:
        ] == ["issuing.claim.made", "issuing.award.issued"]

    def test_name_only_claims(self, published: Any, awarder: Any) -> None:
        link = open_link(published, awarder)
        first = claims.claim_make(link=link, name="Yanis")
        assert first.claim.award is not None
        assert first.claim.award.recipient_kind == RecipientKind.NAME
        # The same name from the same browser (a second tap) is the same claim...
        again = claims.claim_make(link=link, name="yanis", known=[str(first.claim.uuid)])
        assert not again.created
        assert again.mine
        assert again.claim == first.claim
        # ...but from another browser it is another person with the same name.
        other = claims.claim_make(link=link, name="Yanis")
        assert other.created
        assert other.claim != first.claim
        assert Award.objects.count() == 2

    def test_a_name_is_required(self, published: Any, awarder: Any) -> None:
        link = open_link(published, awarder)
        with pytest.raises(ActionRefused, match="Write your name"):
            claims.claim_make(link=link, name="   ", email="ines@example.org")
        with pytest.raises(ActionRefused, match="phone number is not valid"):
            claims.claim_make(link=link, name="Inès", phone="12")
        assert not Claim.objects.exists()

    def test_the_window(self, published: Any, awarder: Any) -> None:
        now = timezone.now()
        later = open_link(
            published,
            awarder,
            opens_at=now + timedelta(hours=1),
            closes_at=now + timedelta(hours=2),
        )
        with pytest.raises(ClaimRefused, match="You can claim this badge from") as refused:
            claims.claim_make(link=later, name="Inès")
        assert refused.value.state == LinkState.NOT_YET_OPEN
        over = open_link(published, awarder)
        ClaimLink.objects.filter(pk=over.pk).update(
            opens_at=now - timedelta(days=2), closes_at=now - timedelta(days=1)
        )
        with pytest.raises(ClaimRefused, match="too late") as refused:
            claims.claim_make(link=over, name="Inès")
        assert refused.value.state == LinkState.CLOSED
        assert not Claim.objects.exists()

    def test_a_badge_no_longer_published(self, published: Any, awarder: Any) -> None:
        link = open_link(published, awarder)
        published.status = BadgeStatus.ARCHIVED
        published.save()
        with pytest.raises(ClaimRefused) as refused:
            claims.claim_make(link=link, name="Inès")
        assert refused.value.state == LinkState.UNAVAILABLE

    def test_the_maximum_is_enforced(self, published: Any, awarder: Any) -> None:
        link = open_link(published, awarder, max_claims=3)
        for number in range(3):
            claims.claim_make(link=link, name=f"Personne {number}")
        with pytest.raises(ClaimRefused, match="All the places have been taken") as refused:
            claims.claim_make(link=link, name="Personne 3")
        assert refused.value.state == LinkState.FULL
        assert Claim.objects.filter(link=link).count() == 3 == Award.objects.count()

    def test_a_refused_claim_frees_its_place(self, published: Any, awarder: Any) -> None:
        link = open_link(published, awarder, max_claims=2, requires_approval=True)
        first = claims.claim_make(link=link, name="Inès").claim
        claims.claim_make(link=link, name="Samir")
        with pytest.raises(ClaimRefused):
            claims.claim_make(link=link, name="Yanis")
        claims.claim_refuse(claim=first, actor=awarder, reason="Pas inscrite à l'atelier")
        assert claims.claim_make(link=link, name="Yanis").created

    def test_one_claim_per_email_and_per_phone(
        self,
        published: Any,
        awarder: Any,
        smtp_server: Any,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        link = open_link(published, awarder, max_claims=2)
        with django_capture_on_commit_callbacks(execute=True):
            first = claims.claim_make(link=link, name="Inès", email="Ines@Example.org")
        smtp_server.wait_for(1)  # the badge itself
        with django_capture_on_commit_callbacks(execute=True):
            again = claims.claim_make(link=link, name="Inès H.", email="ines@example.org ")
        assert not again.created
        assert again.claim == first.claim
        assert not again.mine
        assert again.reminded
        messages = smtp_server.wait_for(2)
        assert messages[1]["To"] == "ines@example.org"
        assert claim_selectors.status_url(first.claim) in message_text(messages[1])
        # Reminders are not a way to flood someone's inbox.
        with django_capture_on_commit_callbacks(execute=True):
            third = claims.claim_make(link=link, name="Inès", email="ines@example.org")
        assert not third.reminded
        # From the browser that made it, it is shown again.
        mine = claims.claim_make(
            link=link, name="Inès", email="ines@example.org", known=[str(first.claim.uuid)]
        )
        assert mine.mine
        assert mine.claim == first.claim
        # The same phone number written differently is the same person.
        phone = claims.claim_make(link=link, name="Samir", phone="+33 6 12 34 56 78").claim
        # The link is full now, and a person who already claimed still finds their claim.
        again_phone = claims.claim_make(link=link, name="Samir", phone="0612345678")
        assert not again_phone.created
        assert again_phone.claim == phone
        assert Claim.objects.count() == 2
        assert Award.objects.count() == 2
        assert len(smtp_server.messages) == 2

    def test_a_signed_in_person_finds_their_claim_again(
        self, published: Any, awarder: Any, world: Any
    ) -> None:
        link = open_link(published, awarder)
        first = claims.claim_make(link=link, name="Bob", email="bob@example.org", user=world.member)
        assert first.claim.user == world.member
        again = claims.claim_make(link=link, name="Bob", email="bob@example.org", user=world.member)
        assert again.mine
        assert not again.reminded


@pytest.mark.django_db
class TestApproval:
    def test_approve(
        self,
        published: Any,
        awarder: Any,
        smtp_server: Any,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        link = open_link(published, awarder, requires_approval=True)
        with django_capture_on_commit_callbacks(execute=True):
            claim = claims.claim_make(
                link=link, name="Inès", email="ines@example.org", language="en"
            ).claim
        assert claim.status == ClaimStatus.PENDING
        assert claim.award is None
        assert not Award.objects.exists()
        received = smtp_server.wait_for(1)[0]
        assert (
            received["Subject"].strip()
            == "We received your request for the badge “Accueil du public”"
        )
        assert claim_selectors.status_url(claim) in message_text(received)
        with django_capture_on_commit_callbacks(execute=True):
            claims.claim_approve(claim=claim, actor=awarder)
        claim.refresh_from_db()
        assert claim.status == ClaimStatus.ISSUED
        assert claim.decided_by == awarder
        assert claim.award is not None
        assert claim.award.awarded_by == awarder
        awarded = smtp_server.wait_for(2)[1]
        assert claim.award.claim_code in message_text(awarded)
        assert "issuing.claim.approved" in actions()
        with pytest.raises(ActionRefused, match="already decided"):
            claims.claim_approve(claim=claim, actor=awarder)
        with pytest.raises(ActionRefused, match="already decided"):
            claims.claim_refuse(claim=claim, actor=awarder, reason="Non")
        assert Award.objects.count() == 1

    def test_approved_after_the_link_closed(self, published: Any, awarder: Any) -> None:
        link = open_link(published, awarder, requires_approval=True)
        claim = claims.claim_make(link=link, name="Inès").claim
        claims.link_set_active(link=link, actor=awarder, active=False)
        claims.claim_approve(claim=claim, actor=awarder)
        claim.refresh_from_db()
        assert claim.status == ClaimStatus.ISSUED

    def test_refuse_says_why(
        self,
        published: Any,
        awarder: Any,
        smtp_server: Any,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        link = open_link(published, awarder, requires_approval=True)
        claim = claims.claim_make(link=link, name="Inès", email="ines@example.org").claim
        with pytest.raises(ActionRefused, match="Say why"):
            claims.claim_refuse(claim=claim, actor=awarder, reason="  ")
        with pytest.raises(ActionRefused, match="too long"):
            claims.claim_refuse(claim=claim, actor=awarder, reason="x" * 301)
        with django_capture_on_commit_callbacks(execute=True):
            claims.claim_refuse(claim=claim, actor=awarder, reason="Absente ce jour-là")
        claim.refresh_from_db()
        assert claim.status == ClaimStatus.REFUSED
        assert claim.decided_by == awarder
        assert claim.refusal_reason == "Absente ce jour-là"
        # The outbox sends every recorded e-mail: the request's acknowledgement, then this one.
        texts = [message_text(message) for message in smtp_server.wait_for(2)]
        assert sum("Absente ce jour-là" in text for text in texts) == 1
        entry = AuditEntry.objects.get(action="issuing.claim.refused")
        assert entry.data["reason"] == "Absente ce jour-là"
        assert entry.actor == awarder
        assert not Award.objects.exists()

    def test_approve_many(self, published: Any, awarder: Any) -> None:
        link = open_link(published, awarder, requires_approval=True)
        made = [claims.claim_make(link=link, name=f"Personne {n}").claim for n in range(5)]
        summary = claims.claims_approve(
            link=link, actor=awarder, uuids=[str(made[0].uuid), str(made[1].uuid)]
        )
        assert summary.approved == 2
        assert summary.left == 3
        assert not summary.refused
        summary = claims.claims_approve(link=link, actor=awarder)
        assert summary.approved == 3
        assert summary.left == 0
        assert Award.objects.filter(awarded_by=awarder).count() == 5
        assert actions().count("issuing.claim.approved") == 5

    def test_approve_many_reports_what_could_not_be_awarded(
        self, published: Any, awarder: Any
    ) -> None:
        link = open_link(published, awarder, requires_approval=True)
        claims.claim_make(link=link, name="Inès")
        published.status = BadgeStatus.ARCHIVED
        published.save()
        summary = claims.claims_approve(link=link, actor=awarder)
        assert summary.approved == 0
        assert summary.left == 1
        assert summary.refused == ["Inès: Only a published badge can be awarded."]
        assert Claim.objects.get().status == ClaimStatus.PENDING


@pytest.mark.django_db
def test_the_link_is_locked_while_a_claim_is_made(published: Any, awarder: Any) -> None:
    """The count of places and the new claim happen with the link's row locked: ``FOR UPDATE``
    where the database has it (PostgreSQL); SQLite has no row locks, and Blason opens every
    SQLite transaction IMMEDIATE, which takes the database's write lock at once instead."""
    link = open_link(published, awarder, max_claims=10)
    with CaptureQueriesContext(connection) as queries:
        claims.claim_make(link=link, name="Inès")
    link_reads = [q["sql"] for q in queries if 'FROM "issuing_claimlink"' in q["sql"]]
    assert link_reads, "the link is read inside the claim's transaction"
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in link_reads[0]
    else:
        assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    count = [q["sql"] for q in queries if "COUNT(*)" in q["sql"] and "issuing_claim" in q["sql"]]
    assert count, "the places are counted inside the same transaction"
    assert queries.captured_queries.index(
        next(q for q in queries.captured_queries if q["sql"] == link_reads[0])
    ) < queries.captured_queries.index(
        next(q for q in queries.captured_queries if q["sql"] == count[0])
    )


@pytest.mark.django_db(transaction=True)
def test_the_maximum_holds_when_people_claim_at_the_same_time(published: Any, awarder: Any) -> None:
    """Twelve people press the button at the same moment for the last five places."""
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:"):
        # The in-memory test database is shared between threads through SQLite's shared cache,
        # whose table locks fail at once instead of waiting: the claims would fail, not queue.
        pytest.skip("needs a database server or an SQLite file (runs on PostgreSQL in CI)")
    link = open_link(published, awarder, max_claims=5)
    start = threading.Barrier(12)
    outcomes: list[str] = []
    lock = threading.Lock()

    def claim(number: int) -> None:
        try:
            start.wait()
            claims.claim_make(link=link, name=f"Personne {number}", phone=f"+336120000{number:02d}")
            outcome = "claimed"
        except ClaimRefused as exc:
            outcome = exc.state.value
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["claimed"] * 5 + ["full"] * 7
    assert Claim.objects.filter(link=link).count() == 5 == Award.objects.count()
