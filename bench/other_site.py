"""Another Open Badges site on loopback, for the HTTP benchmark's "badge of another site" page.

It publishes what a verifier fetches for an OB 3.0 badge signed elsewhere: the issuer's profile
(its Ed25519 key as a Multikey in ``assertionMethod``) and a signed revocation list
(``BitstringStatusListCredential``), each with ``Cache-Control: max-age`` as a well-behaved
site sends, and counts the requests it gets. The badge is signed with ``obcore`` for a hashed
e-mail address; nothing in it refers to the Blason being measured. Blason reaches loopback only
with ``FETCH_ALLOW_PRIVATE``, which the benchmark sets for the server it starts.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from obcore.keys import generate_key
from obcore.ob3 import hash_identity
from obcore.proofs.data_integrity import sign
from obcore.status import BitstringStatusList, build_status_entry, build_status_list_credential

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DID_V1 = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
MAX_AGE = 3600  # seconds the site lets verifiers keep its documents


@dataclass
class OtherSite:
    base: str
    badge: str  # the signed credential, as JSON text
    requests: list[str] = field(default_factory=list)


def _documents(base: str) -> tuple[str, dict[str, bytes]]:
    key = generate_key()
    issuer = f"{base}/issuer"
    method = f"{issuer}#key-1"
    profile = {
        "@context": [DID_V1, MULTIKEY_V1, OB3],
        "id": issuer,
        "type": ["Profile"],
        "name": "Association d'un autre site",
        "url": base,
        "assertionMethod": [
            {
                "id": method,
                "type": "Multikey",
                "controller": issuer,
                "publicKeyMultibase": key.to_multikey(),
            }
        ],
    }
    status_url = f"{base}/status/1"
    status = sign(
        build_status_list_credential(
            credential_id=status_url, issuer=issuer, status_list=BitstringStatusList()
        ),
        key,
        verification_method=method,
    )
    salt = "b7e1"
    badge = sign(
        {
            "@context": [VC_V2, OB3],
            "id": "urn:uuid:6f2a0c1e-5b3d-4e8f-9a70-000000000001",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": "Accueil du public",
            "issuer": {"id": issuer, "type": ["Profile"], "name": profile["name"], "url": base},
            "validFrom": "2026-03-02T09:00:00Z",
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "identifier": [
                    {
                        "type": "IdentityObject",
                        "hashed": True,
                        "salt": salt,
                        "identityType": "emailAddress",
                        "identityHash": hash_identity("lea@example.org", salt),
                    }
                ],
                "achievement": {
                    "id": f"{base}/achievements/accueil",
                    "type": ["Achievement"],
                    "name": "Accueil du public",
                    "description": "Accueille le public d'un lieu et l'oriente.",
                    "criteria": {"narrative": "Observée par deux bénévoles."},
                },
            },
            "credentialStatus": build_status_entry(status_list_credential=status_url, index=7),
        },
        key,
        verification_method=method,
        proof_list=True,
    )
    served = {
        "/issuer": json.dumps(profile).encode(),
        "/status/1": json.dumps(status).encode(),
    }
    return json.dumps(badge, ensure_ascii=False), served


@contextmanager
def running() -> Iterator[OtherSite]:
    """The other site, up on a free loopback port until the block ends."""
    documents: dict[str, bytes] = {}
    site = OtherSite(base="", badge="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.requests.append(self.path)
            body = documents.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", f"public, max-age={MAX_AGE}")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    site.badge, served = _documents(site.base)
    documents.update(served)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
