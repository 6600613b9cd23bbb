"""What a person shows the world: their public page (``/people/<slug>``) and the share page of
each badge they made public (``/shared/<uuid>``).

Nothing is public by default. The page is off until its owner turns it on; a badge appears
on it, and gets a share page, only once its owner made that badge public; a collection only
once it is public, and then with its public badges only. The page shows the name the person
chose for it, never an e-mail address or phone number. Badges awarded on this site already
have their public page (the award's), so their share page is that one.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.text import slugify
from django.utils.translation import gettext as _

from blason.backpack.models import (
    Collection,
    CollectionEntry,
    Item,
    ItemRecipient,
    PublicProfile,
)
from blason.backpack.selectors import HEAVY_FIELDS
from blason.core import audit
from blason.core.exceptions import ActionRefused

# Addresses that would read as the site's own pages rather than someone's.
RESERVED_SLUGS = frozenset({"admin", "blason", "me", "new", "settings", "support", "verify"})
PUBLIC_PAGE_SIZE = 60


def profile_of(user: Any) -> PublicProfile | None:
    return PublicProfile.objects.filter(user=user).first()


def suggested_slug(user: Any) -> str:
    """A free address made from the person's name (never from their e-mail address)."""
    base = slugify(user.display_name)[:40].strip("-") or "badges"
    slug = base
    while slug in RESERVED_SLUGS or PublicProfile.objects.filter(slug=slug).exists():
        slug = f"{base}-{secrets.token_hex(2)}"
    return slug


@transaction.atomic
def profile_save(
    *, user: Any, enabled: bool, name: str, slug: str, headline: str = ""
) -> PublicProfile:
    """Create or change the person's public page. The address must be free; a name is needed
    to turn the page on."""
    name = " ".join(name.split())[:150]
    headline = " ".join(headline.split())[:200]
    slug = slugify(slug)[:60].strip("-")
    if not slug:
        raise ActionRefused(_("Choose an address made of letters, digits and dashes."))
    if slug in RESERVED_SLUGS:
        raise ActionRefused(_("This address is kept for the site. Choose another one."))
    if enabled and not name:
        raise ActionRefused(_("Give the name to show on your page."))
    profile = PublicProfile.objects.select_for_update().filter(user=user).first()
    if PublicProfile.objects.filter(slug=slug).exclude(user=user).exists():
        raise ActionRefused(_("This address is taken. Choose another one."))
    if profile is None:
        profile = PublicProfile(user=user)
    before = (profile.enabled, profile.slug)
    profile.enabled, profile.name, profile.slug, profile.headline = enabled, name, slug, headline
    profile.save()
    audit.record(
        action="backpack.profile.updated",
        actor=user,
        target=profile,
        data={"enabled": enabled, "slug": slug, "was": list(before)},
    )
    return profile


class NotTheirs(ActionRefused):
    """The badge is not provably its owner's: it cannot be made public."""


@transaction.atomic
def item_set_public(*, item: Item, public: bool) -> Item:
    """Make a badge public or private. Only a badge provably the owner's can be made public
    (issue 12: an import of someone else's award must never be published as theirs)."""
    if public and not item.is_owners:
        raise NotTheirs(
            _(
                "This badge was issued to someone else (none of your verified addresses or "
                "phone numbers appears in it): it cannot be made public."
            )
        )
    if item.public != public:
        item.public = public
        Item.objects.filter(uuid=item.uuid).update(public=public)
        audit.record(
            action="backpack.item.published" if public else "backpack.item.unpublished",
            actor=item.owner,
            target=item,
        )
    return item


@transaction.atomic
def collection_set_public(*, collection: Collection, public: bool) -> Collection:
    if collection.public != public:
        collection.public = public
        Collection.objects.filter(uuid=collection.uuid).update(public=public)
        audit.record(
            action="backpack.collection.published" if public else "backpack.collection.unpublished",
            actor=collection.owner,
            target=collection,
        )
    return collection


def public_profile(slug: str) -> PublicProfile:
    """A page that is on; 404 otherwise (as if it did not exist)."""
    profile = PublicProfile.objects.filter(slug=slug, enabled=True).select_related("user").first()
    if profile is None:
        raise Http404
    return profile


def public_items(user: Any) -> QuerySet[Item]:
    """The badges a person made public, most recent first, with what the cards show."""
    return (
        Item.objects.filter(owner=user, public=True, recipient=ItemRecipient.OWNER)
        .defer(*HEAVY_FIELDS)
        .select_related("award__badge")
        .order_by("-issued_at", "-added_at", "-id")
    )


def public_collections(user: Any) -> list[tuple[Collection, list[Item]]]:
    """The person's public collections, each with its public badges in order (2 queries)."""
    entries = (
        CollectionEntry.objects.filter(item__public=True, item__recipient=ItemRecipient.OWNER)
        .select_related("item", "item__award__badge")
        .defer(*(f"item__{field}" for field in HEAVY_FIELDS))
    )
    collections = Collection.objects.filter(owner=user, public=True).prefetch_related(
        Prefetch("entries", queryset=entries, to_attr="public_entries")
    )
    return [
        (collection, [entry.item for entry in collection.public_entries])
        for collection in collections
    ]


def shared_item(item_uuid: Any) -> Item:
    """A badge its owner made public; 404 for any other (private ones do not exist here)."""
    item = (
        Item.objects.filter(uuid=item_uuid, public=True, recipient=ItemRecipient.OWNER)
        .select_related("award__badge", "owner__public_profile")
        .first()
    )
    if item is None:
        raise Http404
    return item


def holder_profile(item: Item) -> PublicProfile | None:
    """The holder's public page, when it is on: the share page names them only then."""
    try:
        profile: PublicProfile = item.owner.public_profile
    except PublicProfile.DoesNotExist:
        return None
    return profile if profile.enabled else None
