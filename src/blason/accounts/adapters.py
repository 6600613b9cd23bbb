from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest

from blason.core.emails import queue_message


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth is untyped
    """allauth, the Blason way: mail goes through the task queue; sign-up can be closed."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(settings.SIGNUP_OPEN)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        from allauth.core import context as allauth_context
        from django.contrib.sites.shortcuts import get_current_site

        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        # Blason's own e-mails (templates/account/email) sign with the site's name and address,
        # never the host name allauth's defaults read from the sites framework.
        ctx.update(site_name=settings.SITE_NAME, site_url=settings.SITE_URL)
        queue_message(self.render_mail(template_prefix, email, ctx))
