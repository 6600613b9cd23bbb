"""Write obcore's bundled JSON-LD contexts from their registry packages (``make contexts``).

The npm packages are the exact versions of ``src/obcore/node/package-lock.json``, installed by
``obcore.reference`` (Node.js and npm needed); badgecheck's wheel is downloaded from PyPI with
pip into a temporary folder (its module is read, not imported). Files Blason wrote itself
(``origin == "blason"`` in ``obcore.contexts.SOURCES``) are left alone. Run it after changing a
package version, then run the tests: they compare every file with its package and with the
official 1EdTech file.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from importlib.resources import files
from pathlib import Path

from obcore.contexts import SOURCES
from obcore.contexts.registry import badgecheck_context, expected, npm_contexts, render


def main() -> int:
    npm = npm_contexts()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        package = SOURCES["openbadges-v2.jsonld"].package
        subprocess.run(  # noqa: S603 - fixed command
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", temporary, package],
            check=True,
        )
        (wheel,) = folder.glob("*.whl")
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(folder / "site-packages")
        badgecheck = badgecheck_context(folder / "site-packages")
    target = Path(str(files("obcore.contexts")))
    for name, source in SOURCES.items():
        if source.origin == "blason":
            continue
        text = render(expected(name, npm, badgecheck))
        path = target / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {name} from {source.package}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
