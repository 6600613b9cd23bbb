"""Every view that shows tenant data: members see it, outsiders get 404, missing roles get 403."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def tenant_urls(world: Any) -> dict[str, str]:
    slug = world.org_a.slug
    return {
        "issuer": reverse("issuing:space", args=[slug]),
        "members": reverse("core:issuer_members", args=[slug]),
        "activity": reverse("core:issuer_activity", args=[slug]),
        "badge": reverse("issuing:badge", args=[slug, world.badge_a.uuid]),
    }


@pytest.mark.parametrize("name", ["issuer", "members", "activity", "badge"])
def test_outsider_gets_404(client: Any, world: Any, name: str) -> None:
    client.force_login(world.outsider)
    response = client.get(tenant_urls(world)[name])
    assert response.status_code == 404
    assert b"Organisation A" not in response.content


@pytest.mark.parametrize("name", ["issuer", "members", "activity", "badge"])
def test_anonymous_is_sent_to_login(client: Any, world: Any, name: str) -> None:
    response = client.get(tenant_urls(world)[name])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", ["issuer", "members", "badge"])
def test_member_sees_pages(client: Any, world: Any, name: str) -> None:
    client.force_login(world.member)
    response = client.get(tenant_urls(world)[name])
    assert response.status_code == 200
    assert b"Organisation A" in response.content or b"Badge A" in response.content


def test_member_without_owner_role_gets_403_on_activity(client: Any, world: Any) -> None:
    client.force_login(world.member)
    response = client.get(tenant_urls(world)["activity"])
    assert response.status_code == 403


def test_owner_sees_activity_with_htmx_paging(client: Any, world: Any) -> None:
    from blason.core import audit

    for number in range(60):
        audit.record(
            action="test.thing.done", actor=world.admin, issuer=world.org_a, data={"n": number}
        )
    audit.record(action="test.other.done", actor=world.outsider, issuer=world.org_b)
    client.force_login(world.admin)
    response = client.get(tenant_urls(world)["activity"])
    assert response.status_code == 200
    assert response.content.count(b"test.thing.done") == 50
    assert b"test.other.done" not in response.content
    partial = client.get(tenant_urls(world)["activity"] + "?page=2", HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert partial.content.count(b"test.thing.done") == 10
    assert b"<html" not in partial.content


def test_badge_of_another_issuer_is_404_even_through_own_space(client: Any, world: Any) -> None:
    client.force_login(world.admin)
    url = reverse("issuing:badge", args=[world.org_a.slug, world.badge_b.uuid])
    assert client.get(url).status_code == 404


def test_dashboard_lists_only_own_spaces(client: Any, world: Any) -> None:
    client.force_login(world.member)
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 200
    assert b"Organisation A" in response.content
    assert b"Organisation B" not in response.content


def test_dashboard_runs_a_bounded_number_of_queries(
    client: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    from tests.factories import BadgeFactory, IssuerFactory, MembershipFactory

    for _ in range(15):
        issuer = IssuerFactory()
        MembershipFactory(issuer=issuer, user=world.member)
        BadgeFactory.create_batch(3, issuer=issuer)
    client.force_login(world.member)
    # 6 for the page, at most 5 for the count of badge requests waiting for the person
    # (peers.selectors.requests_to_validate, bounded whatever the number of requests).
    with django_assert_max_num_queries(11):
        response = client.get(reverse("core:dashboard"))
    assert response.content.count(b'class="card"') >= 16


def test_issuer_pages_run_a_bounded_number_of_queries(
    client: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    from tests.factories import BadgeFactory, MembershipFactory

    BadgeFactory.create_batch(30, issuer=world.org_a)
    MembershipFactory.create_batch(30, issuer=world.org_a)
    client.force_login(world.admin)
    for name in ("issuer", "members", "activity"):
        with django_assert_max_num_queries(8):
            assert client.get(tenant_urls(world)[name]).status_code == 200


def test_role_helper_orders_roles() -> None:
    from blason.core.access import role_at_least

    assert role_at_least("owner", "viewer")
    assert role_at_least("awarder", "awarder")
    assert not role_at_least("viewer", "editor")
