"""Sharing a badge from the backpack: its public address, a LinkedIn "Add to profile" link
filled with the certification's fields, and a printable PDF certificate with a QR code to the
page where anyone can check it. The same LinkedIn link and certificate are made straight from an
award for a person who keeps it without an account (``keeping``).

A badge awarded here is shared by its award's public page; an imported badge by its share page
(``/shared/<uuid>``), which exists only once its owner made it public (``profiles``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from blason.backpack.models import Item
from blason.core.site import absolute_url
from blason.issuing.awarding import selectors as credentials
from blason.issuing.badges.selectors import (
    as_png,
    badge_text,
    criteria_markdown,
    png_data_uri,
    short_language,
    stored_png,
)
from blason.issuing.models import Award

LINKEDIN_ADD = "https://www.linkedin.com/profile/add"
INK = "#1c2330"


def public_url(item: Item) -> str | None:
    """The page where anyone sees and checks this badge, when it has one on this site and the
    badge is provably its owner's (an award's page is its recipient's, not an importer's)."""
    if not item.is_owners:
        return None
    if item.award is not None:
        return credentials.award_url(item.award)
    if item.public:
        return absolute_url("backpack:shared", item.uuid)
    return None


def embed_image_url(item: Item) -> str | None:
    """The badge's image at a stable public address, for the embed code."""
    if not item.is_owners:
        return None
    if item.award is not None:
        return credentials.badge_image_url(item.award.badge) if item.award.badge.image else None
    if item.public and item.image_type:
        return absolute_url("backpack:shared_image", item.uuid)
    return None


def linkedin_add_url(
    *,
    name: str,
    organisation: str,
    issued_at: datetime | None,
    expires_at: datetime | None,
    cert_url: str,
    cert_id: str,
) -> str:
    """LinkedIn's "Add licence or certification" form, filled in: name, issuer, dates, the
    page that proves it and its identifier."""
    fields: dict[str, str | int] = {
        "startTask": "CERTIFICATION_NAME",
        "name": name,
        "organizationName": organisation,
    }
    if issued_at:
        fields.update(issueYear=issued_at.year, issueMonth=issued_at.month)
    if expires_at:
        fields.update(expirationYear=expires_at.year, expirationMonth=expires_at.month)
    fields.update(certUrl=cert_url, certId=cert_id)
    return f"{LINKEDIN_ADD}?{urlencode(fields)}"


def linkedin_url(item: Item) -> str | None:
    """The LinkedIn form for a backpack badge that has a public page and is its owner's."""
    url = public_url(item)
    if url is None:
        return None
    return linkedin_add_url(
        name=item.name,
        organisation=item.issuer_name,
        issued_at=item.issued_at,
        expires_at=item.expires_at,
        cert_url=url,
        cert_id=str(item.award.uuid if item.award else item.uuid),
    )


def award_linkedin_url(award: Award) -> str:
    """The LinkedIn form for an award of this site, kept without an account: its public page
    proves it (the same fields as once it is in a backpack)."""
    return linkedin_add_url(
        name=award.badge.name,
        organisation=award.issuer.name,
        issued_at=award.issued_at,
        expires_at=award.valid_until,
        cert_url=credentials.award_url(award),
        cert_id=str(award.uuid),
    )


def _image_data_uri(item: Item) -> str:
    """The badge's image as inline PNG: the imported copy, or the image of the badge awarded."""
    if item.image:
        png = as_png(bytes(item.image), size=600, what=f"image of item {item.uuid}")
    else:
        png = stored_png(item.award.badge.image, size=600) if item.award is not None else None
    return png_data_uri(png)


@dataclass(frozen=True)
class Certified:
    """What a certificate shows, taken from a backpack badge or straight from an award."""

    name: str
    issuer_name: str
    issued_at: datetime | None
    expires_at: datetime | None
    criteria: str  # Markdown
    check_at: str  # where anyone checks the badge
    image: str  # the badge's image as a data: address, or ""


def _verify_page() -> str:
    return absolute_url("verification:verify")


def _certified_item(item: Item) -> Certified:
    return Certified(
        name=item.name,
        issuer_name=item.issuer_name,
        issued_at=item.issued_at,
        expires_at=item.expires_at,
        criteria=item.criteria,
        check_at=public_url(item) or _verify_page(),
        image=_image_data_uri(item),
    )


def _certified_award(award: Award, language: str) -> Certified:
    text = badge_text(award.badge, language)
    return Certified(
        name=text.name,
        issuer_name=award.issuer.name,
        issued_at=award.issued_at,
        expires_at=award.valid_until,
        criteria=criteria_markdown(text.criteria_items, text.criteria),
        check_at=credentials.award_url(award),
        image=png_data_uri(stored_png(award.badge.image, size=600)),
    )


def _certificate_html(badge: Certified, holder: str, language: str) -> str:
    with translation.override(language):
        context: dict[str, Any] = {
            "badge": badge,
            "holder": holder,
            "check_address": badge.check_at.split("://", 1)[-1],
            "qr": segno.make(badge.check_at, error="m").svg_data_uri(border=2, dark=INK),
            "language": language,
            "site_name": settings.SITE_NAME,
        }
        return render_to_string("backpack/certificate.html", context)


def certificate_html(item: Item, holder: str, language: str) -> str:
    return _certificate_html(_certified_item(item), holder, short_language(language))


def certificate_document(item: Item, holder: str, language: str) -> Any:
    return _document(certificate_html(item, holder, language))


def certificate_pdf(item: Item, holder: str, language: str) -> bytes:
    return _pdf(certificate_document(item, holder, language))


def award_certificate_document(award: Award, language: str) -> Any:
    """The certificate of an award kept without an account, in the name the issuer gave
    (none for a badge awarded to an address or a number only)."""
    language = short_language(language)
    html = _certificate_html(_certified_award(award, language), award.recipient_name, language)
    return _document(html)


def award_certificate_pdf(award: Award, language: str) -> bytes:
    return _pdf(award_certificate_document(award, language))


def cv_html(items: list[Item], holder: str, language: str) -> str:
    """A "CV of badges": the chosen badges, each with who awarded it, when, its state, and
    where to check it (a QR code for those with a public page)."""
    language = short_language(language)
    with translation.override(language):
        entries = []
        for item in items:
            url = public_url(item)
            entries.append(
                {
                    "item": item,
                    "image": _image_data_uri(item),
                    "address": url.split("://", 1)[-1] if url else "",
                    "qr": segno.make(url, error="m").svg_data_uri(border=1, dark=INK)
                    if url
                    else "",
                }
            )
        context: dict[str, Any] = {
            "entries": entries,
            "holder": holder,
            "language": language,
            "site_name": settings.SITE_NAME,
            "verify_address": _verify_page().split("://", 1)[-1],
        }
        return render_to_string("backpack/cv.html", context)


def cv_document(items: list[Item], holder: str, language: str) -> Any:
    return _document(cv_html(items, holder, language))


def cv_pdf(items: list[Item], holder: str, language: str) -> bytes:
    return _pdf(cv_document(items, holder, language))


def _document(html: str) -> Any:
    """Lay out one of our pages (a ``weasyprint.Document``, whose boxes tests can read).
    Everything it shows is inline: it never reaches the network nor the server's files."""
    import weasyprint
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"})
    return weasyprint.HTML(string=html, url_fetcher=fetcher).render()


def _pdf(document: Any) -> bytes:
    pdf = document.write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


def item_image(item: Item) -> str:
    """The badge's image as an inline PNG ``data:`` address, for our printed pages."""
    return _image_data_uri(item)


def html_pdf(html: str) -> bytes:
    """One of our printable pages (inline resources only) as PDF bytes."""
    return _pdf(_document(html))
