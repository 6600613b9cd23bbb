"""What people and issuers see of a pathway beyond the engine (issue 15, point 3), and the
editor's defaults (point 1): "Pathways to discover", the next step first, a claimed badge
counted, the public page counting public badges only, who is one badge away, the CSV export,
the editor's single "n of m" step with sub-steps on demand, an archived pathway withdrawn."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.urls import reverse

from blason.backpack import claims as backpack_claims
from blason.backpack import profiles
from blason.backpack.models import Item
from blason.issuing.awarding import services as awards
from blason.pathways import services
from blason.pathways.models import Pathway, Progress, Rule, Step
from tests.blason.pathways_fixtures import (  # noqa: F401 - the fixture
    award_to,
    tasks_run_at_once,
    two_of_three,
)
from tests.factories import BadgeFactory

pytestmark = pytest.mark.django_db
EN = {"headers": {"accept-language": "en"}}


def test_a_pathway_to_discover_then_followed_with_its_next_step_first(
    client: Any, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    p = two_of_three(world)
    bob = world.member
    award_to(p.a, bob, django_capture_on_commit_callbacks)
    client.force_login(bob)
    page = client.get(reverse("backpack:list"), **EN).text
    assert "Pathways to discover" in page
    assert "you hold 1 of its 3 badges" in page
    assert 'class="card pathway-card"' not in page  # not followed yet
    client.post(reverse("pathways:follow", args=[p.pathway.uuid]))
    page = client.get(reverse("backpack:list"), **EN).text
    assert "Pathways to discover" not in page
    card = page[page.index('class="card pathway-card"') :]
    assert '<span class="pathway-count">1 / 2</span>' in card
    # The next step comes first, with its "how to get it" link, before the list of badges.
    assert card.index("Next step:") < card.index('class="pathway-entry')
    assert "Étape B" in card[card.index("Next step:") : card.index('class="pathway-entry')]
    assert 'href="https://example.org/how"' in card


def test_a_claimed_badge_counts(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    """An award sent by SMS and claimed with its code: the claim moves the progress."""
    p = two_of_three(world)
    bob = world.member
    with django_capture_on_commit_callbacks(execute=True):
        award = awards.award_issue(badge=p.a, actor=world.admin, phone="+33612345678", name="Bob")
    assert not Progress.objects.filter(user=bob).exists()  # nobody knows it is Bob's yet
    with django_capture_on_commit_callbacks(execute=True):
        backpack_claims.claim_award(user=bob, code=award.claim_code or "")
    row = Progress.objects.get(pathway=p.pathway, user=bob)
    assert (row.done, row.needed, row.held) == (1, 2, 1)


def test_the_public_page_counts_public_badges_only(
    client: Any, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    p = two_of_three(world)
    bob = world.member
    award_to(p.a, bob, django_capture_on_commit_callbacks)
    services.pathway_follow(pathway=p.pathway, user=bob)
    profile = profiles.profile_save(user=bob, enabled=True, name="Bob", slug="bob")
    url = reverse("backpack:public_profile", args=[profile.slug])
    name = p.pathway.name.replace("'", "&#x27;")
    assert name not in client.get(url, **EN).text  # his badge is private: nothing shown
    profiles.item_set_public(item=Item.objects.get(owner=bob), public=True)
    page = client.get(url, **EN).text
    assert name in page
    assert 'value="1"' in page  # the progress bar: one of the two badges needed


def test_one_badge_away_and_the_csv_export(
    client: Any, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    p = two_of_three(world)
    bob, charlie = world.member, world.outsider
    for person in (bob, charlie):
        award_to(p.a, person, django_capture_on_commit_callbacks)
    services.pathway_follow(pathway=p.pathway, user=bob)  # Charlie does not follow it
    client.force_login(world.admin)
    stats = client.get(reverse("pathways:stats", args=[world.org_a.slug, p.pathway.uuid]), **EN)
    away = stats.text[stats.text.index("One badge away") :]
    assert "Bob (1 / 2)" in away
    assert "Charlie" not in away  # only followers are the issuer's to look at
    export = client.get(reverse("pathways:export", args=[world.org_a.slug, p.pathway.uuid]), **EN)
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows == [
        ["Name", "Requirements met", "Requirements needed", "Completed on"],
        ["Bob", "1", "2", ""],
    ]
    award_to(p.b, bob, django_capture_on_commit_callbacks)
    export = client.get(reverse("pathways:export", args=[world.org_a.slug, p.pathway.uuid]), **EN)
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[1][:3] == ["Bob", "2", "2"]
    assert rows[1][3]  # the day it was completed


def test_the_editor_starts_with_one_n_of_m_step_and_adds_sub_steps_on_demand(
    client: Any, world: Any
) -> None:
    client.force_login(world.admin)
    slug = world.org_a.slug
    answer = client.post(
        reverse("pathways:new", args=[slug]),
        {"name": "Vers la cuisine", "description": "", "public": "on", "required": "2"},
    )
    assert answer.status_code == 302
    pathway = Pathway.objects.get(name="Vers la cuisine")
    (root,) = pathway.steps.all()
    assert (root.rule, root.required, root.parent_id) == (Rule.N_OF, 2, None)
    page = client.get(reverse("pathways:detail", args=[slug, pathway.uuid]), **EN).text
    assert "Vers la cuisine" in page
    milestone = BadgeFactory(issuer=world.org_a, name="Jalon")
    client.post(
        reverse("pathways:step_add", args=[slug, pathway.uuid, root.uuid]),
        {
            f"n{root.pk}-name": "Hygiène",
            f"n{root.pk}-rule": Rule.ALL,
            f"n{root.pk}-milestone_badge": str(milestone.pk),
            f"n{root.pk}-how_to_url": "https://example.org/hygiene",
        },
    )
    child = Step.objects.get(pathway=pathway, parent=root)
    assert (child.name, child.rule, child.milestone_badge) == ("Hygiène", Rule.ALL, milestone)


def test_an_archived_pathway_is_withdrawn(client: Any, world: Any) -> None:
    p = two_of_three(world)
    url = reverse("pathways:public", args=[p.pathway.uuid])
    assert client.get(url).status_code == 200
    services.pathway_archive(pathway=p.pathway, actor=world.admin)
    assert client.get(url).status_code == 404
    assert client.get(reverse("pathways:public_json", args=[p.pathway.uuid])).status_code == 404
    page = client.get(reverse("badge_public", args=[p.a.uuid])).text
    assert p.pathway.name.replace("'", "&#x27;") not in page


def test_a_person_known_by_phone_only_gets_the_completion_badge_by_sms(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from blason.accounts.models import User
    from blason.core import sms
    from blason.issuing.models import Award

    p = two_of_three(world)
    number = "+33611223344"
    samir = User.objects.create_user(
        None, "pw-not-used", phone=number, phone_verified=True, display_name="Samir"
    )
    for badge in (p.a, p.b):
        with django_capture_on_commit_callbacks(execute=True):
            award = awards.award_issue(badge=badge, actor=world.admin, phone=number, name="Samir")
        with django_capture_on_commit_callbacks(execute=True):
            backpack_claims.claim_award(user=samir, code=award.claim_code or "")
    (completion,) = Award.objects.filter(badge=p.done)
    assert (completion.recipient_phone, completion.recipient_email) == (number, "")
    told = [message for message in sms.outbox if p.done.name in message.body]
    assert len(told) == 1  # the step badges' SMS gave a code; this one says where it is
    assert told[0].to == number
    assert told[0].body == (
        'Bravo Samir ! Organisation A vous a décerné le badge "Parcours accueil" '
        '(parcours "Vers l\'accueil"). Il est déjà dans votre sac à badges : '
        "http://testserver/backpack/"
    )
    assert sms.is_gsm7(told[0].body)
    assert completion.backpack_items.filter(owner=samir).exists()


def test_a_counsellor_sees_the_occupations_of_the_pathways_followed(
    client: Any, world: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    from blason.jobs import selectors as jobs

    settings.JOB_OFFERS_PROVIDER = "fixtures"
    p = two_of_three(world)  # organisation A's, leads to M1601; its badges name no occupation
    bob = world.member
    award_to(p.a, bob, django_capture_on_commit_callbacks)
    assert jobs.held_occupations(bob, issuer=world.org_a) == []  # not followed yet
    services.pathway_follow(pathway=p.pathway, user=bob)
    theirs = BadgeFactory(issuer=world.org_b, name="Réception")
    elsewhere = services.pathway_create(
        issuer=world.org_b, actor=world.outsider, name="Vers l'hôtellerie", occupations=["G1703"]
    )
    services.requirement_add_badge(step=elsewhere.steps.get(), actor=world.outsider, badge=theirs)
    services.pathway_publish(pathway=elsewhere, actor=world.outsider)
    services.pathway_follow(pathway=elsewhere, user=bob)
    seen = jobs.held_occupations(bob, issuer=world.org_a)
    assert [(item.occupation.code, item.badges) for item in seen] == [
        ("M1601", ["Vers l'accueil"])
    ]  # organisation B's pathway is not organisation A's to see
    everything = jobs.held_occupations(bob)
    assert {item.occupation.code for item in everything} == {"M1601", "G1703"}
    client.force_login(world.admin)
    url = reverse("jobs:person_offers", args=[world.org_a.slug, bob.uuid])
    page = client.get(url, {"place": "Lille, Nord (59350)", "distance": "20"}, **EN).text
    assert "Occupations of their badges and pathways" in page
    assert "Vers l&#x27;accueil" in page
    assert "6 offers near Lille, Nord (59350)" in page
    assert "hôtellerie" not in page


SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120" viewBox="0 0 120 120">'
    b'<script>alert(1)</script><circle cx="60" cy="60" r="50" fill="#17622f"/></svg>'
)


def test_the_pathway_image_is_uploaded_cleaned_and_shown(client: Any, world: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.admin)
    slug = world.org_a.slug
    refused = client.post(
        reverse("pathways:new", args=[slug]),
        {
            "name": "Vers la cuisine",
            "public": "on",
            "image": SimpleUploadedFile("notes.txt", b"not an image", "text/plain"),
        },
        **EN,
    )
    assert refused.status_code == 400
    assert "Upload a PNG or SVG image." in refused.text
    assert not Pathway.objects.exists()
    client.post(
        reverse("pathways:new", args=[slug]),
        {
            "name": "Vers la cuisine",
            "public": "on",
            "image": SimpleUploadedFile("logo.svg", SVG, "image/svg+xml"),
        },
    )
    pathway = Pathway.objects.get()
    assert pathway.image.name.endswith(".svg")
    with pathway.image.open("rb") as handle:
        stored = handle.read()
    assert b"<circle" in stored
    assert b"<script" not in stored  # cleaned as a badge image is
    badge = BadgeFactory(issuer=world.org_a, name="Hygiène")
    services.requirement_add_badge(step=pathway.steps.get(), actor=world.admin, badge=badge)
    services.pathway_publish(pathway=pathway, actor=world.admin)
    page = client.get(reverse("pathways:public", args=[pathway.uuid])).text
    assert f'src="{pathway.image.url}"' in page
    # Editing without a new image keeps it.
    before = pathway.image.name
    client.post(
        reverse("pathways:edit", args=[slug, pathway.uuid]),
        {"name": "Vers les cuisines", "public": "on"},
    )
    pathway.refresh_from_db()
    assert (pathway.name, pathway.image.name) == ("Vers les cuisines", before)
