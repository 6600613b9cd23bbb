"""Access control of every view, generated from the URL configuration.

``RULES`` gives each route of the URLconf its access rule (one line per route); a route
without a rule, or a rule naming a route that is gone, fails ``test_every_route_has_a_rule``.
For each route, the request its rule implies is sent by each kind of visitor the rule names,
in a world made through the services (``tests/blason/access_world.py``), and the exact status
is checked. The rules:

* ``public()``: anyone, signed in or not (never a sign-in redirect, 401, 403 or 5xx).
* ``bearer(secret)``: anyone holding the secret in the address (claim code, claim page, join
  link, invitation, sign-in link): a wrong secret answers ``wrong`` (404 unless said).
* ``signed_in()``: any signed-in person; visitors are sent to ``account_login`` with ``next``.
* ``own()``: signed in, about an object of the person (the earner here); another signed-in
  person gets 404.
* ``space(role)``: a member of the space with at least ``role``
  (``blason.core.access.issuer_for_member``): visitors are sent to sign in, members of
  another space get 404 (``outsider``; and ``cross_space``: the same person asking for this
  space's objects through the address of their own space), members one role below get 403.
* ``validator()``: a badge request's validators (the badge's peer rule: reviewers and above
  here) and the space's facilitators (``blason.peers.request_views``): as ``space(REVIEWER)``.
* ``staff()``: operators (``is_staff``): visitors sign in first, other people get 403.
* ``oauth(body)``: the Open Badges 3.0 API and Badge Connect: no token gives 401 with the
  documented body (``imsx`` status or Badge Connect's ``status`` envelope), a token without
  the scope 403, the right token success.
* ``client()``: OAuth endpoints for applications (token, revocation): no client
  authentication, or a wrong secret, gives 401 ``invalid_client``.

Each rule says the method (``post=`` sends a POST with that form data; GET otherwise) and
the exact success status (``ok``): 200, 201, or 302 to a page other than sign-in. A view
answering both GET and POST is also sent its form (``submit=``, success ``submitted``) by
the person it is for, so its success path runs too. A success
never carries an error message (``django.contrib.messages``), so a refused action cannot pass
for a done one.

To classify a new route, add one line to ``RULES`` with its rule, and the data it needs:
a new kind of object in the address gets a value in ``access_world.build`` (``values``,
looked up by the address's parameter name, or named in ``args=``); the forms the views
take, and how requests are sent and checked, are in ``access_rules``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from tests.blason.access_rules import (
    ANSWER,
    AWARDER,
    DESIGN,
    EARNER,
    EDIT,
    EDITOR,
    INVITATION,
    LOGIN,
    NETWORK,
    NETWORK_AREA,
    OWNER,
    PEER_RULE,
    PUBLIC_PAGE,
    REGISTRATION,
    REVIEWER,
    SPACE,
    VAE,
    VIEWER,
    WORKSHOP,
    Rule,
    actors,
    assert_documented_401,
    assert_sent_to_login,
    authorize_query,
    badge_file,
    bearer,
    claim_form,
    claim_link_form,
    client,
    confirm_batch,
    consent,
    errors_told,
    expected,
    explain,
    join_network,
    login_link,
    network_invite,
    oauth,
    own,
    pathway_badge_form,
    pathway_step_form,
    pathway_sub_step_form,
    person,
    public,
    read,
    record_file,
    refresh_grant,
    revocation,
    send,
    signed_in,
    space,
    spreadsheet,
    staff,
    url_routes,
    validator,
    verify_form,
)
from tests.blason.access_world import AccessWorld, shared_world

pytestmark = pytest.mark.django_db

# fmt: off
RULES: dict[str, Rule] = {
    # Public documents and pages (stable addresses that go into issued badges)
    "healthz": public(),
    "issuer_profile": public(),
    "issuer_did": public(),
    "issuer_key": public(),
    "issuer_jwks": public(),
    "issuer_ob2": public(),
    "issuer_ob2_key": public(args={"fragment": "rsa_fragment"}),
    "issuer_status_list": public(),
    "issuer_ob2_revocations": public(),
    "badge_public": public(),
    # pathways: published ones for everyone, the editor and statistics in the space
    "pathways:public": public(),
    "pathways:public_json": public(),
    "pathways:follow": signed_in(post={}),
    "pathways:list": space(VIEWER),
    "pathways:new": space(EDITOR, submit={"name": "Vers la cuisine", "public": "on"}),
    "pathways:detail": space(VIEWER),
    "pathways:edit": space(EDITOR, submit={"name": "Vers l'accueil", "public": "on"}),
    "pathways:status": space(EDITOR, post={"action": "publish"}),
    "pathways:requirement_add": space(EDITOR, post=pathway_badge_form),
    "pathways:step_add": space(EDITOR, post=pathway_sub_step_form),
    "pathways:step_edit": space(EDITOR, post=pathway_step_form),
    "pathways:requirement_remove": space(EDITOR, post={}),
    "pathways:stats": space(AWARDER),
    "pathways:export": space(AWARDER),
    "pathways:milestone_decide": space(AWARDER, post={"keep": "yes"}),
    "badge_ob2": public(),
    "badge_image": public(),
    "award_public": public(),
    "award_ob2": public(),
    "award_ob2_image": public(),
    "award_ob2_jws": public(),
    "award_vc_jwt": public(),
    "award_verify": public(),
    "evidence_file": public(),
    "award_preview": public(),
    "award_image": public(args={"extension": "=svg"}),
    # accounts
    "accounts:settings": signed_in(submit={"display_name": "Inès", "language": "fr"}),
    "accounts:set_language": public(post={"language": "en"}),
    # Signed in: to the dashboard. A wrong sign-in link: its own page, 400.
    "accounts:login_link": public(outsider=302, submit={"email": EARNER}, submitted=200),
    "accounts:login_link_confirm": bearer("token", query=login_link, wrong=400, submit={}),
    "accounts:delete": signed_in(submit={"confirm": "DELETE"}),
    "accounts:phone_remove": signed_in(post={}),
    # guardians: children's accounts and their parents (tests/blason/test_guardians.py runs the
    # pages a session opens: a held child's waiting page, a parent's view of the accounts).
    "guardians:start": public(submit={"contact": "parent@example.org"}, submitted=200),
    # No held account in the session: visitors sign in, people signed in go home.
    "guardians:held": signed_in(ok=302),
    # A wrong link is told as such: 400.
    "guardians:consent": bearer(
        "token", args={"token": "consent_token"}, wrong=400, submit={"decision": "agree"}
    ),
    "guardians:open": bearer(
        "token", args={"token": "guardian_access_token"}, wrong=400, submit={}
    ),
    # Without a parent's link opened in this browser: to the parents' page, or 404.
    "guardians:children": public(ok=302),
    "guardians:child_delete": public(ok=404),
    # jobs: the pickers' suggestions (the public ROME and places referentials), where to look
    # for offers, and a
    # counsellor's view of the local offers for a person their space awarded badges
    # (tests/blason/test_jobs.py checks a space that awarded nothing gets 404).
    "jobs:occupation_options": public(query={"q": "accueil"}),
    "jobs:place_options": public(query={"q": "lille"}),
    # where a person looks for offers (anyone: kept in the session, and on the account when
    # signed in; tests/blason/test_pathways_offers.py)
    "jobs:offers_place": public(submit={"place": "Nord (département 59)", "distance": "10"}),
    "jobs:person_offers": space(REVIEWER, args={"person_uuid": "earner_uuid"}),
    # api: Open Badges 3.0, Badge Connect, OAuth
    "api:discovery": public(),
    "api:credentials": oauth("imsx"),
    "api:profile": oauth("imsx"),
    "api:badgeconnect_manifest": public(),
    "api:badgeconnect_assertions": oauth("badge_connect"),
    "api:badgeconnect_profile": oauth("badge_connect"),
    "api:register": public(post=REGISTRATION, ok=201),
    "api:authorize": signed_in(query=authorize_query, submit=consent),  # 302: to the application
    "api:token": client(post=refresh_grant, ok=200),
    "api:revoke": client(post=revocation, ok=200),
    "api:about": public(),
    "api:disconnect": own(post={}),
    # verification
    "verification:verify": public(submit=verify_form, submitted=200),
    # backpack
    "backpack:claim_enter": public(submit=lambda w: {"code": w.values["code"]}),
    "backpack:claim": bearer("code", submit={}, submit_as="earner"),
    "backpack:claim_certificate": bearer("code"),
    "backpack:public_profile": public(args={"slug": "profile_slug"}),
    "backpack:shared": public(submit={}, submitted=200),  # checked again
    "backpack:shared_image": public(),
    "backpack:shared_preview": public(),
    "backpack:shared_download": public(),
    "backpack:list": signed_in(),
    "backpack:profile_settings": signed_in(submit=PUBLIC_PAGE),
    "backpack:import": signed_in(submit=badge_file),
    "backpack:export": signed_in(),
    "backpack:cv": signed_in(),
    "backpack:identities": signed_in(),
    "backpack:questions": signed_in(),
    "backpack:question_answer": own(post={"answer": "no"}),
    "backpack:item": own(),
    "backpack:item_check": own(post={}),
    "backpack:item_note": own(post={"note": "Mon premier badge d'ailleurs."}),
    "backpack:item_visibility": own(post={"hidden": "1"}),
    "backpack:item_public": own(post={"public": "0"}),
    "backpack:item_collections": own(post={}),
    "backpack:item_remove": own(submit={}),
    "backpack:item_image": own(),
    "backpack:item_certificate": own(),
    "backpack:item_download": own(),
    "backpack:collections": signed_in(submit={"name": "Bénévolat"}),
    "backpack:collection": own(submit={"name": "Mes engagements 2026"}),
    "backpack:collection_delete": own(submit={}),
    "backpack:collection_public": own(post={"public": "0"}),
    "backpack:collection_move": own(post={"direction": "up"}),
    "backpack:entry_move": own(post={"direction": "up"}),
    "backpack:entry_remove": own(post={}),
    # records: the learner record (CLR 2.0), VAE files and counsellors' links
    "records:home": signed_in(),
    "records:record": signed_in(),
    "records:annex": signed_in(),
    "records:import": signed_in(submit=record_file),
    "records:dossier_new": signed_in(submit=VAE),
    "records:dossier": own(submit={"save": "1"}),
    "records:dossier_pdf": own(),
    "records:dossier_zip": own(),
    "records:dossier_delete": own(submit={}),
    "records:link_create": own(post={"label": "Conseillère", "days": "7"}),
    "records:link_revoke": own(post={}, args={"link_uuid": "counsellor_link_uuid"}),
    "records:counsellor": bearer("token", args={"token": "counsellor_token"}),
    "records:counsellor_pdf": bearer("token", args={"token": "counsellor_token"}),
    # peers: join links, workshops, badge requests
    "peers:join": bearer("token", args={"token": "join_token"}, submit={}, submit_as="earner"),
    "peers:join_link": space(EDITOR),
    "peers:join_link_new": space(EDITOR, post={}),
    "peers:join_link_off": space(EDITOR, post={}),
    "peers:feed": space(VIEWER),
    "peers:workshops": space(VIEWER),
    "peers:workshop_new": space(EDITOR, submit=WORKSHOP),
    "peers:workshop": space(VIEWER),
    "peers:live": space(VIEWER, headers={"HX-Request": "true"}),
    "peers:map": space(VIEWER),
    "peers:projector": space(VIEWER),
    "peers:propose": space(VIEWER, post={"text": "Sourit aux gens"}),
    "peers:show_name": space(VIEWER, post={"show_name": "on"}),
    "peers:group_add": space(EDITOR, post={"name": "Accueil"}),
    "peers:group_rename": space(EDITOR, post={"name": "Soins et accueil"}),
    "peers:group_remove": space(EDITOR, post={}),
    "peers:vote": space(VIEWER, post={"choice": "keep"}),  # the viewer wrote the criterion
    "peers:comment": space(VIEWER, post={"text": "D'accord avec ça."}),
    "peers:criterion_edit": space(VIEWER, post={"text": "Écoute active"}),
    "peers:criterion_withdraw": space(VIEWER, post={}),
    "peers:close": space(EDITOR, post={}),
    "peers:reopen": space(EDITOR, post={}, args={"workshop_uuid": "closed_workshop_uuid"}),
    "peers:validate": space(EDITOR, post={}, args={"workshop_uuid": "closed_workshop_uuid"}),
    "peers:request_new": public(submit={"description": "J'ai aidé."}, submit_as="outsider"),
    "peers:poster": public(),
    "peers:my_requests": signed_in(),
    "peers:my_request": own(),
    "peers:my_request_withdraw": own(post={}),
    "peers:request_file": validator(),  # and its requester (test_peers_request_views.py)
    "peers:to_validate": signed_in(),
    "peers:request": validator(submit=ANSWER),
    "peers:space_requests": space(EDITOR),
    "peers:rules": space(VIEWER),
    "peers:rule_edit": space(EDITOR, submit=PEER_RULE),
    "peers:poster_pdf": space(VIEWER),
    # core: home, spaces, members, operators
    "core:home": public(outsider=302),  # signed in: to the dashboard
    "core:dashboard": signed_in(),
    "core:abuse_report": public(submit={"message": "Je n'ai rien demandé."}, submitted=200),
    "core:operator_mail": staff(),
    "core:operator_trust": staff(post={"trusted": "1"}, args={"issuer_uuid": "other_issuer_uuid"}),
    "core:space_create": signed_in(submit={**SPACE, "kind": "community", "name": "Collectif"}),
    "core:personal_space": signed_in(post={}),
    # Bound to the address it was sent to: others signed in are told so (403).
    "core:invitation": bearer("token", args=INVITATION, outsider=403, holder="invitee", submit={}),
    "core:space_settings": space(OWNER, submit=SPACE),
    "core:issuer_members": space(VIEWER),
    "core:member_invite": space(OWNER, post={"email": "new@example.org", "role": VIEWER}),
    "core:member_role": space(OWNER, post={"role": REVIEWER}),
    "core:member_remove": space(OWNER, post={}),
    "core:invitation_cancel": space(OWNER, post={}, args=INVITATION),
    "core:issuer_activity": space(OWNER),
    # insights: dashboards (space members, operators), a person's territory statistics choice
    "insights:issuer": space(VIEWER),
    "insights:issuer_monthly_csv": space(VIEWER),
    "insights:issuer_top_csv": space(VIEWER),
    "insights:site": staff(),
    "insights:site_monthly_csv": staff(),
    "insights:site_top_csv": staff(),
    "insights:refresh": staff(post={}),
    "insights:territory": signed_in(submit={"opted_out": "on"}),
    # insights: the skills map (space members, operators) and its tables as CSV
    "insights:issuer_skills": space(VIEWER),
    "insights:issuer_skills_competences_csv": space(VIEWER),
    "insights:issuer_skills_territories_csv": space(VIEWER),
    "insights:site_skills": staff(),
    "insights:site_skills_competences_csv": staff(),
    "insights:site_skills_territories_csv": staff(),
    "insights:issuer_report": space(VIEWER),
    "insights:site_report": staff(),
    # exports: a space's export and import (owners), the open data of the skills map
    # Its form imports a whole export into an empty space: tests/blason/test_exports_archive.py
    # sends it (``upload``), as the owner, and checks what it made.
    "exports:space": space(OWNER),
    "exports:space_json": space(OWNER),
    "exports:space_open_data": space(VIEWER),
    "exports:site_open_data": public(),
    # issuing: the space, badges, awards, batches, claim links
    "issuing:space": space(VIEWER),
    "issuing:badge_new": space(EDITOR, submit=DESIGN),
    "issuing:image_preview": space(EDITOR),
    "issuing:markdown_preview": space(EDITOR, post={"description": "**Bravo**"}, ok=200),
    "issuing:badge_edit": space(EDITOR, submit=EDIT),
    "issuing:award_new": space(AWARDER, post={"name": "Yanis Moreau"}),
    "issuing:badge": space(VIEWER),
    "issuing:award_list": space(REVIEWER),
    "issuing:award_revoke": space(AWARDER, post={"reason": "Attribué par erreur"}),
    "issuing:badge_status": space(EDITOR, post={"status": "archived"}),
    "issuing:batch_upload": space(AWARDER, submit=spreadsheet),
    "issuing:batch_list": space(REVIEWER),
    "issuing:batch_template": space(VIEWER),
    "issuing:batch_detail": space(REVIEWER),
    "issuing:batch_progress": space(REVIEWER),
    "issuing:batch_columns": space(AWARDER, post={"name": "0", "phone": "1"}),
    "issuing:batch_confirm": space(AWARDER, post={"language": "fr"}),
    "issuing:batch_cancel": space(AWARDER, post={}, prepare=confirm_batch),
    "issuing:batch_resume": space(AWARDER, post={}, args={"batch_uuid": "cancelled_batch_uuid"}),
    "issuing:batch_discard": space(AWARDER, post={}),
    "issuing:batch_problems": space(AWARDER),
    "issuing:batch_codes": space(AWARDER, args={"batch_uuid": "done_batch_uuid"}),
    "issuing:batch_codes_csv": space(AWARDER, args={"batch_uuid": "done_batch_uuid"}),
    "issuing:claim_page": bearer("token", args={"token": "claim_token"}, submit=claim_form),
    "issuing:claim_status": bearer("claim_uuid", args={"token": "claim_token"}),
    "issuing:claim_link_new": space(AWARDER, submit=claim_link_form),
    "issuing:claim_link_list": space(AWARDER),
    "issuing:claim_link_detail": space(AWARDER),
    "issuing:claim_link_edit": space(AWARDER, submit=claim_link_form),
    "issuing:claim_link_active": space(AWARDER, post={"active": "0"}),
    "issuing:claim_link_poster": space(AWARDER),
    "issuing:claim_link_qr": space(AWARDER, args={"extension": "=png"}),
    "issuing:claims_approve": space(AWARDER, post={"everyone": "1"}),
    "issuing:claim_approve": space(AWARDER, post={}),
    "issuing:claim_refuse": space(AWARDER, post={"reason": "Absente ce jour-là"}),
    # networks: the public page and signed lists; coordinators (the network's space, editors
    # act) and member spaces (owners answer)
    "networks:create": signed_in(submit=NETWORK),
    "networks:public": public(args={"issuer_uuid": "network_uuid"}),
    "networks:list": public(args={"issuer_uuid": "network_uuid"}),
    "networks:registry": public(args={"issuer_uuid": "network_uuid"}),
    "networks:coordinate": space(VIEWER, args={"slug": "network_slug"}),
    "networks:invite": space(EDITOR, post=network_invite, args={"slug": "network_slug"}),
    "networks:area": space(EDITOR, post=NETWORK_AREA, args={"slug": "network_slug"}),
    "networks:remove": space(EDITOR, post={}, args={"slug": "network_slug"}),
    "networks:memberships": space(VIEWER),
    "networks:accept": space(OWNER, post={}),
    "networks:decline": space(OWNER, post={"comment": "Pas maintenant"}),
    "networks:leave": space(OWNER, post={}, prepare=join_network),
    "networks:catalogue": public(args={"issuer_uuid": "network_uuid"}),
    "networks:share": space(
        EDITOR, post=lambda w: {"badge": w.values["shareable_uuid"]}, args={"slug": "network_slug"}
    ),
    "networks:take_up": space(EDITOR, post={}, prepare=join_network),
    "networks:endorsements": space(VIEWER),
    "networks:endorsement_ask": space(
        EDITOR, post=lambda w: {"what": "issuer", "endorser": w.values["network_uuid"]}
    ),
    "networks:endorse": space(
        EDITOR,
        post=lambda w: {"subject": f"/issuers/{w.values['other_issuer_uuid']}", "comment": "Oui"},
    ),
    "networks:endorsement_accept": space(EDITOR, post={"comment": "Conforme."}),
    "networks:endorsement_decline": space(EDITOR, post={}),
    "networks:endorsement_withdraw": space(EDITOR, post={}),
    "networks:endorsement_ob2": public(args={"endorsement_uuid": "given_endorsement_uuid"}),
}
# fmt: on

# Routes that are not Blason's views: django-allauth's account pages (its own tests cover
# them; Blason only styles them) and the media files served from local storage (Django's
# ``static.serve``, in the URLconf only when ``SERVE_MEDIA``).
MEDIA = "^media/(?P<path>.+)$"
EXCEPTIONS = {
    "account_login",
    "account_logout",
    "account_inactive",
    "account_signup",
    "account_reauthenticate",
    "account_email",
    "account_email_verification_sent",
    "account_change_password",
    "account_set_password",
    "account_reset_password",
    "account_confirm_login_code",
    "account_confirm_email",
    "account_reset_password_from_key_done",
    "account_reset_password_from_key",
    "account_reset_password_done",
    "account_request_login_code",
    "account_verify_phone",
    "account_change_phone",
    MEDIA,
}

CASES = [(name, actor) for name, rule in RULES.items() for actor in actors(name, rule)]


def test_every_route_has_a_rule() -> None:
    unclassified = sorted(set(url_routes()) - set(RULES) - EXCEPTIONS)
    gone = sorted((set(RULES) | EXCEPTIONS) - set(url_routes()) - {MEDIA})
    assert (unclassified, gone) == ([], []), (
        f"Routes to give an access rule in RULES ({__name__}): {unclassified}; "
        f"rules or exceptions naming routes no longer in the URL configuration: {gone}"
    )


def test_only_other_projects_views_are_exceptions() -> None:
    ours = sorted(
        key
        for key in EXCEPTIONS & set(url_routes())
        if url_routes()[key].module.startswith("blason.")
    )
    assert not ours, f"Blason's own views need a rule, not an exception: {ours}"


@pytest.fixture(scope="module")
def access_world(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[AccessWorld]:
    yield from shared_world(django_db_blocker, tmp_path_factory.mktemp("access"))


@pytest.fixture(autouse=True)
def _media_root() -> None:
    """The world's files stay where it was built (``access_world``), not a folder per test
    (replaces the autouse fixture of ``tests/conftest.py``)."""


@pytest.mark.parametrize(("name", "actor"), CASES, ids=[f"{n}-{a}" for n, a in CASES])
def test_access(access_world: AccessWorld, name: str, actor: str) -> None:
    rule = RULES[name]
    if rule.prepare is not None:
        rule.prepare(access_world)
    browser = Client()
    who = person(access_world, rule, actor)
    if who is not None:
        browser.force_login(who)
    response = send(browser, name, rule, access_world, actor)
    body = read(response)
    want = expected(rule, actor)
    if want == LOGIN:
        assert_sent_to_login(response)
        return
    assert response.status_code == want, explain(response, body)
    if want == 401:
        assert_documented_401(rule, response)
    if response.status_code == 302:
        assert urlsplit(response["Location"]).path != reverse("account_login")
    if actor in ("right", "holder", "submit") or want == rule.ok:
        assert not errors_told(response)
