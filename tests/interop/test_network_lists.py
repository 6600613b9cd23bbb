"""A network's signed list of recognised issuers verifies with Digital Bazaar's stack, with only
the documents the site serves (the network's profile and key); a changed name fails it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from blason.core.models import Role
from blason.issuing.signing import issuer_documents as documents
from blason.issuing.signing import keys
from blason.networks import selectors, services
from obcore.jsonld import canonicalize
from tests.factories import IssuerFactory, MembershipFactory, UserFactory
from tests.interop.test_app_awards import served

pytestmark = pytest.mark.django_db


def test_the_list_holds_only_the_member_that_accepted_and_verifies_with_digitalbazaar(
    digitalbazaar: Any, client: Any
) -> None:
    coordinator = UserFactory()
    network = services.network_create(name="Badgeons les Hauts-de-France", owner=coordinator)
    x, y = IssuerFactory(name="Mission Locale de Lille"), IssuerFactory(name="Association Y")
    owner = UserFactory()
    MembershipFactory(issuer=x, user=owner, role=Role.OWNER)
    invited = services.member_invite(network=network, issuer=x, actor=coordinator)
    services.member_invite(network=network, issuer=y, actor=coordinator)
    services.invitation_accept(member=invited, actor=owner)

    credential = json.loads(selectors.current_list(network).credential)
    subjects = credential["credentialSubject"]
    assert [subject["id"] for subject in subjects] == [documents.issuer_url(x)]
    canonicalize({k: v for k, v in credential.items() if k != "proof"}, safe=True)

    issuer = network.issuer
    method = documents.verification_method_id(issuer, keys.active_key(issuer))
    profile = documents.issuer_url(issuer)
    site = {profile: served(client, profile), method: served(client, method)}
    answer = digitalbazaar({"action": "verify", "credential": credential, "documents": site})
    assert answer["verified"], answer["error"]

    changed = json.loads(json.dumps(credential))
    changed["credentialSubject"][0]["name"] = "Quelqu'un d'autre"
    answer = digitalbazaar({"action": "verify", "credential": changed, "documents": site})
    assert not answer["verified"]

    services.member_remove(member=invited, actor=coordinator)
    again = json.loads(selectors.current_list(network).credential)
    assert all("recognizedTo" not in subject for subject in again["credentialSubject"])
    answer = digitalbazaar({"action": "verify", "credential": again, "documents": site})
    assert answer["verified"], answer["error"]
