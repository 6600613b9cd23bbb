"""1EdTech's official Open Badges 3.0 OpenAPI document (``shared/reference/1edtech``, read by
``tests/reference_files``; not the site's own service description) run by schemathesis against
the live site: every check except ``positive_data_acceptance`` (the document's
request schemas are structural only, so it generates "valid" credentials that no verifying
host can accept), phases examples, coverage and fuzzing (the stateful phase is off: the
document's paging ``links`` point at ``$request.path`` parameters that do not exist). See the
standards digest §3.11.

The coverage phase makes every case a schema defines, whatever ``--max-examples`` says: for the
two operations with a body (the AchievementCredential and Profile schemas, which embed
EndorsementCredential) that is over 10,000 requests and ten minutes. Those two run the examples
and fuzzing phases (positive and negative data, bounded); the coverage phase runs on the others
(discovery, getCredentials with its query parameters, getProfile)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from blason.backpack import checking, claims, imports
from blason.issuing.awarding import services as awards
from blason.verification.fetching import SiteFetcher
from obcore.fetch import StaticFetcher
from tests import reference_files
from tests.api import oauth_client as oc
from tests.blason import other_platforms as op

pytestmark = pytest.mark.django_db(transaction=True)
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"

CONFIG = """
[[operations]]
include-operation-id = "upsertCredential"
phases.coverage.enabled = false

[[operations]]
include-operation-id = "putProfile"
phases.coverage.enabled = false
"""


def test_schemathesis_finds_no_failure(
    live_server: Any,
    client: Any,
    world: Any,
    published: Any,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    if not SCHEMATHESIS.exists():
        pytest.fail("schemathesis is missing: pip install -r requirements/dev.txt")
    official = reference_files.openapi()
    # Badges to page through: three JSON credentials and a VC-JWT. The OpenAPI document's
    # AchievementCredential wants ``proof`` as an array (the canonical JSON Schema), where
    # most issuers emit a single object; both verify, and badges are served as kept.
    for number in range(1, 4):
        signed = json.loads(op.data_integrity(number=number).payload)
        signed["proof"] = [signed["proof"]]
        imports.import_badge(user=world.member, text=json.dumps(signed))
    jwt = op.vc_jwt(number=4)
    imports.import_badge(user=world.member, text=jwt.payload, fetcher=jwt.fetcher())
    # And a badge awarded here, served as signed (its proof is an array).
    awards.award_issue(badge=published, actor=world.admin, email=world.member.email)
    assert len(claims.collect_awards(user=world.member)) == 1
    # No network: what schemathesis posts names issuers anywhere; none can be fetched.
    monkeypatch.setattr(checking, "make_fetcher", lambda: SiteFetcher(fallback=StaticFetcher({})))
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "backpack_fetch": "10000/m/user",
    }
    _app, tokens = oc.connect(client, world.member)

    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    command = [
        str(SCHEMATHESIS),
        "--config-file",
        str(config),
        "run",
        str(official),
        "--url",
        f"{live_server.url}/ims/ob/v3p0",
        "--header",
        f"Authorization: Bearer {tokens['access_token']}",
        "--checks",
        "all",
        "--exclude-checks",
        "positive_data_acceptance",
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        "100",
        "--seed",
        "20261202",
        "--workers",
        "1",
        "--max-response-time",
        "10",
        "--no-color",
    ]
    environment = {**os.environ, "SCHEMATHESIS_HOOKS": "", "NO_COLOR": "1"}
    log = tmp_path / "schemathesis.txt"
    with log.open("w") as out:
        try:
            result = subprocess.run(
                command,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=900,
                env=environment,
                cwd=tmp_path,
            )
        except subprocess.TimeoutExpired:
            pytest.fail("schemathesis did not finish:\n" + log.read_text())
    output = log.read_text()
    assert result.returncode == 0, output
    # It did exercise every operation of the document, and found nothing.
    assert "Tested: 5" in output, output
    assert re.search(r"(\d+) generated, \1 passed", output), output
