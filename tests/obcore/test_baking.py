"""Baking credentials into PNG/SVG and extracting them, including hostile files."""

from __future__ import annotations

import contextlib
import json
import struct
import zlib
from xml.dom import minidom

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from obcore import baking
from obcore.baking import Extracted, bake, extract, extract_all
from obcore.errors import (
    BakingError,
    CredentialNotFoundError,
    DuplicateCredentialError,
    ImageTooLargeError,
    InvalidPayloadError,
    MalformedImageError,
    ObcoreError,
    UnsafeXMLError,
    UnsupportedImageError,
)

pytestmark = pytest.mark.nodjango

CREDENTIAL = json.dumps(
    {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:6e9e3bd1-5a7d-4b2c-9a57-3a3a0f1a1d55",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Café ☕ — ünïcode",
    }
)
ASSERTION = json.dumps({"id": "https://example.org/assertions/1?a=1&b=2", "type": "Assertion"})
JWS = "eyJhbGciOiJSUzI1NiJ9.eyJpZCI6InVybjp1dWlkOjEifQ.c2lnbmF0dXJl"


def chunk(ctype: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", zlib.crc32(ctype + body))


def make_png(*extra: bytes, idats: int = 1) -> bytes:
    """A valid 2x2 grey PNG; ``extra`` chunks go between IHDR and the first IDAT."""
    ihdr = chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0))
    pixels = zlib.compress(b"\x00\x10\x20\x00\x30\x40")
    cut = len(pixels) // idats
    parts = [pixels[i * cut : (i + 1) * cut if i < idats - 1 else None] for i in range(idats)]
    return (
        baking.PNG_SIGNATURE
        + ihdr
        + b"".join(extra)
        + b"".join(chunk(b"IDAT", p) for p in parts)
        + chunk(b"IEND", b"")
    )


def chunk_types(png: bytes) -> list[bytes]:
    pos, types = 8, []
    while pos < len(png):
        (length,) = struct.unpack_from(">I", png, pos)
        types.append(png[pos + 4 : pos + 8])
        pos += 12 + length
    return types


SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!-- made by hand -->\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" data-x="a>b">\n'
    b'  <circle cx="5" cy="5" r="4"/>\n</svg>\n'
)


# --- PNG --------------------------------------------------------------------------------------


def test_png_ob3_layout_and_round_trip() -> None:
    png = make_png(idats=2)
    baked = bake(png, CREDENTIAL)
    expected_chunk = chunk(
        b"iTXt", b"openbadgecredential\x00\x00\x00\x00\x00" + CREDENTIAL.encode("utf-8")
    )
    assert expected_chunk in baked
    assert baked.replace(expected_chunk, b"") == png  # nothing else touched
    assert chunk_types(baked) == [b"IHDR", b"iTXt", b"IDAT", b"IDAT", b"IEND"]
    assert extract(baked) == Extracted(CREDENTIAL, "3.0", "png", "iTXt openbadgecredential")
    assert extract(baked).kind == "json"


def test_png_ob2_and_ob3_side_by_side() -> None:
    baked = bake(bake(make_png(), JWS, version="2.0"), CREDENTIAL)
    assert b"iTXtopenbadges\x00\x00\x00\x00\x00" + JWS.encode() in baked
    assert [e.version for e in extract_all(baked)] == ["3.0", "2.0"]
    assert extract(baked).version == "3.0"
    found = extract(baked, version="2.0")
    assert (found.payload, found.kind, found.container) == (JWS, "jws", "iTXt openbadges")


def test_png_legacy_text_chunk() -> None:
    png = make_png(chunk(b"tEXt", b"openbadges\x00https://example.org/a/1"))
    found = extract(png)
    assert (found.version, found.container, found.kind) == ("2.0", "tEXt openbadges", "url")
    with pytest.raises(CredentialNotFoundError):
        extract(png, version="3.0")


def test_png_refuses_duplicate_and_replaces_on_request() -> None:
    baked = bake(make_png(), CREDENTIAL)
    with pytest.raises(DuplicateCredentialError, match="replace=True"):
        bake(baked, JWS)
    replaced = bake(baked, JWS, replace=True)
    assert extract(replaced) == Extracted(JWS, "3.0", "png", "iTXt openbadgecredential")
    assert chunk_types(replaced).count(b"iTXt") == 1
    # OB 2.0 replacement also drops a legacy tEXt chunk with the same keyword.
    legacy = make_png(chunk(b"tEXt", b"openbadges\x00https://example.org/a/1"))
    assert chunk_types(bake(legacy, JWS, version="2.0", replace=True)).count(b"tEXt") == 0


def test_png_with_two_credential_chunks_reads_the_first_and_flags_it() -> None:
    first = chunk(b"iTXt", b"openbadgecredential\x00\x00\x00\x00\x00" + JWS.encode())
    second = chunk(b"iTXt", b"openbadgecredential\x00\x00\x00\x00\x00{}")
    found = extract(make_png(first, second))
    assert (found.payload, found.count, found.duplicated) == (JWS, 2, True)


def test_png_compressed_itxt_is_read_but_flagged() -> None:
    body = b"openbadgecredential\x00\x01\x00en\x00\x00" + zlib.compress(CREDENTIAL.encode())
    found = extract(make_png(chunk(b"iTXt", body)))
    assert (found.payload, found.compressed) == (CREDENTIAL, True)


def test_png_itxt_decompression_bomb() -> None:
    bomb = zlib.compress(b" " * (8 * 1024 * 1024), 9)  # ~8 KiB that inflates to 8 MiB
    body = b"openbadgecredential\x00\x01\x00\x00\x00" + bomb
    with pytest.raises(ImageTooLargeError, match="inflates beyond"):
        extract(make_png(chunk(b"iTXt", body)))


def test_png_bad_crc() -> None:
    baked = bytearray(bake(make_png(), CREDENTIAL))
    baked[60] ^= 0xFF  # inside the iTXt text
    with pytest.raises(MalformedImageError, match="CRC mismatch"):
        extract(bytes(baked))


@pytest.mark.parametrize("cut", [9, 20, 40, -5, -12])
def test_png_truncated(cut: int) -> None:
    with pytest.raises(MalformedImageError, match="truncated"):
        extract(bake(make_png(), CREDENTIAL)[:cut])


def test_png_absurd_chunk_length() -> None:
    png = make_png()
    hostile = png[:33] + struct.pack(">I", 2**31) + b"tEXt" + b"x" * 64
    with pytest.raises(MalformedImageError, match="absurd length"):
        extract(hostile)
    # Just under the PNG maximum but far beyond the file: truncated, without allocating 2 GiB.
    hostile = png[:33] + struct.pack(">I", 2**31 - 1) + b"tEXt" + b"x" * 64
    with pytest.raises(MalformedImageError, match="truncated"):
        extract(hostile)


def test_huge_files_are_refused() -> None:
    huge = make_png(chunk(b"tEXt", b"comment\x00" + b"x" * baking.DEFAULT_MAX_BYTES))
    with pytest.raises(ImageTooLargeError):
        extract(huge)
    with pytest.raises(ImageTooLargeError):
        bake(huge, CREDENTIAL)
    with pytest.raises(ImageTooLargeError):
        extract(SVG, max_bytes=10)
    with pytest.raises(ImageTooLargeError):  # the result would be over the limit
        bake(make_png(), CREDENTIAL, max_bytes=len(make_png()) + 10)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n", "truncated"),
        (make_png()[:8] + chunk(b"IDAT", b"") + chunk(b"IEND", b""), "IHDR"),
        (make_png() + b"junk", "after IEND"),
        (make_png()[:33] + chunk(b"I\x00AT", b"") + make_png()[33:], "invalid type"),
    ],
)
def test_png_structure_errors(data: bytes, message: str) -> None:
    with pytest.raises(MalformedImageError, match=message):
        extract(data)


def test_png_without_idat_cannot_be_baked() -> None:
    png = make_png()
    no_idat = png[:33] + chunk(b"IEND", b"")
    with pytest.raises(MalformedImageError, match="IDAT"):
        bake(no_idat, CREDENTIAL)


def test_png_without_credential() -> None:
    with pytest.raises(CredentialNotFoundError):
        extract(make_png(chunk(b"tEXt", b"Comment\x00hello")))


@pytest.mark.parametrize(
    "body",
    [
        b"openbadgecredential\x00\x02\x00\x00\x00x",  # unknown compression flag
        b"openbadgecredential\x00\x00\x00\x00",  # missing translated-keyword separator
        b"openbadgecredential\x00\x00\x00\x00\x00\xff\xfe",  # not UTF-8
        b"openbadgecredential\x00\x01\x00\x00\x00not zlib",
        b"openbadgecredential\x00",
    ],
)
def test_png_bad_itxt(body: bytes) -> None:
    with pytest.raises(MalformedImageError):
        extract(make_png(chunk(b"iTXt", body)))


@pytest.mark.parametrize("payload", ["", "  ", "hello", "[1, 2]", "https://example.org/a", "a.b"])
def test_invalid_payloads(payload: str) -> None:
    with pytest.raises(InvalidPayloadError):
        bake(make_png(), payload)


def test_unsupported_input() -> None:
    for data in (b"", b"GIF89a....", b"\x00\x01\x02"):
        with pytest.raises(UnsupportedImageError):
            extract(data)
    with pytest.raises(BakingError):
        extract("not bytes")  # type: ignore[arg-type]


# --- SVG --------------------------------------------------------------------------------------


def test_svg_ob3_json_round_trip_is_byte_level() -> None:
    baked = bake(SVG, CREDENTIAL)
    ns = b' xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"'
    element = (
        b"<openbadges:credential><![CDATA[" + CREDENTIAL.encode() + b"]]></openbadges:credential>"
    )
    assert ns + b">" + element + b"\n  <circle" in baked
    assert baked.replace(ns, b"").replace(element, b"") == SVG
    assert extract(baked) == Extracted(CREDENTIAL, "3.0", "svg", "<openbadges:credential>")


def test_svg_ob3_jws_goes_in_verify() -> None:
    baked = bake(SVG, JWS)
    assert f'<openbadges:credential verify="{JWS}"/>'.encode() in baked
    assert extract(baked).payload == JWS


def test_svg_ob2_is_readable_the_openbadges_bakery_way() -> None:
    baked = bake(SVG, ASSERTION, version="2.0")
    assert b'xmlns:openbadges="http://openbadges.org"' in baked
    # openbadges-bakery (used by badgecheck) looks the element up by its literal tag name.
    doc = minidom.parseString(baked)  # noqa: S318 - our own trusted test output
    node = doc.getElementsByTagName("openbadges:assertion")[0]
    assert node.getAttribute("verify") == "https://example.org/assertions/1?a=1&b=2"
    assert node.firstChild is not None
    assert node.firstChild.nodeType == node.CDATA_SECTION_NODE
    assert node.firstChild.nodeValue == ASSERTION
    assert extract(baked) == Extracted(ASSERTION, "2.0", "svg", "<openbadges:assertion>")


def test_svg_ob2_hosted_url() -> None:
    url = "https://example.org/assertions/1?a=1&b=2"
    baked = bake(SVG, url, version="2.0")
    assert b'verify="https://example.org/assertions/1?a=1&amp;b=2"/>' in baked
    assert extract(baked).payload == url
    with pytest.raises(InvalidPayloadError):
        bake(SVG, url)  # OB 3.0 has no hosted form


def test_svg_both_versions_and_replacement() -> None:
    both = bake(bake(SVG, ASSERTION, version="2.0"), JWS)
    # The prefix is already bound to the OB 2.0 namespace on <svg>: OB 3.0 declares it locally.
    assert b'<openbadges:credential xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in both
    assert [(e.version, e.payload) for e in extract_all(both)] == [("3.0", JWS), ("2.0", ASSERTION)]
    with pytest.raises(DuplicateCredentialError):
        bake(both, CREDENTIAL)
    replaced = bake(both, CREDENTIAL, replace=True)
    assert [(e.version, e.payload, e.count) for e in extract_all(replaced)] == [
        ("3.0", CREDENTIAL, 1),
        ("2.0", ASSERTION, 1),
    ]
    again = bake(replaced, JWS, replace=True)
    assert again == both


def test_svg_special_shapes() -> None:
    empty_root = b"<svg xmlns='http://www.w3.org/2000/svg' width='1'/>"
    baked = bake(empty_root, CREDENTIAL)
    assert baked.endswith(b"]]></openbadges:credential></svg>")
    assert extract(baked).payload == CREDENTIAL
    doctype = (
        b'<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n' + SVG.split(b"-->\n", 1)[1]
    )
    tricky = CREDENTIAL[:-1] + ', "x": "a]]>b"}'
    assert extract(bake(doctype, tricky)).payload == tricky


def test_svg_duplicates_are_flagged() -> None:
    element = b"<openbadges:credential verify='a.b.c'/>"
    svg = (
        b"<svg xmlns='http://www.w3.org/2000/svg' "
        b"xmlns:openbadges='https://purl.imsglobal.org/ob/v3p0'>" + element + element + b"</svg>"
    )
    found = extract(svg)
    assert (found.payload, found.count, found.duplicated) == ("a.b.c", 2, True)


XXE = (
    b'<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg"><openbadges:credential '
    b'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">&xxe;</openbadges:credential></svg>'
)
BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'.encode()
        for i in range(1, 10)
    )
    + b']>\n<svg xmlns="http://www.w3.org/2000/svg">&lol9;</svg>'
)
PARAMETER_ENTITY = (
    b'<!DOCTYPE svg [<!ENTITY % ext SYSTEM "http://127.0.0.1:9/evil.dtd"> %ext;]>'
    b'<svg xmlns="http://www.w3.org/2000/svg"/>'
)


@pytest.mark.parametrize("hostile", [XXE, BILLION_LAUGHS, PARAMETER_ENTITY])
def test_svg_dtd_attacks_are_refused(hostile: bytes) -> None:
    with pytest.raises(UnsafeXMLError, match="DTDs and entities are not allowed"):
        extract(hostile)
    with pytest.raises(UnsafeXMLError):
        bake(hostile, CREDENTIAL)


def test_svg_external_dtd_is_never_loaded_and_its_entities_refused() -> None:
    doc = (
        b'<!DOCTYPE svg SYSTEM "http://127.0.0.1:9/evil.dtd">'
        b'<svg xmlns="http://www.w3.org/2000/svg"><title>&ent;</title></svg>'
    )
    with pytest.raises(UnsafeXMLError, match="undeclared entity"):
        extract(doc)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'><g></svg>", MalformedImageError),
        (b"<html><body/></html>", UnsupportedImageError),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><x:y/></svg>", MalformedImageError),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg' "
            b"xmlns:openbadges='http://openbadges.org'><openbadges:assertion/></svg>",
            MalformedImageError,
        ),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", CredentialNotFoundError),
    ],
)
def test_svg_errors(data: bytes, error: type[BakingError]) -> None:
    with pytest.raises(error):
        extract(data)


def test_svg_encodings() -> None:
    latin = b"<?xml version='1.0' encoding='ISO-8859-1'?><svg xmlns='http://www.w3.org/2000/svg'/>"
    with pytest.raises(UnsupportedImageError, match="UTF-8"):
        bake(latin, CREDENTIAL)
    utf16 = "<svg xmlns='http://www.w3.org/2000/svg'/>".encode("utf-16")
    with pytest.raises(UnsupportedImageError):
        bake(utf16, CREDENTIAL)
    with pytest.raises(CredentialNotFoundError):
        extract(utf16)  # readable, just empty
    with pytest.raises(InvalidPayloadError, match=r"U\+000D"):
        bake(SVG, '{"a":\r\n1}')


# --- Properties -------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
payloads = st.one_of(
    st.builds(
        lambda d, ascii_only: json.dumps(d, ensure_ascii=ascii_only),
        st.dictionaries(st.text(max_size=10), json_values, max_size=5),
        st.booleans(),
    ),
    st.from_regex(r"[A-Za-z0-9_-]{1,20}\.[A-Za-z0-9_-]{1,40}\.[A-Za-z0-9_-]{1,20}", fullmatch=True),
)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(payload=payloads, version=st.sampled_from(["3.0", "2.0"]))
def test_png_bake_extract_identity(payload: str, version: baking.Version) -> None:
    found = extract(bake(make_png(), payload, version=version), version=version)
    assert (found.payload, found.version) == (payload, version)


@FAST
@given(payload=payloads, version=st.sampled_from(["3.0", "2.0"]))
def test_svg_bake_extract_identity(payload: str, version: baking.Version) -> None:
    if baking._NOT_XML_CHAR.search(payload):
        with pytest.raises(InvalidPayloadError):
            bake(SVG, payload, version=version)
        return
    found = extract(bake(SVG, payload, version=version), version=version)
    assert (found.payload, found.version) == (payload, version)


@FAST
@given(data=st.binary(max_size=300))
def test_random_bytes_only_raise_baking_errors(data: bytes) -> None:
    for candidate in (data, baking.PNG_SIGNATURE + data, b"<svg" + data):
        with contextlib.suppress(BakingError):
            extract(candidate)


BAKED = [bake(make_png(), CREDENTIAL), bake(SVG, CREDENTIAL)]


@FAST
@given(
    which=st.sampled_from(BAKED),
    edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=4),
    cut=st.integers(0, 10**6),
)
def test_mutated_images_only_raise_baking_errors(
    which: bytes, edits: list[tuple[int, int]], cut: int
) -> None:
    data = bytearray(which)
    for pos, value in edits:
        data[pos % len(data)] = value
    for candidate in (bytes(data), bytes(data[: cut % len(data)])):
        try:
            bake(candidate, JWS, replace=True)
            extract(candidate)
        except BakingError:
            pass


XML_TOKENS = [
    *"<>&;![]\"'=/a ",
    "<!DOCTYPE svg [",
    "<!ENTITY x ",
    "SYSTEM 'file:///etc/passwd'",
    "<![CDATA[",
    "]]>",
    "%x;",
    "&x;",
    "<svg xmlns='http://www.w3.org/2000/svg'>",
    "</svg>",
    "<openbadges:credential xmlns:openbadges='https://purl.imsglobal.org/ob/v3p0'>",
    "</openbadges:credential>",
]


@FAST
@given(tokens=st.lists(st.sampled_from(XML_TOKENS), max_size=30))
def test_xmlish_noise_only_raises_baking_errors(tokens: list[str]) -> None:
    with contextlib.suppress(BakingError):
        extract("".join(tokens).encode())


def test_error_hierarchy() -> None:
    assert issubclass(BakingError, ObcoreError)
    assert issubclass(UnsafeXMLError, MalformedImageError)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"openbadgecredential\x00\x01\x01\x00\x00" + zlib.compress(b"{}"), "compression method 1"),
        (b"openbadgecredential\x00\x01\x00\x00\x00" + zlib.compress(b"{}" * 50)[:-6], "truncated"),
    ],
)
def test_png_compressed_itxt_faults(body: bytes, message: str) -> None:
    with pytest.raises(MalformedImageError, match=message):
        extract(make_png(chunk(b"iTXt", body)))


def test_payloads_of_no_known_kind_are_reported_as_such() -> None:
    """Written by another tool: extraction gives it back, labelled, for the caller to refuse."""
    found = extract(make_png(chunk(b"iTXt", b"openbadgecredential\x00\x00\x00\x00\x00hello")))
    assert (found.payload, found.kind) == ("hello", "unknown")
