"""A pathway's completion badge, issued by the engine once a person holds two of its three
badges: an OB 3.0 credential of ``achievementType`` ``LearningProgram`` whose evidence names the
step credentials, which verifies with Digital Bazaar's stack (and obcore)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from blason.issuing.awarding import credentials
from blason.issuing.documents.local_fetch import LocalFetcher
from blason.issuing.models import Award
from obcore.verify import State, verify_credential
from tests.blason.pathways_fixtures import (  # noqa: F401 - the fixture
    award_to,
    tasks_run_at_once,
    two_of_three,
)
from tests.interop.test_app_awards import site_documents

pytestmark = pytest.mark.django_db


def test_a_completion_credential_verifies_with_digitalbazaar(
    digitalbazaar: Any, client: Any, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    p = two_of_three(world)
    bob = world.member
    steps = [award_to(b, bob, django_capture_on_commit_callbacks) for b in (p.a, p.b)]
    completion = Award.objects.get(badge=p.done)
    credential = json.loads(completion.credential)
    assert credential["credentialSubject"]["achievement"]["achievementType"] == "LearningProgram"
    named = {entry.get("id") for entry in credential["evidence"]}
    assert named == {credentials.award_url(award) for award in steps}
    answer = digitalbazaar(
        {
            "action": "verify",
            "credential": credential,
            "documents": site_documents(client, completion),
        }
    )
    assert answer["verified"], answer["error"]
    assert verify_credential(completion.credential, fetcher=LocalFetcher()).state is State.VALID
