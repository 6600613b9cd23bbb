"""Keeping a badge given with a claim code, in every way the claim pages offer: into a backpack
(an account made with a phone number or an e-mail address, or the one signed in, in one click),
or without any account: its picture with the signed badge inside, a PDF certificate, LinkedIn's
"Add to profile" form and the address of its public page.

Keeping it without an account writes nothing: the code stays good for collecting the badge into
a backpack later, until the badge is in one (``claims.claim_award``, or ``claims.collect_awards``
for an account that verified the address or number it was sent to) or the issuer withdraws it.

The claim code is a bearer secret: whoever holds it sees this one award and nothing else, and
sees the address or number it was sent to only masked (``masked_recipient``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from blason.backpack import sharing
from blason.issuing.awarding import selectors as credentials
from blason.issuing.badges.selectors import badge_text
from blason.issuing.models import Award, RecipientKind

MASK = "•••"


def phone_signup_open() -> bool:
    """Whether allauth's sign-up takes a phone number (``ACCOUNT_SIGNUP_FIELDS``) and this site
    sends the SMS it needs (``blason.core.sms``)."""
    from allauth.account import app_settings

    from blason.core import sms

    return "phone" in app_settings.SIGNUP_FIELDS and sms.enabled()


def masked_email(address: str) -> str:
    """``samir.b@example.org`` → ``s•••@e•••.org``: enough to recognise one's own address,
    not enough to learn someone else's."""
    local, _at, domain = address.partition("@")
    name, dot, suffix = domain.rpartition(".")
    if not dot:
        name, suffix = domain, ""
    shown_domain = f"{name[:1]}{MASK}{dot}{suffix}" if name else MASK
    return f"{local[:1]}{MASK}@{shown_domain}"


def phone_ending(number: str) -> str:
    """The last two digits of a phone number."""
    digits = [ch for ch in number if ch.isdigit()]
    return "".join(digits[-2:])


def masked_recipient(award: Award) -> str:
    """Where the badge was sent, as its holder may be shown it ("" for a name only)."""
    if award.recipient_kind == RecipientKind.EMAIL and award.recipient_email:
        return _("It was sent to the e-mail address %(address)s.") % {
            "address": masked_email(award.recipient_email)
        }
    if award.recipient_kind == RecipientKind.PHONE and award.recipient_phone:
        return _("It was sent to the phone number ending in %(digits)s.") % {
            "digits": phone_ending(award.recipient_phone)
        }
    return ""


def expired(award: Award) -> bool:
    return award.valid_until is not None and award.valid_until <= timezone.now()


@dataclass(frozen=True)
class Keeping:
    """What the claim pages link to for one award (addresses relative to this site, except
    the public page and LinkedIn's form)."""

    code: str
    claim_path: str  # the claim page: where sign-up and sign-in come back to
    share_url: str  # the award's public page, where anyone checks it
    share_title: str
    linkedin_url: str
    image_png: str
    image_svg: str  # "" unless the badge's image is an SVG
    certificate: str  # add ?lang=fr or ?lang=en
    expired: bool
    phone_signup: bool


def keeping(award: Award) -> Keeping:
    """Everything the claim pages offer for an award that can still be collected."""
    code = award.claim_code or ""
    image = award.badge.image
    has_image = bool(image)
    is_svg = has_image and str(image.name).endswith(".svg")
    return Keeping(
        code=code,
        claim_path=reverse("backpack:claim", args=[code]),
        share_url=credentials.award_url(award),
        share_title=badge_text(award.badge).name,
        linkedin_url=sharing.award_linkedin_url(award),
        image_png=reverse("award_image", args=[award.uuid, "png"]) if has_image else "",
        image_svg=reverse("award_image", args=[award.uuid, "svg"]) if is_svg else "",
        certificate=reverse("backpack:claim_certificate", args=[code]),
        expired=expired(award),
        phone_signup=phone_signup_open(),
    )


def account_label(user: Any) -> str:
    """How the signed-in account is named to its owner: its e-mail address, else its phone
    number, else its name."""
    return str(
        getattr(user, "email", "")
        or getattr(user, "phone", "")
        or getattr(user, "display_name", "")
        or ""
    )
