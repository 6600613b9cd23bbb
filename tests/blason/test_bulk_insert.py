"""``blason.core.bulk_insert``: the rows it writes are the ones ``bulk_create`` writes, and a
bulk award's credentials are the reference path's, byte for byte."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from blason.core.bulk_insert import insert_rows, present_values
from blason.core.models import OutboxMessage
from blason.issuing.awarding import bulk, credentials
from blason.issuing.models import Award
from blason.issuing.signing import issuer_documents, keys
from obcore.proofs.data_integrity import sign

pytestmark = pytest.mark.django_db


def _awards(world: Any, badge: Any, count: int, offset: int) -> list[Award]:
    """``count`` awards; those of two calls differ only in their unique columns."""
    issued = timezone.now().replace(microsecond=0)
    made = []
    for n in range(count):
        made.append(
            Award(
                uuid=uuid.uuid4(),
                badge=badge,
                issuer=badge.issuer,
                recipient_kind=["email", "phone", "name"][n % 3],
                recipient_email=f"p{n}@example.org" if n % 3 == 0 else "",
                recipient_phone=f"+336123456{n:02d}" if n % 3 == 1 else "",
                recipient_name=f"Personne «{n}»",
                recipient_salt="ab" * 16,
                narrative='Line\nbreak "quoted" \\ back' if n % 2 else "",
                credential='{"a":"é"}',
                status_list=1,
                status_index=offset + n,
                issued_at=issued,
                valid_until=issued + timedelta(days=n) if n % 2 else None,
                awarded_by=world.admin,
                claim_code=f"CODE-{offset + n:04d}",
                idempotency_key=f"key-{offset + n}" if n % 2 else "",
            )
        )
    return made


_UNIQUE = {"id", "uuid", "status_index", "claim_code", "idempotency_key"}


def _stored(rows: list[Award]) -> list[dict[str, Any]]:
    """The rows as the database holds them (no conversion back by Django)."""
    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(rows))
        cursor.execute(
            f"SELECT * FROM issuing_award WHERE id IN ({marks}) ORDER BY status_index",  # noqa: S608
            [row.pk for row in rows],
        )
        names = [column[0] for column in cursor.description]
        return [
            {k: v for k, v in zip(names, values, strict=True) if k not in _UNIQUE}
            for values in cursor.fetchall()
        ]


def test_rows_are_those_bulk_create_writes(world: Any, published: Any) -> None:
    reference = _awards(world, published, 6, 0)
    fast = _awards(world, published, 6, 100)
    with transaction.atomic():
        Award.objects.bulk_create(reference)
        insert_rows(Award, fast)
    assert all(row.pk is not None and not row._state.adding for row in fast)
    assert len({row.pk for row in [*reference, *fast]}) == 12
    for row in fast:  # each object has the key of its own row
        assert Award.objects.get(pk=row.pk).uuid == row.uuid
    assert _stored(fast) == _stored(reference)
    # Lookups by the converted values find the rows (the uuid's form on SQLite, dates).
    for row in fast:
        assert Award.objects.filter(uuid=row.uuid, issued_at=row.issued_at).count() == 1


def test_keys_keep_growing_after_deleted_rows(world: Any, published: Any) -> None:
    with transaction.atomic():
        first = _awards(world, published, 3, 0)
        insert_rows(Award, first)
    Award.objects.filter(pk=first[-1].pk).delete()
    with transaction.atomic():
        later = _awards(world, published, 2, 10)
        insert_rows(Award, later)
    assert min(row.pk for row in later) > first[-1].pk  # a deleted row's key is not given again
    created = Award.objects.create(**_field_values(_awards(world, published, 1, 20)[0]))
    assert created.pk > max(row.pk for row in later)  # and the database goes on after ours


def test_present_values_are_what_the_orm_finds(world: Any, published: Any) -> None:
    rows = _awards(world, published, 4, 0)
    for n, row in enumerate(rows):
        row.idempotency_key = f"key-{n}" if n < 3 else ""
        row.claim_code = f"CODE-{n:04d}"
    with transaction.atomic():
        insert_rows(Award, rows)
    asked = {"key-0", "key-2", "key-9", "", 'it\'s "quoted"'}
    orm = Award.objects.filter(badge=published, idempotency_key__in=asked)
    expected = set(orm.exclude(idempotency_key="").values_list("idempotency_key", flat=True))
    assert expected == {"key-0", "key-2"}
    assert present_values(Award, "idempotency_key", asked, badge_id=published.pk) == expected
    assert present_values(Award, "idempotency_key", asked, badge_id=published.pk + 1) == set()
    assert present_values(Award, "claim_code", ["CODE-0003", "CODE-0009"]) == {"CODE-0003"}
    assert present_values(Award, "claim_code", []) == present_values(Award, "claim_code", [""])


def _field_values(award: Award) -> dict[str, Any]:
    return {
        f.attname: getattr(award, f.attname)
        for f in Award._meta.concrete_fields
        if f.attname != "id"
    }


def test_conflicting_rows_are_left_out(world: Any) -> None:
    OutboxMessage.objects.create(key="k1", to="old@example.org")
    rows = [
        OutboxMessage(key="k1", to="new@example.org", render_args={"award": "x"}),
        OutboxMessage(key="k2", to="b@example.org", render_args={"award": "y", "n": [1, "é"]}),
    ]
    insert_rows(OutboxMessage, rows, ignore_conflicts=True)
    assert OutboxMessage.objects.get(key="k1").to == "old@example.org"
    second = OutboxMessage.objects.get(key="k2")
    assert second.render_args == {"award": "y", "n": [1, "é"]}
    assert second.state == "pending"
    assert second.headers == {}
    assert second.next_attempt_at == rows[1].next_attempt_at


def test_bulk_credentials_are_the_reference_paths(
    world: Any, published: Any, settings: Any
) -> None:
    """Every credential of a bulk award (fast canonicalisation, signing helpers, the text
    written by the helpers) is the one the reference path makes: the unsigned credential
    built again from the stored award, signed by the full RDFC-1.0 algorithm, as compact
    JSON."""
    people = [
        bulk.Recipient(email=f"p{n}@example.org", narrative="Bravo «é»\n" if n % 4 else "")
        for n in range(60)
    ] + [
        bulk.Recipient(phone="+33 6 12 34 56 78"),
        bulk.Recipient(name='Léa "la" \\ Martin', evidence_url="https://example.org/proof"),
        bulk.Recipient(email="x@example.org", language="fr"),
    ]
    settings.SIGNING_PROCESSES = 2  # a helper signs the first slice, from slot values
    made = bulk.award_many(badge=published, actor=world.admin, recipients=people, notify=False)
    assert len(made) == len(people)
    issuer = published.issuer
    key = keys.active_key(issuer)
    method = issuer_documents.verification_method_id(issuer, key)
    for award in Award.objects.filter(pk__in=[a.pk for a in made]).select_related("badge"):
        unsigned = credentials.build_credential(award, list(award.evidence.all()))
        reference = sign(
            unsigned,
            keys.private_key(key),
            verification_method=method,
            created=award.issued_at,
            proof_list=True,
        )
        text = json.dumps(reference, ensure_ascii=False, separators=(",", ":"))
        assert award.credential == text


def test_bulk_credentials_of_every_variant_are_the_reference_paths(
    world: Any, published: Any, settings: Any, monkeypatch: Any
) -> None:
    """Credentials built from slot values (``credentials.CredentialSlots``) for every kind of
    recipient, with and without a narrative and evidence links (an IRI that leaves the fast
    canonicalisation among them), signed in a helper and here, are the reference path's."""
    people = []
    for n in range(120):
        kind = n % 3
        people.append(
            bulk.Recipient(
                email=f"p{n}@example.org" if kind == 0 else "",
                phone=f"+3361234{n:04d}" if kind == 1 else "",
                name=f'Personne «{n}» "q" \\' if kind == 2 else "",
                narrative=["", "Bravo «é»\n", 'urn:obcore:slot:1 "x"', "\u2028 </script>"][n % 4],
                evidence_url=["", f"https://example.org/proof/{n}", "ftp://example.org/p"][
                    n // 3 % 3
                ],
            )
        )
    settings.SIGNING_PROCESSES = 2
    built = []
    build = credentials.build_credential
    monkeypatch.setattr(
        credentials, "build_credential", lambda *a, **k: built.append(1) or build(*a, **k)
    )
    made = bulk.award_many(badge=published, actor=world.admin, recipients=people, notify=False)
    assert len(made) == len(people)
    assert len(built) <= 2 * 3 * 2 * 3  # two per variant learnt; every award from slot values
    monkeypatch.undo()
    issuer = published.issuer
    key = keys.active_key(issuer)
    method = issuer_documents.verification_method_id(issuer, key)
    stored = Award.objects.filter(pk__in=[a.pk for a in made]).select_related("badge")
    for award in stored:
        unsigned = credentials.build_credential(award, list(award.evidence.all()))
        reference = sign(
            unsigned,
            keys.private_key(key),
            verification_method=method,
            created=award.issued_at,
            proof_list=True,
        )
        assert award.credential == json.dumps(reference, ensure_ascii=False, separators=(",", ":"))


def test_slot_values_are_those_of_the_built_credential(world: Any, published: Any) -> None:
    """``CredentialSlots`` gives the shape and values ``slot_values`` extracts from the
    credential ``build_credential`` makes, for awards on two status lists; evidence files are
    left to the reference path."""
    from blason.issuing.awarding.models import Evidence

    awards = _awards(world, published, 12, 0)
    for n, award in enumerate(awards):
        award.status_list = 1 + n % 2
        award.recipient_salt = f"{n:032x}"
    shared = credentials.SharedParts(published)
    slotted = credentials.CredentialSlots(shared)
    for n, award in enumerate(awards):
        evidence = [Evidence(award=award, url=f"https://example.org/e/{n}")] if n % 4 == 0 else []
        found = slotted.slots(award, evidence)
        # (as JSON text and back: the badge's choices are str subclasses until read back)
        built = json.loads(json.dumps(credentials.build_credential(award, evidence, shared)))
        assert found is not None
        ref = credentials.CANONICALIZER.slot_values(built)
        assert ref is not None
        assert found[0] == ref[0]
        assert [
            (i, a, b) for i, (a, b) in enumerate(zip(found[1], ref[1], strict=True)) if a != b
        ] == []
    with_file = Evidence(award=awards[0], file="evidence/x.pdf")
    assert slotted.slots(awards[0], [with_file]) is None


def test_rows_given_by_field_values_are_those_of_objects(world: Any) -> None:
    """``insert_fields`` writes what ``insert_rows`` writes for the same objects (defaults
    included; the creation times, made once per call, aside) and leaves out conflicts, with the
    rows already there and within the call."""
    from blason.core.bulk_insert import insert_fields

    OutboxMessage.objects.create(key="k0", to="old@example.org")
    args = [{"award": "x"}, {"award": "y", "n": [1, "é"]}]
    insert_rows(
        OutboxMessage,
        [
            OutboxMessage(key=f"a{n}", to=f"{n}@example.org", renderer="r", render_args=a)
            for n, a in enumerate(args)
        ],
        ignore_conflicts=True,
    )
    insert_fields(
        OutboxMessage,
        ("key", "to", "renderer", "render_args"),
        [
            ("k0", "new@example.org", "r", {}),
            *((f"b{n}", f"{n}@example.org", "r", a) for n, a in enumerate(args)),
            ("k1", "first@example.org", "r", {}),
            ("k1", "second@example.org", "r", {}),
        ],
    )
    assert OutboxMessage.objects.get(key="k0").to == "old@example.org"
    assert OutboxMessage.objects.get(key="k1").to == "first@example.org"
    times = {"id", "key", "created_at", "next_attempt_at"}
    for n in range(2):
        objects = OutboxMessage.objects.get(key=f"a{n}")
        fields = OutboxMessage.objects.get(key=f"b{n}")
        assert {f: v for f, v in vars(objects).items() if f not in times | {"_state"}} == {
            f: v for f, v in vars(fields).items() if f not in times | {"_state"}
        }
        assert fields.render_args == args[n]
        assert abs(fields.created_at - objects.created_at) < timedelta(minutes=1)
    with pytest.raises(ValueError, match="each field"):
        insert_fields(OutboxMessage, ("key", "nothing"), [("k", "x")])
