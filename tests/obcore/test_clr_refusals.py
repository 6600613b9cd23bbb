"""A CLR that cannot be read is refused with a sentence saying why."""

from __future__ import annotations

from typing import Any

import pytest

from obcore.clr import MAX_CREDENTIALS, ClrRefused, check_clr, clr_text, read_clr, verify_jwt

pytestmark = pytest.mark.nodjango
CONTEXT = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"


def _clr(inner: Any) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2", CONTEXT],
        "type": ["VerifiableCredential", "ClrCredential"],
        "credentialSubject": {"verifiableCredential": inner},
    }


@pytest.mark.parametrize(
    ("document", "says"),
    [
        ([], "not a JSON object"),
        ({"type": "VerifiableCredential"}, "not a ClrCredential"),
        ({**_clr([{}]), "@context": "https://www.w3.org/ns/credentials/v2"}, "no CLR 2.0 context"),
        (_clr([]), "holds no credential"),
        (_clr([{}] * (MAX_CREDENTIALS + 1)), "more than"),
        (_clr(["text"]), "not a JSON object"),
    ],
)
def test_shapes_that_are_not_a_clr(document: Any, says: str) -> None:
    with pytest.raises(ClrRefused, match=says):
        check_clr(document)


def test_text_that_is_not_json_and_tokens_that_are_not_jws() -> None:
    with pytest.raises(ClrRefused, match="not JSON"):
        read_clr("{")
    with pytest.raises(ClrRefused, match="compact JWS"):
        verify_jwt("a.b", None)


def test_one_stored_text_per_inner_credential() -> None:
    with pytest.raises(ValueError, match="one stored text"):
        clr_text(_clr([{}, {}]), ["{}"])
