"""The other long lists at ``--list-awards`` rows (default 1,000,000): the claims of one claim
link (first page, a deep page through its keyset cursor, a status, searches by name fragment,
e-mail and phone), the claim links of its space (their claims counted), and the Open Badges
3.0 API's ``getCredentials`` for one person holding that many badges (first page, a deep page
through the ``next`` link's cursor, the ``last`` link, and, for comparison, a page in the
middle reached by ``offset`` alone). Target 50 ms each.

The rows are written by the database itself (``generate_series`` on PostgreSQL, a recursive
``WITH`` on SQLite), as in ``award_lists.py``; every third row shares its timestamp with the
next two.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

from bench.__main__ import Result, measure
from bench.award_lists import FIRST, LAST_NAME, TARGET_MS
from bench.seeding import CHUNK

MAX_QUERIES = 16


def _claims_sql(vendor: str) -> str:
    """One statement inserting the claims ``g`` in [%(start)s, %(end)s) of %(link)s: a third
    with an e-mail address, a third with a phone number; 1 in 10 refused, 1 in 50 waiting."""
    columns = "uuid, link_id, name, email, phone, language, status, created_at, refusal_reason"
    status = (
        "CASE WHEN g %% 50 = 0 THEN 'pending' WHEN g %% 10 = 0 THEN 'refused' ELSE 'issued' END"
    )
    if vendor == "postgresql":
        first = "ARRAY[" + ",".join(f"'{n}'" for n in FIRST) + "]"
        return f"""
        INSERT INTO issuing_claim ({columns})
        SELECT md5('claim' || g)::uuid, %(link)s,
               ({first})[g %% 10 + 1] || ' ' || {LAST_NAME},
               CASE WHEN g %% 3 = 0 THEN 'personne' || g || '@example.org' ELSE '' END,
               CASE WHEN g %% 3 = 1 THEN '+336' || lpad(g::text, 8, '0') ELSE '' END,
               'fr', {status}, now() - make_interval(secs => g / 3), ''
        FROM generate_series(%(start)s, %(end)s - 1) AS g
        """  # noqa: S608 (only constants in the f-string; values are parameters)
    return f"""
        WITH RECURSIVE n(g) AS (SELECT %(start)s UNION ALL SELECT g + 1 FROM n
                                WHERE g + 1 < %(end)s)
        INSERT INTO issuing_claim ({columns})
        SELECT lower(hex(randomblob(16))), %(link)s,
               json_extract('{_json(FIRST)}', '$[' || (g %% 10) || ']') || ' ' || {LAST_NAME},
               CASE WHEN g %% 3 = 0 THEN 'personne' || g || '@example.org' ELSE '' END,
               CASE WHEN g %% 3 = 1 THEN '+336' || substr('00000000' || g, -8) ELSE '' END,
               'fr', {status},
               strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now', '-' || (g / 3) || ' seconds'), ''
        FROM n
        """  # noqa: S608 (only constants in the f-string; values are parameters)


def _items_sql(vendor: str) -> str:
    """One statement inserting the backpack items ``g`` in [%(start)s, %(end)s) of
    %(owner)s: OB 3.0 credentials of a realistic size, 1 in 10 an OB 2.0 badge, 1 in 100
    hidden."""
    columns = (
        "uuid, owner_id, source, received, received_format, received_name, received_sha256, "
        "source_url, credential, credential_key, identity, version, name, description, "
        "criteria, issuer_name, issuer_id, issuer_url, issued_at, image_type, status, "
        "checked_at, recipient, report, note, hidden, public, added_at"
    )
    if vendor == "postgresql":
        return f"""
        INSERT INTO backpack_item ({columns})
        SELECT md5('item' || g)::uuid, %(owner)s, 'import', '\\x7b7d'::bytea, 'json', '',
               repeat('0', 64), '',
               '{{"id":"urn:example:' || g || '","proof":"' || repeat(md5(g::text), 40)
                   || '"}}',
               'urn:example:' || g, md5('a' || g) || md5('b' || g),
               CASE WHEN g %% 10 = 0 THEN '2.0' ELSE '3.0' END, 'Badge ' || g, '', '',
               'Issuer', '', '', now() - make_interval(secs => g / 3), '', 'valid', now(),
               'owner', '{{}}'::jsonb, '', g %% 100 = 0, false,
               now() - make_interval(secs => g / 3)
        FROM generate_series(%(start)s, %(end)s - 1) AS g
        """  # noqa: S608 (only constants in the f-string; values are parameters)
    moment = "strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now', '-' || (g / 3) || ' seconds')"
    return f"""
        WITH RECURSIVE n(g) AS (SELECT %(start)s UNION ALL SELECT g + 1 FROM n
                                WHERE g + 1 < %(end)s)
        INSERT INTO backpack_item ({columns})
        SELECT lower(hex(randomblob(16))), %(owner)s, 'import', X'7B7D', 'json', '',
               substr(hex(zeroblob(32)), 1, 64), '',
               '{{"id":"urn:example:' || g || '","proof":"' || hex(zeroblob(640)) || '"}}',
               'urn:example:' || g, lower(hex(randomblob(32))),
               CASE WHEN g %% 10 = 0 THEN '2.0' ELSE '3.0' END, 'Badge ' || g, '', '',
               'Issuer', '', '', {moment}, '', 'valid', datetime('now'),
               'owner', '{{}}', '', g %% 100 = 0, 0, {moment}
        FROM n
        """  # noqa: S608 (only constants in the f-string; values are parameters)


def _json(names: list[str]) -> str:
    return json.dumps(names, ensure_ascii=False).replace("'", "''")


def _write(sql: str, rows: int, **params: Any) -> None:
    from django.db import connection, transaction

    for first in range(0, rows, CHUNK):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, {"start": first, "end": min(first + CHUNK, rows), **params})


def _fill(rows: int) -> tuple[Any, Any, Any, str]:
    """The space "claims" with one link holding ``rows`` claims (and 30 more links), its
    awarder, and a person holding ``rows`` badges with an access token of the API."""
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone
    from oauth2_provider.models import AccessToken, Application

    from blason.accounts.models import User
    from blason.api.scopes import CREDENTIAL_READ
    from blason.core.models import Issuer, Membership
    from blason.issuing.models import BadgeClass, ClaimLink

    kept = Issuer.objects.filter(slug="claims").first()
    if kept is not None:  # a kept BENCH_DATABASE_URL: the rows are already there
        print("claim lists: reusing the space 'claims' and the person 'holder'")
        link = ClaimLink.objects.get(issuer=kept, title="Million")
        holder = User.objects.get(email="holder@example.org")
        token = AccessToken.objects.filter(user=holder).latest("id").token
        return link, User.objects.get(email="claims@example.org"), holder, token
    awarder = User.objects.create_user("claims@example.org", "bench-password")
    issuer = Issuer.objects.create(name="Claims", slug="claims", kind="organisation")
    Membership.objects.create(issuer=issuer, user=awarder, role="owner")
    badge = BadgeClass.objects.create(issuer=issuer, name="Badge", description="d", criteria="c")
    for n in range(30):
        ClaimLink.objects.create(issuer=issuer, badge=badge, token=f"bench-{n}", title=f"L{n}")
    link = ClaimLink.objects.create(
        issuer=issuer, badge=badge, token="bench-" + "million", title="Million"
    )
    holder = User.objects.create_user("holder@example.org", "bench-password")
    application = Application.objects.create(
        name="Bench",
        user=holder,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://app.example/back",
    )
    token = AccessToken.objects.create(
        user=holder,
        application=application,
        token="bench-token-" + "x" * 30,
        expires=timezone.now() + timedelta(days=3650),
        scope=CREDENTIAL_READ,
    ).token
    start = time.perf_counter()
    _write(_claims_sql(connection.vendor), rows, link=link.pk)
    _write(_items_sql(connection.vendor), rows, owner=holder.pk)
    with connection.cursor() as cursor:  # statistics and visibility, as autovacuum keeps them
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE issuing_claim")
            cursor.execute("VACUUM ANALYZE backpack_item")
        else:
            cursor.execute("ANALYZE")
    print(
        f"claim lists: {rows:,} claims and {rows:,} badges in {time.perf_counter() - start:.1f} s"
    )
    return link, awarder, holder, token


def run(rows: int = 1_000_000) -> list[Result]:
    from django.test import Client

    from blason.core.keyset import Cursor
    from blason.issuing.models import Claim

    link, awarder, _holder, token = _fill(rows)
    client = Client()
    client.force_login(awarder)
    detail = f"/spaces/claims/claim-links/{link.uuid}/"
    links_url = "/spaces/claims/claim-links/"
    deep = (
        Claim.objects.filter(link=link)
        .order_by("-created_at", "-id")
        .values_list("created_at", "id")[rows * 9 // 10]
    )
    cursor = Cursor(*deep).encode()
    middle = rows // 2 - (rows // 2) % 3
    email = f"personne{middle}@example.org"
    national = f"06{middle + 1:08d}"
    one_person = Claim.objects.get(link=link, email=email).name

    def page(url: str, params: dict[str, str], **headers: str) -> Any:
        response = client.get(url, params, **headers)
        assert response.status_code == 200, (url, params, response.status_code)
        return response

    label = f"claims, {rows:,}"
    results = []
    for name, params in [
        ("first page", {}),
        ("deep page", {"after": cursor}),
        ("refused", {"status": "refused"}),
        ("search name, common", {"q": "kola"}),
        ("search name, rare", {"q": one_person.split(" ", 1)[1].lower()}),
        ("search e-mail", {"q": email[:-4]}),
        ("search phone", {"q": f"{national[:2]} {national[2:4]} {national[4:6]}"}),
    ]:
        results.append(
            measure(
                f"{label}: {name}",
                lambda params=params: page(detail, params),  # type: ignore[misc]
                target_ms=TARGET_MS,
                max_queries=MAX_QUERIES,
            )
        )
    results.append(
        measure(
            f"claim links of the space ({rows:,} claims)",
            lambda: page(links_url, {}),
            target_ms=TARGET_MS,
            max_queries=MAX_QUERIES,
        )
    )

    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    url = "/ims/ob/v3p0/credentials"
    first = page(url, {"limit": "20"}, **bearer)
    total = int(first["X-Total-Count"])
    # The next link nine tenths down: found once by offset (what a client following the
    # links reaches page after page), then read through its cursor.
    deep_offset = (total * 9 // 10) // 20 * 20
    walked = page(url, {"limit": "20", "offset": str(deep_offset - 20)}, **bearer)
    next_link = re.search(r'<[^>]*\?([^>]+)>; rel="next"', walked["Link"])
    assert next_link, walked["Link"]
    deep_params = dict(part.split("=", 1) for part in next_link.group(1).split("&"))
    last_link = re.search(r'<[^>]*\?([^>]+)>; rel="last"', first["Link"])
    assert last_link
    last_params = dict(part.split("=", 1) for part in last_link.group(1).split("&"))
    api_label = f"API getCredentials, {rows:,} badges"
    for name, params in [
        ("first page", {"limit": "20"}),
        ("deep page (next link)", deep_params),
        ("last page (last link)", last_params),
        ("middle, offset alone", {"limit": "20", "offset": str(total // 2)}),
    ]:
        results.append(
            measure(
                f"{api_label}: {name}",
                lambda params=params: page(url, params, **bearer),  # type: ignore[misc]
                target_ms=TARGET_MS,
                max_queries=MAX_QUERIES,
            )
        )
    return results
