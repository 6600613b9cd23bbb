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
    assert response["Location"] == reverse("core:issuer", args=[issuer.slug])
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
    assert response["Location"] == reverse("core:issuer", args=[world.org_a.slug])
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
