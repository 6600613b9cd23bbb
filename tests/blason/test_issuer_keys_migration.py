"""The migration that gives issuers made before keys came with the issuer the keys a new issuer
has (issue 14, "reads never write"): each missing key is made, sealed with the settings'
KEY_ENCRYPTION_KEY and recorded in the audit log; a key already there is kept; running it
again makes nothing."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from blason.core.models import AuditEntry, Issuer
from blason.issuing.models import SigningKey
from blason.issuing.signing import keys

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("issuing", "0008_batch_reading")]
AFTER = [("issuing", "0009_issuer_keys")]


@pytest.fixture(autouse=True)
def _latest_schema_after() -> Any:
    """Leave the database at the latest migrations for the tests that follow: going back to
    issuing 0008 unapplies every later migration that depends on it (other apps' too)."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_existing_issuers_get_their_keys_once(settings: Any) -> None:
    settings.KEY_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    OldKey = executor.loader.project_state(BEFORE).apps.get_model("issuing", "SigningKey")
    # Made as before this change: the issuer alone (core's tables are at their latest state).
    bare = Issuer.objects.create(name="Ancienne", slug="ancienne", kind="organisation")
    half = Issuer.objects.create(name="Signait déjà", slug="signait", kind="community")
    # An issuer that had signed badges: its Ed25519 key (made on first use, as it was) stays.
    from blason.core import keystore
    from obcore.keys import generate_key

    pair = generate_key("Ed25519")
    kept = OldKey.objects.create(
        issuer_id=half.pk,
        algorithm="Ed25519",
        fragment=pair.to_multikey(),
        public_jwk=pair.to_public_jwk(),
        public_multikey=pair.to_multikey(),
        private_key_sealed=keystore.seal(pair.private_pem()),
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    for issuer_id, made in ((bare.pk, {"Ed25519", "RSA"}), (half.pk, {"RSA"})):
        active = SigningKey.objects.filter(issuer_id=issuer_id, retired_at__isnull=True)
        assert sorted(active.values_list("algorithm", flat=True)) == ["Ed25519", "RSA"]
        entries = AuditEntry.objects.filter(issuer_id=issuer_id, action="issuing.key.created")
        assert {entry.data["algorithm"] for entry in entries} == made
        for entry in entries:
            key = SigningKey.objects.get(uuid=entry.target_id)
            assert entry.target_type == "issuing.signingkey"
            assert entry.actor is None
            assert entry.data == {
                "algorithm": key.algorithm,
                "fragment": key.fragment,
                "migration": "issuing.0009_issuer_keys",
            }
            # Sealed with the settings' KEK, usable as any other key.
            assert b"PRIVATE KEY" not in bytes(key.private_key_sealed)
            pair = keys.private_key(key)
            assert pair.public_only().verify(pair.sign(b"hello"), b"hello")
            assert pair.to_public_jwk() == key.public_jwk
        rsa = active.get(algorithm="RSA")
        assert rsa.fragment.startswith("key-")
        assert not rsa.public_multikey
    assert keys.active_key(half).pk == kept.pk

    # Run again (as after a failed deployment): nothing more is made.
    migration = importlib.import_module("blason.issuing.migrations.0009_issuer_keys")
    count, audited = SigningKey.objects.count(), AuditEntry.objects.count()
    with connection.schema_editor() as editor:
        migration.make_missing_keys(executor.loader.project_state(AFTER).apps, editor)
    assert (SigningKey.objects.count(), AuditEntry.objects.count()) == (count, audited)
