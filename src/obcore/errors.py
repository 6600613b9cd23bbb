"""Errors raised by obcore.

Every obcore error derives from :class:`ObcoreError`, so callers (the Django app, the CLI) can
catch the whole library with one ``except`` and still tell failures apart by subclass.
"""

from __future__ import annotations


class ObcoreError(Exception):
    """Base class of every error obcore raises on purpose."""


# --- Baking (obcore.baking) -------------------------------------------------------------------


class BakingError(ObcoreError):
    """Baking a credential into an image, or extracting it, failed."""


class UnsupportedImageError(BakingError):
    """The bytes are not a PNG or SVG image this library can bake or read (or not UTF-8 SVG)."""


class ImageTooLargeError(BakingError):
    """The image, or text inflated from it, exceeds the size limit (decompression bombs too)."""


class MalformedImageError(BakingError):
    """The image is corrupt: bad PNG signature, chunk length, CRC, truncation, or bad XML."""


class UnsafeXMLError(MalformedImageError):
    """The SVG uses a DTD internal subset or entities (XXE, billion laughs): refused."""


class CredentialNotFoundError(BakingError):
    """The image holds no Open Badges credential (of the requested version)."""


class DuplicateCredentialError(BakingError):
    """The image already holds a credential of that version and ``replace`` was not given."""


class InvalidPayloadError(BakingError):
    """The text to bake is not a credential (JSON object, compact JWS, OB 2.0 hosted URL)."""


# --- Status lists (obcore.status) -------------------------------------------------------------


class StatusListError(ObcoreError):
    """A status list cannot be built or a credential's status cannot be determined."""


class MalformedStatusListError(StatusListError):
    """A status entry or list document is invalid: bad encodedList, GZIP, size, fields."""


class StatusListFullError(StatusListError):
    """Every index of the status list is already allocated."""


# --- Keys (obcore.keys) -----------------------------------------------------------------------


class KeyFormatError(ObcoreError):
    """A key (PEM, JWK, Multikey, did:key) is malformed or of a type obcore does not support."""


# --- JSON-LD (obcore.jsonld) ------------------------------------------------------------------


class ContextError(ObcoreError):
    """A JSON-LD context is not bundled with obcore (contexts are never fetched)."""


class SafeModeError(ObcoreError):
    """The document uses terms or types its contexts do not define, or is not valid JSON-LD.

    ``problems`` lists each one as ``"path: problem"``.
    """

    def __init__(self, message: str, *, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


# --- Proofs (obcore.proofs) -------------------------------------------------------------------


class ProofError(ObcoreError):
    """A proof cannot be created or checked (bad input, unknown suite, unresolvable key)."""


class KeyUnavailableError(ProofError):
    """The verification method, or its controller's document, cannot be obtained: the proof
    cannot be checked (which says nothing of whether it is valid)."""


# --- Documents (obcore.ob2, obcore.ob3, obcore.schemas) ---------------------------------------


class DocumentError(ObcoreError):
    """An Open Badges document is malformed; ``path`` names the offending field (``a.b[0].c``)."""

    def __init__(self, message: str, *, path: str = "") -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.reason = message


class SchemaValidationError(DocumentError):
    """A document does not validate against its JSON Schema; ``problems`` lists every error."""

    def __init__(self, message: str, *, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


# --- JOSE (obcore.jose) -----------------------------------------------------------------------


class JoseError(ObcoreError):
    """A JWS / VC-JWT cannot be produced, or is malformed, badly signed, or its claims disagree."""


class JwsSignatureError(JoseError):
    """The JWS signature does not verify with the resolved key (tampering or wrong key)."""


class JwtExpiredError(JoseError):
    """The VC-JWT's ``exp`` (the credential's ``validUntil``) has passed."""


class JwtNotYetValidError(JoseError):
    """The VC-JWT's ``nbf`` (the credential's ``validFrom``) is still in the future."""


# --- Input (obcore._json, obcore.verify) --------------------------------------------------------


class InputError(ObcoreError, ValueError):
    """Untrusted input is refused: not JSON, duplicate keys, NaN, nested or sized beyond limits."""
