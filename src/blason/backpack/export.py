"""Everything a person keeps on Blason, in one zip file they can take elsewhere.

``blason-data.zip`` holds ``profile.json`` (account, e-mail addresses, phone numbers),
``collections.json``, and for each badge a folder with the badge exactly as received
(``received.png|svg|json|jws``), the credential as JSON or JWS, the badge image with the
credential baked in when it was awarded here, the last verification report and the person's
note. Nothing in it is re-signed or re-serialised: each file can be imported into another
backpack or checked by any verifier.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from typing import IO, Any

from allauth.account.models import EmailAddress
from django.utils import timezone
from django.utils.text import slugify

from blason.backpack.models import Collection, Item, PublicProfile, ReceivedFormat

_RECEIVED_EXTENSIONS = {
    ReceivedFormat.PNG: "png",
    ReceivedFormat.SVG: "svg",
    ReceivedFormat.JWS: "jws",
}
README = """Your data on Blason, exported on {date}.

profile.json       your account: name, language, e-mail addresses, phone numbers
collections.json   your collections and the badges in them, in order
badges/            one folder per badge:
  received.*       the badge exactly as it reached you (baked image, JSON or JWS)
  credential.json  (or .jws) the signed credential, as it was signed
  badge.png|svg    for badges awarded on Blason, the image with the credential inside
  report.json      the last verification of the badge
  note.txt         your note, if you wrote one

Every credential is kept exactly as signed: import it into another backpack or check it
with any Open Badges verifier.
"""


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n"


def _profile(user: Any) -> dict[str, Any]:
    return {
        "email": user.email,
        "name": user.display_name,
        "language": user.language,
        "joined": user.date_joined.isoformat(),
        "emails": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "phone": {"number": user.phone, "verified": user.phone_verified} if user.phone else None,
        "public_page": next(
            (
                {"on": page.enabled, "slug": page.slug, "name": page.name, "about": page.headline}
                for page in PublicProfile.objects.filter(user=user)
            ),
            None,
        ),
    }


def _baked(item: Item) -> tuple[str, bytes] | None:
    """The award's image with its credential baked in (as the award page serves it)."""
    from obcore import baking
    from obcore.errors import BakingError

    award = item.award
    if award is None or not award.badge.image:
        return None
    try:
        with award.badge.image.open("rb") as handle:
            image = handle.read()
    except OSError:
        return None
    extension = "svg" if str(award.badge.image.name).endswith(".svg") else "png"
    try:
        return extension, baking.bake(image, award.credential)
    except BakingError:
        return None


def _folders(items: list[Item]) -> dict[int, str]:
    return {
        item.pk: f"badges/{number:03d}-{slugify(item.name)[:50] or 'badge'}"
        for number, item in enumerate(items, start=1)
    }


def write_export(user: Any, out: IO[bytes]) -> None:
    items = list(
        Item.objects.filter(owner=user).select_related("award__badge").order_by("added_at", "pk")
    )
    folders = _folders(items)
    collections = Collection.objects.filter(owner=user).prefetch_related("entries")
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(date=timezone.now().date().isoformat()))
        archive.writestr("profile.json", _dump(_profile(user)))
        archive.writestr(
            "collections.json",
            _dump(
                [
                    {
                        "name": collection.name,
                        "description": collection.description,
                        "badges": [
                            folders[entry.item_id]
                            for entry in sorted(collection.entries.all(), key=lambda e: e.position)
                            if entry.item_id in folders
                        ],
                    }
                    for collection in collections.order_by("position", "pk")
                ]
            ),
        )
        for item in items:
            folder = folders[item.pk]
            received = bytes(item.received)
            extension = _RECEIVED_EXTENSIONS.get(ReceivedFormat(item.received_format), "json")
            archive.writestr(f"{folder}/received.{extension}", received)
            is_jws = not item.credential.lstrip().startswith("{")
            archive.writestr(f"{folder}/credential.{'jws' if is_jws else 'json'}", item.credential)
            if (baked := _baked(item)) is not None:
                archive.writestr(f"{folder}/badge.{baked[0]}", baked[1])
            archive.writestr(f"{folder}/report.json", _dump(item.report))
            if item.note:
                archive.writestr(f"{folder}/note.txt", item.note + "\n")


def export_file(user: Any) -> IO[bytes]:
    """The zip, in a temporary file (kept in memory up to 10 MB) positioned at its start."""
    out = tempfile.SpooledTemporaryFile(max_size=10 * 1024 * 1024)  # noqa: SIM115 - returned
    write_export(user, out)
    out.seek(0)
    return out
