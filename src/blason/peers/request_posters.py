"""The printable A4 poster of a badge that takes requests: "You can do it? Ask for the badge",
the badge, its rule in plain words, three steps and a large QR code of the request page.

Laid out by WeasyPrint like the claim posters (``blason.issuing.claims.posters``): everything
on it is inline (``data:`` addresses), so making it never reaches the network nor the files of
the server. The web page ``request_poster`` shows the same on a screen or a projector.
"""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from blason.core.site import absolute_url
from blason.issuing.badges import selectors as badge_selectors
from blason.issuing.badges.selectors import png_data_uri, stored_png
from blason.issuing.claims.selectors import INK, QR_ERROR
from blason.issuing.models import BadgeClass
from blason.peers.models import PeerRule


def request_url(badge: BadgeClass) -> str:
    return absolute_url("peers:request_new", badge.uuid)


def qr_code(badge: BadgeClass) -> segno.QRCode:
    return segno.make(request_url(badge), error=QR_ERROR, boost_error=False)


def poster_html(badge: BadgeClass, rule: PeerRule, language: str) -> str:
    language = badge_selectors.short_language(language)
    with translation.override(language):
        text = badge_selectors.badge_text(badge, language)
        context: dict[str, Any] = {
            "badge": badge,
            "rule": rule,
            "badge_name": text.name,
            "badge_language": text.language,
            "criteria": text.criteria_items[:8],
            "issuer": badge.issuer,
            "address": request_url(badge).split("://", 1)[-1],
            "qr": qr_code(badge).svg_data_uri(border=2, dark=INK),
            "image": png_data_uri(stored_png(badge.image, size=600)) if badge.image else "",
            "language": language,
            "site_name": settings.SITE_NAME,
        }
        return render_to_string("peers/request_poster_print.html", context)


def poster_document(badge: BadgeClass, rule: PeerRule, language: str) -> Any:
    """The laid-out poster (a ``weasyprint.Document``)."""
    import weasyprint
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"})
    html = poster_html(badge, rule, language)
    return weasyprint.HTML(string=html, url_fetcher=fetcher).render()


def poster_pdf(badge: BadgeClass, rule: PeerRule, language: str) -> bytes:
    pdf = poster_document(badge, rule, language).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
