"""Awarding a badge: the signed credential, the public page, baked downloads, verification and
revocation, all checked with obcore against what the site serves."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from blason.core.models import AuditEntry
from blason.issuing.awarding import bulk, credentials
from blason.issuing.awarding import services as awards
from blason.issuing.documents.local_fetch import LocalFetcher
from blason.issuing.models import Award
from obcore import baking
from obcore.verify import State, verify_credential
from tests.conftest import message_text

pytestmark = pytest.mark.django_db


def award_url(world: Any, badge: Any) -> str:
    return reverse("issuing:award_new", args=[world.org_a.slug, badge.uuid])


def test_award_flow(
    client: Any,
    world: Any,
    published: Any,
    smtp_server: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            award_url(world, published),
            {"email": "Samir@Example.org", "name": "Samir"},
            HTTP_ACCEPT_LANGUAGE="fr",
        )
    award = Award.objects.get()
    assert response["Location"] == reverse("award_public", args=[award.uuid])
    (mail,) = smtp_server.wait_for(1)
    assert mail["To"] == "samir@example.org"
    assert "Accueil du public" in mail["Subject"]
    assert credentials.award_url(award) in message_text(mail)

    served = client.get(f"/awards/{award.uuid}", HTTP_ACCEPT="application/ld+json")
    assert served.content.decode() == award.credential  # byte for byte, as signed
    report = verify_credential(
        award.credential, fetcher=LocalFetcher(), recipient="samir@example.org"
    )
    assert report.state is State.VALID, report.checks

    page = client.get(f"/awards/{award.uuid}", HTTP_ACCEPT="text/html")
    assert "Samir" in page.text
    assert 'property="og:title"' in page.text
    verdict = client.get(reverse("award_verify", args=[award.uuid]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Valid badge" in verdict.text

    for extension in ("png", "svg"):
        image = client.get(reverse("award_image", args=[award.uuid, extension]))
        assert image.status_code == 200
        extracted = baking.extract(image.content)
        assert extracted.payload == award.credential
        assert verify_credential(image.content, fetcher=LocalFetcher()).state is State.VALID
    assert AuditEntry.objects.filter(action="issuing.award.issued", issuer=world.org_a).exists()


def test_revocation_is_seen_by_verifiers(client: Any, world: Any, published: Any) -> None:
    award = awards.award_issue(badge=published, actor=world.admin, email="a@example.org")
    assert verify_credential(award.credential, fetcher=LocalFetcher()).state is State.VALID
    client.force_login(world.admin)
    url = reverse("issuing:award_revoke", args=[world.org_a.slug, award.uuid])
    client.post(url, {"reason": "Erreur de destinataire"})
    award.refresh_from_db()
    assert award.revoked_at is not None
    report = verify_credential(award.credential, fetcher=LocalFetcher())
    assert report.state is State.REVOKED
    status_list = client.get(f"/issuers/{world.org_a.uuid}/status/1")
    assert status_list["Content-Type"] == "application/vc+ld+json"
    assert json.loads(status_list.content)["proof"]
    page = client.get(f"/awards/{award.uuid}", HTTP_ACCEPT="text/html", HTTP_ACCEPT_LANGUAGE="en")
    assert "Erreur de destinataire" in page.text


def test_expiry_from_the_badge_validity(world: Any, published: Any) -> None:
    published.validity, published.validity_days = "duration", 30
    published.save()
    award = awards.award_issue(badge=published, actor=world.admin, email="b@example.org")
    credential = json.loads(award.credential)
    assert credential["validUntil"] > credential["validFrom"]
    assert award.valid_until is not None


def test_only_published_badges_are_awarded(client: Any, world: Any) -> None:
    world.badge_a.status = "draft"
    world.badge_a.save()
    client.force_login(world.admin)
    response = client.post(
        award_url(world, world.badge_a),
        {"email": "x@example.org"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Only a published badge can be awarded." in response.text
    assert not Award.objects.exists()


def test_roles_and_tenants(client: Any, world: Any, published: Any) -> None:
    client.force_login(world.outsider)
    assert client.post(award_url(world, published), {"email": "x@example.org"}).status_code == 404
    client.force_login(world.member)  # a viewer
    assert client.post(award_url(world, published), {"email": "x@example.org"}).status_code == 403
    award = awards.award_issue(badge=published, actor=world.admin, email="c@example.org")
    revoke = reverse("issuing:award_revoke", args=[world.org_a.slug, award.uuid])
    assert client.post(revoke, {"reason": "x"}).status_code == 403
    client.force_login(world.outsider)
    assert client.post(revoke, {"reason": "x"}).status_code == 404
    other = reverse("issuing:award_revoke", args=[world.org_b.slug, award.uuid])
    assert client.post(other, {"reason": "x"}).status_code == 404  # not org B's award
    award.refresh_from_db()
    assert award.revoked_at is None
    assert not Award.objects.filter(recipient_email="x@example.org").exists()


def test_award_pages_run_a_bounded_number_of_queries(
    client: Any, world: Any, published: Any, django_assert_max_num_queries: Any
) -> None:
    award = awards.award_issue(badge=published, actor=world.admin, email="d@example.org")
    with django_assert_max_num_queries(3):
        client.get(f"/awards/{award.uuid}", HTTP_ACCEPT="application/ld+json")


def test_awards_carry_their_proof_in_an_array(world: Any, published: Any) -> None:
    """OB 3.0 JSON: "proof" is a sequence, so an array, one by one and in bulk; the whole
    credential, proof included, passes the OB 3.0 schema."""
    from obcore.schemas import schema_problems

    one = awards.award_issue(badge=published, actor=world.admin, email="lea@example.org")
    many = bulk.award_many(
        badge=published,
        actor=world.admin,
        recipients=[bulk.Recipient(email=f"p{n}@example.org") for n in range(3)],
        notify=False,
    )
    for award in [one, *many]:
        credential = json.loads(award.credential)
        assert isinstance(credential["proof"], list)
        assert len(credential["proof"]) == 1
        assert schema_problems(credential, "AchievementCredential") == []
        assert verify_credential(award.credential, fetcher=LocalFetcher()).valid
