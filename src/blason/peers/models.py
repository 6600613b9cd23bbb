"""Peer recognition: joining a community, and designing a badge together in a workshop.

Why one module of over 400 lines: the tables of one workshop (participants, criteria, groups,
votes, comments, co-design, requests and rules) reference each other and are read together when
a migration changes one of them.

The workshop (atelier) follows how groups such as K-d'Abra work every Tuesday: a facilitator
opens a workshop for a draft badge; members propose criteria (from their phones, or the
facilitator types them in), group them, comment and vote on each one (keep / drop / rephrase);
the facilitator closes the vote, the kept criteria become the badge's criteria, and the group
validates the badge ("validé et tamponné") when its rule is met. The badge is then published
with the record of who designed it (``CoDesign``), which the credentials carry.

Who is a facilitator and who is a member is decided in one place: ``blason.peers.access``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from blason.core.models import Issuer
from blason.core.storage import private_storage
from blason.issuing.models import BadgeClass


class JoinLink(models.Model):
    """A reusable link (shown as a QR code) through which anyone joins a space as a member.

    One link is active per space; revoking it (or making a new one) stops the old address at
    once. Joining never gives more than the member role (``Role.VIEWER``).
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    issuer = models.ForeignKey(Issuer, on_delete=models.CASCADE, related_name="join_links")
    token = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    uses = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("join link")
        verbose_name_plural = _("join links")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer"],
                condition=models.Q(revoked_at__isnull=True),
                name="peers_one_active_join_link",
            )
        ]

    def __str__(self) -> str:
        return f"join link of {self.issuer}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class WorkshopStatus(models.TextChoices):
    OPEN = "open", _("Open: propose, discuss and vote")
    CLOSED = "closed", _("Vote closed")
    VALIDATED = "validated", _("Validated and stamped")


class ValidationRule(models.TextChoices):
    """What the group needs before the badge can be validated."""

    PARTICIPANTS = "participants", _("A number of members take part")
    VOTES = "votes", _("A number of votes are cast")


class Majority(models.TextChoices):
    """How many "keep" votes a criterion needs, out of the votes cast on it, to be kept."""

    HALF = "half", _("More than half of the votes")
    TWO_THIRDS = "two_thirds", _("At least two thirds of the votes")
    ALL = "all", _("Every vote")

    def passes(self, keep: int, cast: int) -> bool:
        if cast <= 0:
            return False
        if self is Majority.HALF:
            return keep * 2 > cast
        if self is Majority.TWO_THIRDS:
            return keep * 3 >= cast * 2
        return keep == cast


class Workshop(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    issuer = models.ForeignKey(Issuer, on_delete=models.CASCADE, related_name="workshops")
    badge = models.ForeignKey(BadgeClass, on_delete=models.PROTECT, related_name="workshops")
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=WorkshopStatus.choices, default=WorkshopStatus.OPEN
    )
    rule = models.CharField(
        _("rule to validate the badge"),
        max_length=20,
        choices=ValidationRule.choices,
        default=ValidationRule.PARTICIPANTS,
    )
    quorum = models.PositiveSmallIntegerField(_("how many"), default=3)
    majority = models.CharField(
        _("majority to keep a criterion"),
        max_length=20,
        choices=Majority.choices,
        default=Majority.HALF,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    validated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["-created_at"]
        constraints = [
            # A badge is designed in one workshop at a time.
            models.UniqueConstraint(
                fields=["badge"],
                condition=~models.Q(status="validated"),
                name="peers_one_running_workshop_per_badge",
            ),
            models.CheckConstraint(condition=models.Q(quorum__gte=1), name="peers_quorum_min"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == WorkshopStatus.OPEN


class CriterionGroup(models.Model):
    """A named group of criteria: a branch of the mind map."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name of the group"), max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("group of criteria")
        verbose_name_plural = _("groups of criteria")
        ordering = ["workshop", "position", "id"]

    def __str__(self) -> str:
        return self.name


class Outcome(models.TextChoices):
    KEPT = "kept", _("Kept")
    DROPPED = "dropped", _("Dropped")


class Criterion(models.Model):
    """A criterion proposed in a workshop. ``spoken_by`` names a person without an account
    whose idea the facilitator typed in; ``outcome`` is decided when the vote closes."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="criteria")
    group = models.ForeignKey(
        CriterionGroup,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="criteria",
    )
    text = models.CharField(_("criterion"), max_length=300)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    spoken_by = models.CharField(_("proposed by"), max_length=100, blank=True)
    position = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["workshop", "position", "id"]

    def __str__(self) -> str:
        return self.text


class VoteChoice(models.TextChoices):
    KEEP = "keep", _("Keep")
    DROP = "drop", _("Drop")
    REPHRASE = "rephrase", _("Rephrase")


class Vote(models.Model):
    """One member's vote on one criterion, changeable until the vote closes."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workshop_votes"
    )
    choice = models.CharField(max_length=10, choices=VoteChoice.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["criterion", "voter"], name="peers_one_vote_each")
        ]

    def __str__(self) -> str:
        return f"{self.voter} → {self.criterion}: {self.choice}"


class Comment(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.CharField(_("comment"), max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["criterion", "created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class Participant(models.Model):
    """A member who took part in a workshop, and whether they want their name on the badge
    (off unless they say so: the name goes into signed credentials that cannot be recalled)."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workshop_participations"
    )
    show_name = models.BooleanField(_("show my name among the co-designers"), default=False)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=["workshop", "user"], name="peers_participant_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.workshop}"


class CoDesign(models.Model):
    """The record that a badge was designed and validated together: written once, when the
    group validates the badge, and read by the credentials (``Achievement.creator``)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    badge = models.OneToOneField(BadgeClass, on_delete=models.PROTECT, related_name="co_design")
    workshop = models.OneToOneField(Workshop, on_delete=models.PROTECT, related_name="co_design")
    validated_at = models.DateTimeField()
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    member_count = models.PositiveIntegerField(default=0)
    vote_count = models.PositiveIntegerField(default=0)
    criteria_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("co-designed badge")
        verbose_name_plural = _("co-designed badges")

    def __str__(self) -> str:
        return f"co-design of {self.badge}"


class CoDesigner(models.Model):
    """A member who co-designed a badge (proposed or voted on its criteria). ``name`` is kept
    as it was at validation; it is shown only when ``show_name`` is set and the account still
    exists."""

    co_design = models.ForeignKey(CoDesign, on_delete=models.CASCADE, related_name="co_designers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=150)
    show_name = models.BooleanField(default=False)
    facilitator = models.BooleanField(default=False)
    proposals = models.PositiveIntegerField(default=0)
    votes = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("co-designer")
        verbose_name_plural = _("co-designers")
        ordering = ["co_design", "name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def public_name(self) -> str:
        return self.name if self.show_name and self.user_id is not None else ""


# Badge requests and peer validation ------------------------------------------------------------


new_uuid = uuid.uuid4  # (a field named ``uuid`` hides the module in a class body)


class Validators(models.TextChoices):
    """Who, among the members of the space, may validate requests for a badge."""

    MEMBERS = "members", _("Every member of the community")
    HOLDERS = "holders", _("Members who have this badge")
    AMBASSADORS = "ambassadors", _("Members who have another badge (ambassadors)")
    REVIEWERS = "reviewers", _("Members with the reviewer role (or a higher role)")
    NAMED = "named", _("Members chosen by name")


class PeerRule(models.Model):
    """A badge's rule for requests: who may validate them and how many approvals (or refusals)
    decide. A badge without a rule, or whose rule is paused, takes no requests.

    Validators are always members of the space; ``validators`` narrows who among them. For
    ``AMBASSADORS`` the badge they must have is ``ambassador_badge`` (another badge of the same
    space, such as "Ambassadeur du badge"); for ``NAMED``, ``reviewers`` lists them.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    badge = models.OneToOneField(BadgeClass, on_delete=models.CASCADE, related_name="peer_rule")
    validators = models.CharField(
        _("who validates"), max_length=20, choices=Validators.choices, default=Validators.MEMBERS
    )
    ambassador_badge = models.ForeignKey(
        BadgeClass,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ambassador_rules",
        verbose_name=_("badge the validators have"),
    )
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("validators")
    )
    approvals_needed = models.PositiveSmallIntegerField(_("approvals needed"), default=3)
    accepts_requests = models.BooleanField(_("people can ask for this badge"), default=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("peer validation rule")
        verbose_name_plural = _("peer validation rules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(approvals_needed__gte=1), name="peers_rule_approvals_min"
            ),
        ]

    def __str__(self) -> str:
        return f"rule of {self.badge}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the peers")
    AWARDED = "awarded", _("Badge awarded")
    REFUSED = "refused", _("Not yet: something is missing")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class BadgeRequest(models.Model):
    """A person asks for a badge: what they did, and evidence (a link and/or a file). Peers
    validate it under the badge's ``PeerRule``; when enough approve, the community awards the
    badge (``award``)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    issuer = models.ForeignKey(Issuer, on_delete=models.CASCADE, related_name="badge_requests")
    badge = models.ForeignKey(BadgeClass, on_delete=models.PROTECT, related_name="requests")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badge_requests"
    )
    # The name the group knows the person by (their account's name, or the one they gave when
    # asking): validators see it, and the badge is awarded to it.
    requester_name = models.CharField(_("your name"), max_length=150, default="")
    description = models.TextField(_("what you did"), max_length=2000)
    evidence_url = models.URLField(_("a link (optional)"), max_length=500, blank=True)
    # Private: never under /media/, handed out by ``request_views.request_file`` only.
    evidence_file = models.FileField(upload_to="requests/", storage=private_storage, blank=True)
    evidence_file_name = models.CharField(max_length=200, blank=True)
    evidence_content_type = models.CharField(max_length=50, blank=True)
    language = models.CharField(max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # When its validators were told of it in the daily digest (``digest_requests``).
    announced_at = models.DateTimeField(null=True, blank=True)
    # The address of the award is chosen with the request: each validator's endorsement,
    # signed when they approve, names the award it endorses.
    award_uuid = models.UUIDField(default=new_uuid, unique=True, editable=False)
    award = models.OneToOneField(
        "issuing.Award",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="peer_request",
    )

    class Meta:
        verbose_name = _("badge request")
        verbose_name_plural = _("badge requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["badge", "requester"],
                condition=models.Q(status="pending"),
                name="peers_one_pending_request",
            )
        ]
        indexes = [models.Index(fields=["issuer", "status"], name="peers_request_status")]

    def __str__(self) -> str:
        return f"request of {self.requester} for {self.badge}"

    @property
    def is_pending(self) -> bool:
        return self.status == RequestStatus.PENDING


class Decision(models.TextChoices):
    APPROVE = "approve", _("Yes, I saw it: the badge is deserved")
    REFUSE = "refuse", _("Not yet: something is missing")


class Validation(models.Model):
    """One validator's answer to a request, with what they observed in situation. An approval
    carries the validator's endorsement: an OB 3.0 EndorsementCredential signed with their own
    issuer key, stored exactly as signed and embedded in the award."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey(BadgeRequest, on_delete=models.CASCADE, related_name="validations")
    validator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="peer_validations"
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    observed_on = models.DateField(_("date of the observation"))
    place = models.CharField(_("place"), max_length=200)
    observation = models.TextField(_("what you saw"), max_length=2000)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    endorsement = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("validation")
        verbose_name_plural = _("validations")
        ordering = ["request", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "validator"], name="peers_one_validation_each"
            )
        ]

    def __str__(self) -> str:
        return f"{self.validator} on {self.request}: {self.decision}"

    @property
    def approved(self) -> bool:
        return self.decision == Decision.APPROVE
