"""Importing an Open Badge from anywhere into a backpack, and checking kept badges again.

Why one module of over 400 lines: importing and checking again run the same steps on a badge
(verify, decide whose it is, store byte for byte, keep the report) and must stay in step; the
reading of files and addresses is apart (``reading``, ``checking``).

An import is verified by obcore before anything is stored; what cannot be read, or fails its
checks (altered, forged), is refused with the report. What was received is kept byte for byte,
and the credential exactly as found in it (the JSON text, the compact JWS, or the payload baked
in the image). Network work (verification, the badge image) happens outside any database
transaction: SQLite would otherwise hold its write lock while another site answers.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _

from blason.backpack import checking, reading, recipients
from blason.backpack.models import (
    Item,
    ItemSource,
    ReceivedFormat,
    credential_identity,
)
from blason.backpack.rechecks import recheck_item as recheck_item
from blason.core import audit, hooks
from blason.core.exceptions import ActionRefused
from blason.core.site import local_path
from blason.issuing.models import Award
from obcore import baking
from obcore.errors import BakingError
from obcore.fetch import Fetcher
from obcore.verify import State

_STATUS = checking.ITEM_STATUS


class ImportRefused(ActionRefused):
    """Nothing was stored; ``report`` is the verification report when there was one."""

    def __init__(self, message: str, report: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.report = report


class AlreadyInBackpack(ActionRefused):
    def __init__(self, message: str, item: Item) -> None:
        super().__init__(message)
        self.item = item


@dataclass(frozen=True)
class Received:
    data: bytes  # exactly what the person gave
    format: str  # ReceivedFormat
    text: str = ""  # the same, decoded, for text input
    url: str = ""


def _sniff(data: bytes) -> Received:
    if data.startswith(checking.PNG_SIGNATURE):
        return Received(data, ReceivedFormat.PNG)
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<"):
        return Received(data, ReceivedFormat.SVG)
    try:
        text = stripped.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise ImportRefused(
            _("This file is not a badge: upload a PNG or SVG image, or a JSON or JWS file.")
        ) from None
    if text.startswith(("https://", "http://")) and not any(c.isspace() for c in text):
        return Received(data, ReceivedFormat.URL, text, text)
    if text.startswith("{"):
        return Received(data, ReceivedFormat.JSON, text)
    return Received(data, ReceivedFormat.JWS, text)


def _credential_text(received: Received, checked: checking.Checked) -> str:
    """The credential exactly as found in what was received."""
    fetched = checked.fetched.fetched
    if received.format in (ReceivedFormat.PNG, ReceivedFormat.SVG):
        extracted = baking.extract(received.data, max_bytes=settings.VERIFY_MAX_BYTES)
        if extracted.kind != "url":
            return extracted.payload.strip()
        url = extracted.payload.strip()
    elif received.format == ReceivedFormat.URL:
        url = received.url
    else:
        return received.text
    return fetched[url].body.decode("utf-8", "replace").strip()


def _lookup(checked: checking.Checked) -> reading.Lookup:
    def lookup(url: str) -> dict[str, Any] | None:
        found = checked.fetched.fetched.get(url)
        if found is None:
            return None
        try:
            document = json.loads(found.body)
        except (ValueError, RecursionError):
            return None
        return document if isinstance(document, dict) else None

    return lookup


def _local_award(key: str) -> Award | None:
    """The award of this site a credential id points to, if any."""
    path = local_path(key)
    if path is None:
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.url_name != "award_public":
        return None
    award_uuid = match.kwargs["award_uuid"]
    return Award.objects.select_related("badge", "issuer").filter(uuid=award_uuid).first()


def _refused(report: Any) -> ImportRefused:
    """A refusal in plain words. When the badge was read but failed its checks, the report
    goes along (the page shows what was checked); when nothing could be read, the reason is
    in the message itself."""
    if report.state is State.INVALID:
        headline = _(
            "This badge did not pass its checks (it was altered or forged, or it is not "
            "signed), so it cannot be kept."
        )
    elif report.state is State.UNVERIFIABLE:
        headline = _("The badge could not be read.")
    else:
        headline = _("This is not an Open Badge we can read.")
    if report.credential is not None:
        return ImportRefused(headline, checking.report_json(report))
    return ImportRefused(f"{headline} {checking.first_failure(report)}".strip())


def _received(content: bytes | None, text: str) -> Received:
    if content is not None:
        if len(content) > settings.VERIFY_MAX_BYTES:
            raise ImportRefused(_("The file is too large."))
        received = _sniff(content)
    else:
        if not text.strip():
            raise ImportRefused(_("Give a badge file, its web address or its content."))
        received = _sniff(text.encode("utf-8"))
    if received.format == ReceivedFormat.PNG and checking.is_pixel_bomb(received.data):
        raise ImportRefused(
            _(
                "This image declares far more pixels than a badge needs: it could freeze a "
                "computer, so it was not opened."
            )
        )
    return received


@dataclass(frozen=True)
class Verified:
    """A received badge that passed obcore's checks, before anything is stored."""

    received: Received
    checked: checking.Checked
    credential: str  # exactly as found in what was received
    document: dict[str, Any]
    kept: bytes  # what is kept of what was received
    key: str
    issuer_id: str

    @property
    def identity(self) -> str:
        return credential_identity(self.key, self.issuer_id)


def verify_text(text: str, fetcher: Fetcher | None) -> Verified:
    """Check a badge given as text (JSON or a JWS) as an import does, keeping nothing: one of a
    learner record's credentials (``records``). Raises ``ImportRefused``."""
    return _verify(_received(None, text), fetcher)


def _verify(received: Received, fetcher: Fetcher | None) -> Verified:
    source: Any = received.text or received.data
    checked = checking.check(source, fetcher=fetcher)
    report = checked.report
    if report.state in (State.MALFORMED, State.INVALID):
        raise _refused(report)
    try:
        credential = _credential_text(received, checked)
    except (BakingError, KeyError):
        raise _refused(report) from None
    document = report.credential
    if document is None:
        # Readable, but not checkable right now (a VC-JWT whose issuer's key, or an OB 2.0
        # badge whose hosted copy, cannot be fetched): kept, and checked again later.
        document = reading.document_of(credential) or None
    if document is None:
        raise _refused(report)
    # A badge given by its address: what was received is the document found there.
    kept = received.data
    if received.format == ReceivedFormat.URL:
        kept = checked.fetched.fetched[received.url].body
    key = reading.credential_key(document, credential)
    issuer_id = reading.details(document, _lookup(checked)).issuer_id[:2000]
    return Verified(received, checked, credential, dict(document), kept, key, issuer_id)


def new_item(user: Any, verified: Verified, file_name: str) -> Item:
    """The backpack item for a verified badge (not saved), marked as the person's own or as
    issued to someone else; fetches the badge image."""
    emails, phones = recipients.identities(user)
    received, checked, report = verified.received, verified.checked, verified.checked.report
    info = reading.details(verified.document, _lookup(checked))
    award = _local_award(verified.key)
    if award is not None and award.issuer_id is not None:
        from blason.issuing.signing import selectors as signing

        if not _same_id(signing.issuer_url(award.issuer), verified.issuer_id):
            award = None  # another issuer's credential that reuses an id of this site
    image = None
    if award is None:
        if received.format in (ReceivedFormat.PNG, ReceivedFormat.SVG):
            image = checking.clean_image(received.data)
        if image is None and info.image:
            image = checking.fetch_image(info.image, checked.fetched)
    return Item(
        owner=user,
        source=ItemSource.IMPORT,
        award=award,
        received=verified.kept,
        received_format=received.format,
        received_name=file_name[:255],
        received_sha256=hashlib.sha256(verified.kept).hexdigest(),
        source_url=received.url[:2000],
        credential=verified.credential,
        credential_key=verified.key,
        version=report.version or "",
        name=(info.name or (award.badge.name if award else "") or _("Badge"))[:300],
        description=info.description,
        criteria=info.criteria,
        issuer_name=(info.issuer_name or (award.issuer.name if award else ""))[:300],
        issuer_id=verified.issuer_id,
        issuer_url=info.issuer_url[:2000] if info.issuer_url.startswith("http") else "",
        issued_at=info.issued_at,
        expires_at=info.expires_at,
        image=image[0] if image else None,
        image_type=image[1] if image else "",
        status=_STATUS[report.state.value],
        checked_at=timezone.now(),
        last_valid_at=timezone.now() if report.state is State.VALID else None,
        report=checking.report_json(report),
        recipient=recipients.mark_of(
            recipients.match(
                credential=verified.credential,
                award=award,
                owner_id=user.pk,
                emails=emails,
                phones=phones,
            )
        ),
    )


def import_badge(
    *,
    user: Any,
    content: bytes | None = None,
    file_name: str = "",
    text: str = "",
    fetcher: Fetcher | None = None,
) -> Item:
    """Import a badge given as a file (``content``: baked PNG/SVG, JSON, JWS) or as ``text``
    (a URL, JSON or a JWS). Raises ``ImportRefused`` (nothing stored) or ``AlreadyInBackpack``.
    """
    verified = _verify(_received(content, text), fetcher)
    identity = verified.identity
    existing = Item.objects.filter(owner=user, identity=identity).first()
    if existing is not None:
        raise AlreadyInBackpack(_("This badge is already in your backpack."), existing)
    item = new_item(user, verified, file_name)
    try:
        with transaction.atomic():
            item.save()
            audit.record(
                action="backpack.item.imported",
                actor=user,
                target=item,
                data={
                    "format": verified.received.format,
                    "version": item.version,
                    "state": item.status,
                },
            )
            hooks.holdings_changed(user_id=user.pk)
    except IntegrityError:  # the same badge, imported twice at the same moment
        existing = Item.objects.filter(owner=user, identity=identity).first()
        if existing is None:
            raise
        raise AlreadyInBackpack(_("This badge is already in your backpack."), existing) from None
    if item.award_id is not None and not item.is_owners:
        # A badge of this site awarded to one of the person's verified identities: collected
        # now (or asked about) as it would be on their next visit to their backpack.
        from blason.backpack import claims

        claims.collect_awards(user=user)
        item.refresh_from_db()
    return item


def _same_id(a: str, b: str) -> bool:
    """Open Badges 3.0 credential equality compares ids after percent-decoding and trimming."""
    return unquote(a).strip() == unquote(b).strip()


# What a replacement changes: everything read from the new credential. The person's own
# choices (note, hidden, public, collections) and the item's identity stay.
_REPLACED_FIELDS = (
    "award",
    "received",
    "received_format",
    "received_name",
    "received_sha256",
    "source_url",
    "credential",
    "credential_key",
    "version",
    "name",
    "description",
    "criteria",
    "issuer_name",
    "issuer_id",
    "issuer_url",
    "issued_at",
    "expires_at",
    "image",
    "image_type",
    "status",
    "checked_at",
    "last_valid_at",
    "report",
    "recipient",
)


# What the Open Badges 3.0 API's upsert keeps: a genuine badge (its proof verified with a key
# of its issuer), whatever its dates or status say; the backpack shows them. A badge that
# fails its checks, or that cannot be checked now, is refused (docs/api.md).
UPSERT_STATES = frozenset(
    {State.VALID, State.EXPIRED, State.REVOKED, State.SUSPENDED, State.NOT_YET_VALID}
)


def _upsert_problem(verified: Verified, version: str) -> str:
    """Why a credential cannot be kept through an API ("" when it can). The Open Badges 3.0
    API takes only OB 3.0 credentials, with their issuer and subject."""
    report, document = verified.checked.report, verified.document
    if report.state is State.UNVERIFIABLE:
        return _(
            "The badge could not be checked now (a document it needs could not be fetched): "
            "try again later."
        )
    if report.state not in UPSERT_STATES:
        return _("This badge did not pass its checks, so it cannot be kept.")
    if version != "3.0":
        return ""
    if reading.is_ob2(document) or report.version not in ("3.0", None, ""):
        return _("Only Open Badges 3.0 credentials are kept here.")
    missing = [
        name
        for name in ("issuer", "credentialSubject")
        if not (isinstance(document.get(name), dict | str | list) and document.get(name))
    ]
    if missing:
        return _("The credential has no %(properties)s: it is not an Open Badge.") % {
            "properties": " / ".join(missing)
        }
    if not verified.issuer_id:
        return _("The credential's issuer has no id: it is not an Open Badge.")
    return ""


def upsert_badge(
    *,
    user: Any,
    text: str,
    fetcher: Fetcher | None = None,
    audit_data: dict[str, Any] | None = None,
    version: str = "3.0",
) -> tuple[Item, bool]:
    """Add a badge given as JSON or a compact JWS, or replace the copy already kept (the Open
    Badges 3.0 API's upsertCredential). The same badge is the one with the same credential id
    and the same issuer id (OB 3.0 "credential equality"); the same id from another issuer is
    another badge, added next to it. Returns the item and whether it was created. Raises
    ``ImportRefused`` (nothing stored) for anything but a genuine badge (``UPSERT_STATES``);
    with ``version="3.0"`` (the OB 3.0 API), an OB 3.0 credential with its issuer and subject.
    """
    received = _received(None, text)
    if received.format not in (ReceivedFormat.JSON, ReceivedFormat.JWS):
        raise ImportRefused(_("Give the badge itself: its JSON or its compact JWS."))
    verified = _verify(received, fetcher)
    problem = _upsert_problem(verified, version)
    if problem:
        raise ImportRefused(problem, checking.report_json(verified.checked.report))
    existing = Item.objects.filter(owner=user, identity=verified.identity).first()
    item = new_item(user, verified, "")
    data = {
        "format": received.format,
        "version": item.version,
        "state": item.status,
        **(audit_data or {}),
    }
    if existing is None:
        try:
            with transaction.atomic():
                item.save()
                audit.record(action="backpack.item.imported", actor=user, target=item, data=data)
                hooks.holdings_changed(user_id=user.pk)
        except IntegrityError:
            raise ImportRefused(_("This badge is already in your backpack.")) from None
        return item, True
    for field in _REPLACED_FIELDS:
        setattr(existing, field, getattr(item, field))
    existing.last_valid_at = item.last_valid_at or existing.last_valid_at
    with transaction.atomic():
        existing.save(update_fields=list(_REPLACED_FIELDS))
        audit.record(action="backpack.item.replaced", actor=user, target=existing, data=data)
        hooks.holdings_changed(user_id=user.pk)
    return existing, False
