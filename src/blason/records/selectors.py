"""Reads of learner records: the site's signer, a person's dossiers and the badges that fit a
target certification, the counsellor links, and the programs (pathways) a record associates."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.apps import apps
from django.core import signing
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from blason.backpack import selectors as backpack
from blason.backpack.models import Item, ItemRecipient
from blason.core.models import Issuer
from blason.records.models import CounsellorLink, SiteSigner, VaeDossier, VaeEntry
from obcore.clr import Program

LINK_SALT = "blason.records.counsellor"
_DIGITS = re.compile(r"\d+")


def site_signer() -> Issuer | None:
    """The site's own issuer profile that signs records (None before the first ``migrate``)."""
    signer = SiteSigner.objects.select_related("issuer").first()
    return signer.issuer if signer is not None else None


def own_items(user: Any) -> QuerySet[Item]:
    """The person's badges that are provably theirs (only those go into a record or a dossier),
    oldest first."""
    return (
        Item.objects.filter(owner=user, recipient=ItemRecipient.OWNER)
        .select_related("award__badge")
        .order_by("issued_at", "added_at", "pk")
    )


def programs(user: Any) -> list[Program]:
    """The programs (pathways) whose structure the person's record associates: what
    ``blason.pathways.selectors.clr_programs(user=...)`` provides when that app is installed
    (an iterable of ``obcore.clr.Program``, or of mappings with ``achievement_id``, ``parts``
    and ``ordered``), nothing otherwise."""
    if not apps.is_installed("blason.pathways"):
        return []
    from blason.pathways import selectors as pathways

    provide = getattr(pathways, "clr_programs", None)
    if provide is None:
        return []
    return [_program(entry) for entry in provide(user=user)]


def _program(entry: Program | Mapping[str, Any]) -> Program:
    if isinstance(entry, Program):
        return entry
    return Program(
        achievement_id=str(entry["achievement_id"]),
        parts=tuple(str(part) for part in entry.get("parts", ())),
        ordered=bool(entry.get("ordered", False)),
    )


# VAE dossiers ---------------------------------------------------------------------------------


def dossiers_of(user: Any) -> QuerySet[VaeDossier]:
    return VaeDossier.objects.filter(owner=user)


def _with_entries(dossiers: QuerySet[VaeDossier]) -> QuerySet[VaeDossier]:
    entries = VaeEntry.objects.select_related("item__award__badge").defer("file")
    return dossiers.prefetch_related(Prefetch("entries", queryset=entries))


def dossier_for(user: Any, dossier_uuid: Any) -> VaeDossier:
    """One of the person's dossiers, its entries joined; 404 for anyone else's."""
    dossier = _with_entries(VaeDossier.objects.filter(owner=user, uuid=dossier_uuid)).first()
    if dossier is None:
        raise Http404
    return dossier


def entry_for(dossier: VaeDossier, entry_uuid: Any) -> VaeEntry:
    entry = VaeEntry.objects.filter(dossier=dossier, uuid=entry_uuid).first()
    if entry is None:
        raise Http404
    return entry


def link_token(link: CounsellorLink) -> str:
    return signing.dumps(str(link.uuid), salt=LINK_SALT, compress=False)


def dossier_for_token(token: str) -> tuple[VaeDossier, CounsellorLink]:
    """The dossier a counsellor's link opens, while the link is open (not expired, not
    revoked); 404 otherwise (a wrong, altered, expired or revoked link looks the same)."""
    try:
        link_uuid = signing.loads(token, salt=LINK_SALT)
    except signing.BadSignature:
        raise Http404 from None
    link = CounsellorLink.objects.filter(uuid=link_uuid).first()
    if link is None or not link.is_open:
        raise Http404
    dossier = _with_entries(VaeDossier.objects.filter(pk=link.dossier_id)).get()
    return dossier, link


def rncp_number(code: str) -> str:
    """The number of an RNCP code ("RNCP34826" -> "34826"), "" when there is none."""
    found = _DIGITS.search(code or "")
    return found.group(0).lstrip("0") if found else ""


def alignments_of(item: Item) -> list[tuple[str, str]]:
    """(framework, code) of each alignment of the badge, upper-cased: the badge as designed
    here, or what its credential says."""
    found: list[tuple[str, str]] = []
    award = item.award
    if award is not None:
        for entry in award.badge.alignments or []:
            found.append((str(entry.get("framework", "")), str(entry.get("code", ""))))
    document = backpack.document_of(item.credential)
    subject = document.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if subject else {}
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    badge = document.get("badge")
    for source in (achievement, badge):
        entries = source.get("alignment") if isinstance(source, dict) else None
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict):
                found.append(
                    (str(entry.get("targetFramework", "")), str(entry.get("targetCode", "")))
                )
    return [(framework.strip().upper(), code.strip().upper()) for framework, code in found]


def fits(item: Item, *, rncp_code: str, occupations: Iterable[str]) -> bool:
    """Whether the badge is aligned to the certification (framework RNCP, same number) or to
    one of the occupations it leads to (framework ROME, same code)."""
    number = rncp_number(rncp_code)
    romes = {code.upper() for code in occupations}
    for framework, code in alignments_of(item):
        if framework.startswith("RNCP") or code.startswith("RNCP"):
            if number and rncp_number(code) == number:
                return True
        elif framework.startswith("ROME") and code in romes:
            return True
    return False


def fitting_items(user: Any, *, rncp_code: str, occupations: Iterable[str]) -> list[Item]:
    occupations = list(occupations)
    return [
        item for item in own_items(user) if fits(item, rncp_code=rncp_code, occupations=occupations)
    ]


def links_of(dossier: VaeDossier) -> QuerySet[CounsellorLink]:
    return CounsellorLink.objects.filter(dossier=dossier)
