"""The SMS telling a person known only by a phone number that a pathway gave them a milestone
or completion badge: "Bravo Samir ! La Mission Locale vous a décerné le badge « … » (parcours
« … »). Il est déjà dans votre sac à badges : <link>", in their language, two SMS at most.

An award made for someone by hand is announced with its claim link and code
(``blason.issuing.awarding.sms``); a pathway's badge is put in the person's backpack at once,
so it has no code to give and the engine asks for this SMS instead. Recorded in the outbox with
the award (``blason.core.sms``: counted against the space's SMS limit, after the quiet hours),
written when it is sent: nothing is sent for a badge revoked meanwhile.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from blason.core import sms
from blason.core.site import absolute_url
from blason.issuing.models import Award, RecipientKind

RENDERER = "pathways.badge_sms"
MAX_SEGMENTS = 2


def key(award: Award) -> str:
    return f"pathway-sms:{award.uuid}"


def wants_sms(award: Award) -> bool:
    """Only people known by a phone number and no e-mail address (SMS cost money; an e-mail
    address gets the award's e-mail)."""
    return award.recipient_kind == RecipientKind.PHONE and bool(award.recipient_phone)


def record(award: Award, *, pathway_name: str) -> bool:
    """Record the SMS in the current transaction; whether it will be sent (not when SMS is off
    or a limit refuses it)."""
    if not wants_sms(award):
        return False
    args = {"award": str(award.uuid), "pathway": pathway_name}
    answer = sms.record_rendered(
        [(key(award), award.recipient_phone, args)],
        renderer=RENDERER,
        scope=f"issuer:{award.issuer.uuid}",
    )
    return any(answer.values())


def text(award: Award, pathway_name: str) -> str:
    """The SMS in the active language: the longest of a few forms that fits in two SMS."""
    link = absolute_url("backpack:list")
    name = " ".join(award.recipient_name.split())
    body = ""
    for who, chars in ((name if len(name) <= 30 else "", 60), ("", 40), ("", 25)):
        values = {
            "name": who,
            "issuer": sms.shorten(award.issuer.name, chars),
            "badge": sms.shorten(award.badge.name, chars),
            "pathway": sms.shorten(pathway_name, chars),
            "link": link,
        }
        if who:
            body = _(
                "Congratulations %(name)s! %(issuer)s awarded you the badge “%(badge)s” "
                "(pathway “%(pathway)s”). It is already in your backpack: %(link)s"
            )
        else:
            body = _(
                "Congratulations! %(issuer)s awarded you the badge “%(badge)s” "
                "(pathway “%(pathway)s”). It is already in your backpack: %(link)s"
            )
        body = sms.gsm7_friendly(body % values)
        if sms.segments(body) <= MAX_SEGMENTS:
            break
    return body


def render(args: dict[str, Any]) -> str | None:
    """The SMS, written when it is sent; None when the badge was revoked or deleted since."""
    award = (
        Award.objects.select_related("badge", "issuer")
        .filter(uuid=args["award"], revoked_at__isnull=True)
        .first()
    )
    if award is None or not award.recipient_phone:
        return None
    with translation.override(sms.language(award.recipient_language)):
        return text(award, str(args.get("pathway") or ""))
