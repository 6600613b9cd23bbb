"""Quotas of e-mail: how many people a space and an account may e-mail a day.

Every action that e-mails an address someone typed (an award, a spreadsheet of awards, an
invitation, a claim through a claim link) reserves its recipients here *before* it writes
anything, in the same transaction: refused, nothing is written and nothing is sent; rolled back,
the reservation goes with it.

- A space sends to ``MAIL_QUOTA_NEW_SPACE_PER_DAY`` people a day until an operator marks it
  trusted, then to ``MAIL_QUOTA_TRUSTED_SPACE_PER_DAY`` (0: no limit).
- An account sends to ``MAIL_QUOTA_ACCOUNT_PER_DAY`` people a day through spaces that are not
  trusted, all of them together: creating spaces gives no more.
- Operators (staff accounts) have no quota.

Days are UTC days. The counts are rows of ``MailCount`` updated with a conditional UPDATE, so two
requests at once cannot both take the last places.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from blason.core.exceptions import ActionRefused
from blason.core.models import Issuer, MailCount, MailScope


class QuotaExceeded(ActionRefused):
    """Sending these e-mails would pass a daily quota; ``str(exc)`` says which, for the person."""


@dataclass(frozen=True)
class Limit:
    scope: str
    ref: int
    allowed: int | None  # None: no limit


def today() -> date:
    return datetime.now(UTC).date()


def _is_operator(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and getattr(actor, "is_staff", False))


def space_limit(issuer: Issuer) -> int | None:
    if issuer.mail_trusted:
        return settings.MAIL_QUOTA_TRUSTED_SPACE_PER_DAY or None
    return int(settings.MAIL_QUOTA_NEW_SPACE_PER_DAY)


def account_limit() -> int:
    return int(settings.MAIL_QUOTA_ACCOUNT_PER_DAY)


def _limits(issuer: Issuer | None, actor: Any) -> list[Limit]:
    if _is_operator(actor):
        return []
    limits = []
    if issuer is not None:
        limits.append(Limit(MailScope.SPACE, issuer.pk, space_limit(issuer)))
    trusted = issuer is not None and issuer.mail_trusted
    if getattr(actor, "is_authenticated", False) and not trusted:
        limits.append(Limit(MailScope.ACCOUNT, actor.pk, account_limit()))
    return limits


def _take(limit: Limit, count: int, day: date) -> bool:
    MailCount.objects.get_or_create(scope=limit.scope, ref=limit.ref, day=day)
    rows = MailCount.objects.filter(scope=limit.scope, ref=limit.ref, day=day)
    if limit.allowed is not None:
        rows = rows.filter(sent__lte=limit.allowed - count)
    return rows.update(sent=F("sent") + count) == 1


def _refusal(limit: Limit, count: int) -> QuotaExceeded:
    left = max(0, (limit.allowed or 0) - sent_today(limit.scope, limit.ref))
    wanted = ngettext(
        "This would send %(count)d e-mail",
        "This would send %(count)d e-mails",
        count,
    ) % {"count": count}
    if limit.scope == MailScope.SPACE:
        reason = ngettext(
            "this space may still e-mail %(left)d person today.",
            "this space may still e-mail %(left)d people today.",
            left,
        ) % {"left": left}
        advice = _(
            "New spaces send to a few people a day until the site's operators trust them: "
            "write to them, or send the rest tomorrow. Nothing was sent or recorded."
        )
    else:
        reason = ngettext(
            "your account may still e-mail %(left)d person today.",
            "your account may still e-mail %(left)d people today.",
            left,
        ) % {"left": left}
        advice = _(
            "Accounts send to a limited number of people a day through spaces the site's "
            "operators do not yet trust: send the rest tomorrow. Nothing was sent or recorded."
        )
    return QuotaExceeded(f"{wanted}, {reason} {advice}")


def reserve(*, issuer: Issuer | None, actor: Any, count: int) -> None:
    """Count ``count`` people e-mailed because of ``actor`` in ``issuer`` today, or raise
    ``QuotaExceeded`` (counting nothing) when a quota would be passed. Call it inside the
    transaction that writes what the e-mails are about, before writing it."""
    if count <= 0:
        return
    day = today()
    with transaction.atomic():
        for limit in _limits(issuer, actor):
            if not _take(limit, count, day):
                raise _refusal(limit, count)  # leaving the block undoes the other counts


def try_reserve(*, issuer: Issuer | None, actor: Any, count: int = 1) -> bool:
    """``reserve``, answering False instead of raising (a reminder that can be skipped)."""
    try:
        reserve(issuer=issuer, actor=actor, count=count)
    except QuotaExceeded:
        return False
    return True


def sent_today(scope: str, ref: int) -> int:
    row = MailCount.objects.filter(scope=scope, ref=ref, day=today()).first()
    return row.sent if row else 0
