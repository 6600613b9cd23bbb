"""Verification as the product shows it: forged status lists of a real award, and reports in
the reader's language with no English leaking into French pages."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.utils import translation

from blason.issuing.awarding import services as awards
from blason.verification.fetching import site_fetcher
from blason.verification.messages import CATALOGUE, check_text, message_text
from obcore.fetch import ChainFetcher, StaticFetcher
from obcore.keys import did_key, generate_key
from obcore.messages import TEMPLATES, Message
from obcore.proofs.data_integrity import sign
from obcore.verify import State, verify_credential
from tests.blason.test_verify_page import signed_credential

pytestmark = pytest.mark.django_db


def test_every_code_obcore_reports_has_a_translation() -> None:
    assert set(CATALOGUE) == set(TEMPLATES)
    placeholders = re.compile(r"\{(\w+)\}")
    with translation.override("en"):
        for code, template in TEMPLATES.items():
            assert str(CATALOGUE[code]) == template, code  # msgid = obcore's English
    with translation.override("fr"):
        for code, template in TEMPLATES.items():
            french = str(CATALOGUE[code])
            assert french != template or code == "schema.other", f"{code} is not translated"
            assert set(placeholders.findall(french)) <= set(placeholders.findall(template)), code


def test_nested_messages_and_dates_are_translated() -> None:
    cause = Message("fetch.timeout", url="https://x.example/list")
    message = Message("status.list_unreadable", url="https://x.example/list", cause=cause)
    with translation.override("fr"):
        assert message_text(message) == (
            "La liste de statut à l’adresse https://x.example/list est illisible "  # noqa: RUF001
            "(https://x.example/list\u00a0: le serveur a mis trop de temps à répondre)."
        )
        expired = message_text(Message("dates.expired", date="2026-03-01T00:00:00Z"))
        assert expired == "Le badge a expiré le 1 mars 2026."
    with translation.override("en"):
        assert message_text(message.to_json()) == str(message)  # kept reports read the same


def test_a_kept_report_from_an_older_blason_still_reads() -> None:
    old = {"name": "proof", "outcome": "passed", "en": "Fine.", "fr": "Très bien."}
    with translation.override("fr"):
        assert check_text(old) == "Très bien."
    with translation.override("en"):
        assert check_text(old) == "Fine."


ENGLISH_FRAGMENTS = ("The signature", "does not match", "the credential was altered", "Proof ")


def test_a_tampered_badge_reads_in_french_only(client: Any) -> None:
    credential = signed_credential()
    credential["credentialSubject"]["achievement"]["name"] = "Diplôme"
    page = client.post("/verify/", {"text": json.dumps(credential)}, HTTP_ACCEPT_LANGUAGE="fr")
    assert page.status_code == 200
    assert "La signature n’est pas valide" in page.text  # noqa: RUF001
    assert "La signature ne correspond pas" in page.text
    for fragment in ENGLISH_FRAGMENTS:
        assert fragment not in page.text


def test_a_badge_missing_what_the_model_requires_is_named(client: Any) -> None:
    key = generate_key()
    issuer = did_key(key)
    unsigned = {k: v for k, v in signed_credential().items() if k != "proof"}
    unsigned["issuer"] = {**unsigned["issuer"], "id": issuer}
    del unsigned["credentialSubject"]["achievement"]["criteria"]
    credential = sign(unsigned, key, verification_method=f"{issuer}#{key.to_multikey()}")
    page = client.post("/verify/", {"text": json.dumps(credential)}, HTTP_ACCEPT_LANGUAGE="fr")
    assert "Le badge ne suit pas le modèle de données Open Badges 3.0" in page.text
    assert "criteria est obligatoire" in page.text


def _forged_lists(list_url: str, genuine: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """What an attacker who controls the list's address could answer instead."""
    from obcore import status

    cleared = {
        **genuine["credentialSubject"],
        "encodedList": status.BitstringStatusList().encode(),
    }
    unsigned = {k: v for k, v in genuine.items() if k != "proof"}
    stranger = generate_key()
    stranger_id = did_key(stranger)
    return {
        "unsigned": {**unsigned, "credentialSubject": cleared},
        "signed by another key": sign(
            {**unsigned, "issuer": stranger_id, "credentialSubject": cleared},
            stranger,
            verification_method=f"{stranger_id}#{stranger.to_multikey()}",
        ),
        "the genuine proof over a cleared list": {**genuine, "credentialSubject": cleared},
    }


def test_a_revoked_award_is_never_valid_under_a_forged_status_list(
    world: Any, published: Any
) -> None:
    award = awards.award_issue(badge=published, actor=world.admin, email="lea@example.org")
    credential = json.loads(award.credential)  # kept exactly as signed: text
    assert verify_credential(credential, fetcher=site_fetcher()).valid
    awards.award_revoke(award=award, actor=world.admin, reason="Erreur")
    entries = credential["credentialStatus"]
    entry = entries[0] if isinstance(entries, list) else entries
    list_url = entry["statusListCredential"]
    genuine_answer = site_fetcher()(list_url, accept=("application/json",))
    genuine = json.loads(genuine_answer.body)
    assert verify_credential(credential, fetcher=site_fetcher()).state is State.REVOKED
    for name, forged in _forged_lists(list_url, genuine).items():
        answering = StaticFetcher({list_url: ("application/json", json.dumps(forged).encode())})
        report = verify_credential(credential, fetcher=ChainFetcher([answering, site_fetcher()]))
        assert report.state is State.UNVERIFIABLE, (name, report.checks)
