"""Messages to a parent or guardian: by e-mail through the durable outbox, in the child's
language (the parent can switch the pages to the other one). Each message is recorded under a
key starting with ``key_prefix``, so the messages naming a child are deleted with the child's
guardianship."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.utils import formats, timezone, translation

from blason.core.emails import send_templated
from blason.guardians.models import Channel, Guardianship, identity


def sms_available() -> bool:
    """Whether this site can send text messages. Not yet: a parent is reached by e-mail."""
    return False


def key_prefix(guardianship: Guardianship) -> str:
    return f"guardians:{guardianship.uuid}:"


def _language(guardianship: Guardianship) -> str:
    return guardianship.child.language or settings.LANGUAGE_CODE


def _send(guardianship: Guardianship, kind: str, context: dict[str, Any]) -> None:
    key = f"{key_prefix(guardianship)}{kind}:{secrets.token_hex(8)}"
    context = {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
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
        return
    raise ValueError(f"no way to send to a {guardianship.channel!r} contact")


def _child(guardianship: Guardianship) -> dict[str, str]:
    child = guardianship.child
    return {"child_name": child.display_name, "child_identity": identity(child)}


def consent(guardianship: Guardianship, url: str) -> None:
    with translation.override(_language(guardianship)):
        deadline = formats.date_format(timezone.localtime(guardianship.held_until), "DATE_FORMAT")
    _send(
        guardianship,
        "consent",
        {**_child(guardianship), "link": url, "deadline": deadline},
    )


def confirmed(guardianship: Guardianship, url: str) -> None:
    _send(guardianship, "confirmed", {**_child(guardianship), "link": url})


def access(children: list[Guardianship], url: str) -> None:
    """One link for all the accounts the parent agreed to; the message names none of them."""
    _send(children[0], "access", {"link": url, "minutes": settings.SESAME_MAX_AGE // 60})
