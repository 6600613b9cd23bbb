"""The reference-stack installer and the benchmark's guards, without Node (fake programs stand
in for node and npm; the real stack is exercised by ``tests/interop``)."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from importlib.resources import files
from pathlib import Path

import pytest

from obcore import bench, reference
from obcore.proofs.data_integrity import VerificationResult

pytestmark = pytest.mark.nodjango


def fake_programs(folder: Path, npm: str, node: str) -> None:
    """Shell scripts called ``npm`` and ``node`` in ``folder``, put first on PATH."""
    for name, body in (("npm", npm), ("node", node)):
        path = folder / name
        path.write_text("#!/bin/sh\n" + body + "\n")
        path.chmod(path.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("BLASON_NODE_CACHE", str(tmp_path / "cache"))
    return tmp_path


def expected_folder(cache: Path) -> Path:
    source = files("obcore") / "node"
    names = ("harness.mjs", "package.json", "package-lock.json")
    digest = hashlib.sha256(b"".join((source / n).read_bytes() for n in names)).hexdigest()
    return cache / f"node-{digest[:12]}"


def test_install_copies_the_pinned_files_into_a_folder_named_by_their_hash(
    sandbox: Path,
) -> None:
    # A fake `npm ci` that records its arguments and creates the packages the check looks for.
    fake_programs(
        sandbox / "bin",
        npm='echo "$@" > npm-args && mkdir -p node_modules/jose node_modules/@digitalbazaar/vc',
        node="exit 0",
    )
    target = reference.install()
    assert target == expected_folder(sandbox / "cache")
    assert (target / "npm-args").read_text().split() == [
        "ci",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
    ]
    for name in ("harness.mjs", "package.json", "package-lock.json"):
        assert (target / name).read_bytes() == (files("obcore") / "node" / name).read_bytes()
    (target / "npm-args").unlink()
    assert reference.install() == target  # installed already: npm is not run again
    assert not (target / "npm-args").exists()


def test_a_failed_install_is_a_clear_error(sandbox: Path) -> None:
    fake_programs(sandbox / "bin", npm="echo 'E404' >&2; exit 1", node="exit 0")
    with pytest.raises(reference.ReferenceUnavailable, match="npm ci failed"):
        reference.install()


def test_missing_node_is_a_clear_error(sandbox: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reference.shutil, "which", lambda name: None)
    with pytest.raises(reference.ReferenceUnavailable, match=r"Node\.js and npm are needed"):
        reference.install()


def test_calls_go_through_stdin_and_failures_are_reported(sandbox: Path) -> None:
    fake_programs(
        sandbox / "bin",
        npm="mkdir -p node_modules/jose node_modules/@digitalbazaar/vc",
        node="cat > request.json; echo '{\"echo\": true}'",
    )
    assert reference.call({"action": "ping"}) == {"echo": True}
    folder = expected_folder(sandbox / "cache")
    assert json.loads((folder / "request.json").read_text()) == {"action": "ping"}
    fake_programs(sandbox / "bin", npm="exit 0", node="echo 'TypeError: boom' >&2; exit 1")
    with pytest.raises(reference.ReferenceUnavailable, match="TypeError: boom"):
        reference.call({"action": "ping"})


def test_the_benchmark_refuses_to_measure_failures(monkeypatch: pytest.MonkeyPatch) -> None:
    """A benchmark of failing verifications would measure nothing."""
    monkeypatch.setattr(bench, "verify", lambda *a, **k: VerificationResult(False, problems=["x"]))
    with pytest.raises(RuntimeError, match=r"verification failed: \['x'\]"):
        bench.run(20, reference=False)


def test_bench_credentials_have_varied_shapes_and_all_sign() -> None:
    """verify_arbitrary is honest only if no two credentials share a shape."""
    from obcore.fastcanon import _shape

    shapes = set()
    for variant in range(512):
        values: list[str] = []
        document = bench._credential(variant, variant=variant)
        shapes.add(json.dumps(_shape(document, values, frozenset()), sort_keys=True))
    assert len(shapes) == 512
    from obcore.jsonld import canonicalize

    for variant in (1, 2, 4, 8, 16, 32, 64, 128, 256, 511):  # each field alone, then all
        assert canonicalize(bench._credential(0, variant=variant))  # safe mode: all defined


def test_render_lists_every_operation() -> None:
    result = {
        "operations": {
            "verify": {"blason_per_s": 2500.0, "reference_per_s": 250.0, "ratio": 10.0},
            "bake": {"blason_per_s": 40000.0, "reference_per_s": None, "ratio": None},
        }
    }
    lines = bench.render(result).splitlines()
    assert lines[0].split() == ["operation", "blason/s", "reference/s", "ratio"]
    assert lines[1].split() == ["verify", "2500.0", "250.0", "10.0x"]
    assert lines[2].split() == ["bake", "40000.0", "-", "-"]


def test_a_reference_that_fails_stops_the_benchmark(sandbox: Path) -> None:
    fake_programs(
        sandbox / "bin",
        npm="mkdir -p node_modules/jose node_modules/@digitalbazaar/vc",
        node='cat > /dev/null; echo \'{"error": "Error: boom"}\'',
    )
    with pytest.raises(reference.ReferenceUnavailable, match="reference stack failed: Error: boom"):
        bench.run(20, reference=True)
