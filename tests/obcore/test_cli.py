"""``blason verify | sign | keys | bake | unbake``: no database and no Django settings needed."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from obcore.keys import b58decode, did_key, key_from_jwk

pytestmark = pytest.mark.nodjango
VECTORS = Path(__file__).parent / "vectors"


def blason(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # No SECRET_KEY, no database: these commands must not start Django.
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE"}}
    env["DOTENV_FILE"] = "off"
    return subprocess.run(
        [sys.executable, "-m", "blason", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def signed_file(tmp_path: Path) -> Path:
    assert blason("keys", "generate", "-o", "key.json", cwd=tmp_path).returncode == 0
    jwk = json.loads((tmp_path / "key.json").read_text())
    issuer = did_key(key_from_jwk(jwk))
    credential = json.loads((VECTORS / "1edtech-ob3-unsigned.json").read_text())
    credential["issuer"]["id"] = issuer
    (tmp_path / "unsigned.json").write_text(json.dumps(credential))
    multikey = issuer.removeprefix("did:key:")
    result = blason(
        "sign",
        "unsigned.json",
        "--key",
        "key.json",
        "--verification-method",
        f"{issuer}#{multikey}",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    (tmp_path / "signed.json").write_text(result.stdout)
    return tmp_path / "signed.json"


def test_sign_reproduces_the_w3c_vector(tmp_path: Path) -> None:
    seed = b58decode("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"[1:])[2:]
    import base64

    d = base64.urlsafe_b64encode(seed).rstrip(b"=").decode()
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from obcore.keys import KeyPair

    private = Ed25519PrivateKey.from_private_bytes(seed)
    jwk = KeyPair("Ed25519", private.public_key(), private).to_private_jwk()
    assert jwk["d"] == d
    (tmp_path / "key.json").write_text(json.dumps(jwk))
    public = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    result = blason(
        "sign",
        str(VECTORS / "w3c-alumni-unsigned.json"),
        "--key",
        "key.json",
        "--verification-method",
        f"did:key:{public}#{public}",
        "--created",
        "2023-02-24T23:36:38Z",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["proof"]["proofValue"] == (
        "z2YwC8z3ap7yx1nZYCg4L3j3ApHsF8kgPdSb5xoS1VR7vPG3F561B52hYnQF9iseabecm3ijx4K1FBTQsCZahKZme"
    )


def test_verify_exit_codes(signed_file: Path) -> None:
    folder = signed_file.parent
    ok = blason("verify", "signed.json", "--offline", cwd=folder)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.startswith("VALID")
    assert "The signature is valid" in ok.stdout  # the command line speaks English
    report: dict[str, Any] = json.loads(
        blason("verify", "signed.json", "--offline", "--json", cwd=folder).stdout
    )
    assert report["state"] == "valid"
    # --json carries each check's stable code (what products translate), its data and English
    proof = next(check for check in report["checks"] if check["code"] == "proof.valid")
    assert proof["params"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["en"].startswith("The signature is valid")
    tampered = json.loads(signed_file.read_text())
    tampered["name"] = "Other"
    (folder / "tampered.json").write_text(json.dumps(tampered))
    assert blason("verify", "tampered.json", "--offline", cwd=folder).returncode == 1
    (folder / "junk.bin").write_bytes(b"\x00\x01junk")
    assert blason("verify", "junk.bin", "--offline", cwd=folder).returncode == 2
    assert blason("verify", "missing.json", cwd=folder).returncode == 2


def test_bake_unbake_and_verify_the_image(signed_file: Path) -> None:
    folder = signed_file.parent
    out = io.BytesIO()
    Image.new("RGB", (80, 80), "navy").save(out, format="PNG")
    (folder / "badge.png").write_bytes(out.getvalue())
    result = blason("bake", "badge.png", "signed.json", "-o", "baked.png", cwd=folder)
    assert result.returncode == 0, result.stderr
    unbaked = blason("unbake", "baked.png", cwd=folder)
    assert json.loads(unbaked.stdout) == json.loads(signed_file.read_text())
    assert blason("verify", "baked.png", "--offline", cwd=folder).returncode == 0
    again = blason("bake", "baked.png", "signed.json", "-o", "twice.png", cwd=folder)
    assert again.returncode == 2
    assert "blason bake:" in again.stderr


def test_verify_with_served_documents(tmp_path: Path) -> None:
    from obcore.keys import generate_key, multikey_document
    from obcore.proofs.data_integrity import sign

    key = generate_key()
    issuer = "https://badges.example/issuers/1"
    method_id = f"{issuer}#key-1"
    credential = json.loads((VECTORS / "1edtech-ob3-unsigned.json").read_text())
    credential["issuer"]["id"] = issuer
    (tmp_path / "signed.json").write_text(
        json.dumps(sign(credential, key, verification_method=method_id))
    )
    (tmp_path / "key.json").write_text(
        json.dumps(multikey_document(key, id=method_id, controller=issuer))
    )
    assert blason("verify", "signed.json", "--offline", cwd=tmp_path).returncode == 1
    (tmp_path / "issuer.json").write_text(
        json.dumps({"id": issuer, "assertionMethod": [method_id]})
    )
    served = blason(
        "verify",
        "signed.json",
        "--offline",
        "--document",
        f"{method_id}=key.json",
        "--document",
        f"{issuer}=issuer.json",
        cwd=tmp_path,
    )
    assert served.returncode == 0, served.stdout
    bad = blason("verify", "signed.json", "--document", "nonsense", cwd=tmp_path)
    assert bad.returncode == 2


def test_bench_json_shape(tmp_path: Path) -> None:
    result = blason("bench", "--count", "20", "--no-reference", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    operations = json.loads(result.stdout)["operations"]
    for name in ("sign_bulk", "sign_one", "verify", "bake"):
        assert operations[name]["blason_per_s"] > 0
        assert operations[name]["reference_per_s"] is None


def test_sign_as_vc_jwt_and_verify(tmp_path: Path) -> None:
    assert (
        blason("keys", "generate", "--type", "p256", "-o", "key.json", cwd=tmp_path).returncode == 0
    )
    issuer = "https://badges.example/issuers/9"
    kid = f"{issuer}/keys/1"
    credential = json.loads((VECTORS / "1edtech-ob3-unsigned.json").read_text())
    credential["issuer"]["id"] = issuer
    (tmp_path / "unsigned.json").write_text(json.dumps(credential))
    result = blason(
        "sign",
        "unsigned.json",
        "--key",
        "key.json",
        "--verification-method",
        kid,
        "--format",
        "jwt",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    (tmp_path / "badge.jws").write_text(result.stdout)
    jwk = json.loads((tmp_path / "key.json").read_text())
    public = {k: v for k, v in jwk.items() if k != "d"}
    (tmp_path / "kid.json").write_text(json.dumps({"id": kid, "publicKeyJwk": public}))
    verified = blason(
        "verify", "badge.jws", "--offline", "--document", f"{kid}=kid.json", cwd=tmp_path
    )
    assert verified.returncode == 0, verified.stdout
