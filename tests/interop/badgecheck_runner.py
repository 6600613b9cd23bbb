"""Runs inside .venv-badgecheck: verify each case with badgecheck, print the reports as JSON.

Input on stdin: {"base": loopback URL, "cases": [{"name", "kind": url|jws|png, "data",
"recipient"?}]}. The only non-loopback URL badgecheck asks for is the OB 2.0 JSON-LD context;
it is answered with the copy badgecheck bundles, so nothing leaves the machine.
"""

import base64
import io
import json
import sys

import responses
from openbadges import verify
from openbadges.verifier.openbadges_context import OPENBADGES_CONTEXT_V2_DICT


def main():
    job = json.load(sys.stdin)
    results = {}
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(
            responses.GET,
            "https://w3id.org/openbadges/v2",
            body=json.dumps(OPENBADGES_CONTEXT_V2_DICT),
            content_type="application/ld+json",
        )
        mock.add_passthru(job["base"])
        for case in job["cases"]:
            data = case["data"]
            if case["kind"] == "png":
                data = io.BytesIO(base64.b64decode(data))
            options = {"use_cache": False}
            answer = verify(data, case.get("recipient"), **options)
            report = answer["report"]
            results[case["name"]] = {
                "nodes": [[n.get("id"), n.get("type")] for n in answer.get("graph", [])],
                "valid": report["valid"],
                "errors": [m["result"] for m in report["messages"] if m["messageLevel"] == "ERROR"],
                "version": report.get("openBadgesVersion"),
                "recipient": report.get("recipientProfile"),
            }
    sys.stdout.write(json.dumps(results))


if __name__ == "__main__":
    main()
