"""What a browser session remembers for this feature, and nothing else:

- the held account that just signed up or tried to sign in (``remember_held``): its person may
  then give or change the parent's address on the waiting page. It is set only after allauth
  checked the person's password or created the account, in place of signing them in.
- the children's accounts a parent opened with an access link (``grant``), for
  ``GRANT_SECONDS``; no parent account is needed.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable

from django.http import HttpRequest

HELD_KEY = "guardians_held"
GRANT_KEY = "guardians_grant"
GRANT_SECONDS = 3600


def remember_held(request: HttpRequest, child_uuid: uuid.UUID) -> None:
    request.session[HELD_KEY] = str(child_uuid)


def held_child(request: HttpRequest) -> uuid.UUID | None:
    value = request.session.get(HELD_KEY)
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def forget_held(request: HttpRequest) -> None:
    request.session.pop(HELD_KEY, None)


def _grants(request: HttpRequest) -> dict[str, float]:
    now = time.time()
    stored = request.session.get(GRANT_KEY)
    if not isinstance(stored, dict):
        return {}
    return {
        key: until
        for key, until in stored.items()
        if isinstance(until, int | float) and until > now
    }


def grant(request: HttpRequest, guardianships: Iterable[uuid.UUID]) -> None:
    grants = _grants(request)
    until = time.time() + GRANT_SECONDS
    grants.update({str(value): until for value in guardianships})
    request.session[GRANT_KEY] = grants


def granted(request: HttpRequest) -> list[uuid.UUID]:
    return [uuid.UUID(key) for key in _grants(request)]


def revoke(request: HttpRequest, guardianship: uuid.UUID) -> None:
    grants = _grants(request)
    grants.pop(str(guardianship), None)
    request.session[GRANT_KEY] = grants
