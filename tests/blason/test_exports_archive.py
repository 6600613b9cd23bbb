"""A space's full export (one versioned JSON document) and its import into an empty space of
another Blason: badges remade, awards kept byte for byte as a read-only archive, all or
nothing, hostile or wrong files refused with a clear message."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from jsonschema import Draft202012Validator

from blason.core.models import AuditEntry
from blason.exports import reading, services
from blason.exports.models import Archive, ArchivedCredential
from blason.issuing.documents.local_fetch import LocalFetcher
from blason.issuing.models import Award, BadgeClass
from obcore.verify import verify_credential
from tests.blason.insights_fixtures import network
from tests.factories import IssuerFactory, MembershipFactory

pytestmark = pytest.mark.django_db
SCHEMA = Path(reading.__file__).parent / "schema" / "issuer-export-v1.schema.json"


def exported(client: Any, world: Any) -> bytes:
    client.force_login(world.admin)
    response = client.get(reverse("exports:space_json", args=[world.org_a.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return b"".join(response.streaming_content)


@pytest.fixture
def target(world: Any) -> Any:
    space = IssuerFactory(name="Nouvelle maison", slug="nouvelle-maison")
    MembershipFactory(issuer=space, user=world.admin, role="owner")
    return space


def upload(client: Any, space: Any, data: bytes, language: str = "en") -> Any:
    url = reverse("exports:space", args=[space.slug])
    file = SimpleUploadedFile("export.json", data, content_type="application/json")
    return client.post(url, {"file": file, "confirm": "on"}, HTTP_ACCEPT_LANGUAGE=language)


def test_the_export_is_one_documented_document(client: Any, world: Any) -> None:
    made = network(world)
    data = exported(client, world)
    document = json.loads(data)
    Draft202012Validator(json.loads(SCHEMA.read_text())).validate(document)
    assert (document["format"], document["version"]) == ("blason-issuer-export", 1)
    badges = {badge["name"]: badge for badge in document["badges"]}
    assert set(badges) == {"Badge A", "Accueil", "Cuisine"}
    assert badges["Accueil"]["image"]["mediaType"] == "image/svg+xml"
    ours = [award for award in made.awards if award.issuer_id == world.org_a.pk]
    assert len(document["awards"]) == len(ours) == 12
    stored = dict(Award.objects.filter(issuer=world.org_a).values_list("uuid", "credential"))
    for entry in document["awards"]:
        assert entry["credential"] == stored[__import__("uuid").UUID(entry["id"])]
        assert entry["sha256"] == hashlib.sha256(entry["credential"].encode()).hexdigest()
    assert sum(1 for entry in document["awards"] if entry["revokedAt"]) == 1


def test_export_reads_a_bounded_number_of_queries(
    client: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    network(world)
    client.force_login(world.admin)
    url = reverse("exports:space_json", args=[world.org_a.slug])
    with django_assert_max_num_queries(20):
        response = client.get(url)
        b"".join(response.streaming_content)


def test_import_keeps_awards_byte_for_byte(client: Any, world: Any, target: Any) -> None:
    network(world)
    data = exported(client, world)
    response = upload(client, target, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    archive = Archive.objects.get(issuer=target)
    assert (archive.badges, archive.awards) == (3, 12)
    assert archive.sha256 == hashlib.sha256(data).hexdigest()
    remade = BadgeClass.objects.filter(issuer=target)
    assert {badge.name for badge in remade} == {"Badge A", "Accueil", "Cuisine"}
    assert all(badge.image for badge in remade if badge.name != "Badge A")
    originals = {str(a.uuid): a.credential for a in Award.objects.filter(issuer=world.org_a)}
    kept = ArchivedCredential.objects.filter(issuer=target)
    assert {row.original_id: row.credential for row in kept} == originals
    assert Award.objects.filter(issuer=target).count() == 0  # nothing re-signed here
    # The kept text still verifies against the original issuer's documents.
    row = kept.exclude(revoked_at__isnull=False).first()
    assert row is not None
    assert verify_credential(row.credential, fetcher=LocalFetcher()).state.name == "VALID"
    assert AuditEntry.objects.filter(action="exports.archive.imported", issuer=target).exists()
    page = client.get(reverse("exports:space", args=[target.slug]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Imported archive" in page.content.decode()
    again = upload(client, target, data)  # the space is no longer empty
    assert again.status_code == 400
    assert Archive.objects.filter(issuer=target).count() == 1


def _tampered(data: bytes, change: Any) -> bytes:
    document = json.loads(data)
    change(document)
    return json.dumps(document).encode()


def _bad_image(document: dict[str, Any]) -> None:
    document["badges"][-1]["image"] = {
        "mediaType": "image/png",
        "base64": base64.b64encode(b"<html>not an image</html>").decode(),
    }


def _changed_credential(document: dict[str, Any]) -> None:
    document["awards"][0]["credential"] = document["awards"][0]["credential"].replace(
        "Accueil", "Accueil!"
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(version=2), "version 2 of the format"),
        (lambda d: d.update(format="other"), "not an export of a Blason space"),
        (lambda d: d["awards"][0].update(badge=d["awards"][-1]["id"]), "names a badge the file"),
        (_changed_credential, "was changed after it was exported"),
        (lambda d: d["awards"][0].update(issuedAt="yesterday"), "does not follow the export"),
        (lambda d: d["badges"].append(dict(d["badges"][0])), "same badge twice"),
        (_bad_image, "is refused"),
    ],
)
def test_wrong_files_import_nothing(
    client: Any, world: Any, target: Any, change: Any, message: str
) -> None:
    network(world)
    data = _tampered(exported(client, world), change)
    response = upload(client, target, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not BadgeClass.objects.filter(issuer=target).exists()
    assert not Archive.objects.filter(issuer=target).exists()
    assert not ArchivedCredential.objects.filter(issuer=target).exists()


@pytest.mark.parametrize(
    "data",
    [b"", b"\xff\xfe", b"[1, 2]", b"{" * 100000, b'{"format": NaN}', b"null"],
)
def test_hostile_files_are_refused(client: Any, world: Any, target: Any, data: bytes) -> None:
    client.force_login(world.admin)
    response = upload(client, target, data)
    assert response.status_code == 400
    assert not Archive.objects.filter(issuer=target).exists()


def test_size_limit(client: Any, world: Any, target: Any, settings: Any) -> None:
    settings.EXPORTS_IMPORT_MAX_MB = 1
    client.force_login(world.admin)
    response = upload(client, target, b" " * (1024 * 1024 + 1))
    assert response.status_code == 400
    assert "larger than 1 MB" in response.content.decode()


def test_imported_images_are_cleaned_like_uploads(client: Any, world: Any, target: Any) -> None:
    network(world)
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">'
        b'<script>alert(1)</script><circle cx="32" cy="32" r="30" fill="#0060a0"/></svg>'
    )

    def scripted(document: dict[str, Any]) -> None:
        document["badges"][-1]["image"] = {
            "mediaType": "image/svg+xml",
            "base64": base64.b64encode(svg).decode(),
        }

    assert upload(client, target, _tampered(exported(client, world), scripted)).status_code == 302
    for badge in BadgeClass.objects.filter(issuer=target).exclude(image=""):
        with badge.image.open("rb") as handle:
            assert b"script" not in handle.read()


def test_only_owners_export_and_import(client: Any, world: Any) -> None:
    client.force_login(world.member)  # a viewer of organisation A
    assert client.get(reverse("exports:space_json", args=[world.org_a.slug])).status_code == 403
    assert client.get(reverse("exports:space", args=[world.org_a.slug])).status_code == 403


def test_commands_export_and_import_large_spaces(world: Any, target: Any, tmp_path: Any) -> None:
    network(world)
    path = tmp_path / "export.json"
    call_command("export_space", world.org_a.slug, str(path))
    call_command("import_space", target.slug, str(path))
    assert ArchivedCredential.objects.filter(issuer=target).count() == 12
    assert services.is_empty(target) is False
