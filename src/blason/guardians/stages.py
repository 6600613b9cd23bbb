"""The last of allauth's login stages (``accounts.adapters.AccountAdapter.get_login_stages``):
a child's account waiting for a parent's agreement stops here, after allauth checked its
password, e-mail address or phone number, and never gets signed in."""

from __future__ import annotations

from typing import Any

from allauth.account.stages import LoginStage
from django.shortcuts import redirect

from blason.guardians import selectors, session


class HeldAccountStage(LoginStage):  # type: ignore[misc]  # allauth is untyped
    key = "guardians_held"

    def handle(self) -> tuple[Any, bool]:
        user = self.login.user
        if user is None or user.is_active or not selectors.is_held(user):
            return None, True
        session.remember_held(self.request, user.uuid)
        return redirect("guardians:held"), False
