"""A person's learner record (1EdTech CLR 2.0), signed by the site, and its PDF annex.

The record holds the person's Open Badges 3.0 credentials that are provably theirs, each exactly
as it was signed and stored (the text is spliced in byte for byte: ``obcore.clr.clr_text``),
the associations between their achievements (``isPartOf`` and ``precedes``, from the programs
``selectors.programs`` provides), and the site's own proof (``eddsa-rdfc-2022``, with the key of
the site's signer, ``SiteSigner``). What a CLR 2.0 cannot hold as it is (an Open Badges 2.0
badge, a VC-JWT, a VC Data Model 1.1 credential) goes in the PDF annex instead. Badges that are
revoked, suspended or found not valid are left out of both.

Nothing here writes: a record is made on request, never stored.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from blason.backpack import selectors as backpack
from blason.backpack.models import Item, ItemStatus
from blason.backpack.selectors import phone_numbers, verified_emails
from blason.core.exceptions import ActionRefused
from blason.core.site import absolute_url
from blason.issuing.signing import selectors as signing
from blason.records import selectors
from obcore import clr
from obcore.ob3.identity import salted_identity
from obcore.proofs.data_integrity import sign

# Badges a record leaves out: they no longer say what they said.
LEFT_OUT = frozenset({ItemStatus.REVOKED, ItemStatus.SUSPENDED, ItemStatus.INVALID})
CONTENT_TYPE = "application/vc+ld+json"


class NoSigner(ActionRefused):
    """The site has no signer yet (``blason setup`` makes it)."""


@dataclass
class Record:
    text: str = ""  # the signed ClrCredential, JSON (empty when no badge can be held)
    held: list[Item] = field(default_factory=list)
    annexed: list[Item] = field(default_factory=list)  # in the PDF annex instead

    @property
    def document(self) -> dict[str, Any]:
        return json.loads(self.text) if self.text else {}


def split(items: Sequence[Item]) -> tuple[list[tuple[Item, dict[str, Any]]], list[Item]]:
    """The badges a CLR holds (with their parsed credential) and those for the annex."""
    held: list[tuple[Item, dict[str, Any]]] = []
    annexed: list[Item] = []
    for item in items:
        if item.status in LEFT_OUT:
            continue
        document: Any = None
        if item.credential.lstrip().startswith("{"):
            try:
                document = json.loads(item.credential)
            except ValueError:
                document = None
        if isinstance(document, dict) and clr.embeddable(document):
            held.append((item, document))
        else:
            annexed.append(item)
    return held, annexed


def _identifiers(user: Any) -> list[dict[str, Any]]:
    """The person, as the credentials name them: verified e-mail addresses and phone number,
    each salted and hashed (nobody reads them off the record)."""
    found = []
    for value, kind in [(email, "emailAddress") for email in verified_emails(user)] + [
        (phone, "ext:phoneNumber") for phone in phone_numbers(user) if user.phone_verified
    ]:
        identity, salt = salted_identity(value, kind, hashed=True, salt=None, path="identifier")
        entry = {"type": "IdentityObject", "identityHash": identity, "identityType": kind}
        found.append({**entry, "hashed": True, "salt": salt or ""})
    return found


def signer_profile() -> tuple[Any, dict[str, Any]]:
    """The site's signer and its embedded Profile; raises :class:`NoSigner`."""
    issuer = selectors.site_signer()
    if issuer is None:
        raise NoSigner(
            _("This site cannot sign records yet. Please tell the site's team (blason setup).")
        )
    url = signing.issuer_url(issuer)
    return issuer, {"id": url, "type": ["Profile"], "name": issuer.name, "url": issuer.url or url}


def build(user: Any, items: Sequence[Item] | None = None, *, name: str = "") -> Record:
    """The person's record: all their own badges, or ``items`` only (then ``partial``)."""
    chosen = list(items) if items is not None else list(selectors.own_items(user))
    held, annexed = split(chosen)
    record = Record(held=[item for item, _ in held], annexed=annexed)
    if not held:
        return record
    issuer, profile = signer_profile()
    key = signing.active_key(issuer)
    credentials = [document for _, document in held]
    now = timezone.now().replace(microsecond=0)
    unsigned = clr.clr_document(
        id=f"urn:uuid:{uuid.uuid4()}",
        issuer=profile,
        name=name or _("Learner record of %(name)s") % {"name": user.display_name or "—"},
        description=_("Open Badges kept on %(site)s, as their issuers signed them.")
        % {"site": settings.SITE_NAME},
        valid_from=now,
        credentials=credentials,
        identifiers=_identifiers(user),
        association=clr.associations(selectors.programs(user), credentials),
        partial=items is not None or bool(annexed) or len(held) < len(chosen),
    )
    signed = sign(
        unsigned,
        signing.private_key(key),
        verification_method=signing.verification_method_id(issuer, key),
        created=now,
        proof_list=True,
    )
    record.text = clr.clr_text(signed, [item.credential for item, _ in held])
    return record


def file_name(prefix: str, extension: str) -> str:
    return f"{prefix}-{timezone.now().date().isoformat()}.{extension}"


def annex_html(items: Sequence[Item], holder: str, language: str) -> str:
    """The annex: the badges a CLR 2.0 cannot hold, each with where it is checked."""
    with translation.override(language):
        entries = [
            {
                "item": item,
                "image": backpack.item_image(item),
                "address": (backpack.public_url(item) or "").split("://", 1)[-1],
            }
            for item in items
        ]
        context = {
            "entries": entries,
            "holder": holder,
            "language": language,
            "site_name": settings.SITE_NAME,
            "verify_address": absolute_url("verification:verify").split("://", 1)[-1],
        }
        return render_to_string("records/annex.html", context)


def annex_pdf(items: Sequence[Item], holder: str, language: str) -> bytes:
    return backpack.html_pdf(annex_html(items, holder, language))
