"""Writes of learner records: the site's signer, VAE dossiers and counsellor links. One atomic,
keyword-only function per action, each with an audit entry. (Importing a record is
``record_import.record_import``.)"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from blason.backpack.models import Item
from blason.core import audit
from blason.core.exceptions import ActionRefused
from blason.core.models import Issuer, IssuerKind
from blason.core.services import issuer_create
from blason.core.site import absolute
from blason.records import selectors
from blason.records.models import CounsellorLink, SiteSigner, VaeDossier, VaeEntry

MAX_LINK_DAYS = 90
MAX_FILE_BYTES = 5 * 1024 * 1024


@transaction.atomic
def site_signer_ensure() -> Issuer:
    """The site's signer: made once (an organisation profile named after the site, with its
    keys, through ``core.services.issuer_create``), then found. Run after ``migrate``."""
    existing = selectors.site_signer()
    if existing is not None:
        return existing
    issuer = issuer_create(
        name=settings.SITE_NAME,
        kind=IssuerKind.ORGANISATION,
        owner=None,
        url=absolute("/"),
        description=_("Signs the learner records people export from this site."),
    )
    signer = SiteSigner.objects.create(issuer=issuer)
    audit.record(action="records.signer.created", issuer=issuer, target=signer)
    return issuer


# VAE dossiers ---------------------------------------------------------------------------------


@transaction.atomic
def dossier_create(
    *,
    user: Any,
    rncp_code: str,
    title: str,
    blocs: Sequence[dict[str, str]] = (),
    occupations: Sequence[str] = (),
) -> VaeDossier:
    """A new VAE file for a target certification, with the person's badges aligned to it or to
    its occupations already in it (in the order they were awarded)."""
    dossier = VaeDossier.objects.create(
        owner=user,
        rncp_code=rncp_code,
        title=title,
        blocs=list(blocs),
        occupations=list(occupations),
    )
    fitting = selectors.fitting_items(user, rncp_code=rncp_code, occupations=occupations)
    VaeEntry.objects.bulk_create(
        VaeEntry(dossier=dossier, item=item, position=number) for number, item in enumerate(fitting)
    )
    audit.record(
        action="records.dossier.created",
        actor=user,
        target=dossier,
        data={"rncp": rncp_code, "preselected": len(fitting)},
    )
    return dossier


@dataclass(frozen=True)
class EntryInput:
    item: Item
    narrative: str = ""
    bloc: str = ""
    file: bytes | None = None  # None: keep the file there is; b"": none
    file_name: str = ""
    file_type: str = ""


@transaction.atomic
def dossier_save(*, dossier: VaeDossier, entries: Sequence[EntryInput]) -> VaeDossier:
    """The dossier's badges, in this order, with what the person wrote for each. Badges left
    out are taken out; only the owner's own badges can be in it."""
    for entry in entries:
        if entry.item.owner_id != dossier.owner_id or not entry.item.is_owners:
            raise ActionRefused(_("Only your own badges can go in your file."))
    kept = {entry.item.pk for entry in entries}
    dossier.entries.exclude(item_id__in=kept).delete()
    current = {row.item_id: row for row in VaeEntry.objects.filter(dossier=dossier)}
    for position, entry in enumerate(entries):
        row = current.get(entry.item.pk) or VaeEntry(dossier=dossier, item=entry.item)
        row.position = position
        row.narrative = entry.narrative.strip()
        row.bloc = entry.bloc.strip()[:40]
        if entry.file is not None:
            row.file = entry.file or None
            row.file_name = entry.file_name[:200] if entry.file else ""
            row.file_type = entry.file_type[:100] if entry.file else ""
        row.save()
    dossier.save(update_fields=["updated_at"])
    audit.record(
        action="records.dossier.saved",
        actor=dossier.owner,
        target=dossier,
        data={"badges": len(entries)},
    )
    return dossier


@transaction.atomic
def dossier_delete(*, dossier: VaeDossier) -> None:
    audit.record(
        action="records.dossier.deleted",
        actor=dossier.owner,
        data={"dossier": str(dossier.uuid), "rncp": dossier.rncp_code},
    )
    dossier.delete()


# Counsellor links -----------------------------------------------------------------------------


@transaction.atomic
def link_create(*, dossier: VaeDossier, label: str, days: int) -> CounsellorLink:
    """A read-only link to the dossier for a counsellor, open for ``days`` days (1 to 90)."""
    if not 1 <= days <= MAX_LINK_DAYS:
        raise ActionRefused(
            _("A link stays open from 1 to %(days)d days.") % {"days": MAX_LINK_DAYS}
        )
    link = CounsellorLink.objects.create(
        dossier=dossier,
        label=label.strip()[:150],
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit.record(
        action="records.link.created",
        actor=dossier.owner,
        target=link,
        data={"dossier": str(dossier.uuid), "days": days, "for": link.label},
    )
    return link


@transaction.atomic
def link_revoke(*, link: CounsellorLink) -> CounsellorLink:
    """Close a counsellor's link now (it then opens nothing, like a wrong one)."""
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        audit.record(
            action="records.link.revoked",
            actor=link.dossier.owner,
            target=link,
            data={"dossier": str(link.dossier.uuid)},
        )
    return link
