"""The preview image of an award, or of a badge shared from a backpack, for social networks
(Open Graph, Twitter cards): 1200 x 630, the badge's image beside its name and issuer, drawn
server-side from an SVG with resvg (``rendering``: in a limited process, kept).

Only text written by the issuer and the site's own words appear, in the language of the page
asked for; never the recipient's name or identifier (a shared link may travel further than the
earner meant).
"""

from __future__ import annotations

import textwrap
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

from blason.issuing.awarding.models import Award
from blason.issuing.badges import content, rendering
from blason.issuing.badges.images import png_data_uri, stored_png

WIDTH, HEIGHT = 1200, 630
NAME_LINE = 18  # characters per line of the badge's name (3 lines at most; 56 px bold)


def preview_svg(award: Award, language: str) -> str:
    text = content.badge_text(award.badge, language)
    return card_svg(text.name, award.issuer.name, stored_png(award.badge.image, size=400), language)


def card_svg(name: str, issuer_name: str, png: bytes | None, language: str) -> str:
    """The card itself: a badge's image (PNG, if any), its name and who awarded it."""
    with translation.override(content.short_language(language)):
        lines = textwrap.wrap(name, NAME_LINE)[:3] or [name[:NAME_LINE]]
        if len(textwrap.wrap(name, NAME_LINE)) > 3:
            lines[-1] = lines[-1][: NAME_LINE - 1] + "…"
        issuer = _("Awarded by %(issuer)s") % {"issuer": issuer_name}
        footer = _("Open Badge · signed and verifiable · %(site)s") % {"site": settings.SITE_NAME}
    left = 80
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#f4f6fb"/>',
        f'<rect width="{WIDTH}" height="14" fill="#1f4fb8"/>',
    ]
    if png is not None:
        parts.append(f'<image x="80" y="115" width="400" height="400" href="{png_data_uri(png)}"/>')
        left = 540
    y = 230 - 33 * (len(lines) - 1)
    for line in lines:
        parts.append(
            f'<text x="{left}" y="{y}" font-family="DejaVu Sans, sans-serif" font-size="56" '
            f'font-weight="bold" fill="#1c2330">{escape(line)}</text>'
        )
        y += 68
    parts.append(
        f'<text x="{left}" y="{y + 24}" font-family="DejaVu Sans, sans-serif" font-size="32" '
        f'fill="#1f4fb8">{escape(textwrap.shorten(issuer, 40, placeholder="…"))}</text>'
    )
    parts.append(
        f'<text x="{left}" y="560" font-family="DejaVu Sans, sans-serif" font-size="24" '
        f'fill="#4a5363">{escape(footer)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def preview_png(award: Award, language: str) -> bytes:
    return render_png(preview_svg(award, language))


def render_png(svg: str) -> bytes:
    """The card as PNG: drawn in a limited process and kept in the cache for a day (the same card
    is asked for by every network a link is posted to). Raises ``rendering.RenderFailed``."""
    return rendering.cached_png(svg.encode("utf-8"), width=WIDTH, height=HEIGHT)


def preview_unavailable() -> HttpResponse:
    """A card that could not be drawn this time (the drawing process ran out of time, on a busy
    machine): say so, and when to ask again."""
    response = HttpResponse(
        _("This preview cannot be drawn right now; try again in a few minutes."),
        status=503,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = "300"
    return response
