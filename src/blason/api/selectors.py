"""Reads for the Open Badges 3.0 API and the list of connected applications, always scoped to
one earner."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.db.models import Min, Q
from django.http import Http404
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, RefreshToken

from blason.api.models import ApiProfile
from blason.api.scopes import ALL_SCOPES, SHORT_NAMES
from blason.backpack.models import Item


def api_items(user: Any, *, since: datetime | None = None, version: str = "3.0") -> Any:
    """The badges an application with ``credential.readonly`` sees: the earner's Open Badges
    3.0 credentials (OB 2.0 assertions are not AchievementCredentials; Badge Connect, OB 2.1,
    asks for ``version="2.0"``), not the hidden ones, oldest first so that pages stay put as
    badges arrive."""
    items = Item.objects.filter(owner=user, hidden=False, version=version)
    if since is not None:
        items = items.filter(issued_at__gt=since)
    return items.order_by("id")


@dataclass
class CredentialsPage:
    """One page of credentials, each exactly as kept (JSON text or a compact JWS), with the
    total count and the ``id`` of the page's first and last items (the cursors of the
    ``Link`` header's prev and next addresses)."""

    total: int
    credentials: list[str]
    first_id: int | None = None
    last_id: int | None = None


def credentials_page(
    user: Any,
    *,
    since: datetime | None,
    offset: int,
    limit: int,
    version: str = "3.0",
    after: int | None = None,
    before: int | None = None,
) -> CredentialsPage:
    """The total count and one page of credentials. Two queries whatever the size of the
    backpack, each served by the ``backpack_item_api`` index, the second reading only the
    ``id`` and the credential.

    The page is the one after the item ``after`` or before the item ``before`` when one is
    given (the cursors this API writes in its ``next`` and ``prev`` links: a deep page costs
    what the first does); otherwise ``offset`` rows in, read from the nearer end of the list
    (the ``last`` link costs what the first does; only a page in the middle of a long list
    reached by ``offset`` alone walks the rows before it)."""
    items = api_items(user, since=since, version=version)
    total = items.count()
    columns = ("id", "credential")
    if after is not None:
        rows = list(items.filter(id__gt=after).values_list(*columns)[:limit])
    elif before is not None:
        rows = list(items.filter(id__lt=before).order_by("-id").values_list(*columns)[:limit])
        rows.reverse()
    elif offset >= total:
        rows = []
    elif offset > total // 2:  # nearer the end: read backwards
        end = total - offset  # rows from the page's first to the list's end
        newest = items.order_by("-id").values_list(*columns)
        rows = list(newest[max(0, end - limit) : end])
        rows.reverse()
    else:
        rows = list(items.values_list(*columns)[offset : offset + limit])
    return CredentialsPage(
        total,
        [credential for _pk, credential in rows],
        first_id=rows[0][0] if rows else None,
        last_id=rows[-1][0] if rows else None,
    )


def profile_of(user: Any) -> dict[str, Any]:
    """The earner's Open Badges 3.0 Profile.

    The one an application last put (``putProfile``) when there is one, as received; otherwise
    one made from the account: ``urn:uuid:`` of the account, the main verified e-mail address
    and the verified phone number. ``name`` is always the account's name when it has one
    (a put profile's name became the account's name, and the person may have changed it since).
    """
    stored = ApiProfile.objects.filter(user=user).first()
    if stored is not None and isinstance(stored.document, dict):
        document = dict(stored.document)
    else:
        document = {"id": f"urn:uuid:{user.uuid}", "type": ["Profile"]}
        email = (
            EmailAddress.objects.filter(user=user, verified=True)
            .order_by("-primary", "id")
            .values_list("email", flat=True)
            .first()
        )
        if email:
            document["email"] = email
        if user.phone and user.phone_verified:
            document["phone"] = user.phone
    if user.display_name:
        document["name"] = user.display_name
    return document


@dataclass
class Connection:
    """An application the earner let in, while any of its tokens can still be used."""

    application: Application
    scopes: list[str] = field(default_factory=list)
    since: datetime | None = None

    @property
    def abilities(self) -> list[str]:
        """What it can do, in a few words each (the current language)."""
        return list(dict.fromkeys(str(SHORT_NAMES[scope]) for scope in self.scopes))

    @property
    def host(self) -> str:
        client = getattr(self.application, "ob_client", None)
        return urlsplit(client.client_uri).netloc if client is not None else ""


def connections_of(user: Any) -> list[Connection]:
    """Connected applications, most recent first: those holding an unexpired access token or
    an unrevoked refresh token of the person. Four queries whatever the number of tokens."""
    now = timezone.now()
    live_access = AccessToken.objects.filter(user=user, expires__gt=now)
    live_refresh = RefreshToken.objects.filter(user=user, revoked__isnull=True)
    rows = [
        *live_access.values_list("application_id", "scope", "created"),
        *live_refresh.values_list("application_id", "access_token__scope", "created"),
    ]
    by_app: dict[int, tuple[set[str], datetime]] = {}
    for app_id, scope, created in rows:
        scopes, first = by_app.get(app_id, (set(), created))
        scopes.update((scope or "").split())
        by_app[app_id] = (scopes, min(first, created))
    # Refresh tokens rotate; the spent ones stay (revoked) until the person disconnects the
    # application: the first of them says since when it is connected.
    firsts = dict(
        RefreshToken.objects.filter(user=user, application_id__in=by_app)
        .values("application_id")
        .annotate(first=Min("created"))
        .values_list("application_id", "first")
    )
    for app_id, first in firsts.items():
        scopes, since = by_app[app_id]
        by_app[app_id] = (scopes, min(since, first))
    applications = Application.objects.filter(pk__in=by_app).select_related("ob_client")
    connections = [
        Connection(
            application=app,
            scopes=[s for s in ALL_SCOPES if s in by_app[app.pk][0]],
            since=by_app[app.pk][1],
        )
        for app in applications
    ]
    connections.sort(key=lambda c: c.since or now, reverse=True)
    return connections


def connected_application(user: Any, client_id: str) -> Application:
    """An application the person has (or had) tokens for; 404 for any other."""
    application = (
        Application.objects.filter(client_id=client_id)
        .filter(Q(accesstoken__user=user) | Q(refreshtoken__user=user) | Q(grant__user=user))
        .distinct()
        .first()
    )
    if application is None:
        raise Http404
    return application
