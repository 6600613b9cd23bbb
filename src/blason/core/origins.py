"""Who caused an e-mail: the account and the space named in the footer of every e-mail, with
the signed reference its "report this message" link carries (read back by ``abuse``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing

from blason.core.models import Issuer
from blason.core.site import absolute_url

REFERENCE_SALT = "blason.core.abuse.report"


@dataclass(frozen=True)
class Origin:
    """Who caused a message: the account that acted (if any) and the space it acted in."""

    actor: Any = None
    issuer: Issuer | None = None

    @property
    def person(self) -> str:
        actor = self.actor
        if not getattr(actor, "is_authenticated", False):
            return ""
        name = getattr(actor, "display_name", "")
        contact = actor.email or actor.phone or ""
        return f"{name} <{contact}>" if name else str(contact)

    @property
    def space(self) -> str:
        return self.issuer.name if self.issuer is not None else ""

    def reference(self, *, to: str, kind: str) -> str:
        actor_pk = self.actor.pk if getattr(self.actor, "is_authenticated", False) else None
        issuer_pk = self.issuer.pk if self.issuer is not None else None
        return signing.dumps(
            {"u": actor_pk, "s": issuer_pk, "k": kind, "t": to}, salt=REFERENCE_SALT
        )


def report_url(reference: str = "") -> str:
    url = absolute_url("core:abuse_report")
    return f"{url}?ref={reference}" if reference else url


def footer_context(origin: Origin | None, *, to: str, kind: str) -> dict[str, str]:
    origin = origin or Origin()
    return {
        "sender_person": origin.person,
        "sender_space": origin.space,
        "site_name": settings.SITE_NAME,
        "report_url": report_url(origin.reference(to=to, kind=kind)),
    }
