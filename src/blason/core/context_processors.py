from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    from blason.core import sms

    return {
        "SITE_NAME": settings.SITE_NAME,
        "SIGNUP_OPEN": settings.SIGNUP_OPEN,
        # Whether pages may offer what needs a text message (sign-in codes, phone accounts).
        "SMS_ON": sms.enabled(),
    }
