"""The SMS telling a person known only by a phone number that they were awarded a badge: the
claim link and code, in their language, short (two SMS at most, GSM-7 where the names allow).

Recorded in the outbox with the award (``blason.core.sms``), written when it is sent (so a
badge revoked or collected meanwhile cancels it), counted against the space's SMS limit. The
award page and the report of a bulk award say what became of it (``delivery``, ``report``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from blason.core import sms
from blason.core.models import Issuer, OutboxMessage, OutboxState
from blason.core.site import absolute_url
from blason.issuing.awarding.models import Award, AwardBatch, RecipientKind
from blason.issuing.badges import content

RENDERER = "issuing.award_sms"
MAX_SEGMENTS = 2


def key(award: Award) -> str:
    """The outbox key of the SMS telling ``award``'s recipient: one SMS per award."""
    return f"award-sms:{award.uuid}"


def scope(issuer: Issuer) -> str:
    """Who the SMS are counted against (``SMS_RATE_LIMIT_SCOPE``): the space."""
    return f"issuer:{issuer.uuid}"


def topic(batch: AwardBatch) -> str:
    return f"batch:{batch.uuid}"


def wants_sms(award: Award) -> bool:
    """Only people known by a phone number and no e-mail address are told by SMS (SMS cost
    money; an e-mail address gets the e-mail)."""
    return award.recipient_kind == RecipientKind.PHONE and bool(award.recipient_phone)


def record(made: Sequence[Award], *, issuer: Issuer, batch: AwardBatch | None = None) -> int:
    """Record the SMS of these new awards in the current transaction; how many will be sent
    (none when SMS is off, fewer when a rate limit refuses some)."""
    items = [(key(a), a.recipient_phone, {"award": str(a.uuid)}) for a in made if wants_sms(a)]
    if not items:
        return 0
    answer = sms.record_rendered(
        items, renderer=RENDERER, scope=scope(issuer), topic=topic(batch) if batch else ""
    )
    return sum(answer.values())


def cancel(award: Award) -> None:
    """The award was revoked: its SMS, if still waiting, is not sent."""
    OutboxMessage.objects.filter(key=key(award), state=OutboxState.PENDING).update(
        state=OutboxState.CANCELLED, sent_at=timezone.now(), last_error="badge revoked"
    )


def claim_link(award: Award) -> str:
    return absolute_url("backpack:claim", award.claim_code)


def text(award: Award) -> str:
    """The SMS, in the active language: the longest of a few forms that fits in two SMS."""
    link, code = claim_link(award), award.claim_code
    badge = content.badge_text(award.badge).name
    name = " ".join(award.recipient_name.split())
    forms: list[tuple[str, int, int]] = []
    if name and len(name) <= 30:
        forms.append((name, 60, 40))
    forms += [("", 60, 40), ("", 30, 25)]
    body = ""
    for who, badge_chars, issuer_chars in forms:
        values = {
            "name": who,
            "issuer": sms.shorten(award.issuer.name, issuer_chars),
            "badge": sms.shorten(badge, badge_chars),
            "link": link,
            "code": code,
        }
        if who:
            body = _(
                "Congratulations %(name)s! %(issuer)s awarded you the badge “%(badge)s”. "
                "Keep it: %(link)s (code %(code)s)"
            )
        else:
            body = _(
                "Congratulations! %(issuer)s awarded you the badge “%(badge)s”. "
                "Keep it: %(link)s (code %(code)s)"
            )
        body = sms.gsm7_friendly(body % values)
        if sms.segments(body) <= MAX_SEGMENTS:
            break
    return body


def render(args: dict[str, Any]) -> str | None:
    """The SMS of an award, written when it is sent; None when there is nothing left to say
    (the badge was revoked, deleted, or already collected)."""
    award = (
        Award.objects.select_related("badge", "issuer")
        .filter(uuid=args["award"], revoked_at__isnull=True, claimed_at__isnull=True)
        .first()
    )
    if award is None or not award.claim_code or not award.recipient_phone:
        return None
    with translation.override(sms.language(award.recipient_language)):
        return text(award)


@dataclass(frozen=True)
class Delivery:
    """What became of an award's SMS, said for the awarder (``level``: a message class)."""

    status: str
    message: str
    level: str

    @property
    def hand_code(self) -> bool:
        """The person will not get the code by SMS: the awarder should give it."""
        return self.status in ("none", "refused", "failed", "off")


def _when(moment: Any) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def describe(row: OutboxMessage | None) -> Delivery:
    status = sms.status_of(row)
    give = _("Give them the claim code, or let them scan the QR code.")
    if row is None:
        if not sms.enabled():
            return Delivery(
                "off", _("No SMS was sent: SMS is off on this site.") + " " + give, "warning"
            )
        return Delivery(status, _("No SMS was sent for this badge.") + " " + give, "warning")
    if status == "deferred":
        message = _("The SMS will be sent on %(when)s: no SMS are sent at night.") % {
            "when": _when(row.next_attempt_at)
        }
        return Delivery(status, message, "info")
    if status == "queued":
        return Delivery(status, _("SMS queued: it is being sent."), "info")
    if status == "retrying":
        return Delivery(
            status, _("The SMS could not be sent yet; it will be tried again."), "warning"
        )
    if status == "sent":
        when = _when(row.sent_at) if row.sent_at else ""
        return Delivery(status, _("SMS sent on %(when)s.") % {"when": when}, "success")
    if status == "refused":
        message = _(
            "No SMS was sent: too many SMS were sent lately to this number or by this space."
        )
        return Delivery(status, message + " " + give, "warning")
    if status == "cancelled":
        return Delivery(
            status, _("No SMS was sent: the badge was revoked or collected before."), "info"
        )
    if "refused by the provider" in row.last_error:
        reason = _("the SMS provider refused this number")
    elif "SMS is off" in row.last_error:
        reason = _("SMS was turned off on this site")
    else:
        reason = _("the SMS provider did not accept it")
    message = _("The SMS could not be sent: %(reason)s.") % {"reason": reason}
    return Delivery(status, message + " " + give, "error")


def delivery(award: Award) -> Delivery | None:
    """What became of the SMS of ``award`` (None when it is not told by SMS)."""
    if not wants_sms(award):
        return None
    return describe(sms.delivery_state(key(award)))


def deliveries(awards: Sequence[Award]) -> dict[int, Delivery]:
    """``delivery`` of a page of awards, in one query: award pk → Delivery."""
    told = [award for award in awards if wants_sms(award)]
    rows = sms.delivery_states(key(award) for award in told)
    return {award.pk: describe(rows.get(key(award))) for award in told}


def report(batch: AwardBatch, *, phones: int) -> dict[str, Any]:
    """The SMS of a bulk award that awarded ``phones`` people known by a phone number only,
    counted by what became of them (one query, none without such people)."""
    counts = sms.summary(topic(batch)) if phones else {}
    return {
        "counts": counts,
        "recorded": sum(counts.values()),
        "phones": phones,
        "not_recorded": max(phones - sum(counts.values()), 0),
        "enabled": sms.enabled(),
    }
