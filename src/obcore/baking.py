"""Bake Open Badges credentials into PNG and SVG images, and extract them again.

Why one module of over 400 lines: PNG and SVG baking share the rules of what is baked and how it
is found again; each format is a small block over those rules.

Everything works on bytes: the author's image is never decoded, re-encoded or re-serialised,
so baking costs one pass over the file (CRC checks) plus a copy.

* OB 3.0 (``docformat.md``): PNG ``iTXt`` keyword ``openbadgecredential``; SVG element
  ``<openbadges:credential>`` in namespace ``https://purl.imsglobal.org/ob/v3p0`` holding the
  JSON in CDATA, or a compact JWS in its ``verify`` attribute.
* OB 2.0 (``ob_v2p0/baking``): PNG ``iTXt`` keyword ``openbadges`` (legacy ``tEXt`` read too);
  SVG ``<openbadges:assertion>`` in namespace ``http://openbadges.org`` with ``verify`` = JWS or
  the hosted Assertion URL, and for JSON the Assertion in CDATA.

Both specs: no compression, one credential per keyword, extraction takes the first one.
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from dataclasses import dataclass, field
from typing import Final, Literal, NoReturn
from xml.parsers import expat

from obcore.errors import (
    BakingError,
    CredentialNotFoundError,
    DuplicateCredentialError,
    ImageTooLargeError,
    InvalidPayloadError,
    MalformedImageError,
    UnsafeXMLError,
    UnsupportedImageError,
)

Version = Literal["3.0", "2.0"]
ImageFormat = Literal["png", "svg"]
PayloadKind = Literal["json", "jws", "url", "unknown"]

DEFAULT_MAX_BYTES: Final = 10 * 1024 * 1024
#: Ceiling for the inflated text of a (non-conformant) compressed iTXt: a bomb stops here.
DEFAULT_MAX_TEXT_BYTES: Final = 2 * 1024 * 1024

PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
PNG_KEYWORDS: Final[dict[Version, bytes]] = {"3.0": b"openbadgecredential", "2.0": b"openbadges"}
SVG_NAMESPACES: Final[dict[Version, str]] = {
    "3.0": "https://purl.imsglobal.org/ob/v3p0",
    "2.0": "http://openbadges.org",
}
SVG_ELEMENTS: Final[dict[Version, str]] = {"3.0": "credential", "2.0": "assertion"}
_SVG_NS: Final = "http://www.w3.org/2000/svg"
_VERSIONS: Final[tuple[Version, ...]] = ("3.0", "2.0")
# PNG spec: a chunk length is at most 2**31 - 1; anything above is hostile or corrupt.
_MAX_CHUNK_LENGTH: Final = 2**31 - 1
# Header (keyword NUL, compression flag 0, method 0, empty language tag, empty translated keyword).
_ITXT_PLAIN: Final = b"\x00\x00\x00\x00\x00"

_JWS_RE: Final = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_URL_RE: Final = re.compile(r"https?://[^\s<>\"]+")
# XML 1.0 Char minus CR (a parser turns CR into LF, so the payload would not come back intact).
_NOT_XML_CHAR: Final = re.compile("[^\t\n\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_XML_DECL_ENCODING: Final = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
# A start tag, already known to be well-formed (expat parsed it): name, attributes, end.
_START_TAG: Final = re.compile(
    rb"<([^\s/>]+)(?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*\s*(/?)>"
)


@dataclass(frozen=True, slots=True)
class Extracted:
    """A credential found in an image.

    ``payload`` is the text exactly as baked: credential JSON, a compact JWS, or (OB 2.0 only)
    a hosted Assertion URL. ``count`` > 1 means the file breaks the one-credential rule;
    ``compressed`` means it came from a compressed iTXt, which the specs forbid.
    """

    payload: str
    version: Version
    image_format: ImageFormat
    container: str  # e.g. "iTXt openbadgecredential", "tEXt openbadges", "<openbadges:credential>"
    count: int = 1
    compressed: bool = False

    @property
    def kind(self) -> PayloadKind:
        """What the payload looks like: JSON object text, compact JWS, URL or unknown."""
        text = self.payload.strip()
        if text.startswith("{"):
            return "json"
        if _JWS_RE.fullmatch(text):
            return "jws"
        if _URL_RE.fullmatch(text):
            return "url"
        return "unknown"

    @property
    def duplicated(self) -> bool:
        """True when the image holds more than one credential of this version (non-conformant)."""
        return self.count > 1


def bake(
    image: bytes | bytearray | memoryview,
    payload: str,
    *,
    version: Version = "3.0",
    replace: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> bytes:
    """Return a copy of a PNG or SVG image (detected from its bytes) with ``payload`` baked in.

    ``payload`` is the credential JSON or compact JWS exactly as it should come back out (OB 2.0
    SVGs also take a hosted Assertion URL). If the image already holds a credential of this
    ``version``, raise :class:`DuplicateCredentialError`, or with ``replace=True`` drop it first.
    The result may not exceed ``max_bytes``.

    * PNG: one uncompressed ``iTXt`` chunk, inserted before the first ``IDAT``; replacing drops
      every iTXt/tEXt/zTXt chunk with that keyword.
    * SVG: the element goes right after the ``<svg …>`` start tag, ``xmlns:openbadges`` on the
      root. JSON goes in CDATA; a JWS or URL in an empty element's ``verify`` attribute; an OB 2.0
      JSON Assertion whose ``id`` is an HTTP(S) URL also gets it as ``verify`` (hosted
      verification). UTF-8 (or undeclared) documents only.
    """
    image = _checked(image, max_bytes)
    if _image_format(image) == "png":
        out = _bake_png(image, payload, version, replace)
    else:
        out = _bake_svg(image, payload, version, replace)
    return _checked(out, max_bytes)


def _bake_png(image: bytes, payload: str, version: Version, replace: bool) -> bytes:
    _payload_kind(payload, version, "png")
    chunks = _png_chunks(image)
    keyword = PNG_KEYWORDS[version]
    old = {c.start for c in chunks if _has_keyword(image, c, keyword)}
    if old and not replace:
        raise DuplicateCredentialError(
            f"the PNG already holds an OB {version} credential ({keyword.decode()} chunk); "
            "pass replace=True to overwrite it"
        )
    first_idat = next((c.start for c in chunks if c.type == b"IDAT"), None)
    if first_idat is None:
        raise MalformedImageError("PNG has no IDAT chunk")
    new_chunk = _make_chunk(b"iTXt", keyword + _ITXT_PLAIN + payload.encode("utf-8"))
    view = memoryview(image)
    parts: list[bytes | memoryview] = [view[:8]]
    for c in chunks:
        if c.start == first_idat:
            parts.append(new_chunk)
        if c.start not in old:
            parts.append(view[c.start : c.end])
    return b"".join(parts)


def _bake_svg(image: bytes, payload: str, version: Version, replace: bool) -> bytes:
    kind = _payload_kind(payload, version, "svg")
    bad = _NOT_XML_CHAR.search(payload)
    if bad:
        raise InvalidPayloadError(
            f"payload holds character U+{ord(bad.group()):04X} that an SVG cannot carry intact"
        )
    _require_utf8(image)
    scan = _scan_svg(image)
    old = [e for e in scan.found if e.version == version]
    if old and not replace:
        raise DuplicateCredentialError(
            f"the SVG already holds an OB {version} credential element; "
            "pass replace=True to overwrite it"
        )
    ns = SVG_NAMESPACES[version]
    tag = f"openbadges:{SVG_ELEMENTS[version]}"
    root = _START_TAG.match(image, scan.root_start)
    if root is None:  # pragma: no cover - expat accepted the tag, so the pattern matches
        raise MalformedImageError("cannot locate the <svg> start tag")
    close = root.end() - (2 if root.group(2) else 1)  # offset of "/>" or ">"
    edits: list[tuple[int, int, bytes]] = []
    decl = ""
    bound = scan.root_ns.get("openbadges")
    if bound is None:
        edits.append((close, close, f' xmlns:openbadges="{ns}"'.encode()))
    elif bound != ns:  # prefix taken by the other OB version on <svg>: declare it locally
        decl = f' xmlns:openbadges="{ns}"'
    verify = payload if kind in ("jws", "url") else None
    if version == "2.0" and kind == "json":
        verify = _hosted_url(payload)
    attrs = decl + (f' verify="{_attr_escape(verify)}"' if verify is not None else "")
    if kind == "json":
        cdata = payload.replace("]]>", "]]]]><![CDATA[>")  # CDATA cannot hold "]]>" as is
        element = f"<{tag}{attrs}><![CDATA[{cdata}]]></{tag}>".encode()
    else:
        element = f"<{tag}{attrs}/>".encode()
    if root.group(2):  # <svg .../>: open it so it can hold a child
        edits.append((close, root.end(), b">" + element + b"</" + root.group(1) + b">"))
    else:
        edits.append((root.end(), root.end(), element))
    edits.extend((e.start, _element_end(image, e), b"") for e in old)
    return _apply_edits(image, edits)


def extract_all(
    data: bytes | bytearray | memoryview, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> list[Extracted]:
    """Every credential in a baked PNG or SVG: at most one per version, OB 3.0 first."""
    data = _checked(data, max_bytes)
    if _image_format(data) == "png":
        return _extract_png(data)
    return _extract_svg(data)


def extract(
    data: bytes | bytearray | memoryview,
    *,
    version: Version | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Extracted:
    """The credential baked in a PNG or SVG (OB 3.0 preferred unless ``version`` is given).

    Raises a :class:`BakingError` subclass for anything else: unknown format, oversize file,
    bad PNG structure or CRC, unsafe or malformed XML, or no credential.
    """
    for found in extract_all(data, max_bytes=max_bytes):
        if version is None or found.version == version:
            return found
    wanted = f"OB {version} credential" if version else "Open Badges credential"
    raise CredentialNotFoundError(f"no {wanted} is baked in this image")


def _checked(data: bytes | bytearray | memoryview, max_bytes: int) -> bytes:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise BakingError(f"image must be bytes, not {type(data).__name__}")
    if len(data) > max_bytes:
        raise ImageTooLargeError(f"image is {len(data)} bytes, over the {max_bytes}-byte limit")
    return data if isinstance(data, bytes) else bytes(data)


def _image_format(data: bytes) -> ImageFormat:
    if data[:8] == PNG_SIGNATURE:
        return "png"
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"<", b"\xff\xfe", b"\xfe\xff")):
        return "svg"
    raise UnsupportedImageError("not a PNG or SVG image")


def _payload_kind(payload: str, version: Version, fmt: ImageFormat) -> PayloadKind:
    """Refuse what is not a credential: JSON object text, compact JWS, OB 2.0 SVG hosted URL."""
    if not isinstance(payload, str) or not payload.strip():
        raise InvalidPayloadError("payload must be a non-empty string")
    if _JWS_RE.fullmatch(payload):
        return "jws"
    if version == "2.0" and fmt == "svg" and _URL_RE.fullmatch(payload):
        return "url"
    try:
        parsed = json.loads(payload)
    except (ValueError, RecursionError):
        parsed = None
    if not isinstance(parsed, dict):
        raise InvalidPayloadError("payload is neither a JSON object nor a compact JWS")
    return "json"


def _hosted_url(payload: str) -> str | None:
    doc_id = json.loads(payload).get("id")
    return doc_id if isinstance(doc_id, str) and _URL_RE.fullmatch(doc_id) else None


def _attr_escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def _apply_edits(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    """Apply (start, end, replacement) edits; inserts sort before removals at the same offset."""
    parts: list[bytes] = []
    pos = 0
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1])):
        parts += [data[pos:start], new]
        pos = end
    parts.append(data[pos:])
    return b"".join(parts)


@dataclass(frozen=True, slots=True)
class _Chunk:
    type: bytes
    start: int  # offset of the length field
    end: int  # offset just after the CRC

    @property
    def data_start(self) -> int:
        return self.start + 8


def _png_chunks(data: bytes) -> list[_Chunk]:
    """Split a PNG into chunks, checking signature, lengths, types, every CRC and IEND."""
    if data[:8] != PNG_SIGNATURE:
        raise MalformedImageError("not a PNG: bad signature")
    view = memoryview(data)
    chunks: list[_Chunk] = []
    pos, size = 8, len(data)
    while True:
        if size - pos < 12:
            raise MalformedImageError(f"PNG truncated at byte {pos}: no complete chunk / no IEND")
        length, ctype = struct.unpack_from(">I4s", data, pos)
        if length > _MAX_CHUNK_LENGTH:
            raise MalformedImageError(f"PNG chunk at byte {pos} declares absurd length {length}")
        if not ctype.isalpha():
            raise MalformedImageError(f"PNG chunk at byte {pos} has an invalid type {ctype!r}")
        end = pos + 12 + length
        if end > size:
            raise MalformedImageError(
                f"PNG truncated: {ctype.decode()} chunk at byte {pos} declares {length} bytes, "
                f"only {size - pos - 12} remain"
            )
        (crc,) = struct.unpack_from(">I", data, end - 4)
        if zlib.crc32(view[pos + 4 : end - 4]) != crc:
            raise MalformedImageError(f"PNG {ctype.decode()} chunk at byte {pos}: CRC mismatch")
        chunks.append(_Chunk(ctype, pos, end))
        pos = end
        if ctype == b"IEND":
            break
    if chunks[0].type != b"IHDR" or chunks[0].end - chunks[0].start != 25:
        raise MalformedImageError("PNG does not start with a 13-byte IHDR chunk")
    if pos != size:
        raise MalformedImageError(f"PNG has {size - pos} stray bytes after IEND")
    return chunks


def _make_chunk(ctype: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", zlib.crc32(ctype + body))


def _has_keyword(data: bytes, chunk: _Chunk, keyword: bytes) -> bool:
    if chunk.type not in (b"iTXt", b"tEXt", b"zTXt"):
        return False
    start = chunk.data_start
    return data[start : start + len(keyword) + 1] == keyword + b"\x00"


def _text_chunk(data: bytes, chunk: _Chunk, keyword: bytes) -> tuple[str, bool]:
    """Decode the text of an iTXt (or legacy tEXt) chunk known to start with ``keyword``."""
    body = data[chunk.data_start + len(keyword) + 1 : chunk.end - 4]
    if chunk.type == b"tEXt":
        return body.decode("latin-1"), False
    if len(body) < 2:
        raise MalformedImageError("iTXt chunk is cut short after its keyword")
    flag, method = body[0], body[1]
    try:
        lang_end = body.index(b"\x00", 2)
        text_start = body.index(b"\x00", lang_end + 1) + 1
    except ValueError:
        raise MalformedImageError("iTXt chunk lacks its language tag separators") from None
    raw = body[text_start:]
    if flag == 1:
        if method != 0:
            raise MalformedImageError(f"iTXt uses unknown compression method {method}")
        raw = _bounded_inflate(raw, DEFAULT_MAX_TEXT_BYTES)
    elif flag != 0:
        raise MalformedImageError(f"iTXt has invalid compression flag {flag}")
    try:
        return raw.decode("utf-8"), flag == 1
    except UnicodeDecodeError:
        raise MalformedImageError("iTXt text is not valid UTF-8") from None


def _bounded_inflate(raw: bytes, limit: int) -> bytes:
    """Inflate zlib data, stopping at ``limit`` output bytes (decompression bombs)."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(raw, limit + 1)
    except zlib.error as exc:
        raise MalformedImageError(f"compressed iTXt is corrupt: {exc}") from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise ImageTooLargeError(f"compressed iTXt inflates beyond {limit} bytes (refused)")
    if not inflater.eof:
        raise MalformedImageError("compressed iTXt is truncated")
    return out


def _extract_png(data: bytes) -> list[Extracted]:
    chunks = _png_chunks(data)
    found: list[Extracted] = []
    for version in _VERSIONS:
        keyword = PNG_KEYWORDS[version]
        # OB 3.0 reads iTXt only; OB 2.0 also reads the pre-1.0 tEXt chunk.
        types = (b"iTXt",) if version == "3.0" else (b"iTXt", b"tEXt")
        hits = [c for c in chunks if c.type in types and _has_keyword(data, c, keyword)]
        if hits:
            text, compressed = _text_chunk(data, hits[0], keyword)
            container = f"{hits[0].type.decode()} {keyword.decode()}"
            found.append(Extracted(text, version, "png", container, len(hits), compressed))
    return found


@dataclass(slots=True)
class _SvgElement:
    version: Version
    start: int
    end_index: int = -1  # expat's byte index at the end event
    verify: str | None = None
    text: list[str] = field(default_factory=list)
    cdata: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _SvgScan:
    root_start: int = -1
    root_ns: dict[str, str] = field(default_factory=dict)
    found: list[_SvgElement] = field(default_factory=list)


def _require_utf8(data: bytes) -> None:
    match = _XML_DECL_ENCODING.match(data[:256].removeprefix(b"\xef\xbb\xbf"))
    encoding = match.group(1).decode().lower() if match else "utf-8"
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or encoding not in ("utf-8", "utf8"):
        raise UnsupportedImageError("only UTF-8 SVG documents can be baked")


def _scan_svg(data: bytes) -> _SvgScan:
    """Parse the SVG with expat, refusing DTD internal subsets, entities and external references.

    A bare ``<!DOCTYPE svg PUBLIC …>`` (Illustrator writes one) is tolerated: its external DTD is
    never loaded, and any entity it could define stays undefined, which is an error here.
    """
    scan = _SvgScan()
    # One entry per open element: the credential element it lies in (if any), and whether it
    # is that element itself.
    stack: list[tuple[_SvgElement | None, bool]] = []
    pending_ns: dict[str, str] = {}
    in_cdata = False
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(what: str) -> NoReturn:
        raise UnsafeXMLError(f"SVG refused: {what} (DTDs and entities are not allowed)")

    def doctype(name: str, sysid: str | None, pubid: str | None, internal: int) -> None:
        if internal:
            refuse("DOCTYPE with an internal subset")

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal pending_ns
        ns, _, local = name.rpartition(" ")
        if scan.root_start < 0:
            if local != "svg" or ns not in ("", _SVG_NS):
                raise UnsupportedImageError(f"root element is <{local}>, not <svg>")
            scan.root_start = parser.CurrentByteIndex
            scan.root_ns = pending_ns
        pending_ns = {}
        element = None
        for version in _VERSIONS:
            if ns == SVG_NAMESPACES[version] and local == SVG_ELEMENTS[version]:
                element = _SvgElement(version, parser.CurrentByteIndex, verify=attrs.get("verify"))
                scan.found.append(element)
        if element is not None:
            stack.append((element, True))
        else:
            stack.append((stack[-1][0] if stack else None, False))

    def end(name: str) -> None:
        element, own = stack.pop()
        if element is not None and own:
            element.end_index = parser.CurrentByteIndex

    def chars(text: str) -> None:
        element = stack[-1][0] if stack else None
        if element is not None:
            (element.cdata if in_cdata else element.text).append(text)

    def cdata_flag(value: bool) -> None:
        nonlocal in_cdata
        in_cdata = value

    def ns_decl(prefix: str | None, uri: str) -> None:
        if prefix is not None:
            pending_ns[prefix] = uri

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = lambda *_: refuse("entity declaration")
    parser.UnparsedEntityDeclHandler = lambda *_: refuse("unparsed entity declaration")
    parser.ExternalEntityRefHandler = lambda *_: refuse("external entity reference")
    parser.SkippedEntityHandler = lambda *_: refuse("reference to an undeclared entity")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.StartCdataSectionHandler = lambda: cdata_flag(True)
    parser.EndCdataSectionHandler = lambda: cdata_flag(False)
    parser.StartNamespaceDeclHandler = ns_decl
    try:
        parser.Parse(data, True)
    except BakingError:
        raise
    except (expat.ExpatError, ValueError, LookupError) as exc:
        raise MalformedImageError(f"SVG is not well-formed XML: {exc}") from None
    if scan.root_start < 0:  # pragma: no cover - expat requires a root element
        raise MalformedImageError("SVG has no root element")
    return scan


def _element_end(data: bytes, element: _SvgElement) -> int:
    """Byte offset just after a credential element (self-closing or with an end tag)."""
    tag = _START_TAG.match(data, element.start)
    if tag is not None and tag.group(2):
        return tag.end()
    return data.index(b">", element.end_index) + 1


def _extract_svg(data: bytes) -> list[Extracted]:
    scan = _scan_svg(data)
    found: list[Extracted] = []
    for version in _VERSIONS:
        hits = [e for e in scan.found if e.version == version]
        if not hits:
            continue
        first = hits[0]
        # Body first (JSON in CDATA), as openbadges-bakery does; else the verify attribute.
        body = "".join(first.cdata) if first.cdata else "".join(first.text).strip()
        payload = body or (first.verify or "").strip()
        if not payload:
            raise MalformedImageError(f"<openbadges:{SVG_ELEMENTS[version]}> element is empty")
        container = f"<openbadges:{SVG_ELEMENTS[version]}>"
        found.append(Extracted(payload, version, "svg", container, len(hits)))
    return found
