"""Base58 (the Bitcoin alphabet), as multibase ``z`` uses it: Multikeys, ``did:key`` and Data
Integrity proof values. ``obcore.keys`` exports both functions too."""

from __future__ import annotations

from obcore.errors import KeyFormatError

__all__ = ["b58decode", "b58encode"]

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {char: index for index, char in enumerate(_B58)}
_B58_CHUNK = 58**10
_B58_PAIRS = [first + second for first in _B58 for second in _B58]  # "11", "12", … "zz"


def b58encode(data: bytes) -> str:
    """Base58 (Bitcoin alphabet), as multibase ``z`` uses it."""
    number = int.from_bytes(data, "big")
    # Ten digits per division of the big number (a signature's 88 digits: 9 divisions), then
    # each ten-digit chunk as five pairs of digits in one expression of machine-size integer
    # operations: no loop, no appends (this runs once per credential of a bulk award).
    chunks = []
    while number:
        number, chunk = divmod(number, _B58_CHUNK)
        chunks.append(chunk)
    pairs = _B58_PAIRS
    out: list[str] = []
    for chunk in reversed(chunks):
        out += (
            pairs[chunk // 128063081718016],  # 3364**4: the chunk is below 3364**5
            pairs[chunk // 38068692544 % 3364],  # 3364**3
            pairs[chunk // 11316496 % 3364],  # 3364**2
            pairs[chunk // 3364 % 3364],
            pairs[chunk % 3364],
        )
    text = "".join(out).lstrip("1")  # the first chunk's unused high digits
    leading = len(data) - len(data.lstrip(b"\0"))
    return "1" * leading + text


def b58decode(text: str) -> bytes:
    """Inverse of :func:`b58encode`; ``KeyFormatError`` on a character outside the alphabet."""
    number = 0
    for char in text:
        try:
            number = number * 58 + _B58_INDEX[char]
        except KeyError:
            raise KeyFormatError(f"{char!r} is not a base58 character") from None
    leading = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * leading + body
