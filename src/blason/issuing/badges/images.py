"""Badge images: validate and clean uploads (PNG, SVG), build simple ones, render SVG to PNG.

Why one module of over 400 lines: it is the boundary where untrusted bytes become an image
Blason stores or draws; keeping every check in one file lets a security review read it in one
place.

Uploads are hostile until proven otherwise. A PNG is decoded within pixel and byte limits and
re-encoded, which drops every ancillary chunk (metadata, an old baked credential, exploits in
chunks). An SVG is parsed without DTDs or entities, checked against limits of size (elements,
nesting depth, and elements drawn once every ``<use>`` and reference is followed: a few
kilobytes of nested ``<use>`` would otherwise draw billions of shapes), rebuilt from an
allow-list of elements and attributes (no scripts, no event handlers, no foreign content, no
external references) and drawn once, in a limited process (``rendering``), before it is
accepted.
"""

from __future__ import annotations

import base64
import io
import logging
import math
import re
from dataclasses import dataclass
from html import escape
from typing import Any
from xml.etree.ElementTree import Element, SubElement, register_namespace, tostring

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 4096 * 4096
MIN_SIDE = 64
# SVG limits, far above any badge (the images our builder makes have under 10 elements; a
# detailed illustration a few thousand) and far below what makes drawing slow.
MAX_SVG_ELEMENTS = 10_000
MAX_SVG_DEPTH = 100
MAX_SVG_DRAWN = 20_000  # elements drawn, every <use> and url(#…) reference followed
MAX_SVG_SIDE = 1_000_000  # width and height of the viewBox, in user units
MAX_SVG_TEXT = 10_000  # characters of text (each is shaped with fonts when drawn)
PNG_SIZE = 512  # the size an SVG badge is drawn at when accepted
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
register_namespace("", SVG_NS)
register_namespace("xlink", XLINK_NS)


class ImageRejected(Exception):
    """The upload is not an acceptable badge image; the message says why, for the person."""


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    extension: str  # "png" or "svg"
    width: int
    height: int


def clean_upload(data: bytes) -> CleanImage:
    """Check and clean an uploaded badge image, whatever its name or declared type says."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImageRejected(_("The image is too large (2 MB at most)."))
    if data.startswith(PNG_SIGNATURE):
        return _clean_png(data)
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return _clean_svg(data)
    raise ImageRejected(_("Upload a PNG or SVG image."))


def _clean_png(data: bytes) -> CleanImage:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise ImageRejected(_("The image has too many pixels (4096 by 4096 at most)."))
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            mode = "RGBA" if image.mode in ("RGBA", "LA", "P", "PA") else "RGB"
            out = io.BytesIO()
            image.convert(mode).save(out, format="PNG", optimize=True)
    except ImageRejected:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ImageRejected(_("This PNG image is damaged or unreadable.")) from None
    if min(width, height) < MIN_SIDE:
        raise ImageRejected(_("The image is too small (64 pixels wide and high at least)."))
    return CleanImage(out.getvalue(), "png", width, height)


# Presentation elements and attributes only; everything else is dropped.
_ELEMENTS = {
    "svg",
    "g",
    "path",
    "rect",
    "circle",
    "ellipse",
    "line",
    "polyline",
    "polygon",
    "text",
    "tspan",
    "defs",
    "linearGradient",
    "radialGradient",
    "stop",
    "clipPath",
    "mask",
    "use",
    "title",
    "desc",
    "symbol",
}
_ATTRIBUTES = {
    "id",
    "class",
    "d",
    "x",
    "y",
    "x1",
    "y1",
    "x2",
    "y2",
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "fx",
    "fy",
    "width",
    "height",
    "viewBox",
    "points",
    "transform",
    "fill",
    "fill-opacity",
    "fill-rule",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-dasharray",
    "stroke-dashoffset",
    "stroke-miterlimit",
    "opacity",
    "clip-path",
    "clip-rule",
    "mask",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "text-anchor",
    "dominant-baseline",
    "letter-spacing",
    "offset",
    "stop-color",
    "stop-opacity",
    "gradientUnits",
    "gradientTransform",
    "spreadMethod",
    "preserveAspectRatio",
    "clipPathUnits",
    "maskUnits",
    "href",
    "version",
    "role",
    "aria-label",
    "aria-hidden",
    "xml:space",
    "display",
    "visibility",
}
_URL_VALUE = re.compile(r"url\(\s*(?!#)[^)]*\)", re.IGNORECASE)


def _local(tag: str) -> tuple[str | None, str]:
    if tag.startswith("{"):
        namespace, _sep, name = tag[1:].partition("}")
        return namespace, name
    return None, tag


def _copy(source: Element, target: Element) -> None:
    for name, value in source.attrib.items():
        namespace, local = _local(name)
        key = local if namespace in (None, SVG_NS) else f"{namespace}:{local}"
        if namespace == XLINK_NS and local == "href":
            key = "href"
        if namespace == "http://www.w3.org/XML/1998/namespace":
            key = f"xml:{local}"
        if key not in _ATTRIBUTES or _URL_VALUE.search(value):
            continue
        if key == "href" and not value.startswith("#"):
            continue  # only references inside the document
        target.set(
            "{http://www.w3.org/XML/1998/namespace}space" if key == "xml:space" else key, value
        )
    target.text = source.text
    for child in source:
        namespace, local = _local(child.tag if isinstance(child.tag, str) else "")
        if namespace == SVG_NS and local in _ELEMENTS:
            copy = SubElement(target, f"{{{SVG_NS}}}{local}")
            _copy(child, copy)
            copy.tail = child.tail


def _clean_svg(data: bytes) -> CleanImage:
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, SafeET.ParseError, ValueError):
        raise ImageRejected(
            _("This SVG image cannot be read safely (invalid XML, or DTD and entities).")
        ) from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise ImageRejected(_("This file is not an SVG image."))
    _check_structure(root)  # before anything walks the tree recursively
    clean = Element(f"{{{SVG_NS}}}svg")
    _copy(root, clean)
    _check_references(clean)
    width, height = _svg_size(clean)
    # ElementTree's prefix registry is global and other libraries (WeasyPrint) change it:
    # register ours at the moment of writing, so the output is always <svg xmlns="…">.
    register_namespace("", SVG_NS)
    register_namespace("xlink", XLINK_NS)
    content = tostring(clean, encoding="unicode").encode("utf-8")
    render_png(content, size=PNG_SIZE)  # drawn once now, within limits, and kept
    return CleanImage(content, "svg", width, height)


def _too_complex() -> ImageRejected:
    return ImageRejected(
        _(
            "This SVG image is too complex for a badge (at most %(elements)s elements, "
            "%(depth)s levels of nesting and %(drawn)s shapes drawn once every <use> is "
            "followed). Simplify it or upload a PNG."
        )
        % {"elements": MAX_SVG_ELEMENTS, "depth": MAX_SVG_DEPTH, "drawn": MAX_SVG_DRAWN}
    )


def _check_structure(root: Element) -> None:
    """Count elements and nesting depth without recursion (a 50,000-deep file must be refused,
    not overflow the stack)."""
    count = characters = 0
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        count += 1
        # Indentation between elements is not text to draw.
        characters += len((element.text or "").strip()) + len((element.tail or "").strip())
        if count > MAX_SVG_ELEMENTS or depth > MAX_SVG_DEPTH:
            raise _too_complex()
        if characters > MAX_SVG_TEXT:
            raise ImageRejected(
                _("This SVG image has too much text for a badge (%(count)s characters at most).")
                % {"count": f"{MAX_SVG_TEXT:,}"}
            )
        stack.extend((child, depth + 1) for child in element)


_REFERENCE = re.compile(r"url\(\s*#([^)\s]+)\s*\)")


def _references(element: Element) -> list[str]:
    found = []
    for key, value in element.attrib.items():
        if key == "href" and value.startswith("#"):
            found.append(value[1:])
        else:
            found.extend(_REFERENCE.findall(value))
    return found


def _check_references(svg: Element) -> None:
    """Refuse an SVG whose drawing, once every reference (``<use href>``, ``url(#…)``) is
    followed, exceeds ``MAX_SVG_DRAWN`` elements, or which refers to itself. Each element costs
    itself, its children and everything it refers to; computed once per element, without
    recursion."""
    by_id = {element.get("id"): element for element in svg.iter() if element.get("id")}
    cost: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Element, bool]] = [(svg, False)]
    while stack:
        element, children_done = stack.pop()
        key = id(element)
        if key in cost:
            continue
        targets = [by_id[name] for name in _references(element) if name in by_id]
        nexts = [*element, *targets]
        if not children_done:
            on_path.add(key)
            stack.append((element, True))
            for following in nexts:
                if id(following) in on_path:
                    raise ImageRejected(_("This SVG image refers to itself (a <use> loop)."))
                if id(following) not in cost:
                    stack.append((following, False))
            continue
        on_path.discard(key)
        total = 1 + sum(cost.get(id(following), 0) for following in nexts)
        cost[key] = min(total, MAX_SVG_DRAWN + 1)
        if total > MAX_SVG_DRAWN:
            raise _too_complex()


def _svg_size(svg: Element) -> tuple[int, int]:
    box = (svg.get("viewBox") or "").replace(",", " ").split()
    try:
        if len(box) == 4:
            width, height = float(box[2]), float(box[3])
        else:
            width = float(svg.get("width", "0").rstrip("px"))
            height = float(svg.get("height", "0").rstrip("px"))
    except ValueError:
        raise ImageRejected(_("The SVG image has no usable size (viewBox).")) from None
    if not (math.isfinite(width) and math.isfinite(height)) or width < 0 or height < 0:
        raise ImageRejected(_("The SVG image has no usable size (viewBox)."))
    if max(width, height) > MAX_SVG_SIDE:
        raise ImageRejected(
            _("The SVG image is too large (%(side)s units wide and high at most).")
            % {"side": f"{MAX_SVG_SIDE:,}"}
        )
    return round(width), round(height)


def render_png(svg: bytes, *, size: int = PNG_SIZE) -> bytes:
    """A cleaned SVG as a square PNG (for platforms that only show PNG): drawn once, in a
    limited process, then read from the file storage (``rendering``)."""
    from blason.issuing.badges import rendering

    try:
        return rendering.stored_png(svg, width=size, height=size)
    except rendering.RenderFailed as exc:
        if exc.reason == "invalid":
            raise ImageRejected(_("This SVG image cannot be drawn.")) from None
        raise ImageRejected(
            _(
                "This SVG image takes too long or too much memory to draw. "
                "Simplify it, or upload a PNG instead."
            )
        ) from None


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def as_png(data: bytes | None, *, size: int, what: str) -> bytes | None:
    """A badge image (PNG, or cleaned SVG drawn by resvg: it draws what the designer makes more
    faithfully than print engines do) as PNG; None, logged, when there is none or it cannot be
    drawn. ``what`` names the image in the log."""
    if not data:
        return None
    if data.startswith(_PNG_SIGNATURE):
        return data
    try:
        return render_png(data, size=size)
    except (ImageRejected, UnicodeDecodeError):
        logger.warning("%s could not be drawn", what)
        return None


def stored_png(image: Any, *, size: int) -> bytes | None:
    """A badge's stored image (a FieldFile) as PNG, or None (see ``as_png``)."""
    if not image:
        return None
    try:
        with image.open("rb") as handle:
            data = handle.read()
    except OSError:
        logger.warning("badge image %s could not be read", image.name)
        return None
    return as_png(data, size=size, what=f"badge image {image.name}")


def png_data_uri(png: bytes | None) -> str:
    """A ``data:`` address for a PNG, to inline it in a printed page ("" for none)."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii") if png else ""


SHAPES = {
    "shield": "M100 8 24 36v56c0 48 32 84 76 100 44-16 76-52 76-100V36z",
    "circle": "M100 8a92 92 0 1 0 0.1 0z",
    "hexagon": "M100 6 181 53v94l-81 47-81-47V53z",
    "star": "M100 6l26 58 63 7-47 43 13 62-55-32-55 32 13-62-47-43 63-7z",
}
ICONS = {
    "none": "",
    "star": "m100 62 11 24 26 3-19 18 5 26-23-13-23 13 5-26-19-18 26-3z",
    "heart": "M100 130s-36-22-36-46c0-12 9-21 20-21 8 0 13 4 16 10 3-6 8-10 16-10 11 0 20 9 20 21 "
    "0 24-36 46-36 46z",
    "check": "m72 100 18 18 38-38 9 9-47 47-27-27z",
    "hands": "M70 120c0-20 10-36 30-44 20 8 30 24 30 44l-10 10H80z",
}


def build_svg(*, shape: str, colour: str, icon: str, text: str) -> bytes:
    """The image builder: a shape in a colour, an optional icon and up to 12 characters of text."""
    if shape not in SHAPES or icon not in ICONS:
        raise ImageRejected(_("Choose a shape and an icon from the lists."))
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
        raise ImageRejected(_("Choose a colour such as #1f4fb8."))
    label = escape(text.strip()[:12])
    parts = [
        f'<svg xmlns="{SVG_NS}" viewBox="0 0 200 200" width="200" height="200" role="img">',
        f'<path d="{SHAPES[shape]}" fill="{colour}"/>',
        '<path d="' + SHAPES[shape] + '" fill="#ffffff" transform="translate(20 20) scale(0.8)"/>',
    ]
    if ICONS[icon]:
        parts.append(f'<path d="{ICONS[icon]}" fill="{colour}"/>')
    if label:
        y = 160 if ICONS[icon] else 114
        parts.append(
            f'<text x="100" y="{y}" font-family="DejaVu Sans, sans-serif" font-size="22" '
            f'font-weight="700" text-anchor="middle" fill="{colour}">{label}</text>'
        )
    parts.append("</svg>")
    return "".join(parts).encode("utf-8")
