"""The contexts registry (used by `make contexts` and the bundled-files tests) says what it
lacks instead of failing obscurely."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.nodjango


def test_the_contexts_registry_says_what_it_lacks(tmp_path: Any) -> None:
    from obcore.contexts import registry

    by_origin = {source.origin: name for name, source in registry.SOURCES.items()}
    with pytest.raises(LookupError, match="is not installed"):
        registry.expected(by_origin["npm"], {}, None)
    with pytest.raises(LookupError, match="is needed"):
        registry.expected(by_origin["pypi"], {}, None)
    own = [name for name, s in registry.SOURCES.items() if s.origin not in ("npm", "pypi")]
    if own:
        with pytest.raises(ValueError, match="Blason's own"):
            registry.expected(own[0], {}, None)
    module = tmp_path / registry.BADGECHECK_MODULE
    module.parent.mkdir(parents=True)
    module.write_text("OTHER = {}\n")
    with pytest.raises(LookupError, match="is not in"):
        registry.badgecheck_context(tmp_path)
