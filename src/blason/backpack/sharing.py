"""Sharing a badge from the backpack: its public address, a LinkedIn "Add to profile" link
filled with the certification's fields, and a printable PDF certificate with a QR code to the
page where anyone can check it.

A badge awarded here is shared by its award's public page; an imported badge by its share page
(``/shared/<uuid>``), which exists only once its owner made it public (``profiles``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from blason.backpack.models import Item
from blason.core.site import absolute_url
from blason.issuing import awards
from blason.issuing.content import short_language
from blason.issuing.images import as_png, png_data_uri, stored_png

LINKEDIN_ADD = "https://www.linkedin.com/profile/add"
INK = "#1c2330"


def public_url(item: Item) -> str | None:
    """The page where anyone sees and checks this badge, when it has one on this site and the
    badge is provably its owner's (an award's page is its recipient's, not an importer's)."""
    if not item.is_owners:
        return None
    if item.award is not None:
        return awards.award_url(item.award)
    if item.public:
        return absolute_url("backpack:shared", item.uuid)
    return None


def embed_image_url(item: Item) -> str | None:
    """The badge's image at a stable public address, for the embed code."""
    if not item.is_owners:
        return None
    if item.award is not None:
        return awards.badge_image_url(item.award.badge) if item.award.badge.image else None
    if item.public and item.image_type:
        return absolute_url("backpack:shared_image", item.uuid)
    return None


def linkedin_url(item: Item) -> str | None:
    """LinkedIn's "Add licence or certification" form, filled in: name, issuer, dates, the
    page that proves it and its identifier."""
    url = public_url(item)
    if url is None:
        return None
    fields: dict[str, str | int] = {
        "startTask": "CERTIFICATION_NAME",
        "name": item.name,
        "organizationName": item.issuer_name,
    }
    if item.issued_at:
        fields.update(issueYear=item.issued_at.year, issueMonth=item.issued_at.month)
    if item.expires_at:
        fields.update(expirationYear=item.expires_at.year, expirationMonth=item.expires_at.month)
    fields.update(certUrl=url, certId=str(item.award.uuid if item.award else item.uuid))
    return f"{LINKEDIN_ADD}?{urlencode(fields)}"


def _image_data_uri(item: Item) -> str:
    """The badge's image as inline PNG: the imported copy, or the image of the badge awarded."""
    if item.image:
        png = as_png(bytes(item.image), size=600, what=f"image of item {item.uuid}")
    else:
        png = stored_png(item.award.badge.image, size=600) if item.award is not None else None
    return png_data_uri(png)


def certificate_html(item: Item, holder: str, language: str) -> str:
    language = short_language(language)
    check_at = public_url(item) or absolute_url("verification:verify")
    with translation.override(language):
        context: dict[str, Any] = {
            "item": item,
            "holder": holder,
            "image": _image_data_uri(item),
            "check_at": check_at,
            "check_address": check_at.split("://", 1)[-1],
            "qr": segno.make(check_at, error="m").svg_data_uri(border=2, dark=INK),
            "language": language,
            "site_name": settings.SITE_NAME,
        }
        return render_to_string("backpack/certificate.html", context)


def certificate_document(item: Item, holder: str, language: str) -> Any:
    return _document(certificate_html(item, holder, language))


def certificate_pdf(item: Item, holder: str, language: str) -> bytes:
    return _pdf(certificate_document(item, holder, language))


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
            "verify_address": absolute_url("verification:verify").split("://", 1)[-1],
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
