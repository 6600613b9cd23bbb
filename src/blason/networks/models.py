"""Networks of issuers on a territory, their members and the signed lists they publish.

A network is an issuer of its own kind (``IssuerKind.NETWORK``): it has a profile, keys and a
``did:web`` like every issuer, and its coordinators are the people with a role on it (editors
and owners coordinate). Other issuers join it by invitation and acceptance; the network
publishes the issuers it recognises (its active members) as a signed list, re-issued on every
change and renewed before it expires (``RecognitionList``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from blason.core.models import Issuer
from blason.core.territory import validate_region


class Network(models.Model):
    issuer = models.OneToOneField(Issuer, on_delete=models.CASCADE, related_name="network")
    charter_url = models.URLField(_("charter"), blank=True)
    region_code = models.CharField(
        _("région"), max_length=2, blank=True, validators=[validate_region]
    )
    # INSEE codes of the départements the network covers.
    departements = models.JSONField(_("départements"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def __str__(self) -> str:
        return self.issuer.name

    @property
    def uuid(self) -> uuid.UUID:
        return self.issuer.uuid

    @property
    def name(self) -> str:
        return self.issuer.name


class MemberState(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACTIVE = "active", _("Member")
    DECLINED = "declined", _("Declined")
    LEFT = "left", _("Left")
    REMOVED = "removed", _("Removed")


class NetworkMember(models.Model):
    """An issuer's place in a network, from the invitation on. One row per pair: inviting an
    issuer that declined or left opens the same row again."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="members")
    issuer = models.ForeignKey(Issuer, on_delete=models.CASCADE, related_name="network_memberships")
    state = models.CharField(max_length=10, choices=MemberState.choices)
    message = models.TextField(_("message"), blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField()
    joined_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("network member")
        verbose_name_plural = _("network members")
        constraints = [
            models.UniqueConstraint(fields=["network", "issuer"], name="networks_member_unique")
        ]
        indexes = [models.Index(fields=["issuer", "state"], name="networks_member_issuer")]

    def __str__(self) -> str:
        return f"{self.issuer} in {self.network} ({self.state})"


class RecognitionList(models.Model):
    """One issue of a network's signed list of recognised issuers, kept exactly as signed,
    with the same list in the DCC registry format. The newest revision is the one served."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="lists")
    revision = models.PositiveIntegerField()
    credential = models.TextField()
    registry = models.TextField()
    member_count = models.PositiveIntegerField(default=0)
    issued_at = models.DateTimeField()
    valid_until = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["network", "revision"], name="networks_list_unique")
        ]
        ordering = ["-revision"]

    def __str__(self) -> str:
        return f"{self.network} list #{self.revision}"


class SharedBadge(models.Model):
    """A badge the network designed (or adopted from a member) for its members to award.

    The design lives in the network's own space (``badge``); each member that awards it gets
    its own copy (``SharedBadgeCopy``), awarded in the member's name: the credentials name the
    member as ``issuer`` and the network as the Achievement's ``creator``."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="shared_badges")
    badge = models.OneToOneField(
        "issuing.BadgeClass", on_delete=models.PROTECT, related_name="shared_design"
    )
    adopted_from = models.ForeignKey(
        "issuing.BadgeClass",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adoptions",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["badge__name"]

    def __str__(self) -> str:
        return f"{self.badge} ({self.network})"


class SharedBadgeCopy(models.Model):
    """A member's copy of a shared badge, which it awards in its own name."""

    shared = models.ForeignKey(SharedBadge, on_delete=models.CASCADE, related_name="copies")
    issuer = models.ForeignKey(Issuer, on_delete=models.CASCADE, related_name="shared_copies")
    badge = models.OneToOneField(
        "issuing.BadgeClass", on_delete=models.PROTECT, related_name="network_copy"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shared", "issuer"], name="networks_copy_unique")
        ]

    def __str__(self) -> str:
        return f"{self.badge} by {self.issuer}"


class EndorsementState(models.TextChoices):
    REQUESTED = "requested", _("Asked")
    ACCEPTED = "accepted", _("Given")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Endorsement(models.Model):
    """An issuer (an organisation, a network, a person's own profile) vouching for an issuer,
    a badge design or an award, as an OB 3.0 EndorsementCredential signed with its own key.

    Asked for by the endorsed side (``REQUESTED``) or given directly; once given,
    ``credential`` holds it exactly as signed, and it goes into new awards of the badge (or of
    the issuer) and on the public pages until it is withdrawn."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    endorser = models.ForeignKey(
        Issuer, on_delete=models.CASCADE, related_name="endorsements_given"
    )
    subject_issuer = models.ForeignKey(
        Issuer, null=True, blank=True, on_delete=models.CASCADE, related_name="endorsements"
    )
    subject_badge = models.ForeignKey(
        "issuing.BadgeClass",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="endorsements",
    )
    subject_award = models.ForeignKey(
        "issuing.Award",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="endorsements",
    )
    state = models.CharField(max_length=10, choices=EndorsementState.choices)
    request_comment = models.TextField(blank=True)
    comment = models.TextField(_("comment"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    credential = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["subject_badge", "state"], name="networks_endorse_badge"),
            models.Index(fields=["subject_issuer", "state"], name="networks_endorse_issuer"),
        ]

    def __str__(self) -> str:
        return f"{self.endorser} endorses {self.subject} ({self.state})"

    @property
    def subject(self) -> object:
        return self.subject_badge or self.subject_issuer or self.subject_award

    @property
    def subject_label(self) -> str:
        """The endorsed badge's or issuer's name (an award: its badge's)."""
        if self.subject_badge is not None:
            return self.subject_badge.name
        if self.subject_award is not None:
            return self.subject_award.badge.name
        return self.subject_issuer.name if self.subject_issuer is not None else ""
