"""A learner record (CLR 2.0) exported from the backpack verifies with Digital Bazaar's stack:
each credential it holds, with the documents its issuer's site serves, and the record's own
proof, with the site signer's documents and the published CLR 2.0 context."""

from __future__ import annotations

from typing import Any

import pytest

from blason.issuing.signing import issuer_documents as documents
from blason.issuing.signing import keys
from blason.records import record, selectors
from obcore.clr import CLR_CONTEXT
from tests import reference_files
from tests.blason.records_fixtures import earner_with_badges
from tests.interop.test_app_awards import served

pytestmark = pytest.mark.django_db


def issuer_documents(client: Any, issuer: Any) -> dict[str, Any]:
    method_id = documents.verification_method_id(issuer, keys.active_key(issuer))
    return {
        documents.issuer_url(issuer): served(client, documents.issuer_url(issuer)),
        method_id: served(client, method_id),
    }


def test_the_record_and_its_credentials_verify_with_digitalbazaar(
    digitalbazaar: Any, client: Any, world: Any
) -> None:
    earner_with_badges(world, ob2=False)
    document = record.build(world.member).document
    signer = selectors.site_signer()
    site = issuer_documents(client, world.org_a)
    inner = document["credentialSubject"]["verifiableCredential"]
    answers = digitalbazaar(
        {
            "action": "batch",
            "requests": [{"action": "verify", "credential": credential} for credential in inner],
            "documents": site,
        }
    )
    assert [answer["verified"] for answer in answers["answers"]] == [True] * 3, answers
    outer_documents = {
        **issuer_documents(client, signer),
        CLR_CONTEXT: reference_files.context(CLR_CONTEXT),  # the published context
    }
    answer = digitalbazaar(
        {"action": "verify", "credential": document, "documents": outer_documents}
    )
    assert answer["verified"], answer["error"]
    tampered = {**document, "name": "Autre relevé"}
    answer = digitalbazaar(
        {"action": "verify", "credential": tampered, "documents": outer_documents}
    )
    assert not answer["verified"]
