"""Recipient identifiers: salted identity hashes and "does this identifier designate X?".

OB 2.0 and OB 3.0 share the hash: ``"sha256$" + hex(SHA-256(UTF-8(value + salt)))`` (``md5$``
is also legal and still read). E-mail addresses are compared case-insensitively: we lower-case
and trim them before hashing when issuing, and when matching we try the candidate both as given
and normalised, because other issuers hash whatever their users typed.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Literal

from obcore.errors import DocumentError

__all__ = [
    "IdentityKind",
    "hash_identity",
    "identity_matches",
    "new_salt",
    "normalise_identity",
    "salted_identity",
]

IdentityKind = Literal["email", "telephone", "url", "id", "other"]

# OB 3.0 identityType -> comparison rules; OB 2.0 recipient types map onto the same kinds.
_KINDS: dict[str, IdentityKind] = {
    "emailAddress": "email",
    "email": "email",
    "telephone": "telephone",
    "phone": "telephone",
    # OB 3.0's IdentifierTypeEnum has no phone number; extensions use the "ext:" prefix.
    "ext:phoneNumber": "telephone",
    "url": "url",
    "id": "id",
}
_PHONE_NOISE = re.compile(r"[\s().\-]")


def kind_of(identity_type: str) -> IdentityKind:
    return _KINDS.get(identity_type, "other")


def new_salt() -> str:
    """A fresh random salt (128 bits, hex): one per award, so hashes cannot be correlated."""
    return secrets.token_hex(16)


def normalise_identity(value: str, identity_type: str = "emailAddress") -> str:
    """The canonical form we hash and compare: e-mails trimmed and lower-cased, phone numbers
    without spaces, dots, dashes or brackets, everything else only trimmed."""
    if not isinstance(value, str):
        raise DocumentError("an identifier must be a string", path="identity")
    kind = kind_of(identity_type)
    text = value.strip()
    if kind == "email":
        return text.lower()
    if kind == "telephone":
        return _PHONE_NOISE.sub("", text)
    return text


def hash_identity(value: str, salt: str = "", *, algorithm: str = "sha256") -> str:
    """``"sha256$" + hex(sha256(value + salt))`` exactly as the specs define it (no normalising:
    call :func:`normalise_identity` first)."""
    if algorithm not in ("sha256", "md5"):
        raise DocumentError(f"unsupported identity hash algorithm {algorithm!r}", path="identity")
    digest = hashlib.new(algorithm, (value + salt).encode("utf-8"), usedforsecurity=False)
    return f"{algorithm}${digest.hexdigest()}"


def salted_identity(
    value: str, identity_type: str, *, hashed: bool, salt: str | None, path: str
) -> tuple[str, str | None]:
    """What an issuer stores for ``value``: normalised, and by default hashed with a fresh salt.

    Returns ``(identity, salt)``; the salt is None when the identity is not hashed (or unsalted).
    """
    plain = normalise_identity(value, identity_type)
    if not plain:
        raise DocumentError("the identifier is empty", path=path)
    if not hashed:
        return plain, None
    salt = new_salt() if salt is None else salt
    return hash_identity(plain, salt), salt or None


def identity_matches(
    stored: str, *, hashed: bool, salt: str | None, identity_type: str, candidate: str
) -> bool:
    """Does the stored identity (plain or ``alg$hex``) designate ``candidate``?"""
    if not isinstance(candidate, str) or not isinstance(stored, str) or not candidate.strip():
        return False
    candidates = {candidate.strip(), normalise_identity(candidate, identity_type)}
    if kind_of(identity_type) == "email":
        candidates.add(candidate)  # hashed exactly as typed by a careless issuer
    if not hashed:
        wanted = normalise_identity(stored, identity_type)
        return any(normalise_identity(c, identity_type) == wanted for c in candidates)
    algorithm, sep, digest = stored.partition("$")
    algorithm = algorithm.lower()
    if not sep or algorithm not in ("sha256", "md5") or not digest:
        return False
    expected = f"{algorithm}${digest.lower()}".encode()
    return any(
        hmac.compare_digest(hash_identity(c, salt or "", algorithm=algorithm).encode(), expected)
        for c in candidates
    )
