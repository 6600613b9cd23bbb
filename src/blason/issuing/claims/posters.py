"""The QR code of a claim link, and the printable A4 poster that carries it (WeasyPrint).

The poster is an HTML page with print CSS (``issuing/claim_poster.html``), laid out by
WeasyPrint in the language chosen for it: the badge's image and name, the issuer, the event and
its dates, a large QR code of the short address, the address written out, and three steps.
Fonts are the system's DejaVu (any Linux with Pango has it or an equivalent sans-serif).
"""

from __future__ import annotations

import functools
from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from blason.issuing.badges import content
from blason.issuing.badges.images import png_data_uri, stored_png
from blason.issuing.claims import selectors as claim_selectors
from blason.issuing.claims.models import ClaimLink

QR_ERROR, INK = claim_selectors.QR_ERROR, claim_selectors.INK


def qr_code(link: ClaimLink) -> segno.QRCode:
    return segno.make(claim_selectors.link_url(link), error=QR_ERROR, boost_error=False)


def qr_inline(link: ClaimLink) -> str:
    """The QR code drawn in the link's page (an inline SVG)."""
    return _qr_inline(claim_selectors.link_url(link))


@functools.lru_cache(maxsize=256)
def _qr_inline(address: str) -> str:
    # A link's address never changes and encoding it (eight masks scored) costs as much as
    # the rest of its page: drawn once per address and process.
    return segno.make(address, error=QR_ERROR, boost_error=False).svg_inline(
        scale=5, dark=INK, svgclass="claim-link-qr"
    )


def qr_svg(link: ClaimLink, *, scale: int = 10) -> bytes:
    """The QR code as a standalone SVG file (for print shops and slides)."""
    from io import BytesIO

    out = BytesIO()
    qr_code(link).save(out, kind="svg", scale=scale, border=4, dark=INK, xmldecl=True)
    return out.getvalue()


def qr_png(link: ClaimLink, *, scale: int = 16) -> bytes:
    """The QR code as a PNG image, about 10 cm wide at 300 dpi with the default scale."""
    from io import BytesIO

    out = BytesIO()
    qr_code(link).save(out, kind="png", scale=scale, border=4, dark=INK)
    return out.getvalue()


def short_address(link: ClaimLink) -> str:
    """The address as people type it: without ``https://``."""
    return claim_selectors.link_url(link).split("://", 1)[-1]


def poster_html(link: ClaimLink, language: str) -> str:
    language = content.short_language(language)
    with translation.override(language):
        text = content.badge_text(link.badge, language)
        context: dict[str, Any] = {
            "link": link,
            "badge_name": text.name,
            "badge_language": text.language,
            "issuer": link.issuer,
            "window": claim_selectors.window_text(link),
            "address": short_address(link),
            "qr": qr_code(link).svg_data_uri(border=2, dark=INK),  # the page is the rest
            "image": png_data_uri(stored_png(link.badge.image, size=600)),
            "language": language,
            "site_name": settings.SITE_NAME,
        }
        return render_to_string("issuing/claim_poster.html", context)


def _weasyprint() -> Any:
    """WeasyPrint, imported on first use (the site runs without Pango; only posters need it)."""
    import weasyprint

    return weasyprint


def poster_document(link: ClaimLink, language: str) -> Any:
    """The laid-out poster (a ``weasyprint.Document``): its pages and boxes can be inspected."""
    weasyprint = _weasyprint()
    from weasyprint.urls import URLFetcher

    # Everything the poster shows is inline (data: addresses): it never reaches the network
    # nor the files of the server.
    fetcher = URLFetcher(allowed_protocols={"data"})
    return weasyprint.HTML(string=poster_html(link, language), url_fetcher=fetcher).render()


def poster_pdf(link: ClaimLink, language: str) -> bytes:
    pdf = poster_document(link, language).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
