"""Bundled JSON-LD contexts: obcore never fetches a context from the network.

Contexts are immutable by convention, and a fetched copy could differ from the one a signature
was made with, so every context obcore understands ships here as a data file. ``CONTEXT_FILES``
maps each published URL (with its aliases) to its file.

The files are byte-exact copies (``tests/obcore/test_jsonld.py`` pins their SHA-256):

* W3C VC v1/v2, undefined-terms v2, data-integrity v1/v2, multikey v1, DID v1, Ed25519 2020,
  Bitstring Status List: Digital Bazaar's npm context packages (``contexts/*.jsonld``).
* OB 3.0.0-3.0.3 and OB 2.0: 1EdTech/openbadges-specification (``ob_v3p0/context*.json``,
  ``ob_v2p0/v2/context.json``, which carries the 2020 in-place ``targetFramework`` fix).
* OB 3.0 ``extensions.json`` and CLR 2.0.0/2.0.1: 1EdTech/digital-credentials-public-validator
  (``inspector-vc/src/main/resources/contexts``), the copies 1EdTech's own validator loads.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

CREDENTIALS_V1 = "https://www.w3.org/2018/credentials/v1"
CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3P0_3_0_3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_V3P0_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
OB_V2 = "https://w3id.org/openbadges/v2"
CLR_V2P0_2_0_1 = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"

CONTEXT_FILES: dict[str, str] = {
    CREDENTIALS_V1: "credentials-v1.jsonld",
    CREDENTIALS_V2: "credentials-v2.jsonld",
    "https://www.w3.org/ns/credentials/undefined-terms/v2": "credentials-undefined-terms-v2.jsonld",
    "https://www.w3.org/ns/credentials/examples/v2": "credentials-examples-v2.jsonld",
    "https://w3id.org/security/data-integrity/v1": "data-integrity-v1.jsonld",
    "https://w3id.org/security/data-integrity/v2": "data-integrity-v2.jsonld",
    "https://w3id.org/security/multikey/v1": "multikey-v1.jsonld",
    "https://www.w3.org/ns/did/v1": "did-v1.jsonld",
    "https://w3id.org/did/v1": "did-v1.jsonld",
    "https://w3id.org/security/suites/ed25519-2020/v1": "ed25519-signature-2020-v1.jsonld",
    "https://www.w3.org/ns/credentials/status/v1": "vc-bitstring-status-list-v1.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json": "ob-v3p0-context-3.0.0.json",
    # Read on input only (the OB 3.0 schema's @context pattern allows it): Digital Bazaar's and
    # 1EdTech's loaders do not know this URL, so never issue with it.
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.0.json": "ob-v3p0-context-3.0.0.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json": "ob-v3p0-context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json": "ob-v3p0-context-3.0.2.json",
    OB_V3P0_3_0_3: "ob-v3p0-context-3.0.3.json",
    OB_V3P0_EXTENSIONS: "ob-v3p0-extensions.json",
    "https://purl.imsglobal.org/spec/clr/v2p0/context.json": "clr-v2p0-context-2.0.0.json",
    CLR_V2P0_2_0_1: "clr-v2p0-context-2.0.1.json",
    OB_V2: "openbadges-v2.jsonld",
    "https://w3id.org/openbadges/v2/context.json": "openbadges-v2.jsonld",
    "https://openbadgespec.org/v2/context.json": "openbadges-v2.jsonld",
}


def load_context(url: str) -> dict[str, Any]:
    """The parsed context document for ``url``; ``KeyError`` when it is not bundled.

    Parsed once per file and shared (aliases included): callers must not modify it.
    """
    return _load_file(CONTEXT_FILES[url])


@cache
def _load_file(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(files(__name__).joinpath(name).read_text("utf-8"))
    return document
