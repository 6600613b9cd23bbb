"""Who caused an e-mail, and reports of unwanted ones.

Every e-mail Blason sends ends with a footer naming who caused it (the account and the space)
and a link to report it (``core:abuse_report``). The link carries a signed reference of the
message: a report records it and tells the operators (staff accounts) by e-mail. Who caused a
message and its footer are ``origins`` (which ``emails`` reads, below this module).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction

from blason.core import audit
from blason.core.emails import send_templated
from blason.core.models import AbuseReport, Issuer
from blason.core.origins import REFERENCE_SALT
from blason.core.origins import Origin as Origin
from blason.core.origins import footer_context as footer_context
from blason.core.origins import report_url as report_url
from blason.core.site import absolute_url


@dataclass(frozen=True)
class Reference:
    """What a report link says about its message (all empty when there was no valid link)."""

    sender: Any = None
    issuer: Issuer | None = None
    kind: str = ""
    recipient: str = ""


def read_reference(value: str) -> Reference:
    if not value:
        return Reference()
    try:
        data = signing.loads(value, salt=REFERENCE_SALT)
    except signing.BadSignature:
        return Reference()
    user_model = get_user_model()
    sender = user_model.objects.filter(pk=data.get("u")).first() if data.get("u") else None
    issuer = Issuer.objects.filter(pk=data.get("s")).first() if data.get("s") else None
    return Reference(
        sender=sender,
        issuer=issuer,
        kind=str(data.get("k", ""))[:100],
        recipient=str(data.get("t", ""))[:254],
    )


@transaction.atomic
def report_create(*, reference: Reference, message: str, address: str | None) -> AbuseReport:
    """Record a report and e-mail it to every operator."""
    report = AbuseReport.objects.create(
        issuer=reference.issuer,
        sender=reference.sender,
        kind=reference.kind,
        recipient=reference.recipient,
        message=message.strip()[:5000],
        reporter_address=address or None,
    )
    audit.record(
        action="core.abuse.reported",
        issuer=reference.issuer,
        target=report,
        data={"kind": report.kind, "sender": str(getattr(reference.sender, "uuid", "") or "")},
    )
    operators = get_user_model().objects.filter(is_staff=True, is_active=True)
    link = absolute_url("core:operator_mail")
    for operator in operators.order_by("pk"):
        if not operator.email:  # an operator's account with a phone number only
            continue
        send_templated(
            template_prefix="core/email/abuse_report",
            to=operator.email,
            context={"report": report, "link": link, "site_name": settings.SITE_NAME},
            language=getattr(operator, "language", "") or None,
        )
    return report
