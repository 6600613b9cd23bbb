"""Writes of the Open Badges 3.0 API: registering an application, disconnecting one, adding
a badge to a backpack and updating a profile. Each is atomic and leaves an audit entry."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, Application, Grant, RefreshToken

from blason.api.models import ApiProfile, RegisteredClient
from blason.api.registration import ClientMetadata
from blason.backpack import services as backpack_services
from blason.backpack.models import Item
from blason.core import audit
from obcore.fetch import Fetcher

NAME_MAX = 150  # accounts.User.display_name


@transaction.atomic
def client_register(*, metadata: ClientMetadata) -> tuple[Application, str]:
    """Register an application (RFC 7591). Returns it with its client secret in clear: the
    only time it is known, as only a hash is stored."""
    secret = generate_client_secret()
    application = Application(
        name=metadata.client_name,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(metadata.redirect_uris),
        client_secret=secret,
        hash_client_secret=True,
        registration_source=Application.RegistrationSource.DCR,
    )
    application.save()
    RegisteredClient.objects.create(
        application=application,
        client_uri=metadata.client_uri,
        logo_uri=metadata.logo_uri,
        tos_uri=metadata.tos_uri,
        policy_uri=metadata.policy_uri,
        software_id=metadata.software_id,
        software_version=metadata.software_version,
        scope=metadata.scope,
        metadata=metadata.as_json(),
    )
    audit.record(
        action="api.client.registered",
        target=application,
        data={
            "client_id": application.client_id,
            "name": metadata.client_name,
            "software_id": metadata.software_id,
        },
    )
    return application, secret


@transaction.atomic
def connection_revoke(*, user: Any, application: Application) -> int:
    """Disconnect an application from a person's account: every access token, refresh token
    and unused authorization code it holds for them goes. Returns how many were removed."""
    removed = 0
    for model in (RefreshToken, AccessToken, Grant):
        count, _detail = model.objects.filter(user=user, application=application).delete()
        removed += count
    audit.record(
        action="api.connection.revoked",
        actor=user,
        target=user,
        data={"client_id": application.client_id, "name": application.name, "tokens": removed},
    )
    return removed


def credential_upsert(
    *,
    user: Any,
    application: Application,
    credential: str,
    fetcher: Fetcher | None = None,
    version: str = "3.0",
) -> tuple[Item, bool]:
    """``upsertCredential``: verify the badge and keep it exactly as received, or replace the
    copy kept of the same badge. Returns the item and whether it was created. Raises
    ``backpack_services.ImportRefused`` (nothing stored)."""
    return backpack_services.upsert_badge(
        user=user,
        text=credential,
        fetcher=fetcher,
        audit_data={"via": "api", "client_id": application.client_id},
        version=version,
    )


@transaction.atomic
def profile_put(*, user: Any, application: Application, document: dict[str, Any]) -> None:
    """``putProfile``: keep the Profile as received; its ``name`` becomes the account's name.
    E-mail addresses and phone numbers of the account are not changed (they are proven by the
    person, not declared by an application)."""
    ApiProfile.objects.update_or_create(user=user, defaults={"document": document})
    changed: dict[str, Any] = {"client_id": application.client_id}
    name = document.get("name")
    if isinstance(name, str) and " ".join(name.split()):
        new_name = " ".join(name.split())[:NAME_MAX]
        if new_name != user.display_name:
            user.display_name = new_name
            user.save(update_fields=["display_name"])
            changed["display_name"] = new_name
    audit.record(action="api.profile.updated", actor=user, target=user, data=changed)


@transaction.atomic
def profile_rename(*, user: Any, application: Application, name: str) -> None:
    """Badge Connect's profile update: the name becomes the account's name."""
    new_name = " ".join(name.split())[:NAME_MAX]
    changed: dict[str, Any] = {"client_id": application.client_id}
    if new_name and new_name != user.display_name:
        user.display_name = new_name
        user.save(update_fields=["display_name"])
        changed["display_name"] = new_name
    audit.record(action="api.profile.updated", actor=user, target=user, data=changed)
