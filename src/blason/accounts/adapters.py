from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _

from blason.accounts import hooks, selectors, services
from blason.accounts.models import User
from blason.core.clients import client_ip
from blason.core.emails import footer, queue_message
from blason.core.site import absolute_url


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth is untyped
    """allauth, the Blason way: mail goes through the task queue; sign-up can be closed; the
    client's address comes from ``blason.core.clients``; the phone number is kept on the
    account (``User.phone``) and codes go out through ``blason.core.sms``."""

    def get_login_stages(self) -> list[str]:
        # allauth's e-mail verification stage, aware that a verified phone number is enough.
        return [
            "blason.accounts.stages.EmailVerificationStage"
            if path == "allauth.account.stages.EmailVerificationStage"
            else path
            for path in super().get_login_stages()
        ] + hooks.LOGIN_STAGES

    # --- Phone numbers (allauth's phone support reads and writes them through these) --------

    def phone_form_field(self, **kwargs: Any) -> Any:
        from blason.accounts.allauth_forms import PhoneField

        return PhoneField(**kwargs)

    def set_phone(self, user: User, phone: str, verified: bool) -> None:
        if verified:
            services.phone_verify(user=user, phone=phone)
        else:
            services.phone_set_unverified(user=user, phone=phone)

    def get_phone(self, user: User) -> tuple[str, bool] | None:
        return (user.phone, user.phone_verified) if user.phone else None

    def set_phone_verified(self, user: User, phone: str) -> None:
        services.phone_verify(user=user, phone=phone)

    def get_user_by_phone(self, phone: str) -> User | None:
        # A child's account waiting for a parent signs in with a code too: to its waiting page
        # (``hooks.USERS_BY_PHONE``, filled by ``guardians``).
        return selectors.user_with_phone(phone) or hooks.user_by_phone(phone)

    # Texts without characters outside GSM 03.38 (no "ç", no non-breaking space): one SMS
    # each, not two (``blason.core.sms.segments``).

    def send_verification_code_sms(self, user: User, phone: str, code: str, **kwargs: Any) -> None:
        with translation.override(user.language or translation.get_language()):
            body = _("%(code)s is your %(site)s code. Never give it to anyone.") % {
                "code": code,
                "site": settings.SITE_NAME,
            }
        services.send_text(to=phone, body=body, scope="accounts.code")

    def send_unknown_account_sms(self, phone: str, **kwargs: Any) -> None:
        body = _("No %(site)s account has this number. To create one, open %(url)s") % {
            "site": settings.SITE_NAME,
            "url": absolute_url("account_signup"),
        }
        services.send_text(to=phone, body=body, scope="accounts.unknown")

    def send_account_already_exists_sms(self, phone: str) -> None:
        body = _("This number already has a %(site)s account. To sign in by SMS, open %(url)s") % {
            "site": settings.SITE_NAME,
            "url": absolute_url("account_request_login_code"),
        }
        services.send_text(to=phone, body=body, scope="accounts.exists")

    def get_client_ip(self, request: HttpRequest) -> str:
        """Rate limits count per client address: the proxy headers are read only from a trusted
        proxy (``blason.core.clients``)."""
        from django.core.exceptions import PermissionDenied

        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def pre_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> Any:
        """A child's account waiting for a parent's agreement (``guardians``) is inactive, yet
        goes on through the checks of its address or number; its own last stage then stops
        it at the waiting page (``guardians.stages.HeldAccountStage``). ``guardians`` says which
        accounts are held through ``hooks``."""
        if not user.is_active and hooks.is_held(user):
            return None
        return super().pre_login(request, user, **kwargs)

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
