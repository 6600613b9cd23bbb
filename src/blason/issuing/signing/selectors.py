"""Reading an issuer's signing keys and the addresses that name it (its profile, its keys).

What other apps may use of ``signing`` (with its ``models``), for the credentials they sign in
the issuer's name; the functions are defined in ``keys`` and ``issuer_documents``."""

from blason.issuing.signing.issuer_documents import (
    issuer_address,
    issuer_did,
    issuer_url,
    verification_method_id,
)
from blason.issuing.signing.keys import KeyMissing, active_key, private_key

__all__ = [
    "KeyMissing",
    "active_key",
    "issuer_address",
    "issuer_did",
    "issuer_url",
    "private_key",
    "verification_method_id",
]
