"""Importing badges into the backpack: every format other platforms issue, badges of this site,
duplicates, and hostile input (bombs, XXE, huge files, private addresses): clear 4xx answers
and nothing stored."""

from __future__ import annotations

import hashlib
import http.server
import json
import struct
import threading
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from blason.backpack import checking, imports
from blason.backpack.models import Item, ItemSource
from blason.core.models import AuditEntry
from blason.issuing.awarding import services as awards
from tests.blason import other_platforms as op

pytestmark = pytest.mark.django_db
URL = "/backpack/import/"


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings: Any) -> None:
    """Background tasks run in the test (set through ``settings`` so the task backends are
    rebuilt, whatever was configured before)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def serve(monkeypatch: pytest.MonkeyPatch) -> Callable[[op.Badge], None]:
    """Make the backpack fetch other platforms' documents from memory."""

    def use(badge: op.Badge) -> None:
        monkeypatch.setattr(checking, "make_fetcher", badge.fetcher)

    return use


def post_file(client: Any, name: str, content: bytes, language: str = "en") -> Any:
    return client.post(
        URL, {"file": SimpleUploadedFile(name, content)}, HTTP_ACCEPT_LANGUAGE=language
    )


FORMATS: dict[str, Callable[[], tuple[op.Badge, str, Any]]] = {
    # name → (badge, how it is given: "file" or "text", the file or text)
    "OB 3.0 Data Integrity, JSON file (VCDM 2.0)": lambda: (
        b := op.data_integrity(),
        "file",
        ("badge.json", b.payload.encode()),
    ),
    "OB 3.0 Data Integrity, pasted JSON (VCDM 1.1)": lambda: (
        b := op.data_integrity(vcdm="1.1"),
        "text",
        b.payload,
    ),
    "OB 3.0 baked PNG": lambda: (
        b := op.data_integrity(),
        "file",
        ("badge.png", op.baked_png(b.payload)),
    ),
    "OB 3.0 baked SVG": lambda: (
        b := op.data_integrity(),
        "file",
        ("badge.svg", op.baked_svg(b.payload)),
    ),
    "OB 3.0 VC-JWT (VCDM 2.0, ES256), JWS file": lambda: (
        b := op.vc_jwt(),
        "file",
        ("badge.jws", b.payload.encode()),
    ),
    "OB 3.0 VC-JWT (VCDM 1.1 vc claim, RS256), pasted": lambda: (
        b := op.vc_jwt(vcdm="1.1", algorithm="RSA"),
        "text",
        b.payload,
    ),
    "OB 3.0 VC-JWT (EdDSA) baked PNG": lambda: (
        b := op.vc_jwt(algorithm="Ed25519"),
        "file",
        ("badge.png", op.baked_png(b.payload)),
    ),
    "OB 2.0 hosted, by URL": lambda: (b := op.ob2_hosted(), "text", b.id),
    "OB 2.0 hosted, JSON file": lambda: (
        b := op.ob2_hosted(),
        "file",
        ("assertion.json", b.payload.encode()),
    ),
    "OB 2.0 hosted URL baked in SVG": lambda: (
        b := op.ob2_hosted(),
        "file",
        ("badge.svg", op.baked_svg(b.id, version="2.0")),
    ),
    "OB 2.0 signed JWS, pasted": lambda: (b := op.ob2_signed(), "text", b.payload),
    "OB 2.0 signed JWS baked PNG": lambda: (
        b := op.ob2_signed(),
        "file",
        ("badge.png", op.baked_png(b.payload, version="2.0")),
    ),
}


@pytest.mark.parametrize("kind", list(FORMATS))
def test_every_format_imports_verified_and_kept_as_received(
    client: Any, world: Any, serve: Any, kind: str
) -> None:
    badge, how, given = FORMATS[kind]()
    serve(badge)
    client.force_login(world.outsider)
    if how == "file":
        name, content = given
        response = post_file(client, name, content)
        received = content
    else:
        response = client.post(URL, {"text": given}, HTTP_ACCEPT_LANGUAGE="en")
        received = given.encode()
    assert response.status_code == 302, response.content.decode()[:3000]
    item = Item.objects.get(owner=world.outsider)
    assert response["Location"] == reverse("backpack:item", args=[item.uuid])
    assert item.source == ItemSource.IMPORT
    assert item.status == "valid", item.report
    assert item.credential_key == badge.id
    assert item.name in {"Prise de parole", "Atelier CV"}
    assert item.issuer_name in {"Autre plateforme", "Ateliers du Lien"}
    assert item.issued_at is not None
    # Kept exactly: the bytes received, and the credential as found in them.
    if how == "text" and given.startswith("https://"):
        assert bytes(item.received) == badge.documents[given][1]
        assert item.source_url == given
    else:
        assert bytes(item.received) == received
    assert item.received_sha256 == hashlib.sha256(bytes(item.received)).hexdigest()
    expected = badge.payload.strip() if not badge.payload.startswith("{") else None
    if expected is not None:
        assert item.credential == expected  # a JWS, character for character
    else:
        assert json.loads(item.credential) == json.loads(badge.payload)
        assert item.credential in badge.payload or item.credential == badge.payload.strip()
    download = client.get(reverse("backpack:item_download", args=[item.uuid]))
    assert download.content == bytes(item.received)
    assert "attachment" in download["Content-Disposition"]
    page = client.get(reverse("backpack:item", args=[item.uuid]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Valid badge" in page.text
    assert AuditEntry.objects.filter(action="backpack.item.imported", actor=world.outsider).exists()


def test_baked_image_is_kept_as_a_clean_copy(client: Any, world: Any) -> None:
    badge = op.data_integrity()
    client.force_login(world.admin)
    post_file(client, "badge.svg", op.baked_svg(badge.payload))
    item = Item.objects.get()
    assert item.image_type == "svg"
    assert b"openbadges" not in bytes(item.image)  # rebuilt from an allow-list: no payload
    image = client.get(reverse("backpack:item_image", args=[item.uuid]))
    assert image["Content-Type"] == "image/svg+xml"
    assert "sandbox" in image["Content-Security-Policy"]


def test_ob2_badge_image_is_fetched_from_the_issuer(client: Any, world: Any, serve: Any) -> None:
    badge = op.ob2_hosted()
    serve(badge)
    client.force_login(world.admin)
    client.post(URL, {"text": badge.id})
    item = Item.objects.get()
    assert item.image_type == "png"
    assert client.get(reverse("backpack:item_image", args=[item.uuid])).status_code == 200


def test_a_badge_of_this_site_imports_and_links_its_award(
    client: Any, world: Any, published: Any
) -> None:
    award = awards.award_issue(badge=published, actor=world.admin, email="lea@example.org")
    client.force_login(world.outsider)
    image = client.get(reverse("award_image", args=[award.uuid, "png"])).content
    response = post_file(client, "mon-badge.png", image)
    assert response.status_code == 302
    item = Item.objects.get(owner=world.outsider)
    assert item.award == award
    assert item.status == "valid"
    assert item.credential == award.credential
    assert item.name == "Accueil du public"
    award.refresh_from_db()
    assert award.claimed_by is None  # holding a file proves nothing about who it names


def test_duplicates_are_refused_with_a_link(client: Any, world: Any) -> None:
    badge = op.data_integrity()
    client.force_login(world.admin)
    post_file(client, "badge.json", badge.payload.encode())
    item = Item.objects.get()
    again = post_file(client, "badge.png", op.baked_png(badge.payload))
    assert again.status_code == 409
    assert "already in your backpack" in again.text
    assert reverse("backpack:item", args=[item.uuid]) in again.text
    assert Item.objects.count() == 1
    # Someone else may keep the same badge in their own backpack.
    client.force_login(world.member)
    assert post_file(client, "badge.json", badge.payload.encode()).status_code == 302


def test_forged_and_unsigned_badges_are_refused(client: Any, world: Any) -> None:
    badge = json.loads(op.data_integrity().payload)
    badge["credentialSubject"]["achievement"]["name"] = "Diplôme d'ingénieur"
    client.force_login(world.admin)
    response = client.post(URL, {"text": json.dumps(badge)}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert "Badge non valide" in response.text
    assert "falsifié" in response.text
    unsigned = op.ob3_credential("https://badges.other.example/i")
    response = client.post(URL, {"text": json.dumps(unsigned)}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert not Item.objects.exists()


def test_a_badge_whose_issuer_cannot_be_reached_is_kept_as_not_verifiable(
    client: Any, world: Any
) -> None:
    badge = op.vc_jwt()  # its key is published on a site that does not answer here
    client.force_login(world.admin)
    response = client.post(URL, {"text": badge.payload}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    item = Item.objects.get()
    assert item.status == "unverifiable"
    assert item.name == "Prise de parole"


def _png_with_size(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 64)
    parts = [chunk(b"IHDR", header), chunk(b"IDAT", pixels), chunk(b"IEND", b"")]
    return b"\x89PNG\r\n\x1a\n" + b"".join(parts)


def _png_with_compressed_bomb() -> bytes:
    """A (non-conformant) compressed iTXt that inflates to 50 MB."""
    base = op.png()
    bomb = zlib.compress(b"{" + b" " * (50 * 1024 * 1024), 9)
    body = b"openbadgecredential\x00\x01\x00\x00\x00" + bomb
    chunk = (
        struct.pack(">I", len(body))
        + b"iTXt"
        + body
        + struct.pack(">I", zlib.crc32(b"iTXt" + body) & 0xFFFFFFFF)
    )
    return base[:33] + chunk + base[33:]


XXE = (
    b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>'
)
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    b'<svg xmlns="http://www.w3.org/2000/svg"><text>&lol2;</text></svg>'
)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bomb.png", _png_with_size(100_000, 100_000), "far more pixels"),
        ("bomb2.png", _png_with_compressed_bomb(), "No badge can be read from this image"),
        ("xxe.svg", XXE, "No badge can be read from this image"),
        ("laughs.svg", LAUGHS, "No badge can be read from this image"),
        ("plain.png", op.png(), "No badge can be read from this image"),
        ("nested.json", b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "nested too deeply"),
        ("random.bin", bytes(range(256)) * 10, "This file is not a badge"),
        ("empty.json", b"{}", "This JSON is not an Open Badge"),
        ("huge.json", b" " * (11 * 1024 * 1024), "too large"),
    ],
)
def test_hostile_files_get_a_clear_4xx_and_nothing_is_stored(
    client: Any, world: Any, name: str, content: bytes, message: str
) -> None:
    client.force_login(world.admin)
    response = post_file(client, name, content)
    assert 400 <= response.status_code < 500
    assert message in response.text
    assert not Item.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/badge.json",
        "http://localhost/badge.json",
        "https://10.0.0.1/badge.json",
        "http://[::1]/badge.json",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
    ],
)
def test_private_addresses_are_not_fetched(client: Any, world: Any, url: str) -> None:
    client.force_login(world.admin)
    response = client.post(URL, {"text": url}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "could not be read" in response.text or "not an Open Badge" in response.text
    if url.startswith("http"):
        assert "private or local address" in response.text
    assert not Item.objects.exists()


@pytest.fixture
def local_site() -> Iterator[tuple[str, dict[str, tuple[str, bytes]]]]:
    """A real HTTP server on loopback: "another platform" for the guarded fetcher."""
    documents: dict[str, tuple[str, bytes]] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found = documents.get(self.path)
            if found is None:
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", found[0])
            self.send_header("Content-Length", str(len(found[1])))
            self.end_headers()
            self.wfile.write(found[1])

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", documents
    finally:
        server.shutdown()
        server.server_close()


def test_url_import_over_http_needs_fetch_allow_private_for_loopback(
    client: Any, world: Any, settings: Any, local_site: Any
) -> None:
    base, documents = local_site
    badge = op.data_integrity()
    documents["/badges/1"] = ("application/json", badge.payload.encode())
    documents["/badges/big"] = ("application/json", b" " * (2 * 1024 * 1024))
    documents["/badges/page"] = ("text/html", b"<html></html>")
    client.force_login(world.admin)
    refused = client.post(URL, {"text": f"{base}/badges/1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert "private or local address" in refused.text
    settings.FETCH_ALLOW_PRIVATE = True
    settings.VERIFY_MAX_BYTES = 1024 * 1024
    too_big = client.post(URL, {"text": f"{base}/badges/big"}, HTTP_ACCEPT_LANGUAGE="en")
    assert too_big.status_code == 400
    assert "larger than the limit" in too_big.text
    html = client.post(URL, {"text": f"{base}/badges/page"}, HTTP_ACCEPT_LANGUAGE="en")
    assert html.status_code == 400
    assert "unexpected content type" in html.text
    assert not Item.objects.exists()
    response = client.post(URL, {"text": f"{base}/badges/1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    item = Item.objects.get()
    assert bytes(item.received) == badge.payload.encode()
    assert item.source_url == f"{base}/badges/1"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Give either a file"),
        ({"text": "x", "file": SimpleUploadedFile("a.json", b"{}")}, "Give either a file"),
    ],
)
def test_form_errors_are_400(client: Any, world: Any, data: dict[str, Any], message: str) -> None:
    client.force_login(world.admin)
    response = client.post(URL, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.text


def test_imports_are_rate_limited(client: Any, world: Any, settings: Any) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "backpack_fetch": "2/m/user"}
    client.force_login(world.admin)
    statuses = [client.post(URL, {"text": "{}"}).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]


def test_service_refuses_without_storing(world: Any) -> None:
    with translation.override("en"), pytest.raises(imports.ImportRefused) as refused:
        imports.import_badge(user=world.admin, text="{not json")
    assert refused.value.report is None  # nothing was read: the reason is in the message
    assert "not valid JSON" in str(refused.value)
    forged = json.loads(op.data_integrity().payload)
    forged["issuer"]["name"] = "Ministère"
    with pytest.raises(imports.ImportRefused) as refused:
        imports.import_badge(user=world.admin, text=json.dumps(forged))
    assert refused.value.report is not None  # read, then failed: what was checked is shown
    assert refused.value.report["state"] == "invalid"
    assert not Item.objects.exists()


def test_import_page_needs_an_account(client: Any) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_ob2_badge_whose_issuer_is_down_is_kept_and_checked_later(
    client: Any, world: Any, serve: Any
) -> None:
    badge = op.ob2_hosted()
    client.force_login(world.admin)
    response = post_file(client, "assertion.json", badge.payload.encode())
    assert response.status_code == 302
    item = Item.objects.get()
    assert (item.status, item.credential_key) == ("unverifiable", badge.id)
    serve(badge)  # the issuer's site answers again
    client.post(reverse("backpack:item_check", args=[item.uuid]))
    item.refresh_from_db()
    assert item.status == "valid"


def test_a_badge_naming_a_missing_page_of_this_site_is_reported_not_crashed(
    client: Any, world: Any
) -> None:
    import uuid

    from obcore import status

    entry = status.build_status_entry(
        status_list_credential=f"http://testserver/issuers/{uuid.uuid4()}/status/1", index=7
    )
    badge = op.data_integrity(credentialStatus=entry)
    client.force_login(world.admin)
    response = client.post(URL, {"text": badge.payload}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    item = Item.objects.get()
    assert item.status == "unverifiable"
    assert any("revocation status cannot be checked" in c["en"] for c in item.report["checks"])
