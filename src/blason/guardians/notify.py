"""Messages to a parent or guardian: by e-mail or by SMS (``blason.core.sms``), both through
the durable outbox, in the child's language (the parent can switch the pages to the other
one). Each message is recorded under a key starting with ``key_prefix``, so the messages
naming a child are deleted with the child's guardianship."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import formats, timezone, translation

from blason.core import sms
from blason.core.emails import render_text, send_templated
from blason.guardians.models import Channel, Guardianship, identity


def sms_available() -> bool:
    """Whether this site sends text messages (``SMS_BACKEND``)."""
    return sms.enabled()


def waits_until(guardianship: Guardianship) -> datetime | None:
    """When the SMS to the parent leaves, if it waits for the end of the quiet hours."""
    if guardianship.channel != Channel.SMS or guardianship.message_sent_at is None:
        return None
    until = sms.quiet_until(guardianship.message_sent_at)
    return until if until is not None and until > timezone.now() else None


def key_prefix(guardianship: Guardianship) -> str:
    return f"guardians:{guardianship.uuid}:"


def _language(guardianship: Guardianship) -> str:
    return guardianship.child.language or settings.LANGUAGE_CODE


def _send(
    guardianship: Guardianship, kind: str, context: dict[str, Any], *, urgent: bool = False
) -> bool:
    """Send (record) the message; False when an SMS could not go (SMS off, too many to this
    number). ``urgent``: an SMS the parent waits for goes even in the quiet hours."""
    key = f"{key_prefix(guardianship)}{kind}:{secrets.token_hex(8)}"
    context = {
        "site_name": settings.SITE_NAME,
        "age": settings.DIGITAL_CONSENT_AGE,
        **context,
    }
    if guardianship.channel == Channel.EMAIL:
        send_templated(
            template_prefix=f"guardians/email/{kind}",
            to=guardianship.contact,
            context=context,
            language=_language(guardianship),
            key=key,
        )
        return True
    with translation.override(_language(guardianship)):
        body = " ".join(render_text(f"guardians/sms/{kind}.txt", context).split())
    return sms.send_sms(
        to=guardianship.contact, body=body, key=key, scope=f"guardians.{kind}", urgent=urgent
    )


def _child(guardianship: Guardianship) -> dict[str, str]:
    child = guardianship.child
    return {"child_name": child.display_name, "child_identity": identity(child)}


def consent(guardianship: Guardianship, url: str) -> bool:
    with translation.override(_language(guardianship)):
        deadline = formats.date_format(timezone.localtime(guardianship.held_until), "DATE_FORMAT")
    return _send(
        guardianship,
        "consent",
        {**_child(guardianship), "link": url, "deadline": deadline},
    )


def confirmed(guardianship: Guardianship, url: str) -> bool:
    return _send(guardianship, "confirmed", {**_child(guardianship), "link": url})


def access(children: list[Guardianship], url: str) -> bool:
    """One link for all the accounts the parent agreed to; the message names none of them.
    The parent waits for it: an SMS goes even in the quiet hours."""
    context = {"link": url, "minutes": settings.SESAME_MAX_AGE // 60}
    return _send(children[0], "access", context, urgent=True)
