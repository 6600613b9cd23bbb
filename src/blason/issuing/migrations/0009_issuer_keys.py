"""Every issuer made before keys came with the issuer gets the keys a new issuer has (Ed25519
and RSA), each with an audit entry (``issuing.key.created``), so that no page or download
ever has to make one. Private keys are sealed with the settings' KEY_ENCRYPTION_KEY, as
``blason.core.keystore`` does for every key. Running it again makes nothing (only missing keys
are made); undoing it keeps the keys (keys are never deleted: badges they signed must verify).
"""

import secrets

from django.db import migrations

# The keys every issuer has (``blason.issuing.keys.ISSUER_ALGORITHMS`` when this was written).
ALGORITHMS = ("Ed25519", "RSA")


def make_missing_keys(apps, schema_editor):
    from blason.core import keystore
    from obcore.keys import generate_key

    Issuer = apps.get_model("core", "Issuer")
    SigningKey = apps.get_model("issuing", "SigningKey")
    AuditEntry = apps.get_model("core", "AuditEntry")
    db = schema_editor.connection.alias
    for issuer in list(Issuer.objects.using(db).order_by("pk")):
        active = set(
            SigningKey.objects.using(db)
            .filter(issuer=issuer, retired_at__isnull=True)
            .values_list("algorithm", flat=True)
        )
        for algorithm in ALGORITHMS:
            if algorithm in active:
                continue
            pair = generate_key(algorithm)
            multikey = pair.to_multikey() if algorithm != "RSA" else ""
            key = SigningKey.objects.using(db).create(
                issuer=issuer,
                algorithm=algorithm,
                fragment=multikey or f"key-{secrets.token_hex(4)}",
                public_jwk=pair.to_public_jwk(),
                public_multikey=multikey,
                private_key_sealed=keystore.seal(pair.private_pem()),
            )
            AuditEntry.objects.using(db).create(
                action="issuing.key.created",
                issuer=issuer,
                target_type="issuing.signingkey",
                target_id=str(key.uuid),
                data={
                    "algorithm": algorithm,
                    "fragment": key.fragment,
                    "migration": "issuing.0009_issuer_keys",
                },
            )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_outbox_topic"),
        ("issuing", "0008_batch_reading"),
    ]

    operations = [
        migrations.RunPython(make_missing_keys, migrations.RunPython.noop, elidable=False),
    ]
