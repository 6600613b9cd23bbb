"""Claim codes on pages and in e-mails: ``{% load claim_codes %}``.

* ``{% claim_url code %}``: the full address that collects the badge with this code;
* ``{% claim_qr code label %}``: its QR code, as inline SVG.
"""

from __future__ import annotations

import segno
from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from blason.issuing.awarding import claim_codes

register = template.Library()


@register.simple_tag
def claim_url(code: str | None) -> str:
    """The full address that collects the badge with this code (``SITE_URL``, never the
    request's host, so a forged Host header cannot end up in an e-mail)."""
    if not code:
        return ""
    return claim_codes.claim_url(code)


@register.simple_tag
def claim_qr(code: str | None, label: str = "") -> SafeString:
    """An inline SVG QR code of the claim address, with ``label`` as its accessible name."""
    if not code:
        return SafeString("")
    svg = segno.make(claim_url(code), error="m").svg_inline(
        scale=4, dark="#1c2330", light="#ffffff", svgclass="claim-qr"
    )
    named = '<svg aria-hidden="true" '
    if label:
        named = f'<svg role="img" aria-label="{escape(label)}" '
    return mark_safe(svg.replace("<svg ", named, 1))  # noqa: S308 - segno's SVG, label escaped
