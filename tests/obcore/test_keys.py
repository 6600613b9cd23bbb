"""Keys: generation, signatures, and the Multikey / JWK / PEM / did:key encodings."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from obcore.errors import KeyFormatError
from obcore.keys import (
    b58decode,
    b58encode,
    did_key,
    did_key_document,
    did_web_to_url,
    generate_key,
    jwks,
    key_from_jwk,
    key_from_multikey,
    key_from_pem,
    multikey_document,
)

pytestmark = pytest.mark.nodjango

ALGORITHMS = ["Ed25519", "RSA", "P-256"]
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
_CACHE: dict[str, object] = {}


def key(algorithm: str):  # type: ignore[no-untyped-def]
    if algorithm not in _CACHE:  # RSA generation is slow: one key per algorithm per run
        _CACHE[algorithm] = generate_key(algorithm)  # type: ignore[arg-type]
    return _CACHE[algorithm]


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_sign_and_verify(algorithm: str) -> None:
    pair = key(algorithm)
    signature = pair.sign(b"payload")
    public = pair.public_only()
    assert public.verify(signature, b"payload")
    assert not public.verify(signature, b"payloaD")
    assert not public.verify(b"\0" * len(signature), b"payload")
    with pytest.raises(KeyFormatError, match="cannot sign"):
        public.sign(b"x")
    if algorithm == "P-256":
        assert len(signature) == 64  # JOSE r||s, not DER


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_jwk_and_pem_round_trips(algorithm: str) -> None:
    pair = key(algorithm)
    private = key_from_jwk(pair.to_private_jwk())
    assert private.to_public_jwk() == pair.to_public_jwk()
    assert private.public_only().verify(pair.sign(b"m"), b"m")
    assert key_from_jwk(pair.to_public_jwk()).private_key is None
    assert key_from_pem(pair.private_pem()).to_public_jwk() == pair.to_public_jwk()
    assert key_from_pem(pair.public_pem()).to_public_jwk() == pair.to_public_jwk()
    encrypted = pair.private_pem(b"s3cret")
    assert key_from_pem(encrypted, b"s3cret").algorithm == algorithm
    with pytest.raises(KeyFormatError):
        key_from_pem(encrypted, b"wrong")


def test_published_multikey_vectors() -> None:
    # 1EdTech OB 3.0 test vector: raw public key and its Multikey.
    pk = bytes.fromhex("4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5")
    multikey = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
    assert b58decode(multikey[1:]) == b"\xed\x01" + pk
    assert key_from_multikey(multikey).to_multikey() == multikey
    # W3C vc-di-eddsa keyPair.json: the secret Multikey gives the published public Multikey.
    secret = key_from_multikey("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq")
    assert secret.to_multikey() == "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"


@pytest.mark.parametrize("algorithm", ["Ed25519", "P-256"])
def test_multikey_and_did_key(algorithm: str) -> None:
    pair = key(algorithm)
    multikey = pair.to_multikey()
    assert multikey.startswith("z6Mk" if algorithm == "Ed25519" else "zDn")
    assert key_from_multikey(multikey).to_public_jwk() == pair.to_public_jwk()
    did = did_key(pair)
    document = did_key_document(did)
    method = document["verificationMethod"][0]
    assert method["id"] == f"{did}#{multikey}"
    assert document["assertionMethod"] == [method["id"]]
    assert did_key_document(method["id"])["id"] == did
    vm = multikey_document(pair, id="https://e.org/i#k", controller="https://e.org/i")
    assert vm["publicKeyMultibase"] == multikey


def test_rsa_has_no_multikey() -> None:
    with pytest.raises(KeyFormatError, match="RSA"):
        key("RSA").to_multikey()


@pytest.mark.parametrize(
    "bad",
    ["", "6Mk", "z0OIl", "zQ3s", "z" + b58encode(b"\xed\x01" + b"\0" * 5), 42, "did:key:z6Mk"],
)
def test_bad_multikeys_are_refused(bad: object) -> None:
    with pytest.raises(KeyFormatError):
        key_from_multikey(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "jwk",
    [
        {"kty": "OKP", "crv": "X25519", "x": "AA"},
        {"kty": "OKP", "crv": "Ed25519", "x": "!!"},
        {"kty": "OKP", "crv": "Ed25519", "x": "AAAA"},
        {"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"},
        {"kty": "EC", "crv": "P-384", "x": "AA", "y": "AA"},
        {"kty": "RSA", "n": 5, "e": "AQAB"},
        {"kty": "RSA", "n": "AQAB", "e": "AQAB"},
        {"kty": "oct", "k": "AA"},
        [],
    ],
)
def test_bad_jwks_are_refused(jwk: object) -> None:
    with pytest.raises(KeyFormatError):
        key_from_jwk(jwk)  # type: ignore[arg-type]


def test_did_web_urls() -> None:
    assert did_web_to_url("did:web:example.org") == "https://example.org/.well-known/did.json"
    assert (
        did_web_to_url("did:web:example.org:issuers:alice")
        == "https://example.org/issuers/alice/did.json"
    )
    assert did_web_to_url("did:web:localhost%3A8443#key-1") == (
        "https://localhost:8443/.well-known/did.json"
    )
    bad_ones = (
        "did:key:z6Mk",
        "did:web:",
        "did:web:evil.org%2Fx",
        "did:web:user@evil.org",
        "did:web:example.org:a::b",
        "did:web:example.org:a%2F..%2Fb",
        "did:web:example.org:..",
        "did:web:exa mple.org",
    )
    for bad in bad_ones:
        with pytest.raises(KeyFormatError):
            did_web_to_url(bad)


def test_jwks() -> None:
    document = jwks([("k1", key("Ed25519")), ("k2", key("P-256"))])
    assert [entry["kid"] for entry in document["keys"]] == ["k1", "k2"]
    assert "d" not in document["keys"][0]


@settings(max_examples=300)
@given(st.binary(max_size=100))
def test_base58_round_trip(data: bytes) -> None:
    assert b58decode(b58encode(data)) == data


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"", ""),
        (b"\0\0\x01", "112"),
        (b"hello world", "StV1DL6CwTryKyV"),  # the Bitcoin alphabet's usual example
    ],
)
def test_base58_known_values(data: bytes, text: str) -> None:
    assert b58encode(data) == text


@settings(max_examples=300)
@given(st.binary(max_size=100))
def test_base58_matches_the_textbook_algorithm(data: bytes) -> None:
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    number, digits = int.from_bytes(data, "big"), ""
    while number:
        number, rest = divmod(number, 58)
        digits = alphabet[rest] + digits
    assert b58encode(data) == "1" * (len(data) - len(data.lstrip(b"\0"))) + digits


def _textbook_base58(data: bytes) -> str:
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    number, digits = int.from_bytes(data, "big"), ""
    while number:
        number, rest = divmod(number, 58)
        digits = alphabet[rest] + digits
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + digits


@settings(max_examples=300)
@given(st.integers(0, 8), st.binary(min_size=64, max_size=64))
def test_base58_of_signatures_with_leading_zeros(zeros: int, signature: bytes) -> None:
    """Signatures (64 bytes), some starting with zero bytes: the same digits as the textbook."""
    data = b"\0" * zeros + signature[zeros:]
    assert b58encode(data) == _textbook_base58(data)


@pytest.mark.parametrize("power", [1, 2, 5, 10, 11, 20, 44, 87])
@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_base58_at_the_chunk_boundaries(power: int, offset: int) -> None:
    """Numbers next to powers of 58, where a chunk of ten digits or a pair of digits ends."""
    number = 58**power + offset
    for data in (number.to_bytes(66, "big").lstrip(b"\0"), number.to_bytes(66, "big")):
        assert b58encode(data) == _textbook_base58(data)


@settings(max_examples=25, deadline=None)
@given(st.binary(min_size=32, max_size=32))
def test_ed25519_seed_round_trips(seed: bytes) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from obcore.keys import KeyPair

    private = Ed25519PrivateKey.from_private_bytes(seed)
    pair = KeyPair("Ed25519", private.public_key(), private)
    assert key_from_jwk(pair.to_private_jwk()).to_multikey() == pair.to_multikey()
    assert key_from_multikey(pair.to_multikey()).to_public_jwk() == pair.to_public_jwk()
    assert key_from_multikey(did_key(pair).removeprefix("did:key:")).algorithm == "Ed25519"


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=1, max_value=P256_ORDER - 1))
def test_p256_round_trips(scalar: int) -> None:
    """Any P-256 key survives JWK, Multikey (compressed point, ``zDn``) and did:key."""
    from cryptography.hazmat.primitives.asymmetric import ec

    from obcore.keys import KeyPair

    private = ec.derive_private_key(scalar, ec.SECP256R1())
    pair = KeyPair("P-256", private.public_key(), private)
    multikey = pair.to_multikey()
    assert multikey.startswith("zDn")
    assert key_from_multikey(multikey).to_public_jwk() == pair.to_public_jwk()
    assert key_from_jwk(pair.to_private_jwk()).to_private_jwk() == pair.to_private_jwk()
    document = did_key_document(did_key(pair))
    method = document["verificationMethod"][0]
    assert method["publicKeyMultibase"] == multikey
    assert method["id"] == f"{did_key(pair)}#{multikey}"


@settings(max_examples=50, deadline=None)
@given(st.binary(min_size=32, max_size=32), st.binary(min_size=0, max_size=40))
def test_signatures_bind_key_and_data(seed: bytes, data: bytes) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from obcore.keys import KeyPair

    private = Ed25519PrivateKey.from_private_bytes(seed)
    pair = KeyPair("Ed25519", private.public_key(), private)
    signature = pair.sign(data)
    public = key_from_multikey(pair.public_only().to_multikey())
    assert public.verify(signature, data)
    assert not public.verify(signature, data + b"\0")
    assert not public.verify(signature[:-1] + bytes([signature[-1] ^ 1]), data)


def test_private_jwk_with_a_foreign_public_half_is_refused() -> None:
    jwk = {**generate_key().to_private_jwk(), "x": generate_key().to_public_jwk()["x"]}
    with pytest.raises(KeyFormatError, match="does not match"):
        key_from_jwk(jwk)


@pytest.mark.parametrize("x", ["!!", "A", "AAAA=", "AA AA", "AA+/"])
def test_jwk_members_must_be_strict_base64url(x: str) -> None:
    """Lenient decoding would skip the odd characters: two strings, one key."""
    good = key("Ed25519").to_public_jwk()
    with pytest.raises(KeyFormatError, match="not valid base64url"):
        key_from_jwk({**good, "x": good["x"][:-4] + x if len(x) > 3 else x})


def test_keys_without_their_private_half() -> None:
    public = key("Ed25519").public_only()
    for export in (public.to_private_jwk, public.private_pem):
        with pytest.raises(KeyFormatError, match="no private half"):
            export()
    with pytest.raises(KeyFormatError, match="cannot sign"):
        public.sign(b"data")


def test_p256_signatures_of_the_wrong_length_do_not_verify() -> None:
    p256 = key("P-256")
    signature = p256.sign(b"data")
    assert p256.verify(signature, b"data")
    assert not p256.verify(signature[:-1], b"data")
    assert not p256.verify(signature + b"\0", b"data")


def test_keys_obcore_does_not_use_are_refused() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa, x25519

    def pem(private: object) -> bytes:
        return private.private_bytes(  # type: ignore[attr-defined, no-any-return]
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    small_rsa = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505
    with pytest.raises(KeyFormatError, match="at least 2048 bits, not 1024"):
        key_from_pem(pem(small_rsa))
    for other in (ec.generate_private_key(ec.SECP384R1()), x25519.X25519PrivateKey.generate()):
        with pytest.raises(KeyFormatError, match="unsupported key type"):
            key_from_pem(pem(other))
    with pytest.raises(KeyFormatError, match="unknown algorithm 'DSA'"):
        generate_key("DSA")  # type: ignore[arg-type]


def test_secret_multikeys_must_hold_their_own_public_half() -> None:
    from cryptography.hazmat.primitives import serialization

    ed, other = key("Ed25519"), generate_key()
    assert ed.private_key is not None
    seed = ed.private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    own = b58decode(ed.to_multikey()[1:])[2:]
    foreign = b58decode(other.to_multikey()[1:])[2:]
    assert key_from_multikey("z" + b58encode(b"\x80\x26" + seed + own)).to_multikey() == (
        ed.to_multikey()
    )
    with pytest.raises(KeyFormatError, match="public half does not match"):
        key_from_multikey("z" + b58encode(b"\x80\x26" + seed + foreign))


def test_p256_multikeys_must_be_curve_points() -> None:
    header = b58decode(key("P-256").to_multikey()[1:])[:2]
    beyond_the_field = header + b"\x02" + b"\xff" * 32  # x >= p: no such point
    with pytest.raises(KeyFormatError, match="not a valid curve point"):
        key_from_multikey("z" + b58encode(beyond_the_field))


@pytest.mark.parametrize("did", ["did:web:example.org", "did:key:6Mk", 42, "did:key:zQ3s"])
def test_did_key_documents_only_for_did_keys(did: object) -> None:
    with pytest.raises(KeyFormatError):
        did_key_document(did)  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=32, max_size=32), st.binary(min_size=0, max_size=200))
def test_ed25519_signatures_are_openssls_bytes(seed: bytes, data: bytes) -> None:
    """Ed25519 signs through libsodium; RFC 8032 signatures are deterministic, so they must be
    the very bytes OpenSSL (through ``cryptography``) gives for the same key and data."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from obcore.keys import KeyPair

    private = Ed25519PrivateKey.from_private_bytes(seed)
    pair = KeyPair("Ed25519", private.public_key(), private)
    assert pair.sign(data) == private.sign(data)
    assert pair.sign(data) == private.sign(data)  # the libsodium key made once, kept
