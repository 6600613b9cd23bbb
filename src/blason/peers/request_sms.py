"""The daily digest of badge requests, by SMS, for validators known by a phone number only (no
e-mail address): "Blason: 2 badge requests wait for your answer in Collectif du mardi: <link>",
in their language, in one SMS (GSM-7 characters, the space's name shortened if need be).

One SMS per person and space for the requests of one digest (``validation.digest_requests``
announces each request once); its outbox key names the person and the requests, so recording
it again sends nothing more. It is counted against the space's SMS limit and the number's
(``blason.core.sms``), waits for the end of the quiet hours, and is written when it is sent:
the requests decided, withdrawn or answered by the person meanwhile are left out, and nothing
is sent when none is left.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import ngettext

from blason.core import sms
from blason.core.site import absolute_url
from blason.peers.models import BadgeRequest, RequestStatus, Validation

RENDERER = "peers.request_sms"
MAX_SEGMENTS = 1
SPACE_CHARS = (40, 20)


def wants_sms(person: Any) -> bool:
    """Told by SMS: a person with a verified phone number and no e-mail address (an e-mail
    address gets the e-mail; SMS cost money)."""
    return not person.email and bool(person.phone) and bool(person.phone_verified)


def key(person: Any, requests: Sequence[BadgeRequest]) -> str:
    """One SMS per person and set of requests."""
    names = ",".join(sorted(str(request.uuid) for request in requests))
    return f"peers-digest:{person.uuid}:{hashlib.sha256(names.encode()).hexdigest()[:24]}"


def record(person: Any, requests: Sequence[BadgeRequest]) -> int:
    """Record, in the current transaction, the SMS telling ``person`` of ``requests`` (one per
    space); how many will be sent (none when SMS is off, fewer when a limit refuses some)."""
    if not wants_sms(person):
        return 0
    by_space: dict[Any, list[BadgeRequest]] = defaultdict(list)
    for request in requests:
        by_space[request.issuer].append(request)
    recorded = 0
    for issuer, theirs in by_space.items():
        wanted = key(person, theirs)
        args = {
            "person": str(person.uuid),
            "phone": person.phone,
            "issuer": issuer.name,
            "requests": [str(request.uuid) for request in theirs],
        }
        answer = sms.record_rendered(
            [(wanted, person.phone, args)], renderer=RENDERER, scope=f"issuer:{issuer.uuid}"
        )
        recorded += sum(answer.values())
    return recorded


def text(count: int, space: str) -> str:
    """The SMS, in the active language: one SMS, the space's name shortened if need be."""
    body = ""
    for chars in SPACE_CHARS:
        body = sms.gsm7_friendly(
            ngettext(
                "%(site)s: %(count)d badge request waits for your answer in %(space)s: %(link)s",
                "%(site)s: %(count)d badge requests wait for your answer in %(space)s: %(link)s",
                count,
            )
            % {
                "site": settings.SITE_NAME,
                "count": count,
                "space": sms.shorten(space, chars),
                "link": absolute_url("peers:to_validate"),
            }
        )
        if sms.segments(body) <= MAX_SEGMENTS:
            break
    return body


def render(args: dict[str, Any]) -> str | None:
    """The SMS, written when it is sent; None when nothing waits for the person any more (the
    requests were decided or withdrawn, or they answered them), or the person is gone, changed
    their number or is no longer known by their phone number only."""
    person = get_user_model().objects.filter(uuid=args["person"], is_active=True).first()
    if person is None or not wants_sms(person) or person.phone != args.get("phone"):
        return None
    count = (
        BadgeRequest.objects.filter(uuid__in=args["requests"], status=RequestStatus.PENDING)
        .exclude(pk__in=Validation.objects.filter(validator=person).values("request_id"))
        .count()
    )
    if not count:
        return None
    with translation.override(sms.language(person.language)):
        return text(count, args["issuer"])
