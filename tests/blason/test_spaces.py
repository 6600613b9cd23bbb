"""Spaces: creating them, their profile, members and invitations (owners manage, others cannot)."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.urls import reverse

from blason.core.models import AuditEntry, Invitation, Issuer, Membership
from tests.conftest import message_text
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def owner_only_posts(world: Any) -> dict[str, tuple[str, dict[str, str]]]:
    slug = world.org_a.slug
    return {
        "settings": (
            reverse("core:space_settings", args=[slug]),
            {"name": "Hacked", "description": "", "url": "", "email": ""},
        ),
        "invite": (
            reverse("core:member_invite", args=[slug]),
            {"email": "x@example.org", "role": "owner"},
        ),
        "role": (reverse("core:member_role", args=[slug, world.member.uuid]), {"role": "owner"}),
        "remove": (reverse("core:member_remove", args=[slug, world.member.uuid]), {}),
    }


@pytest.mark.parametrize("name", ["settings", "invite", "role", "remove"])
def test_outsider_gets_404_and_member_gets_403(client: Any, world: Any, name: str) -> None:
    url, data = owner_only_posts(world)[name]
    client.force_login(world.outsider)
    assert client.post(url, data).status_code == 404
    client.force_login(world.member)
    assert client.post(url, data).status_code == 403
    world.org_a.refresh_from_db()
    assert world.org_a.name == "Organisation A"
    assert Membership.objects.get(issuer=world.org_a, user=world.member).role == "viewer"


def test_settings_page_is_for_owners(client: Any, world: Any) -> None:
    url = reverse("core:space_settings", args=[world.org_a.slug])
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    client.force_login(world.member)
    assert client.get(url).status_code == 403
    client.force_login(world.admin)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "Organisation A+",
            "description": "Nous",
            "url": "",
            "email": "contact@example.org",
        },
    )
    assert response.status_code == 302
    world.org_a.refresh_from_db()
    assert (world.org_a.name, world.org_a.email) == ("Organisation A+", "contact@example.org")
    assert AuditEntry.objects.filter(action="core.issuer.updated", issuer=world.org_a).exists()


def test_create_an_organisation_space(client: Any) -> None:
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("core:space_create")).status_code == 200
    response = client.post(
        reverse("core:space_create"),
        {
            "kind": "community",
            "name": "Collectif du jeudi",
            "description": "",
            "url": "",
            "email": "",
        },
    )
    issuer = Issuer.objects.get(name="Collectif du jeudi")
    assert response["Location"] == reverse("issuing:space", args=[issuer.slug])
    assert issuer.kind == "community"
    assert Membership.objects.get(issuer=issuer, user=user).role == "owner"


def test_personal_space_is_created_once(client: Any) -> None:
    user = UserFactory(display_name="Nour")
    client.force_login(user)
    first = client.post(reverse("core:personal_space"))
    second = client.post(reverse("core:personal_space"))
    assert first["Location"] == second["Location"]
    issuer = Issuer.objects.get(kind="individual", memberships__user=user)
    assert issuer.name == "Nour"


def test_invitation_by_email_then_accept(
    client: Any, world: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("core:member_invite", args=[world.org_a.slug]),
            {"email": "Dana@Example.org", "role": "awarder"},
        )
    assert response.status_code == 302
    (mail,) = smtp_server.wait_for(1)
    assert "Organisation A" in mail["Subject"]
    link = re.search(r"http://testserver(/invitations/\S+/)", message_text(mail))
    assert link
    page = client.get(reverse("core:issuer_members", args=[world.org_a.slug]))
    assert b"dana@example.org" in page.content

    dana = UserFactory(email="dana@example.org")
    client.force_login(dana)
    assert client.get(link.group(1)).status_code == 200
    response = client.post(link.group(1))
    assert response["Location"] == reverse("issuing:space", args=[world.org_a.slug])
    assert Membership.objects.get(issuer=world.org_a, user=dana).role == "awarder"
    assert client.post(link.group(1)).status_code == 410  # used once
    assert AuditEntry.objects.filter(action="core.invitation.accepted", actor=dana).exists()


def test_invitation_needs_sign_in_to_accept(client: Any, world: Any) -> None:
    invitation = Invitation.objects.create(issuer=world.org_a, email="e@example.org", role="viewer")
    url = reverse("core:invitation", args=[invitation.token])
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response["Location"].startswith(reverse("account_login"))
    assert not Membership.objects.filter(issuer=world.org_a, user__email="e@example.org").exists()


def test_expired_and_unknown_invitations(client: Any, world: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    invitation = Invitation.objects.create(
        issuer=world.org_a,
        email="e@example.org",
        role="viewer",
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    client.force_login(world.outsider)
    assert client.post(reverse("core:invitation", args=[invitation.token])).status_code == 410
    assert client.get(reverse("core:invitation", args=[uuid.uuid4()])).status_code == 404
    assert not Membership.objects.filter(issuer=world.org_a, user=world.outsider).exists()


def test_inviting_a_member_again_is_refused(client: Any, world: Any) -> None:
    client.force_login(world.admin)
    client.post(
        reverse("core:member_invite", args=[world.org_a.slug]),
        {"email": world.member.email, "role": "owner"},
    )
    assert not Invitation.objects.exists()


def test_owner_changes_roles_and_removes_members(client: Any, world: Any) -> None:
    client.force_login(world.admin)
    slug = world.org_a.slug
    client.post(reverse("core:member_role", args=[slug, world.member.uuid]), {"role": "editor"})
    assert Membership.objects.get(issuer=world.org_a, user=world.member).role == "editor"
    client.post(reverse("core:member_remove", args=[slug, world.member.uuid]))
    assert not Membership.objects.filter(issuer=world.org_a, user=world.member).exists()


def test_the_last_owner_stays(client: Any, world: Any) -> None:
    client.force_login(world.admin)
    slug = world.org_a.slug
    response = client.post(
        reverse("core:member_role", args=[slug, world.admin.uuid]),
        {"role": "viewer"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "at least one owner" in response.text
    client.post(reverse("core:member_remove", args=[slug, world.admin.uuid]))
    assert Membership.objects.get(issuer=world.org_a, user=world.admin).role == "owner"


def test_members_of_another_space_cannot_be_targeted(client: Any, world: Any) -> None:
    client.force_login(world.admin)
    url = reverse("core:member_remove", args=[world.org_a.slug, world.outsider.uuid])
    assert client.post(url).status_code == 404
    assert Membership.objects.filter(issuer=world.org_b, user=world.outsider).exists()


def test_an_owner_invitation_cannot_be_taken_by_another_account(client: Any, world: Any) -> None:
    """The attack of issue 12: an owner invitation sent to one address, accepted by another
    account that then removed the founding owner."""
    invitation = Invitation.objects.create(
        issuer=world.org_a, email="co-owner@example.org", role="owner", invited_by=world.admin
    )
    url = reverse("core:invitation", args=[invitation.token])
    mallory = UserFactory(email="mallory@example.org")
    client.force_login(mallory)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 403
    assert "This invitation was sent to another address" in page.text
    assert "co-owner@example.org" in page.text
    assert "Join the space" not in page.text
    response = client.post(url, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 403
    assert "Cette invitation a été envoyée à une autre adresse" in response.text
    assert not Membership.objects.filter(issuer=world.org_a, user=mallory).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    # So the founding owner cannot be removed by that account.
    removal = client.post(reverse("core:member_remove", args=[world.org_a.slug, world.admin.uuid]))
    assert removal.status_code == 404
    assert Membership.objects.get(issuer=world.org_a, user=world.admin).role == "owner"


def test_an_unverified_copy_of_the_address_is_not_enough(client: Any, world: Any) -> None:
    from allauth.account.models import EmailAddress

    invitation = Invitation.objects.create(
        issuer=world.org_a, email="co-owner@example.org", role="owner"
    )
    url = reverse("core:invitation", args=[invitation.token])
    mallory = UserFactory(email="mallory@example.org")
    # Anyone can type an address into their account; only confirming it proves it is theirs.
    address = EmailAddress.objects.create(user=mallory, email="Co-Owner@example.org")
    client.force_login(mallory)
    response = client.post(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "not confirmed yet" in response.text
    assert not Membership.objects.filter(issuer=world.org_a, user=mallory).exists()

    address.verified = True
    address.save()
    response = client.post(url)
    assert response["Location"] == reverse("issuing:space", args=[world.org_a.slug])
    assert Membership.objects.get(issuer=world.org_a, user=mallory).role == "owner"


def test_the_service_refuses_too(world: Any) -> None:
    from blason.core import services

    invitation = Invitation.objects.create(issuer=world.org_a, email="e@example.org", role="owner")
    with pytest.raises(services.InvitationForAnotherAddress):
        services.invitation_accept(invitation=invitation, user=world.outsider)
    assert not Membership.objects.filter(issuer=world.org_a, user=world.outsider).exists()


@pytest.mark.django_db(transaction=True)
def test_two_owners_removing_each_other_at_once_leave_one(world: Any) -> None:
    """Each sees another owner, so each removal alone is allowed; together they would leave
    the space without an owner. The space's row is locked: the second one is refused."""
    import threading

    from django.db import connection, connections

    from blason.core import services
    from blason.core.exceptions import ActionRefused

    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:"):
        pytest.skip("needs a database server or an SQLite file (runs on PostgreSQL in CI)")
    second = UserFactory()
    Membership.objects.create(issuer=world.org_a, user=second, role="owner")
    first_membership = Membership.objects.get(issuer=world.org_a, user=world.admin)
    second_membership = Membership.objects.get(issuer=world.org_a, user=second)
    for _round in range(5):
        start = threading.Barrier(2)
        outcomes: list[str] = []

        def remove(
            membership: Membership,
            actor: Any,
            start: threading.Barrier = start,
            outcomes: list[str] = outcomes,
        ) -> None:
            try:
                start.wait()
                services.membership_remove(membership=membership, actor=actor)
                outcomes.append("removed")
            except ActionRefused:
                outcomes.append("refused")
            finally:
                connections.close_all()

        threads = [
            threading.Thread(target=remove, args=(first_membership, second)),
            threading.Thread(target=remove, args=(second_membership, world.admin)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert sorted(outcomes) == ["refused", "removed"]
        owners = list(Membership.objects.filter(issuer=world.org_a, role="owner"))
        assert len(owners) == 1
        # Put the removed owner back for the next round.
        gone = first_membership if owners[0].user_id == second.pk else second_membership
        gone.pk = None
        gone.save()
        if gone.user_id == world.admin.pk:
            first_membership = gone
        else:
            second_membership = gone


def test_adding_the_last_owner_again_with_another_role_is_refused(world: Any) -> None:
    from blason.core import services
    from blason.core.exceptions import ActionRefused

    with pytest.raises(ActionRefused):
        services.membership_add(
            issuer=world.org_a, user=world.admin, role="viewer", actor=world.admin
        )
    assert Membership.objects.get(issuer=world.org_a, user=world.admin).role == "owner"
