"""The earner's backpack: the badges a person keeps, the collections they sort them into, and
the questions "is this badge yours?" about badges awarded to their identities under another
name.

An ``Item`` is one badge in one person's backpack: collected from an award made on this site
(by claim code, or automatically because it was issued to one of the person's verified
identities), or imported from anywhere. What was received is kept byte for byte (``received``)
next to the credential read from it (``credential``, the JSON text or compact JWS exactly as
found); the names and dates shown are read from the credential once, and the status is what
the last verification said.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any
from urllib.parse import unquote

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Answer(models.TextChoices):
    WAITING = "", _("Not answered yet")
    YES = "yes", _("Yes, it is mine")
    NO = "no", _("No, it is not me")


class AwardQuestion(models.Model):
    """The question "Is this badge yours?": an award of this site made to one of the person's
    verified e-mail addresses or phone numbers, under a name that is not their account's: a typo, a
    number that changed hands, or simply a nickname. It reaches their backpack only once they
    say yes; after a no it is never offered to them again (and the issuer is not told)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="award_questions"
    )
    award = models.ForeignKey("issuing.Award", on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(max_length=3, choices=Answer.choices, blank=True, default="")
    asked_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("question about a badge")
        verbose_name_plural = _("questions about badges")
        ordering = ["asked_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "award"], name="backpack_question_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} / {self.award_id}: {self.answer or '?'}"


class ItemSource(models.TextChoices):
    AWARD = "award", _("Awarded on this site")
    IMPORT = "import", _("Imported")


class ItemStatus(models.TextChoices):
    """obcore's verification states, plus "not checked yet"."""

    PENDING = "pending", _("Not checked yet")
    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")
    SUSPENDED = "suspended", _("Suspended")
    NOT_YET_VALID = "not_yet_valid", _("Not valid yet")
    INVALID = "invalid", _("Not valid")
    UNVERIFIABLE = "unverifiable", _("Cannot be checked")


# The groups the list filters and colours by (group → the states it gathers).
STATUS_GROUPS: dict[str, tuple[str, ...]] = {
    "valid": (ItemStatus.VALID,),
    "expired": (ItemStatus.EXPIRED,),
    "revoked": (ItemStatus.REVOKED, ItemStatus.SUSPENDED),
    "unverifiable": (
        ItemStatus.UNVERIFIABLE,
        ItemStatus.INVALID,
        ItemStatus.NOT_YET_VALID,
        ItemStatus.PENDING,
    ),
}


class ItemRecipient(models.TextChoices):
    """Whose badge it is, as far as the account can prove (``recipients``)."""

    # Its recipient is one of the owner's verified identities, or it was collected with the
    # claim code only its recipient was given.
    OWNER = "owner", _("Awarded to you")
    # Nothing proves it is the owner's: kept, but never shown, certified or published as
    # theirs.
    OTHER = "other", _("Issued to someone else")


def credential_identity(credential_key: str, issuer_id: str) -> str:
    """What makes a credential the same one: its id and its issuer's id, each compared after
    percent-decoding and trimming (Open Badges 3.0 "credential equality"), as one digest."""
    text = unquote(credential_key).strip() + "\n" + unquote(issuer_id).strip()
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ReceivedFormat(models.TextChoices):
    PNG = "png", _("PNG image")
    SVG = "svg", _("SVG image")
    JSON = "json", _("JSON file or text")
    JWS = "jws", _("JWS / JWT")
    URL = "url", _("Web address")
    SITE = "site", _("Awarded on this site")


class Item(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="backpack_items"
    )
    source = models.CharField(max_length=10, choices=ItemSource.choices)
    award = models.ForeignKey(
        "issuing.Award",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="backpack_items",
    )
    # Exactly what was received: the uploaded file, the pasted text, or the body fetched from
    # ``source_url``. Private to the owner, so it is kept in the database, not in public media.
    received = models.BinaryField(editable=False)
    received_format = models.CharField(max_length=10, choices=ReceivedFormat.choices)
    received_name = models.CharField(max_length=255, blank=True)
    received_sha256 = models.CharField(max_length=64)
    source_url = models.URLField(max_length=2000, blank=True)
    # The credential as found in what was received: JSON text or a compact JWS, never re-encoded.
    credential = models.TextField()
    # The credential's id (OB 3.0 ``id``, OB 2.0 assertion ``id``), or a digest when it has none.
    credential_key = models.CharField(max_length=500)
    # ``credential_identity(credential_key, issuer_id)``: one person keeps a credential once, and
    # two credentials with the same id from different issuers are different credentials.
    identity = models.CharField(max_length=64, editable=False)
    version = models.CharField(max_length=5, blank=True)
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    criteria = models.TextField(_("criteria"), blank=True)
    issuer_name = models.CharField(_("issuer"), max_length=300, blank=True)
    issuer_id = models.CharField(max_length=2000, blank=True)
    issuer_url = models.URLField(max_length=2000, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    # A cleaned copy of the badge image (``issuing.images.clean_upload``), for imported badges.
    image = models.BinaryField(null=True, blank=True, editable=False)
    image_type = models.CharField(max_length=10, blank=True)  # "png", "svg" or ""
    status = models.CharField(
        _("status"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.PENDING
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    # The last check that found the badge valid. A check that could not reach its issuer never
    # erases it: the backpack then says "could not be checked today, last checked valid on …".
    last_valid_at = models.DateTimeField(null=True, blank=True)
    # Whose badge it is (``recipients.mark``): only the owner's own badges can be made public,
    # shared, or printed as a certificate.
    recipient = models.CharField(
        max_length=10, choices=ItemRecipient.choices, default=ItemRecipient.OTHER
    )
    # The last verification report: {"state", "version", "input_format", "checks": [{"name",
    # "outcome", "en", "fr"}]}.
    report = models.JSONField(default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    hidden = models.BooleanField(_("hidden"), default=False)
    # Shown on the person's public profile and share pages, when they exist: never by default.
    public = models.BooleanField(_("public"), default=False)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("badge in a backpack")
        verbose_name_plural = _("badges in backpacks")
        ordering = ["-added_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "identity"], name="backpack_item_once_per_owner"
            )
        ]
        indexes = [
            # The list's order with its tie-breaker: keyset pages (blason.core.keyset).
            models.Index(fields=["owner", "-added_at", "-id"], name="backpack_item_listed"),
            # The Open Badges API's list (``api.selectors.api_items``): one version, not
            # hidden, in ``id`` order; its count reads the index only.
            models.Index(
                fields=["owner", "version", "id"],
                condition=models.Q(hidden=False),
                name="backpack_item_api",
            ),
            models.Index(fields=["checked_at"], name="backpack_item_checked"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.identity = credential_identity(self.credential_key, self.issuer_id)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "identity" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "identity"]
        super().save(*args, **kwargs)

    @property
    def is_owners(self) -> bool:
        """Its recipient is provably the owner: it may be shown, shared and certified."""
        return self.recipient == ItemRecipient.OWNER

    @property
    def unreachable(self) -> bool:
        """The last check could not reach the issuer (or another document it needs)."""
        return self.status == ItemStatus.UNVERIFIABLE

    @property
    def status_group(self) -> str:
        return next((g for g, states in STATUS_GROUPS.items() if self.status in states), "")

    @property
    def image_url(self) -> str:
        """The cleaned copy of an imported badge's image, or the badge image of an award of
        this site; "" when there is none."""
        if self.image_type:
            return reverse("backpack:item_image", args=[self.uuid])
        award = self.award
        if award is not None and award.badge.image:
            return str(award.badge.image.url)
        return ""


class Collection(models.Model):
    """A set of badges the person groups together ("Job search", "Volunteering"), in order."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="backpack_collections"
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(default=0)
    public = models.BooleanField(_("public"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    items = models.ManyToManyField(Item, through="CollectionEntry", related_name="collections")

    class Meta:
        verbose_name = _("collection")
        verbose_name_plural = _("collections")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="backpack_collection_name")
        ]

    def __str__(self) -> str:
        return self.name


class CollectionEntry(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="entries")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["collection", "item"], name="backpack_entry_once")
        ]

    def __str__(self) -> str:
        return f"{self.item} in {self.collection}"


class PublicProfile(models.Model):
    """A person's public page of badges, at ``/people/<slug>``: off until they turn it on, and
    then it shows only the badges and collections they made public, under the name they chose
    (never their e-mail address)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="public_profile"
    )
    slug = models.SlugField(_("address of the page"), max_length=60, unique=True)
    enabled = models.BooleanField(_("my public page is on"), default=False)
    name = models.CharField(_("name shown"), max_length=150)
    headline = models.CharField(_("a few words about you (optional)"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("public profile")
        verbose_name_plural = _("public profiles")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("backpack:public_profile", args=[self.slug])
