"""Importing a learner record (CLR 2.0) into a backpack: each credential it holds becomes a
badge of its own, verified as any imported badge is (``backpack.services.verify_text``), and
the record's own proof is verified too. All or nothing: one credential refused, or the
record's proof not holding, and nothing is kept (the badges are saved in one transaction).

Each inner credential is kept as the very text it had in the uploaded file (``inner_texts``
finds where each one starts and ends), never re-serialised.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from blason.backpack import selectors as backpack
from blason.backpack import services as backpack_services
from blason.backpack.models import Item
from blason.core import audit
from blason.core.exceptions import ActionRefused
from obcore import clr
from obcore.errors import KeyUnavailableError, ObcoreError
from obcore.fetch import Fetcher, FetchError

_DECODER = json.JSONDecoder()
JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
_SPACE = " \t\r\n"


class RecordRefused(ActionRefused):
    """Nothing was kept."""


@dataclass
class Imported:
    added: list[Item] = field(default_factory=list)
    already: int = 0  # badges the backpack held already


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at] in _SPACE:
        at += 1
    return at


def _members(text: str, at: int) -> dict[str, tuple[int, int]]:
    """The spans of an object's values, by key (the last one wins, as in ``json.loads``)."""
    spans: dict[str, tuple[int, int]] = {}
    at = _skip(text, at + 1)
    while at < len(text) and text[at] != "}":
        key, at = _DECODER.raw_decode(text, at)
        at = _skip(text, _skip(text, at) + 1)  # past ":"
        _value, end = _DECODER.raw_decode(text, at)
        spans[key] = (at, end)
        at = _skip(text, end)
        at = _skip(text, at + 1) if at < len(text) and text[at] == "," else at
    return spans


def _elements(text: str, at: int) -> list[str]:
    found = []
    at = _skip(text, at + 1)
    while at < len(text) and text[at] != "]":
        _value, end = _DECODER.raw_decode(text, at)
        found.append(text[at:end])
        at = _skip(text, end)
        at = _skip(text, at + 1) if at < len(text) and text[at] == "," else at
    return found


def inner_texts(text: str) -> list[str]:
    """The text of each credential in ``credentialSubject.verifiableCredential``, as written
    (``text`` is known to be valid JSON of that shape)."""
    top = _members(text, _skip(text, 0))
    if "credentialSubject" not in top and "vc" in top:  # a VC-JWT's VCDM 1.1 ``vc`` claim
        top = _members(text, top["vc"][0])
    subject = top["credentialSubject"][0]
    array = _members(text, subject)["verifiableCredential"][0]
    return _elements(text, array)


def _text_of(content: bytes) -> str:
    if len(content) > 4 * settings.VERIFY_MAX_BYTES:
        raise RecordRefused(_("The file is too large."))
    try:
        text = content.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        raise RecordRefused(_("This file is not a learner record (CLR): it is not text.")) from None
    if not text.startswith("{") and not JWS.match(text):
        raise RecordRefused(
            _("This file is not a learner record (CLR): give the record's JSON file.")
        )
    return text


def _from_jwt(token: str, fetcher: Fetcher) -> tuple[dict[str, Any], str]:
    """A record given as a VC-JWT: its signature verified; the credential and its payload."""
    try:
        credential, payload = clr.verify_jwt(token, fetcher)
    except (FetchError, KeyUnavailableError):
        raise RecordRefused(_unreachable()) from None
    except ObcoreError:
        raise RecordRefused(_not_holding()) from None
    document = credential.get("vc", credential) if isinstance(credential, dict) else credential
    try:
        return clr.check_clr(document), payload
    except clr.ClrRefused:
        raise RecordRefused(_unreadable()) from None


def _unreachable() -> str:  # said in the language of the request
    return _(
        "The record's own signature could not be checked now (its signer's key could "
        "not be fetched): try again later."
    )


def _not_holding() -> str:
    return _("The record's own signature does not hold: it was altered, or it is not signed.")


def _unreadable() -> str:
    return _("This file is not a learner record (CLR 2.0) that can be read.")


def _outer(document: dict[str, Any], fetcher: Fetcher) -> None:
    result = clr.verify_outer(document, fetcher)
    if result.verified:
        return
    raise RecordRefused(_unreachable() if result.unverifiable else _not_holding())


def record_import(
    *, user: Any, content: bytes, file_name: str = "", fetcher: Fetcher | None = None
) -> Imported:
    """Keep each credential of the CLR in ``content`` as a badge of the person's backpack.
    Raises :class:`RecordRefused` (nothing kept)."""
    text = _text_of(content)
    fetcher = fetcher or backpack.badge_fetcher()
    if text.startswith("{"):
        try:
            clr.read_clr(text)
        except clr.ClrRefused:
            raise RecordRefused(_unreadable()) from None
        _outer(json.loads(text), fetcher)
    else:
        _document, text = _from_jwt(text, fetcher)
    verified = []
    for number, inner in enumerate(inner_texts(text), start=1):
        try:
            verified.append(backpack_services.verify_text(inner, fetcher))
        except backpack_services.ImportRefused as exc:
            raise RecordRefused(
                _("Badge %(number)d of the record cannot be kept: %(reason)s")
                % {"number": number, "reason": exc}
            ) from None
    result = Imported()
    identities = set(Item.objects.filter(owner=user).values_list("identity", flat=True))
    items = []
    for entry in verified:
        if entry.identity in identities:
            result.already += 1
            continue
        identities.add(entry.identity)
        items.append(backpack_services.new_item(user, entry, file_name or "clr.json"))
    try:
        with transaction.atomic():
            for item in items:
                item.save()
                audit.record(
                    action="backpack.item.imported",
                    actor=user,
                    target=item,
                    data={"format": "clr", "version": item.version, "state": item.status},
                )
            audit.record(
                action="records.record.imported",
                actor=user,
                data={"added": len(items), "already": result.already},
            )
    except IntegrityError:  # the same badge, imported at the same moment
        raise RecordRefused(
            _("Some of these badges were added meanwhile: import the record again.")
        ) from None
    result.added = items
    return result
