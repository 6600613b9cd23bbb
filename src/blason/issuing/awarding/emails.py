"""The e-mail telling an award's recipient: written when awarding one by one, recorded in the
outbox (rendered by its worker) when awarding in bulk."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from blason.core.abuse import Origin
from blason.core.emails import render_templated
from blason.issuing.awarding import credentials
from blason.issuing.awarding.models import (
    Award,
)


def email_key(award: Award) -> str:
    """The outbox key of the e-mail telling ``award``'s recipient: one e-mail per award."""
    return f"award:{award.uuid}"


def email_context(award: Award) -> dict[str, Any]:
    return {
        "award": award,
        "badge": award.badge,
        "issuer": award.issuer,
        "link": credentials.award_url(award),
        "site_name": settings.SITE_NAME,
    }


AWARD_EMAIL = "issuing.award"


def render_award_email(args: dict[str, Any]) -> EmailMessage | None:
    """The e-mail telling an award's recipient (the outbox renders it when sending), or None
    when the award was revoked or deleted since."""
    award = (
        Award.objects.select_related("badge", "issuer", "awarded_by")
        .filter(uuid=args["award"], revoked_at__isnull=True)
        .first()
    )
    if award is None or not award.recipient_email:
        return None
    return render_templated(
        template_prefix="issuing/email/award",
        to=award.recipient_email,
        context=email_context(award),
        language=award.recipient_language or None,
        origin=Origin(actor=award.awarded_by, issuer=award.issuer),
    )


def send_award_emails(award_uuids: Sequence[str]) -> int:
    """Tell each recipient of these awards by e-mail, in their language, through one
    connection (the background half of ``award_many``). Revoked awards are left out."""
    chosen = Award.objects.filter(uuid__in=award_uuids, revoked_at__isnull=True)
    messages = []
    for award in chosen.select_related("badge", "issuer", "awarded_by").order_by("pk"):
        if award.recipient_email:
            messages.append(
                render_templated(
                    template_prefix="issuing/email/award",
                    to=award.recipient_email,
                    context=email_context(award),
                    language=award.recipient_language or None,
                    origin=Origin(actor=award.awarded_by, issuer=award.issuer),
                )
            )
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0
