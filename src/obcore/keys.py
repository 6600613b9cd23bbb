"""Signing keys: generation, and the encodings Open Badges uses to publish them.

Three algorithms: Ed25519 (Data Integrity ``eddsa-rdfc-2022``, VC-JWT ``EdDSA``), RSA (OB 2.0
signed assertions and VC-JWT ``RS256``) and P-256 (VC-JWT ``ES256``). Public keys are published
as Multikey (``publicKeyMultibase``, base58btc with a multicodec prefix), JWK, or ``did:key``.
"""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args
from urllib.parse import unquote

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from nacl.bindings import crypto_sign, crypto_sign_seed_keypair

from obcore.base58 import b58decode, b58encode
from obcore.errors import KeyFormatError

__all__ = [
    "Algorithm",
    "KeyPair",
    "b58decode",
    "b58encode",
    "did_key",
    "did_key_document",
    "did_web_to_url",
    "generate_key",
    "jwks",
    "key_from_jwk",
    "key_from_multikey",
    "key_from_pem",
    "multikey_document",
]

Algorithm = Literal["Ed25519", "RSA", "P-256"]
PublicKey = Ed25519PublicKey | rsa.RSAPublicKey | ec.EllipticCurvePublicKey
PrivateKey = Ed25519PrivateKey | rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

_ED25519_PUB = b"\xed\x01"  # multicodec ed25519-pub (varint 0xed)
_P256_PUB = b"\x80\x24"  # multicodec p256-pub (varint 0x1200)
_ED25519_PRIV = b"\x80\x26"  # multicodec ed25519-priv (varint 0x1300)
_B64URL = re.compile(r"[A-Za-z0-9_-]*")
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
DID_CONTEXT = "https://www.w3.org/ns/did/v1"
# did:web hosts: a domain name (the port arrives percent-encoded, "%3A", and is decoded first).
_DID_WEB_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(value: Any, name: str) -> bytes:
    """Strict base64url (RFC 7515 §2: no padding, no other characters; Python's decoder would
    skip unknown characters, so two different strings could name one key)."""
    if not isinstance(value, str):
        raise KeyFormatError(f"JWK member {name!r} must be a base64url string")
    if not _B64URL.fullmatch(value) or len(value) % 4 == 1:
        raise KeyFormatError(f"JWK member {name!r} is not valid base64url")
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def _int_b64(number: int, length: int | None = None) -> str:
    size = length or max(1, (number.bit_length() + 7) // 8)
    return _b64url(number.to_bytes(size, "big"))


@dataclass(frozen=True)
class KeyPair:
    """A public key, with its private half when this side may sign."""

    algorithm: Algorithm
    public_key: PublicKey
    private_key: PrivateKey | None = None

    def sign(self, data: bytes) -> bytes:
        """Ed25519: raw signature; RSA: RS256 (PKCS#1 v1.5, SHA-256); P-256: ES256 as r||s."""
        key = self.private_key
        if key is None:
            raise KeyFormatError("this key has no private half: it cannot sign")
        if isinstance(key, Ed25519PrivateKey):
            # libsodium's Ed25519: RFC 8032 signatures are deterministic, so these are the bytes
            # OpenSSL would give (a test compares them), in about two thirds of its time here.
            return crypto_sign(data, self._sodium_secret)[:64]
        if isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    @functools.cached_property
    def _sodium_secret(self) -> bytes:
        """An Ed25519 private key in libsodium's form (seed and public key), made once."""
        assert isinstance(self.private_key, Ed25519PrivateKey)
        return crypto_sign_seed_keypair(self.private_key.private_bytes_raw())[1]

    def verify(self, signature: bytes, data: bytes) -> bool:
        """True when ``signature`` (in the form :meth:`sign` makes) is valid for ``data``."""
        key = self.public_key
        try:
            if isinstance(key, Ed25519PublicKey):
                key.verify(signature, data)
            elif isinstance(key, rsa.RSAPublicKey):
                key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
            else:
                if len(signature) != 64:
                    return False
                der = encode_dss_signature(
                    int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
                )
                key.verify(der, data, ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            return False
        return True

    def public_only(self) -> KeyPair:
        """The same key without its private half (safe to hand to verifiers)."""
        return KeyPair(self.algorithm, self.public_key)

    def to_multikey(self) -> str:
        """``publicKeyMultibase``: ``z6Mk…`` for Ed25519, ``zDn…`` for P-256."""
        key = self.public_key
        if isinstance(key, Ed25519PublicKey):
            raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            return "z" + b58encode(_ED25519_PUB + raw)
        if isinstance(key, ec.EllipticCurvePublicKey):
            point = key.public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
            )
            return "z" + b58encode(_P256_PUB + point)
        raise KeyFormatError("RSA keys have no Multikey encoding here; publish them as JWK")

    def to_public_jwk(self) -> dict[str, str]:
        """Public JWK: OKP/Ed25519, RSA, or EC/P-256 (coordinates padded to 32 bytes)."""
        key = self.public_key
        if isinstance(key, Ed25519PublicKey):
            raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            return {"kty": "OKP", "crv": "Ed25519", "x": _b64url(raw)}
        if isinstance(key, rsa.RSAPublicKey):
            numbers = key.public_numbers()
            return {"kty": "RSA", "n": _int_b64(numbers.n), "e": _int_b64(numbers.e)}
        point = key.public_numbers()
        return {"kty": "EC", "crv": "P-256", "x": _int_b64(point.x, 32), "y": _int_b64(point.y, 32)}

    def to_private_jwk(self) -> dict[str, str]:
        """Private JWK (the public members plus ``d``, and the CRT values for RSA)."""
        key = self.private_key
        if key is None:
            raise KeyFormatError("this key has no private half")
        jwk = self.to_public_jwk()
        if isinstance(key, Ed25519PrivateKey):
            raw = key.private_bytes(
                serialization.Encoding.Raw,
                serialization.PrivateFormat.Raw,
                serialization.NoEncryption(),
            )
            return {**jwk, "d": _b64url(raw)}
        if isinstance(key, rsa.RSAPrivateKey):
            numbers = key.private_numbers()
            return {
                **jwk,
                "d": _int_b64(numbers.d),
                "p": _int_b64(numbers.p),
                "q": _int_b64(numbers.q),
                "dp": _int_b64(numbers.dmp1),
                "dq": _int_b64(numbers.dmq1),
                "qi": _int_b64(numbers.iqmp),
            }
        return {**jwk, "d": _int_b64(key.private_numbers().private_value, 32)}

    def private_pem(self, password: bytes | None = None) -> bytes:
        """PKCS#8 PEM, encrypted with ``password`` when given."""
        if self.private_key is None:
            raise KeyFormatError("this key has no private half")
        encryption: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(password)
            if password
            else serialization.NoEncryption()
        )
        return self.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        )

    def public_pem(self) -> bytes:
        """SubjectPublicKeyInfo PEM."""
        return self.public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


def _pair(private: Any = None, public: Any = None) -> KeyPair:
    key = public if public is not None else private.public_key()
    if isinstance(key, Ed25519PublicKey):
        return KeyPair("Ed25519", key, private)
    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size < 2048:
            raise KeyFormatError(f"RSA keys must have at least 2048 bits, not {key.key_size}")
        return KeyPair("RSA", key, private)
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
        return KeyPair("P-256", key, private)
    raise KeyFormatError(f"unsupported key type {type(key).__name__}")


def generate_key(algorithm: Algorithm = "Ed25519", *, rsa_bits: int = 2048) -> KeyPair:
    """A new key pair; RSA keys below 2048 bits are refused."""
    if algorithm == "Ed25519":
        return _pair(Ed25519PrivateKey.generate())
    if algorithm == "RSA":
        return _pair(rsa.generate_private_key(public_exponent=65537, key_size=rsa_bits))
    if algorithm == "P-256":
        return _pair(ec.generate_private_key(ec.SECP256R1()))
    raise KeyFormatError(f"unknown algorithm {algorithm!r}; use one of {get_args(Algorithm)}")


def key_from_multikey(multibase: str) -> KeyPair:
    """A public Multikey (Ed25519 ``z6Mk…``, P-256 ``zDn…``) or an Ed25519 secret Multikey
    (``z3u2…``: the 32-byte seed, or Digital Bazaar's ``zrv…``: seed then public key)."""
    if not isinstance(multibase, str) or not multibase.startswith("z"):
        raise KeyFormatError("a publicKeyMultibase must be a base58btc string starting with 'z'")
    raw = b58decode(multibase[1:])
    if raw.startswith(_ED25519_PRIV) and len(raw) in (34, 66):
        pair = _pair(Ed25519PrivateKey.from_private_bytes(raw[2:34]))
        if len(raw) == 66 and pair.to_multikey() != "z" + b58encode(_ED25519_PUB + raw[34:]):
            raise KeyFormatError("the secret Multikey's public half does not match its seed")
        return pair
    if raw.startswith(_ED25519_PUB) and len(raw) == 34:
        return _pair(public=Ed25519PublicKey.from_public_bytes(raw[2:]))
    if raw.startswith(_P256_PUB) and len(raw) == 35:
        try:
            point = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw[2:])
        except ValueError:
            raise KeyFormatError("the P-256 Multikey is not a valid curve point") from None
        return _pair(public=point)
    raise KeyFormatError("unsupported Multikey: only Ed25519 (z6Mk…) and P-256 (zDn…) are known")


def key_from_jwk(jwk: Mapping[str, Any]) -> KeyPair:
    """A key from a JWK (OKP/Ed25519, RSA, EC/P-256), private when ``d`` is present."""
    if not isinstance(jwk, Mapping):
        raise KeyFormatError("a JWK must be a JSON object")
    kty, has_private = jwk.get("kty"), "d" in jwk
    try:
        if kty == "OKP" and jwk.get("crv") == "Ed25519":
            if has_private:
                pair = _pair(Ed25519PrivateKey.from_private_bytes(_b64url_decode(jwk["d"], "d")))
                if "x" in jwk and pair.to_public_jwk()["x"] != jwk["x"]:
                    raise KeyFormatError("the Ed25519 JWK's x does not match its d")
                return pair
            return _pair(
                public=Ed25519PublicKey.from_public_bytes(_b64url_decode(jwk.get("x"), "x"))
            )
        if kty == "RSA":
            n = int.from_bytes(_b64url_decode(jwk.get("n"), "n"), "big")
            e = int.from_bytes(_b64url_decode(jwk.get("e"), "e"), "big")
            public_numbers = rsa.RSAPublicNumbers(e, n)
            if not has_private:
                return _pair(public=public_numbers.public_key())
            values = {
                name: int.from_bytes(_b64url_decode(jwk.get(name), name), "big")
                for name in ("d", "p", "q", "dp", "dq", "qi")
            }
            private_numbers = rsa.RSAPrivateNumbers(
                values["p"],
                values["q"],
                values["d"],
                values["dp"],
                values["dq"],
                values["qi"],
                public_numbers,
            )
            return _pair(private_numbers.private_key())
        if kty == "EC" and jwk.get("crv") == "P-256":
            x = int.from_bytes(_b64url_decode(jwk.get("x"), "x"), "big")
            y = int.from_bytes(_b64url_decode(jwk.get("y"), "y"), "big")
            ec_public = ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1())
            if has_private:
                d = int.from_bytes(_b64url_decode(jwk["d"], "d"), "big")
                return _pair(ec.EllipticCurvePrivateNumbers(d, ec_public).private_key())
            return _pair(public=ec_public.public_key())
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise KeyFormatError(f"invalid {kty} JWK: {exc}") from None
    raise KeyFormatError(f"unsupported JWK (kty={kty!r}, crv={jwk.get('crv')!r})")


def key_from_pem(pem: bytes, password: bytes | None = None) -> KeyPair:
    """A private (PKCS#8 / traditional) or public (SubjectPublicKeyInfo) PEM key."""
    try:
        if b"PRIVATE KEY" in pem:
            return _pair(serialization.load_pem_private_key(pem, password=password))
        return _pair(public=serialization.load_pem_public_key(pem))
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise KeyFormatError(f"the PEM key cannot be read: {exc}") from None


def did_key(key: KeyPair) -> str:
    """The ``did:key`` identifier of an Ed25519 or P-256 key."""
    return "did:key:" + key.to_multikey()


def did_key_document(did: str) -> dict[str, Any]:
    """Resolve a ``did:key`` offline to its DID document (one Multikey verification method)."""
    if not isinstance(did, str) or not did.startswith("did:key:z"):
        raise KeyFormatError(f"{did!r} is not a did:key identifier")
    multibase = did.removeprefix("did:key:").split("#", 1)[0]
    key_from_multikey(multibase)  # validates
    method_id = f"did:key:{multibase}#{multibase}"
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": f"did:key:{multibase}",
        "verificationMethod": [
            {
                "id": method_id,
                "type": "Multikey",
                "controller": f"did:key:{multibase}",
                "publicKeyMultibase": multibase,
            }
        ],
        "authentication": [method_id],
        "assertionMethod": [method_id],
        "capabilityDelegation": [method_id],
        "capabilityInvocation": [method_id],
    }


def multikey_document(key: KeyPair, *, id: str, controller: str) -> dict[str, Any]:
    """A Multikey verification method document, as served at its own URL."""
    return {
        "@context": MULTIKEY_CONTEXT,
        "id": id,
        "type": "Multikey",
        "controller": controller,
        "publicKeyMultibase": key.to_multikey(),
    }


def did_web_to_url(did: str) -> str:
    """``did:web:example.org:user:alice`` → ``https://example.org/user/alice/did.json``."""
    if not isinstance(did, str) or not did.startswith("did:web:"):
        raise KeyFormatError(f"{did!r} is not a did:web identifier")
    parts = did.removeprefix("did:web:").split("#", 1)[0].split(":")
    host = unquote(parts[0])
    if not _DID_WEB_HOST.fullmatch(host):
        raise KeyFormatError(f"{did!r} has no valid host (a domain name, optionally :port)")
    segments = [unquote(part) for part in parts[1:]]
    # A segment must stay one path segment: no empty ones, no "/" smuggled in as %2F, no "..".
    if any(not seg or "/" in seg or "\\" in seg or seg in (".", "..") for seg in segments):
        raise KeyFormatError(f"{did!r} has an invalid path segment")
    path = "/".join(segments)
    return f"https://{host}/{path}/did.json" if path else f"https://{host}/.well-known/did.json"


def jwks(keys: Iterable[tuple[str, KeyPair]]) -> dict[str, Any]:
    """A JWK Set ``{"keys": [...]}`` with each key's ``kid``."""
    return {"keys": [{**key.to_public_jwk(), "kid": kid} for kid, key in keys]}
