"""Hostile SVG images, shared by the image, designer and backpack tests (issue 12, point 4).

Each is small enough to pass the upload size limit and would, before the limits, either take
seconds to draw on every request or crash the sanitiser (a 500)."""

from __future__ import annotations

SVG_OPEN = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'


def use_fan_out(levels: int = 400, fan: int = 2) -> bytes:
    """Each level draws the previous one ``fan`` times: 14 KB drawing 2**400 circles."""
    parts = [SVG_OPEN, b'<defs><circle id="a0" r="1"/>']
    for level in range(1, levels + 1):
        uses = b"".join(b'<use href="#a%d"/>' % (level - 1) for _ in range(fan))
        parts.append(b'<g id="a%d">%s</g>' % (level, uses))
    parts.append(b'</defs><use href="#a%d"/></svg>' % levels)
    return b"".join(parts)


def deep_nesting(depth: int = 50_000) -> bytes:
    return SVG_OPEN + b"<g>" * depth + b'<circle r="1"/>' + b"</g>" * depth + b"</svg>"


def many_elements(count: int = 20_000) -> bytes:
    return SVG_OPEN + b'<rect width="1" height="1"/>' * count + b"</svg>"


HOSTILE_SVGS: dict[str, tuple[bytes, str]] = {
    "use fan-out 2 x 400": (use_fan_out(), "too complex for a badge"),
    "use fan-out 10 x 5": (use_fan_out(5, 10), "too complex for a badge"),
    "50,000-deep nesting": (deep_nesting(), "too complex for a badge"),
    "20,000 elements": (many_elements(), "too complex for a badge"),
    "use loop": (
        SVG_OPEN + b'<g id="a"><use href="#b"/></g><g id="b"><use href="#a"/></g></svg>',
        "refers to itself",
    ),
    "clip-path loop": (
        SVG_OPEN + b'<clipPath id="c"><rect width="9" height="9" clip-path="url(#c)"/>'
        b"</clipPath></svg>",
        "refers to itself",
    ),
    "billion laughs": (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><text>&lol3;</text></svg>',
        "cannot be read safely",
    ),
    "a book of text": (
        SVG_OPEN + b"<text>" + b"Lorem ipsum dolor sit amet. " * 40_000 + b"</text></svg>",
        "too much text",
    ),
    "huge dimensions": (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="100000000" height="100000000">'
        b'<circle r="3"/></svg>',
        "too large",
    ),
    "infinite viewBox": (
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1e400 1e400"><circle r="3"/></svg>',
        "no usable size",
    ),
}
