"""The designer's texts in two languages, Markdown and alignments, from the form to the public
pages and into the signed credential."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.urls import reverse

from blason.core.exceptions import ActionRefused
from blason.core.models import AuditEntry
from blason.issuing.awarding import services as awards
from blason.issuing.badges import services
from blason.issuing.documents.local_fetch import LocalFetcher
from blason.issuing.models import BadgeClass
from obcore.verify import State, verify_credential
from tests.blason.test_badge_designer import DESIGN
from tests.conftest import message_text

pytestmark = pytest.mark.django_db

ESCO_SKILL = "http://data.europa.eu/esco/skill/0fd7bc6b-9c2c-4a4b-9b11-5b8f0f0b0f4e"
TRANSLATION = {
    "translation_name": "Mutual help",
    "translation_description": "Helps **other members**.",
    "translation_criteria_items": "Offers help\nExplains without doing it for them",
    "translation_criteria": "Observed by two peers.",
}


def links(*rows: dict[str, str], initial: int = 0) -> dict[str, str]:
    data = {"alignments-TOTAL_FORMS": str(len(rows)), "alignments-INITIAL_FORMS": str(initial)}
    for index, row in enumerate(rows):
        data.update({f"alignments-{index}-{key}": value for key, value in row.items()})
    return data


def design(**extra: str) -> dict[str, str]:
    return {
        **DESIGN,
        "description": "Aide **les autres** membres.\n\n- écoute\n- explique",
        **TRANSLATION,
        **links(
            {"code": "M1607", "name": ""},
            {"kind": "RNCP", "code": "34826", "name": "Titre professionnel"},
            {"code": ESCO_SKILL, "name": "travailler en équipe"},
            {"kind": "other", "name": "Référentiel maison", "url": "https://example.org/ref"},
            {},
        ),
        **extra,
    }


def new_url(world: Any) -> str:
    return reverse("issuing:badge_new", args=[world.org_a.slug])


def test_create_with_translation_and_alignments(client: Any, world: Any) -> None:
    client.force_login(world.admin)
    page = client.get(new_url(world), HTTP_ACCEPT_LANGUAGE="en")
    assert 'name="alignments-TOTAL_FORMS"' in page.text
    assert "Translation into English (optional)" in page.text
    assert 'lang="en"' in page.text  # what is typed in the translation is English
    response = client.post(new_url(world), design())
    assert response.status_code == 302, response.text
    badge = BadgeClass.objects.get(name="Entraide")
    assert badge.language == "fr"
    assert badge.translations == {
        "en": {
            "name": "Mutual help",
            "description": "Helps **other members**.",
            "criteria_items": ["Offers help", "Explains without doing it for them"],
            "criteria": "Observed by two peers.",
        }
    }
    assert [(a["framework"], a["code"], a["type"]) for a in badge.alignments] == [
        ("ROME", "M1607", "ext:Occupation"),
        ("RNCP", "RNCP34826", "ext:Certification"),
        ("ESCO", "0fd7bc6b-9c2c-4a4b-9b11-5b8f0f0b0f4e", "ext:Skill"),
        ("", "", ""),
    ]
    assert badge.alignments[0]["url"] == (
        "https://candidat.francetravail.fr/metierscope/fiche-metier/M1607"
    )
    entry = AuditEntry.objects.get(action="issuing.badge.created")
    assert entry.target_id == str(badge.pk) or entry.data["name"] == "Entraide"


def test_english_badge_translated_into_french(client: Any, world: Any) -> None:
    client.force_login(world.admin)
    data = design(language="en", name="Mutual help", translation_name="Entraide")
    data.update(links())
    assert client.post(new_url(world), data).status_code == 302
    badge = BadgeClass.objects.get(name="Mutual help")
    assert badge.language == "en"
    assert list(badge.translations) == ["fr"]
    assert badge.translations["fr"]["name"] == "Entraide"
    assert badge.alignments == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"alignments-0-kind": "ROME", "alignments-0-code": "M16"}, "is not a ROME code"),
        ({"alignments-0-code": "M16"}, "is not a code Blason knows"),
        ({"alignments-1-code": "RNCP12X"}, "is not a valid RNCP number"),
        ({"alignments-2-name": ""}, "as ESCO writes it"),
        ({"alignments-3-url": "javascript:alert(1)"}, "Give a full web address"),
        ({"alignments-3-name": ""}, "Give a name to this link."),
        ({"alignments-4-kind": "ROME"}, "Give the ROME code, for example M1607."),
        ({"alignments-1-code": "M1607", "alignments-1-kind": ""}, "already in the list"),
        ({"translation_description": ""}, "or leave the translation empty"),
        ({"translation_name": "", "translation_criteria": ""}, "or leave the translation"),
        ({"language": "de"}, "Select a valid choice"),
        ({"description": "x" * 5001}, "5000"),
        ({"alignments-TOTAL_FORMS": "21"}, "At most 20 links per badge."),
    ],
)
def test_wrong_input_is_explained_and_nothing_is_saved(
    client: Any, world: Any, changes: dict[str, str], message: str
) -> None:
    client.force_login(world.admin)
    data = design(**changes)
    if changes.get("alignments-TOTAL_FORMS") == "21":
        data.update(links(*({"code": f"RS{n}"} for n in range(1, 22))))
    before = BadgeClass.objects.count()
    response = client.post(new_url(world), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.text.replace("&quot;", '"').replace("&#x27;", "'")
    assert BadgeClass.objects.count() == before


def test_a_form_without_its_link_rows_is_refused(client: Any, world: Any) -> None:
    client.force_login(world.admin)
    data = {k: v for k, v in design().items() if not k.startswith("alignments-")}
    assert client.post(new_url(world), data).status_code == 400
    assert not BadgeClass.objects.filter(name="Entraide").exists()


def test_translation_section_opens_on_errors(client: Any, world: Any) -> None:
    client.force_login(world.admin)
    closed = client.get(new_url(world))
    assert re.search(r"<details class=\"translation\"[^>]*\bopen\b", closed.text) is None
    refused = client.post(new_url(world), design(translation_criteria=""))
    assert re.search(r"<details class=\"translation\"[^>]*\bopen\b", refused.text)


def test_edit_shows_and_changes_translation_and_alignments(client: Any, world: Any) -> None:
    client.force_login(world.admin)
    client.post(new_url(world), design())
    badge = BadgeClass.objects.get(name="Entraide")
    edit = reverse("issuing:badge_edit", args=[world.org_a.slug, badge.uuid])
    page = client.get(edit)
    assert page.status_code == 200
    assert 'value="Mutual help"' in page.text
    # The ROME job is ticked in the jobs picker; the other links are rows.
    assert 'name="occupations" value="M1607" checked' in page.text
    assert 'value="RNCP34826"' in page.text
    assert f'value="{ESCO_SKILL}"' in page.text  # ESCO is edited by its address
    assert 'name="alignments-INITIAL_FORMS" value="3"' in page.text
    assert 'name="alignments-TOTAL_FORMS" value="4"' in page.text  # one blank row to add
    data = {
        **design(),
        **TRANSLATION,
        "translation_name": "Helping each other",
        **links(  # M1607 untick in the picker: not sent
            {"kind": "RNCP", "code": "RNCP34826"},
            {"kind": "ESCO", "code": ESCO_SKILL, "name": "travailler en équipe"},
            {"kind": "other", "name": "Référentiel", "url": "https://example.org/ref", "code": ""},
            {"kind": "", "code": "RS5063", "name": "", "url": ""},
            initial=3,
        ),
    }
    assert client.post(edit, data).status_code == 302
    badge.refresh_from_db()
    assert badge.translations["en"]["name"] == "Helping each other"
    assert [a["code"] for a in badge.alignments] == [
        "RNCP34826",
        "0fd7bc6b-9c2c-4a4b-9b11-5b8f0f0b0f4e",
        "",
        "RS5063",
    ]
    # Emptying the translation removes it.
    cleared = {**data, **dict.fromkeys(TRANSLATION, "")}
    assert client.post(edit, cleared).status_code == 302
    badge.refresh_from_db()
    assert badge.translations == {}
    updated = AuditEntry.objects.filter(action="issuing.badge.updated").first()
    assert updated is not None
    assert "translations" in updated.data["fields"]


def test_save_and_add_another_link_without_javascript(client: Any, world: Any) -> None:
    client.force_login(world.admin)
    response = client.post(new_url(world), design(add_alignment="1"))
    badge = BadgeClass.objects.get(name="Entraide")
    edit = reverse("issuing:badge_edit", args=[world.org_a.slug, badge.uuid])
    assert response["Location"] == f"{edit}#alignments-title"
    page = client.get(edit)
    assert 'name="alignments-TOTAL_FORMS" value="4"' in page.text  # 3 links (the job is picked)


def test_archived_badges_cannot_change(client: Any, world: Any) -> None:
    client.force_login(world.admin)
    badge = world.badge_a
    badge.status = "archived"
    badge.save()
    edit = reverse("issuing:badge_edit", args=[world.org_a.slug, badge.uuid])
    response = client.post(edit, design(name="Autre"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    badge.refresh_from_db()
    assert (badge.name, badge.alignments, badge.translations) == ("Badge A", [], {})


def preview_url(world: Any) -> str:
    return reverse("issuing:markdown_preview", args=[world.org_a.slug])


def test_markdown_preview(client: Any, world: Any) -> None:
    client.force_login(world.admin)
    response = client.post(preview_url(world), {"description": "**Bravo** <script>x</script>"})
    assert response.status_code == 200
    assert response.text == "<p><strong>Bravo</strong> &lt;script&gt;x&lt;/script&gt;</p>"
    criteria = client.post(preview_url(world), {"translation_criteria": "- one"})
    assert criteria.text == "<ul>\n<li>one</li>\n</ul>"
    too_long = client.post(preview_url(world), {"criteria": "x" * 5001}, HTTP_ACCEPT_LANGUAGE="en")
    assert "too long to preview" in too_long.text
    assert client.get(preview_url(world)).status_code == 405


def test_markdown_preview_outsiders(client: Any, world: Any) -> None:
    url = preview_url(world)
    anonymous = client.post(url, {"description": "x"})
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))
    client.force_login(world.outsider)
    assert client.post(url, {"description": "x"}).status_code == 404
    client.force_login(world.member)  # a viewer of the space
    assert client.post(url, {"description": "x"}).status_code == 403


def published_badge(world: Any, published: Any) -> Any:
    return services.badge_update(
        badge=published,
        actor=world.admin,
        description="Accueillir **et** orienter. <script>alert(1)</script>",
        criteria="Observé [trois fois](https://example.org/grille).",
        translations={
            "en": {
                "name": "Welcoming the public",
                "description": "Welcome *and* guide.",
                "criteria_items": ["Welcomes", "Guides"],
                "criteria": "Seen three times.",
            }
        },
        alignments=[
            {"framework": "ROME", "code": "K1204", "name": "Médiation sociale"},
            {"name": "Grille", "url": "https://example.org/grille", "description": "Notre grille"},
        ],
    )


def test_public_badge_page_in_english_and_french(client: Any, world: Any, published: Any) -> None:
    badge = published_badge(world, published)
    url = reverse("badge_public", args=[badge.uuid])
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").text
    assert '<html lang="en">' in english
    assert "<h1>Welcoming the public</h1>" in english
    assert "<em>and</em>" in english
    assert "<li>Guides</li>" in english
    assert "Translated by the issuer" in english
    assert "Accueillir" not in english.split("<main", 1)[1].split("Linked to")[0]
    assert "Linked to" in english
    assert (
        '<a href="https://candidat.francetravail.fr/metierscope/fiche-metier/K1204" '
        'rel="noopener nofollow">ROME K1204 · Médiation sociale</a>'
    ) in english
    assert '<ul class="alignment-list" lang="fr">' in english  # names stay in French
    assert "— Notre grille" in english
    assert 'property="og:description" content="Welcome and guide."' in english

    french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").text
    assert "<h1>Accueil du public</h1>" in french
    assert "<strong>et</strong>" in french
    assert "<script>alert" not in french
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in french
    assert 'href="https://example.org/grille" rel="noopener nofollow ugc">trois fois</a>' in french


def test_untranslated_badge_is_marked_with_its_language(
    client: Any, world: Any, published: Any
) -> None:
    url = reverse("badge_public", args=[published.uuid])
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").text
    assert '<h1 lang="fr">Accueil du public</h1>' in english
    assert '<div class="markdown" lang="fr">' in english
    assert '<ol lang="fr">' in english
    assert "This badge is written in French." in english
    french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").text
    assert "<h1>Accueil du public</h1>" in french
    assert 'lang="fr">' not in french.split("<main", 1)[1]


def test_award_page_issuer_page_and_member_page(client: Any, world: Any, published: Any) -> None:
    badge = published_badge(world, published)
    award = awards.award_issue(
        badge=badge, actor=world.admin, name="Samir", narrative="A **bien** accueilli."
    )
    page = client.get(
        reverse("award_public", args=[award.uuid]),
        HTTP_ACCEPT_LANGUAGE="en",
        HTTP_ACCEPT="text/html",
    ).text
    assert "<h1>Welcoming the public</h1>" in page
    assert "<strong>bien</strong>" in page
    assert "ROME K1204" in page
    issuer_page = client.get(
        reverse("issuer_profile", args=[world.org_a.uuid]),
        HTTP_ACCEPT="text/html",
        HTTP_ACCEPT_LANGUAGE="en",
    ).text
    assert ">Welcoming the public</a>" in issuer_page
    assert "Welcome and guide." in issuer_page  # Markdown marks are not shown on cards
    world.member.language = "en"
    world.member.save()
    client.force_login(world.member)
    member = client.get(reverse("issuing:badge", args=[world.org_a.slug, badge.uuid])).text
    assert "<h1>Welcoming the public</h1>" in member
    assert "<em>and</em>" in member
    assert "<dd>French, with an English translation</dd>" in member
    assert "ROME K1204 · Médiation sociale" in member


def test_credential_carries_alignments_and_language_and_verifies(
    world: Any, published: Any
) -> None:
    badge = published_badge(world, published)
    award = awards.award_issue(badge=badge, actor=world.admin, email="samir@example.org")
    credential = json.loads(award.credential)
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["inLanguage"] == "fr"
    assert achievement["name"] == "Accueil du public"  # the original, as signed
    assert achievement["alignment"] == [
        {
            "type": ["Alignment"],
            "targetName": "Médiation sociale",
            "targetUrl": "https://candidat.francetravail.fr/metierscope/fiche-metier/K1204",
            "targetCode": "K1204",
            "targetFramework": "ROME",
            "targetType": "ext:Occupation",
        },
        {
            "type": ["Alignment"],
            "targetName": "Grille",
            "targetUrl": "https://example.org/grille",
            "targetDescription": "Notre grille",
        },
    ]
    assert achievement["criteria"]["narrative"] == (
        "- Accueille\n- Oriente\n\nObservé [trois fois](https://example.org/grille)."
    )
    report = verify_credential(
        award.credential, fetcher=LocalFetcher(), recipient="samir@example.org"
    )
    assert report.state is State.VALID, report.checks


def test_services_check_languages_translations_and_alignments(world: Any) -> None:
    base = {
        "issuer": world.org_a,
        "actor": world.admin,
        "name": "N",
        "description": "D",
        "criteria": "C",
    }
    with pytest.raises(ActionRefused):
        services.badge_create(**base, language="de")
    with pytest.raises(ActionRefused):
        services.badge_create(**base, translations={"en": {"name": "only a name"}})
    with pytest.raises(ActionRefused):
        services.badge_create(**base, alignments=[{"framework": "ROME", "code": "nope"}])
    assert not BadgeClass.objects.filter(name="N").exists()
    badge = services.badge_create(
        **base,
        language="en",
        translations={
            "en": {"name": "same language, dropped", "description": "d", "criteria": "c"},
            "de": {"name": "not a site language", "description": "d", "criteria": "c"},
        },
        alignments=[{"framework": "RS", "code": "5063"}, {"framework": "RS", "code": "RS5063"}],
    )
    assert badge.translations == {}
    assert [a["code"] for a in badge.alignments] == ["RS5063"]  # the same link once


def test_issuer_page_queries_do_not_grow_with_badges(
    client: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    from tests.factories import BadgeFactory

    for number in range(30):
        BadgeFactory(
            issuer=world.org_a,
            name=f"B{number}",
            description="**x**",
            translations={"en": {"name": f"E{number}", "description": "y", "criteria": "z"}},
            alignments=[{"name": "R", "url": "https://example.org", "framework": "ROME"}],
        )
    url = reverse("issuer_profile", args=[world.org_a.uuid])
    with django_assert_max_num_queries(6):
        response = client.get(url, HTTP_ACCEPT="text/html", HTTP_ACCEPT_LANGUAGE="en")
    assert response.text.count('class="card badge-card"') == 31


def test_award_email_names_the_badge_in_the_recipients_language(
    world: Any, published: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    badge = published_badge(world, published)
    with django_capture_on_commit_callbacks(execute=True):
        awards.award_issue(badge=badge, actor=world.admin, email="sam@example.org", language="en")
        awards.award_issue(badge=badge, actor=world.admin, email="lea@example.org", language="fr")
    english, french = smtp_server.wait_for(2)
    if english["To"] != "sam@example.org":
        english, french = french, english
    assert "“Welcoming the public”" in english["Subject"]
    assert "“Welcoming the public”" in message_text(english)
    assert "Accueil du public" in french["Subject"]
    assert "Welcoming" not in message_text(french)


def test_jobs_are_picked_from_the_rome_list(client: Any, world: Any) -> None:
    """Nobody types a ROME code or label: a job is picked (a code, a "Label (M1601)" from the
    list, or a word only one job answers), named from the ROME 4.0 list shipped with Blason;
    a job also typed as a link counts once; a word several jobs answer asks which one."""
    client.force_login(world.admin)
    data = {
        **design(),
        **links({"code": "M1607"}, {"kind": "RNCP", "code": "34826"}),
        "occupations": "M1607",
        "occupations_add": "Chargé / Chargée d'accueil (M1601)",
    }
    assert client.post(new_url(world), data).status_code == 302
    badge = BadgeClass.objects.get(name="Entraide")
    assert [(a["framework"], a["code"]) for a in badge.alignments] == [
        ("ROME", "M1607"),
        ("ROME", "M1601"),
        ("RNCP", "RNCP34826"),
    ]
    assert badge.alignments[1]["name"] == "Chargé / Chargée d'accueil"
    several = client.post(
        new_url(world),
        {**design(name="Autre"), "occupations_add": "agent"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert several.status_code == 400
    assert "tick the one you mean" in several.text
    assert 'name="occupations" value="' in several.text  # the candidates, to tick
    unknown = client.post(new_url(world), {**design(name="Autre"), "occupations": "Z9999"})
    assert unknown.status_code == 400
    assert not BadgeClass.objects.filter(name="Autre").exists()
