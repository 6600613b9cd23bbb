from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest

from blason.core.clients import client_ip
from blason.core.emails import footer, queue_message


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth is untyped
    """allauth, the Blason way: mail goes through the task queue; sign-up can be closed; the
    client's address comes from ``blason.core.clients``."""

    def get_client_ip(self, request: HttpRequest) -> str:
        """Rate limits count per client address: the proxy headers are read only from a trusted
        proxy (``blason.core.clients``)."""
        from django.core.exceptions import PermissionDenied

        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def respond_user_inactive(self, request: HttpRequest, user: Any) -> Any:
        """A child's account waiting for a parent's agreement has its own page (guardians)."""
        from django.shortcuts import redirect

        from blason.guardians import selectors, session

        if selectors.is_held(user):
            session.remember_held(request, user.uuid)
            return redirect("guardians:held")
        return super().respond_user_inactive(request, user)

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(settings.SIGNUP_OPEN)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """Failed sign-ins are counted per account *and client address*: an attacker's wrong
        passwords lock the account for the attacker only, not for its owner elsewhere."""
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:{self.get_client_ip(request)}"

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        from allauth.core import context as allauth_context
        from django.contrib.sites.shortcuts import get_current_site

        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        # Blason's own e-mails (templates/account/email) sign with the site's name and address,
        # never the host name allauth's defaults read from the sites framework.
        ctx.update(site_name=settings.SITE_NAME, site_url=settings.SITE_URL)
        message = self.render_mail(template_prefix, email, ctx)
        # Like every e-mail of the site: who caused it (here: this address was typed on the
        # site) and a link to report it.
        if message.content_subtype == "plain":
            message.body = (
                f"{message.body.rstrip()}\n\n{footer(None, to=email, kind=template_prefix)}"
            )
        queue_message(message)
