"""'My data': the zip of everything a person keeps, each credential exactly as signed."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.urls import reverse

from blason.accounts.services import phone_verify
from blason.backpack import claims, imports, services
from blason.backpack.models import Item
from blason.core.models import AuditEntry
from blason.issuing.awarding import services as awards
from obcore import baking
from tests.blason import other_platforms as op

pytestmark = pytest.mark.django_db


def download(client: Any) -> zipfile.ZipFile:
    response = client.get(reverse("backpack:export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_everything_is_in_the_zip(client: Any, world: Any, published: Any) -> None:
    award = awards.award_issue(badge=published, actor=world.admin, phone="+33612345678")
    mine = claims.claim_award(user=world.member, code=award.claim_code or "").item
    phone_verify(user=world.member, phone="+33612345678")
    png = op.baked_png(op.data_integrity().payload)
    imported = imports.import_badge(user=world.member, content=png, file_name="autre.png")
    services.item_update(item=imported, note="Reçu au forum")
    collection = services.collection_create(user=world.member, name="Emploi")
    services.item_set_collections(item=mine, collections=[collection])
    client.force_login(world.member)

    archive = download(client)
    names = set(archive.namelist())
    first, second = "badges/001-accueil-du-public", f"badges/002-{imported.name.lower()[:3]}"
    assert {"README.txt", "profile.json", "collections.json"} <= names
    assert archive.read(f"{first}/credential.json").decode() == award.credential  # as signed
    baked = archive.read(f"{first}/badge.svg")
    assert baking.extract(baked).payload == award.credential
    second_folder = next(name.rsplit("/", 1)[0] for name in names if name.endswith("note.txt"))
    assert second_folder.startswith(second[:12])
    assert archive.read(f"{second_folder}/received.png") == png  # byte for byte
    assert archive.read(f"{second_folder}/note.txt").decode() == "Reçu au forum\n"
    profile = json.loads(archive.read("profile.json"))
    assert profile["email"] == world.member.email
    assert profile["phone"] == {"number": "+33612345678", "verified": True}
    assert json.loads(archive.read("collections.json")) == [
        {"name": "Emploi", "description": "", "badges": [first]}
    ]
    assert AuditEntry.objects.filter(action="backpack.data.exported").exists()


def test_only_ones_own_data(client: Any, world: Any, published: Any) -> None:
    award = awards.award_issue(badge=published, actor=world.admin, phone="+33612345678")
    claims.claim_award(user=world.member, code=award.claim_code or "")
    client.force_login(world.outsider)
    archive = download(client)
    assert not [name for name in archive.namelist() if name.startswith("badges/")]
    assert world.member.email not in archive.read("profile.json").decode()
    assert Item.objects.filter(owner=world.member).count() == 1


def test_anonymous_is_sent_to_sign_in(client: Any) -> None:
    response = client.get(reverse("backpack:export"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
