"""allauth's login stages, adjusted for accounts made with a phone number."""

from __future__ import annotations

from typing import Any

from allauth.account import app_settings
from allauth.account import stages as allauth_stages
from allauth.account.models import EmailAddress


class EmailVerificationStage(allauth_stages.EmailVerificationStage):  # type: ignore[misc]
    """E-mail verification stays mandatory for an account signed up with an e-mail address
    (``ACCOUNT_EMAIL_VERIFICATION``). An account whose phone number is verified is in already:
    an e-mail address it gave is confirmed by the link sent to it, without holding the door."""

    def handle(self) -> tuple[Any, bool]:
        user = self.login.user
        if user is not None and user.phone_verified:
            if not EmailAddress.objects.filter(user=user).exists():
                return None, True
            self.login.email_verification = app_settings.EmailVerificationMethod.OPTIONAL
        response, going_on = super().handle()
        return response, bool(going_on)
