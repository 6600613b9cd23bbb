"""Claim codes: the short code printed or sent with each award, typed on a phone to collect it
(``backpack``), and the address where it is typed."""

from __future__ import annotations

import re
import secrets
import unicodedata

from blason.core.bulk_insert import present_values
from blason.core.site import absolute_url
from blason.issuing.awarding.models import (
    Award,
)

# Crockford's base 32 without I, L, O, U: nothing to confuse when typed on a phone.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Letters read as the digits they look like (Crockford's base 32): none of them is in a code.
_CODE_LOOKALIKES = str.maketrans("OIL", "011")


def claim_url(code: str) -> str:
    """Where a person types or scans their claim code: the backpack's claim page, with the code
    filled in when given."""
    return absolute_url("backpack:claim", code) if code else absolute_url("backpack:claim_enter")


def new_claim_code() -> str:
    """A short code like ``7KQ2-M9XD`` (40 bits): typed on a phone to collect a badge."""
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{code[:4]}-{code[4:]}"


def new_claim_codes(count: int) -> list[str]:
    """``count`` codes as ``new_claim_code`` makes them, from one draw of random bytes: five
    bytes are eight letters of five bits each (32 letters: every one equally likely)."""
    raw = secrets.token_bytes(5 * count)
    alphabet = CODE_ALPHABET
    codes = []
    for start in range(0, 5 * count, 5):
        bits = int.from_bytes(raw[start : start + 5], "big")
        letters = "".join([alphabet[(bits >> shift) & 31] for shift in range(35, -1, -5)])
        codes.append(f"{letters[:4]}-{letters[4:]}")
    return codes


def normalise_claim_code(text: str) -> str:
    """What a person typed, read leniently: any case, spaces, dashes or other separators
    (a phone's keyboard may turn a hyphen into a dash), full-width characters, and the letters O, I
    and L, which the code alphabet leaves out, for 0, 1 and 1."""
    code = unicodedata.normalize("NFKC", text).upper().translate(_CODE_LOOKALIKES)
    code = re.sub(r"[^0-9A-Z]", "", code)
    return f"{code[:4]}-{code[4:]}" if len(code) == 8 else code


def unused_claim_codes(count: int) -> list[str]:
    """``count`` new claim codes, none already given (one query; a clash is very rare)."""
    codes: set[str] = set()
    while len(codes) < count:
        fresh = set(new_claim_codes(count - len(codes))) - codes
        codes |= fresh - present_values(Award, "claim_code", fresh)
    return list(codes)
