"""Keeping and organising: the list (bounded queries, filters), each badge's page, notes,
hiding, collections in order, re-checks (task, command, opportunistic), and nobody else ever
seeing another earner's badges or collections."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from blason.backpack import claims, imports, services
from blason.backpack.models import Collection, CollectionEntry, Item
from blason.core.models import AuditEntry
from blason.issuing.awarding import services as awards
from tests.blason import other_platforms as op

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings: Any) -> None:
    """Background tasks run in the test (set through ``settings`` so the task backends are
    rebuilt, whatever was configured before)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def imported(user: Any, number: int = 1, **extra: Any) -> Item:
    return imports.import_badge(user=user, text=op.data_integrity(number=number, **extra).payload)


def collected(user: Any, badge: Any, admin: Any) -> Item:
    award = awards.award_issue(badge=badge, actor=admin, phone="+33612345678")
    return claims.claim_award(user=user, code=award.claim_code or "").item


@pytest.fixture
def lea(world: Any) -> Any:
    return world.member


def test_list_shows_badges_with_their_status(client: Any, world: Any, published: Any) -> None:
    mine = collected(world.member, published, world.admin)
    expired = imported(world.member, 2, validUntil="2026-02-01T00:00:00Z")
    client.force_login(world.member)
    page = client.get(reverse("backpack:list"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert mine.name in page.text
    assert "Valid" in page.text
    assert "Expired" in page.text
    assert expired.status == "expired"
    only_expired = client.get(
        reverse("backpack:list"), {"status": "expired"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert reverse("backpack:item", args=[expired.uuid]) in only_expired.text
    assert reverse("backpack:item", args=[mine.uuid]) not in only_expired.text
    search = client.get(reverse("backpack:list"), {"q": "accueil"})
    assert reverse("backpack:item", args=[mine.uuid]) in search.text
    assert reverse("backpack:item", args=[expired.uuid]) not in search.text


def test_list_runs_a_bounded_number_of_queries(
    client: Any, world: Any, published: Any, django_assert_max_num_queries: Any
) -> None:
    collection = services.collection_create(user=world.member, name="Emploi")
    for number in range(30):
        item = imported(world.member, number + 10)
        if number % 2:
            services.item_set_collections(item=item, collections=[collection])
    collected(world.member, published, world.admin)
    client.force_login(world.member)
    for query in ({}, {"status": "valid"}, {"collection": str(collection.uuid)}, {"q": "x"}):
        with django_assert_max_num_queries(14):  # 12, and the person's pathways (2: pathways)
            response = client.get(reverse("backpack:list"), query)
        assert response.status_code == 200


def test_item_page_shows_report_recipient_and_tools(client: Any, world: Any) -> None:
    item = imports.import_badge(
        user=world.admin, text=op.data_integrity(number=5, email="alice@example.org").payload
    )
    client.force_login(world.admin)
    page = client.get(reverse("backpack:item", args=[item.uuid]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Valid badge" in page.text
    assert "The signature is valid" in page.text
    assert "it was awarded to your address alice@example.org" in page.text
    assert "hx-trigger" not in page.text  # checked just now: no new check on opening
    other = imported(world.admin, 6)  # awarded to lea@example.org
    page = client.get(reverse("backpack:item", args=[other.uuid]), HTTP_ACCEPT_LANGUAGE="en")
    assert "none of the verified addresses" in page.text


def test_note_hide_and_show(client: Any, world: Any) -> None:
    item = imported(world.member)
    client.force_login(world.member)
    client.post(reverse("backpack:item_note", args=[item.uuid]), {"note": "  Forum de mars  "})
    item.refresh_from_db()
    assert item.note == "Forum de mars"
    too_long = client.post(reverse("backpack:item_note", args=[item.uuid]), {"note": "x" * 2001})
    assert too_long.status_code == 302
    item.refresh_from_db()
    assert item.note == "Forum de mars"
    client.post(reverse("backpack:item_visibility", args=[item.uuid]), {"hidden": "1"})
    item.refresh_from_db()
    assert item.hidden
    listing = client.get(reverse("backpack:list"))
    assert reverse("backpack:item", args=[item.uuid]) not in listing.text
    hidden = client.get(reverse("backpack:list"), {"hidden": "1"})
    assert reverse("backpack:item", args=[item.uuid]) in hidden.text
    client.post(reverse("backpack:item_visibility", args=[item.uuid]), {"hidden": "0"})
    item.refresh_from_db()
    assert not item.hidden
    assert not item.public  # sharing is opt-in, never by default
    assert AuditEntry.objects.filter(action="backpack.item.updated").count() == 3


def test_collections_create_rename_order_and_delete(client: Any, world: Any) -> None:
    first, second, third = (imported(world.member, n) for n in (1, 2, 3))
    client.force_login(world.member)
    response = client.post(reverse("backpack:collections"), {"name": "Recherche d'emploi"})
    jobs = Collection.objects.get(name="Recherche d'emploi")
    assert response["Location"] == reverse("backpack:collection", args=[jobs.uuid])
    duplicate = client.post(
        reverse("backpack:collections"), {"name": "recherche d'emploi"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert duplicate.status_code == 400
    assert "already have a collection" in duplicate.text
    client.post(reverse("backpack:collections"), {"name": "Bénévolat"})
    volunteering = Collection.objects.get(name="Bénévolat")
    for item in (first, second, third):
        client.post(
            reverse("backpack:item_collections", args=[item.uuid]),
            {"collections": [str(jobs.uuid)]},
        )
    client.post(
        reverse("backpack:item_collections", args=[first.uuid]),
        {"collections": [str(jobs.uuid), str(volunteering.uuid)]},
    )
    assert set(first.collections.all()) == {jobs, volunteering}
    order = lambda: [  # noqa: E731
        e.item_id for e in CollectionEntry.objects.filter(collection=jobs)
    ]
    assert order() == [first.pk, second.pk, third.pk]
    client.post(reverse("backpack:entry_move", args=[jobs.uuid, third.uuid]), {"direction": "up"})
    assert order() == [first.pk, third.pk, second.pk]
    page = client.get(reverse("backpack:list"), {"collection": str(jobs.uuid)})
    positions = [page.text.index(reverse("backpack:item", args=[i.uuid])) for i in (first, third)]
    assert positions == sorted(positions)
    client.post(reverse("backpack:entry_remove", args=[jobs.uuid, second.uuid]))
    assert order() == [first.pk, third.pk]
    client.post(reverse("backpack:collection_move", args=[volunteering.uuid]), {"direction": "up"})
    assert list(Collection.objects.filter(owner=world.member)) == [volunteering, jobs]
    client.post(
        reverse("backpack:collection", args=[jobs.uuid]),
        {"name": "Emploi", "description": "Pour les recruteurs"},
    )
    jobs.refresh_from_db()
    assert (jobs.name, jobs.description) == ("Emploi", "Pour les recruteurs")
    client.post(reverse("backpack:collection_delete", args=[jobs.uuid]))
    assert not Collection.objects.filter(pk=jobs.pk).exists()
    assert Item.objects.filter(owner=world.member).count() == 3  # the badges stay


def test_a_collection_of_someone_else_cannot_be_used(client: Any, world: Any) -> None:
    item = imported(world.member)
    theirs = services.collection_create(user=world.outsider, name="À moi")
    client.force_login(world.member)
    response = client.post(
        reverse("backpack:item_collections", args=[item.uuid]),
        {"collections": [str(theirs.uuid)]},
    )
    assert response.status_code == 302
    assert not CollectionEntry.objects.exists()


def test_recheck_sees_a_revocation(client: Any, world: Any, published: Any) -> None:
    item = collected(world.member, published, world.admin)
    assert item.status == "valid"
    awards.award_revoke(award=item.award, actor=world.admin, reason="Erreur")
    client.force_login(world.member)
    response = client.post(
        reverse("backpack:item_check", args=[item.uuid]),
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Revoked badge" in response.text
    item.refresh_from_db()
    assert item.status == "revoked"
    assert AuditEntry.objects.filter(action="backpack.item.status_changed").exists()


def test_an_old_check_is_renewed_after_the_page_is_shown(client: Any, world: Any) -> None:
    item = imported(world.member)
    Item.objects.filter(pk=item.pk).update(checked_at=timezone.now() - timedelta(days=2))
    client.force_login(world.member)
    page = client.get(reverse("backpack:item", args=[item.uuid]), HTTP_ACCEPT_LANGUAGE="en")
    check_url = reverse("backpack:item_check", args=[item.uuid])
    assert f'hx-post="{check_url}" hx-trigger="load"' in page.text
    assert "Checking again" in page.text
    client.post(check_url, HTTP_HX_REQUEST="true")
    item.refresh_from_db()
    assert item.checked_at is not None
    assert item.checked_at > timezone.now() - timedelta(minutes=1)


def test_recheck_command_queues_only_old_checks(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    fresh, old, never = (imported(world.member, n) for n in (1, 2, 3))
    long_ago = timezone.now() - timedelta(hours=30)
    Item.objects.filter(pk=old.pk).update(checked_at=long_ago)
    Item.objects.filter(pk=never.pk).update(checked_at=None, status="pending")
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # tasks start once committed
        call_command("recheck_badges", "--older-than", "24", stdout=out)
    assert "2 badge(s) queued for checking in 1 task(s)." in out.getvalue()
    old.refresh_from_db()
    never.refresh_from_db()
    fresh_checked = Item.objects.get(pk=fresh.pk).checked_at
    assert old.checked_at is not None
    assert old.checked_at > long_ago
    assert never.status == "valid"
    assert fresh_checked == fresh.checked_at


def test_remove_a_badge(client: Any, world: Any) -> None:
    item = imported(world.member)
    client.force_login(world.member)
    confirm = client.get(reverse("backpack:item_remove", args=[item.uuid]))
    assert confirm.status_code == 200
    response = client.post(reverse("backpack:item_remove", args=[item.uuid]))
    assert response["Location"] == reverse("backpack:list")
    assert not Item.objects.exists()


def item_urls(item: Item, collection: Collection) -> dict[str, tuple[str, str]]:
    return {
        "item": ("get", reverse("backpack:item", args=[item.uuid])),
        "check": ("post", reverse("backpack:item_check", args=[item.uuid])),
        "note": ("post", reverse("backpack:item_note", args=[item.uuid])),
        "visibility": ("post", reverse("backpack:item_visibility", args=[item.uuid])),
        "collections": ("post", reverse("backpack:item_collections", args=[item.uuid])),
        "remove": ("post", reverse("backpack:item_remove", args=[item.uuid])),
        "image": ("get", reverse("backpack:item_image", args=[item.uuid])),
        "download": ("get", reverse("backpack:item_download", args=[item.uuid])),
        "certificate": ("get", reverse("backpack:item_certificate", args=[item.uuid])),
        "collection": ("get", reverse("backpack:collection", args=[collection.uuid])),
        "collection_edit": ("post", reverse("backpack:collection", args=[collection.uuid])),
        "collection_delete": (
            "post",
            reverse("backpack:collection_delete", args=[collection.uuid]),
        ),
        "collection_move": ("post", reverse("backpack:collection_move", args=[collection.uuid])),
        "entry_move": ("post", reverse("backpack:entry_move", args=[collection.uuid, item.uuid])),
        "entry_remove": (
            "post",
            reverse("backpack:entry_remove", args=[collection.uuid, item.uuid]),
        ),
        "list_of_collection": ("get", f"{reverse('backpack:list')}?collection={collection.uuid}"),
    }


@pytest.fixture
def private(world: Any) -> tuple[Item, Collection]:
    item = imports.import_badge(
        user=world.member, content=op.baked_png(op.data_integrity().payload), file_name="b.png"
    )
    services.item_update(item=item, note="Mon secret")
    collection = services.collection_create(user=world.member, name="Ma collection privée")
    services.item_set_collections(item=item, collections=[collection])
    return item, collection


NAMES = [
    "item",
    "check",
    "note",
    "visibility",
    "collections",
    "remove",
    "image",
    "download",
    "certificate",
    "collection",
    "collection_edit",
    "collection_delete",
    "collection_move",
    "entry_move",
    "entry_remove",
    "list_of_collection",
]


@pytest.mark.parametrize("name", NAMES)
def test_another_earner_gets_404_and_changes_nothing(
    client: Any, world: Any, private: tuple[Item, Collection], name: str
) -> None:
    item, collection = private
    method, url = item_urls(item, collection)[name]
    client.force_login(world.outsider)
    data = {"note": "pirate", "hidden": "1", "name": "x"} if method == "post" else None
    response = getattr(client, method)(url, data)
    assert response.status_code == 404
    assert b"Mon secret" not in response.content
    assert b"Ma collection" not in response.content
    item.refresh_from_db()
    assert (item.note, item.hidden) == ("Mon secret", False)
    assert Collection.objects.filter(pk=collection.pk, name="Ma collection privée").exists()


@pytest.mark.parametrize("name", NAMES)
def test_anonymous_is_sent_to_sign_in(
    client: Any, private: tuple[Item, Collection], name: str
) -> None:
    method, url = item_urls(*private)[name]
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_lists_never_show_another_earners_badges(
    client: Any, world: Any, private: tuple[Item, Collection]
) -> None:
    item, collection = private
    client.force_login(world.outsider)
    for url in (
        reverse("backpack:list"),
        reverse("backpack:list") + "?hidden=1",
        reverse("backpack:collections"),
        reverse("backpack:identities"),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert str(item.uuid) not in response.text
        assert str(collection.uuid) not in response.text
        assert "Ma collection" not in response.text
        assert world.member.email not in response.text
    assert client.get(reverse("backpack:list") + "?collection=not-a-uuid").status_code == 404
