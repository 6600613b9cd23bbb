"""``blason`` usage errors and options, run in-process (the subprocess tests in ``test_cli.py``
show that the commands start without Django; these check what they say)."""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path
from typing import Any

import pytest

from obcore import cli
from obcore.keys import did_key, generate_key
from obcore.proofs.data_integrity import sign
from tests.obcore.test_verify import credential

pytestmark = pytest.mark.nodjango


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_unreadable_inputs_are_usage_errors(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "key.json").write_text(json.dumps(generate_key().to_private_jwk()))
    (folder / "list.json").write_text("[1, 2]")
    (folder / "broken.json").write_text("{broken")
    cases = [
        (("sign", "absent.json", "--key", "key.json", "--verification-method", "v"), "absent"),
        (("sign", "broken.json", "--key", "key.json", "--verification-method", "v"), "not valid"),
        (
            ("sign", "list.json", "--key", "key.json", "--verification-method", "v"),
            "must be a JSON object",
        ),
        (("verify", "x.json", "--document", "https://a.example/=absent.json"), "absent.json"),
        (("bake", "absent.png", "list.json", "-o", "out.png"), "absent.png"),
        (("unbake", "absent.png"), "absent.png"),
    ]
    for args, message in cases:
        code, _out, err = run(capsys, *args)
        assert code == 2, args
        assert message in err, (args, err)


def test_sign_with_a_bad_created_date(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = generate_key()
    (folder / "key.json").write_text(json.dumps(key.to_private_jwk()))
    (folder / "unsigned.json").write_text(json.dumps(credential(did_key(key))))
    code, _out, err = run(
        capsys,
        "sign",
        "unsigned.json",
        "--key",
        "key.json",
        "--verification-method",
        f"{did_key(key)}#{key.to_multikey()}",
        "--created",
        "last tuesday",
    )
    assert code == 2
    assert "'last tuesday' is not an ISO 8601 date-time" in err


@pytest.mark.parametrize(("kind", "multibase"), [("ed25519", True), ("rsa", False)])
def test_keys_generate_prints_the_public_key_and_keeps_files(
    folder: Path, capsys: pytest.CaptureFixture[str], kind: str, multibase: bool
) -> None:
    code, out, _err = run(capsys, "keys", "generate", "--type", kind, "-o", "k.json", "--public")
    assert code == 0
    public = json.loads(out)
    assert "d" not in public["publicKeyJwk"]
    assert ("publicKeyMultibase" in public) is multibase
    assert (folder / "k.json").stat().st_mode & 0o777 == 0o600
    code, _out, err = run(capsys, "keys", "generate", "-o", "k.json")
    assert code == 2
    assert "exists; use --force" in err
    assert run(capsys, "keys", "generate", "-o", "k.json", "--force")[0] == 0


def test_verify_reports_endorsements_and_takes_urls(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    endorser, issuer_key = generate_key(), generate_key()
    endorsement_doc: dict[str, Any] = {
        **credential(did_key(endorser)),
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": "Soutien",
        "credentialSubject": {"id": "urn:uuid:x", "type": ["EndorsementSubject"]},
    }
    endorsement = sign(
        endorsement_doc,
        endorser,
        verification_method=f"{did_key(endorser)}#{endorser.to_multikey()}",
    )
    issuer = did_key(issuer_key)
    document = sign(
        credential(issuer, endorsement=[endorsement]),
        issuer_key,
        verification_method=f"{issuer}#{issuer_key.to_multikey()}",
    )
    url = "https://badges.example/badges/1.json"
    (folder / "badge.json").write_text(json.dumps(document))
    code, out, _err = run(capsys, "verify", url, "--offline", "--document", f"{url}=badge.json")
    assert code == 0, out
    assert "endorsement 1: valid" in out
    assert "(3.0, url)" in out


def test_the_module_runs_as_a_program(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "argv", ["blason", "unbake", "absent.png"])
    monkeypatch.delitem(sys.modules, "obcore.cli")
    with pytest.raises(SystemExit) as caught:
        runpy.run_module("obcore.cli", run_name="__main__")
    assert caught.value.code == 2
    assert "absent.png" in capsys.readouterr().err
