"""The command line's refusals, run in this process (``obcore.cli.main``): a clear message and
exit code 2, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from obcore import cli


def test_unreadable_files_and_bad_arguments_exit_2(tmp_path: Path, capsys: Any) -> None:
    missing = str(tmp_path / "missing.json")
    assert cli.main(["unbake", missing]) == 2
    assert "missing.json" in capsys.readouterr().err
    image = tmp_path / "image.png"
    image.write_bytes(b"not a png")
    assert cli.main(["bake", str(image), missing, "-o", str(tmp_path / "out.png")]) == 2
    assert "missing.json" in capsys.readouterr().err
    unsigned = tmp_path / "unsigned.json"
    unsigned.write_text(json.dumps({"@context": ["https://www.w3.org/ns/credentials/v2"]}))
    key = tmp_path / "key.json"
    key.write_text("{not json")
    assert cli.main(["sign", str(unsigned), "--key", str(key), "--verification-method", "x"]) == 2
    assert "not valid JSON" in capsys.readouterr().err
    assert cli.main(["verify", str(unsigned), "--document", "no-equals-sign"]) == 2
    assert "--document expects URL=FILE" in capsys.readouterr().err
