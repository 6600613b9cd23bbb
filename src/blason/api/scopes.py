"""The OAuth 2.0 scopes of the Open Badges 3.0 API, said plainly for the consent screen.

An application may ask only for the scopes it registered for (RFC 7591 ``scope``); the
scopes backend below tells django-oauth-toolkit so.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from oauth2_provider.scopes import BaseScopes

PREFIX = "https://purl.imsglobal.org/spec/ob/v3p0/scope/"
CREDENTIAL_READ = PREFIX + "credential.readonly"
CREDENTIAL_UPSERT = PREFIX + "credential.upsert"
PROFILE_READ = PREFIX + "profile.readonly"
PROFILE_UPDATE = PREFIX + "profile.update"
# What the OB 3.0 examples ask for to receive a refresh token (OpenID Connect's name). Refresh
# tokens are given with every authorization here; the scope is accepted so such clients work.
OFFLINE_ACCESS = "offline_access"

OB_SCOPES = (CREDENTIAL_READ, CREDENTIAL_UPSERT, PROFILE_READ, PROFILE_UPDATE)
# Badge Connect (Open Badges 2.1): the same four rights on OB 2.0 assertions.
V2P1 = "https://purl.imsglobal.org/spec/ob/v2p1/scope/"
ASSERTION_READ = V2P1 + "assertion.readonly"
ASSERTION_CREATE = V2P1 + "assertion.create"
V2P1_PROFILE_READ = V2P1 + "profile.readonly"
V2P1_PROFILE_UPDATE = V2P1 + "profile.update"
V2P1_SCOPES = (ASSERTION_READ, ASSERTION_CREATE, V2P1_PROFILE_READ, V2P1_PROFILE_UPDATE)
ALL_SCOPES = (*OB_SCOPES, *V2P1_SCOPES, OFFLINE_ACCESS)

# What each scope lets the application do, as the earner reads it.
DESCRIPTIONS: dict[str, Promise] = {
    CREDENTIAL_READ: _("See the badges in your backpack (not the ones you have hidden)."),
    CREDENTIAL_UPSERT: _(
        "Add badges to your backpack, and replace a badge it added before with a newer copy."
    ),
    PROFILE_READ: _("See your profile: your name, your main e-mail address and your phone number."),
    PROFILE_UPDATE: _("Change your profile, including the name shown on your account."),
    OFFLINE_ACCESS: _("Keep this access when you are not using the site."),
}
DESCRIPTIONS |= {
    ASSERTION_READ: DESCRIPTIONS[CREDENTIAL_READ],
    ASSERTION_CREATE: DESCRIPTIONS[CREDENTIAL_UPSERT],
    V2P1_PROFILE_READ: DESCRIPTIONS[PROFILE_READ],
    V2P1_PROFILE_UPDATE: DESCRIPTIONS[PROFILE_UPDATE],
}

# Short names for the list of connected applications.
SHORT_NAMES: dict[str, Promise] = {
    CREDENTIAL_READ: _("see your badges"),
    CREDENTIAL_UPSERT: _("add badges"),
    PROFILE_READ: _("see your profile"),
    PROFILE_UPDATE: _("change your profile"),
    OFFLINE_ACCESS: _("stay connected"),
}
SHORT_NAMES |= {
    ASSERTION_READ: SHORT_NAMES[CREDENTIAL_READ],
    ASSERTION_CREATE: SHORT_NAMES[CREDENTIAL_UPSERT],
    V2P1_PROFILE_READ: SHORT_NAMES[PROFILE_READ],
    V2P1_PROFILE_UPDATE: SHORT_NAMES[PROFILE_UPDATE],
}


def registered_scopes(application: Any) -> list[str]:
    """The scopes an application registered for (none for an application not registered
    through the API's registration endpoint)."""
    client = getattr(application, "ob_client", None) if application is not None else None
    if client is None:
        return []
    return [scope for scope in client.scope.split() if scope in ALL_SCOPES]


class ObScopes(BaseScopes):  # type: ignore[misc]
    """django-oauth-toolkit's scopes backend (``OAUTH2_PROVIDER["SCOPES_BACKEND_CLASS"]``)."""

    def get_all_scopes(self) -> dict[str, Any]:
        return dict(DESCRIPTIONS)

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        if application is None:  # metadata documents: everything the server knows
            return list(ALL_SCOPES)
        return registered_scopes(application)

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return registered_scopes(application)
