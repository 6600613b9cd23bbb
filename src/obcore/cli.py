"""Command-line tools on obcore: ``verify``, ``sign``, ``keys``, ``bake``, ``unbake``.

They are reached through the ``blason`` command (``blason verify badge.png``) but need no
database and no Django: ``python -m obcore.cli`` works the same in any environment.
Exit status: 0 success (for ``verify``: the badge is valid), 1 not valid, 2 usage error or
unreadable input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from obcore.errors import ObcoreError

COMMANDS = ("verify", "sign", "keys", "bake", "unbake", "bench")


class UsageError(Exception):
    pass


def _read_json(path: str) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: not valid JSON ({exc})") from None


def _documents(pairs: Sequence[str]) -> dict[str, tuple[str, bytes]]:
    documents = {}
    for pair in pairs:
        url, sep, path = pair.partition("=")
        if not sep or not url or not path:
            raise UsageError(f"--document expects URL=FILE, not {pair!r}")
        try:
            documents[url] = ("application/json", Path(path).read_bytes())
        except OSError as exc:
            raise UsageError(f"{path}: {exc.strerror}") from None
    return documents


def _verify(args: argparse.Namespace) -> int:
    from obcore.fetch import ChainFetcher, Fetcher, FetchPolicy, HttpFetcher, StaticFetcher
    from obcore.verify import State, verify_credential

    fetchers: list[Fetcher] = [StaticFetcher(_documents(args.document))]
    if not args.offline:
        fetchers.append(HttpFetcher(FetchPolicy(allow_private=args.allow_private)))
    fetcher = ChainFetcher(fetchers)
    target = args.input
    source: Any
    if target.startswith(("https://", "http://")):
        source = target
    else:
        try:
            source = Path(target).read_bytes()
        except OSError as exc:
            raise UsageError(f"{target}: {exc.strerror}") from None
    report = verify_credential(source, fetcher=fetcher, recipient=args.recipient)
    endorsements = [item.credential for item in report.endorsements if item.valid]
    recognitions = _recognitions(report.credential or {}, args, fetcher, endorsements)
    if args.json:
        answer = report.to_json()
        if recognitions:
            answer["recognitions"] = recognitions
        print(json.dumps(answer, ensure_ascii=False, indent=2))
    else:
        print(f"{report.state.value.upper()}  ({report.version or '?'}, {report.input_format})")
        for check in report.checks:
            print(f"  [{check.outcome.value}] {check.name}: {check.en}")
        for number, endorsement in enumerate(report.endorsements, 1):
            print(f"  endorsement {number}: {endorsement.state.value}")
        for line in recognitions:
            if line.get("kind") == "badge":  # the verify page's wording
                print(
                    f"  [{line['state']}] Badge recognised by {line['name']} (signed endorsement)"
                )
                continue
            print(f"  [{line['state']}] {_recognition_text(line)}")
    if report.state is State.MALFORMED:
        return 2
    return 0 if report.valid else 1


def _recognition_text(line: dict[str, Any]) -> str:
    """What one list says about the issuer, in the verify page's words (in English)."""
    name = line["name"]
    if line["state"] == "recognised":
        until = f", valid until {line['validUntil']}" if line.get("validUntil") else ""
        return f"Issuer recognised by {name} (signed list{until})"
    if line["state"] == "not_checkable":
        reason = f" ({line['reason']})" if line.get("reason") else ""
        return (
            f"The list of {name} cannot be checked right now{reason}. "
            "This says nothing against the badge."
        )
    return f"Not in the list of issuers recognised by {name}."


def _recognitions(
    credential: Any, args: argparse.Namespace, fetcher: Any, endorsements: list[Any]
) -> list[Any]:
    """What the lists of recognised issuers say about the issuer: the lists of ``TRUST_LISTS``
    (the operator's setting, JSON) and of ``--trust-list NAME=URL=ISSUER``; then, for each
    checked list whose issuer endorsed the badge itself (among the ``endorsements`` that
    verified), a line of ``kind`` "badge" (as the verify page says "Badge recognised by")."""
    import os

    from obcore.ob3._fields import format_datetime
    from obcore.recognition import (
        TrustList,
        badge_endorsers,
        issuer_ids,
        parse_trust_lists,
        read_list,
    )

    try:
        lists = parse_trust_lists(os.environ.get("TRUST_LISTS", ""))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    for item in args.trust_list:
        parts = item.split("=", 2)
        if len(parts) != 3 or not all(parts):
            raise UsageError(f"--trust-list expects NAME=URL=ISSUER, not {item!r}")
        lists.append(TrustList(parts[0], parts[1], (parts[2],)))
    ids = issuer_ids(credential) if isinstance(credential, dict) else []
    endorsers = badge_endorsers(credential, endorsements) if ids else set()
    answer = []
    badges = []
    for trust_list in lists if ids else []:
        checked = read_list(trust_list, fetcher)
        line = {"name": trust_list.name, "url": trust_list.url, "state": checked.recognition(ids)}
        if checked.valid_until is not None:
            line["validUntil"] = format_datetime(checked.valid_until)
        if not checked.checkable:
            line["reason"] = checked.reason
        answer.append(line)
        if checked.checkable and checked.issuer in endorsers:
            badges.append(
                {
                    "kind": "badge",
                    "name": trust_list.name,
                    "url": trust_list.url,
                    "state": "recognised",
                }
            )
    return answer + badges


def _sign(args: argparse.Namespace) -> int:
    from obcore.keys import key_from_jwk
    from obcore.proofs.data_integrity import sign

    document = _read_json(args.unsigned)
    if not isinstance(document, dict):
        raise UsageError(f"{args.unsigned}: a credential must be a JSON object")
    key = key_from_jwk(_read_json(args.key))
    created = None
    if args.created:
        try:
            created = datetime.fromisoformat(args.created.replace("Z", "+00:00"))
        except ValueError:
            raise UsageError(f"--created: {args.created!r} is not an ISO 8601 date-time") from None
    if args.format == "jwt":
        from obcore.jose import sign_vc_jwt

        print(sign_vc_jwt(document, key, kid=args.verification_method))
        return 0
    signed = sign(
        document,
        key,
        verification_method=args.verification_method,
        created=created,
        cryptosuite=args.cryptosuite,
    )
    print(json.dumps(signed, ensure_ascii=False, indent=2))
    return 0


def _keys(args: argparse.Namespace) -> int:
    from obcore.keys import Algorithm, generate_key

    algorithm = cast(Algorithm, {"ed25519": "Ed25519", "rsa": "RSA", "p256": "P-256"}[args.type])
    key = generate_key(algorithm)
    output = Path(args.output)
    if output.exists() and not args.force:
        raise UsageError(f"{output} exists; use --force to replace it")
    output.write_text(json.dumps(key.to_private_jwk(), indent=2) + "\n", encoding="utf-8")
    output.chmod(0o600)
    if args.public:
        public: dict[str, Any] = {"publicKeyJwk": key.to_public_jwk()}
        if algorithm != "RSA":
            public["publicKeyMultibase"] = key.to_multikey()
        print(json.dumps(public, indent=2))
    return 0


def _bake(args: argparse.Namespace) -> int:
    from obcore.baking import bake

    try:
        image = Path(args.image).read_bytes()
        payload = Path(args.credential).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(str(exc)) from None
    ob2 = '"https://w3id.org/openbadges/v2"' in payload
    baked = bake(image, payload, version="2.0" if ob2 else "3.0", replace=args.replace)
    Path(args.output).write_bytes(baked)
    return 0


def _unbake(args: argparse.Namespace) -> int:
    from obcore.baking import extract

    try:
        data = Path(args.image).read_bytes()
    except OSError as exc:
        raise UsageError(f"{args.image}: {exc.strerror}") from None
    print(extract(data).payload)
    return 0


def _bench(args: argparse.Namespace) -> int:
    from obcore.bench import render, run

    result = run(args.count, reference=not args.no_reference)
    print(json.dumps(result, indent=2) if args.json else render(result))
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="blason", description="Open Badges tools (obcore).")
    commands = root.add_subparsers(dest="command", required=True)

    verify = commands.add_parser("verify", help="verify a badge: image, JSON, JWS or URL")
    verify.add_argument("input", help="a file (PNG, SVG, JSON, JWS) or an http(s) URL")
    verify.add_argument("--json", action="store_true", help="print the full report as JSON")
    verify.add_argument("--recipient", help="check the badge was awarded to this identifier")
    verify.add_argument(
        "--document",
        action="append",
        default=[],
        metavar="URL=FILE",
        help="serve FILE at URL instead of fetching it (repeatable)",
    )
    verify.add_argument("--offline", action="store_true", help="never use the network")
    verify.add_argument(
        "--allow-private", action="store_true", help="allow fetching private/local addresses"
    )
    verify.add_argument(
        "--trust-list",
        action="append",
        default=[],
        metavar="NAME=URL=ISSUER",
        help="also read this list of recognised issuers, signed by ISSUER (repeatable; "
        "the TRUST_LISTS environment variable gives more)",
    )
    verify.set_defaults(run=_verify)

    sign = commands.add_parser("sign", help="sign a credential (Data Integrity or VC-JWT)")
    sign.add_argument("unsigned")
    sign.add_argument("--key", required=True, help="private JWK file")
    sign.add_argument("--verification-method", required=True)
    sign.add_argument("--created", help="proof date-time (default: now)")
    sign.add_argument(
        "--format",
        choices=("di", "jwt"),
        default="di",
        help="di: Data Integrity proof (Ed25519); jwt: VC-JWT (Ed25519, RSA or P-256 key)",
    )
    sign.add_argument(
        "--cryptosuite", choices=("eddsa-rdfc-2022", "eddsa-jcs-2022"), default="eddsa-rdfc-2022"
    )
    sign.set_defaults(run=_sign)

    keys = commands.add_parser("keys", help="key management")
    key_commands = keys.add_subparsers(dest="keys_command", required=True)
    generate = key_commands.add_parser("generate", help="write a new private JWK")
    generate.add_argument("--type", choices=("ed25519", "rsa", "p256"), default="ed25519")
    generate.add_argument("-o", "--output", required=True)
    generate.add_argument("--public", action="store_true", help="print the public key")
    generate.add_argument("--force", action="store_true")
    generate.set_defaults(run=_keys)

    bake = commands.add_parser("bake", help="bake a credential into a PNG or SVG image")
    bake.add_argument("image")
    bake.add_argument("credential", help="JSON or compact JWS file")
    bake.add_argument("-o", "--output", required=True)
    bake.add_argument("--replace", action="store_true", help="replace a credential already there")
    bake.set_defaults(run=_bake)

    unbake = commands.add_parser("unbake", help="print the credential baked in an image")
    unbake.add_argument("image")
    unbake.set_defaults(run=_unbake)

    bench = commands.add_parser("bench", help="measure throughput, against Digital Bazaar's stack")
    bench.add_argument("--count", type=int, default=1000)
    bench.add_argument("--json", action="store_true")
    bench.add_argument("--no-reference", action="store_true", help="skip the JS reference")
    bench.set_defaults(run=_bench)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.run(args))
    except UsageError as exc:
        print(f"blason {args.command}: {exc}", file=sys.stderr)
        return 2
    except ObcoreError as exc:
        print(f"blason {args.command}: {exc}", file=sys.stderr)
        return 2 if args.command != "verify" else 1


if __name__ == "__main__":
    sys.exit(main())
