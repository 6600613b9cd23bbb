"""Who holds what: the accounts an award provably belongs to, and the people holding a badge
of a pathway (for the back-fill when it is published)."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db.models import Q

from blason.backpack.models import Item, ItemRecipient
from blason.issuing.models import Award, RecipientKind
from blason.pathways.holdings import achievement_ids
from blason.pathways.models import Requirement


def holders_of_awards(award_ids: list[int]) -> set[int]:
    """The accounts holding these awards in their backpack. An award nobody collected yet,
    made to an account's verified e-mail address or phone number, is collected first, as it
    would be on that person's next visit to their backpack (``backpack.services.
    collect_awards``: under their name it arrives by itself, otherwise it becomes a question
    and does not count)."""
    from blason.backpack.services import collect_awards

    open_awards = Award.objects.filter(
        pk__in=award_ids, claimed_at__isnull=True, revoked_at__isnull=True
    )
    emails = set(
        open_awards.filter(recipient_kind=RecipientKind.EMAIL).values_list(
            "recipient_email", flat=True
        )
    )
    phones = set(
        open_awards.filter(recipient_kind=RecipientKind.PHONE).values_list(
            "recipient_phone", flat=True
        )
    )
    candidates = set(
        EmailAddress.objects.filter(
            email__in=emails, verified=True, user__is_active=True
        ).values_list("user_id", flat=True)
    )
    if phones:
        candidates |= set(
            get_user_model()
            .objects.filter(phone__in=phones, phone_verified=True, is_active=True)
            .values_list("pk", flat=True)
        )
    for user in get_user_model().objects.filter(pk__in=candidates):
        collect_awards(user=user)
    return set(
        Item.objects.filter(award_id__in=award_ids, recipient=ItemRecipient.OWNER).values_list(
            "owner_id", flat=True
        )
    )


def holders_of_pathway(pathway_id: int) -> set[int]:
    """The accounts holding at least one badge of the pathway: awards of this site in their
    backpack, and imported badges whose credential names one of its achievement ids (a JSON
    credential is searched for the id's text, then read; a badge imported as a compact JWS is
    counted at the person's next change instead)."""
    rows = Requirement.objects.filter(step__pathway_id=pathway_id, child__isnull=True)
    badge_ids = {b for b in rows.values_list("badge_id", flat=True) if b is not None}
    wanted = {i for pair in rows.values_list("achievement_id", "ob2_id") for i in pair if i}
    # Awards of its badges made to people's verified identities and not collected yet: into
    # their backpacks first, as on their next visit there.
    waiting = list(
        Award.objects.filter(
            badge_id__in=badge_ids, claimed_at__isnull=True, revoked_at__isnull=True
        ).values_list("pk", flat=True)
    )
    for start in range(0, len(waiting), 1000):
        holders_of_awards(waiting[start : start + 1000])
    owners = Item.objects.filter(recipient=ItemRecipient.OWNER)
    found = set(owners.filter(award__badge_id__in=badge_ids).values_list("owner_id", flat=True))
    if wanted:
        text = Q()
        for identifier in wanted:
            text |= Q(credential__contains=identifier)
        for owner_id, credential in owners.filter(text, award__isnull=True).values_list(
            "owner_id", "credential"
        ):
            if achievement_ids(credential) & wanted:
                found.add(owner_id)
    return found
