"""The learner record (CLR 2.0): what it holds, the official schema, the site's signature, the
annex, and the pages that give them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from blason.backpack.models import ItemStatus
from blason.core.models import AuditEntry
from blason.issuing.documents.local_fetch import LocalFetcher
from blason.issuing.signing import issuer_documents as documents
from blason.records import record, selectors
from obcore import clr
from tests.blason.records_fixtures import (
    VCDM_20_ONLY,
    as_vcdm11,
    earner_with_badges,
    schema_problems,
)

pytestmark = pytest.mark.django_db


def test_the_record_holds_the_credentials_exactly_as_signed(world: Any) -> None:
    made = earner_with_badges(world)
    built = record.build(world.member)
    document = built.document
    assert document["type"] == ["VerifiableCredential", "ClrCredential"]
    assert document["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    inner = document["credentialSubject"]["verifiableCredential"]
    assert len(inner) == 3
    for key in ("rncp", "rome", "plain"):
        credential = made[key].award.credential
        assert credential in built.text  # byte for byte
        assert json.loads(credential) in inner
    # The OB 2.0 badge cannot be held: it goes in the annex, and the record says it is partial.
    assert [item.pk for item in built.annexed] == [made["ob2"].pk]
    assert document["partial"] is True
    # Signed by the site's own issuer profile, which any verifier resolves as any issuer's.
    signer = selectors.site_signer()
    assert signer is not None
    assert document["issuer"]["id"] == documents.issuer_url(signer)
    assert clr.verify_outer(document, LocalFetcher()).verified
    tampered = {**document, "name": "Autre relevé"}
    assert not clr.verify_outer(tampered, LocalFetcher()).verified


def test_the_record_validates_against_the_official_clr_schema(world: Any) -> None:
    earner_with_badges(world, ob2=False)
    document = record.build(world.member).document
    assert schema_problems(as_vcdm11(document)) == []
    # As it is, it differs from that (VCDM 1.1) schema only by the VCDM 2.0 names.
    for problem in schema_problems(document):
        assert problem.endswith(VCDM_20_ONLY), problem


def test_associations_come_from_the_programs_pathways_provide(world: Any, monkeypatch: Any) -> None:
    made = earner_with_badges(world, ob2=False)
    ids = {
        key: json.loads(made[key].award.credential)["credentialSubject"]["achievement"]["id"]
        for key in ("rncp", "rome", "plain")
    }
    program = clr.Program(
        achievement_id=ids["plain"],
        parts=(ids["rncp"], "https://elsewhere.example/not-held", ids["rome"]),
        ordered=True,
    )
    monkeypatch.setattr(selectors, "programs", lambda user: [program])
    document = record.build(world.member).document
    assert document["credentialSubject"]["association"] == [
        {"type": "Association", "associationType": kind, "sourceId": source, "targetId": target}
        for kind, source, target in (
            ("isPartOf", ids["rncp"], ids["plain"]),
            ("isPartOf", ids["rome"], ids["plain"]),
            ("precedes", ids["rncp"], ids["rome"]),
        )
    ]
    assert schema_problems(as_vcdm11(document)) == []


def test_programs_read_mappings_from_the_pathways_selector(monkeypatch: Any) -> None:
    assert selectors._program(
        {"achievement_id": "urn:a", "parts": ["urn:b", "urn:c"], "ordered": True}
    ) == clr.Program("urn:a", ("urn:b", "urn:c"), True)


def test_revoked_badges_and_badges_of_someone_else_are_left_out(world: Any) -> None:
    made = earner_with_badges(world, ob2=False)
    made["plain"].status = ItemStatus.REVOKED
    made["plain"].save()
    built = record.build(world.member)
    assert [item.pk for item in built.held] == [made["rncp"].pk, made["rome"].pk]
    assert record.build(world.outsider).text == ""  # nothing of theirs: no record


def test_the_pages_give_the_record_and_the_annex(client: Any, world: Any) -> None:
    earner_with_badges(world)
    client.force_login(world.member)
    page = client.get(reverse("records:home"))
    assert page.status_code == 200
    assert reverse("records:record") in page.content.decode()
    response = client.get(reverse("records:record"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+ld+json"
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content)["type"] == ["VerifiableCredential", "ClrCredential"]
    assert AuditEntry.objects.filter(action="records.record.exported").exists()
    annex = client.get(reverse("records:annex"))
    assert annex.status_code == 200
    assert annex["Content-Type"] == "application/pdf"
    assert annex.content.startswith(b"%PDF")
    _held, annexed = record.split(list(selectors.own_items(world.member)))
    html = record.annex_html(annexed, "Bob", "fr")
    assert annexed[0].name in html
    assert "ne peut pas" in html or "cannot hold" in html


def test_an_empty_backpack_gets_a_message_not_a_file(client: Any, world: Any) -> None:
    client.force_login(world.outsider)
    response = client.get(reverse("records:record"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "None of your badges" in response.content.decode()
    response = client.get(reverse("records:annex"), HTTP_ACCEPT_LANGUAGE="en")
    assert "there is no annex" in response.content.decode()


def test_the_record_pages_are_the_person_s_own(client: Any) -> None:
    for name in ("records:home", "records:record", "records:annex", "records:import"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


def test_the_site_signer_is_made_once_with_its_keys_and_never_by_a_read(
    client: Any, world: Any
) -> None:
    from blason.issuing.models import SigningKey
    from blason.records.models import SiteSigner
    from blason.records.services import site_signer_ensure

    signer = selectors.site_signer()  # made after ``migrate``
    assert signer is not None
    assert not signer.memberships.exists()  # nobody's space
    assert set(SigningKey.objects.filter(issuer=signer).values_list("algorithm", flat=True)) == {
        "Ed25519",
        "RSA",
    }
    assert site_signer_ensure() == signer  # found, not made again
    SiteSigner.objects.all().delete()
    earner_with_badges(world, ob2=False)
    client.force_login(world.member)
    before = (SiteSigner.objects.count(), AuditEntry.objects.count())
    response = client.get(reverse("records:record"), follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "cannot sign records yet" in response.content.decode()
    assert (SiteSigner.objects.count(), AuditEntry.objects.count()) == before
    made = site_signer_ensure()
    assert made != signer
    assert AuditEntry.objects.filter(action="records.signer.created").exists()
