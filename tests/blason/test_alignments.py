"""Alignments: the ROME, RNCP, RS and ESCO helpers, free entries, and their errors."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from blason.issuing.badges.alignments import (
    MAX_ALIGNMENTS,
    AlignmentError,
    as_input,
    clean_list,
    detect,
    label,
    normalise,
)
from blason.issuing.badges.forms import AlignmentFormSet

ESCO_SKILL = "http://data.europa.eu/esco/skill/0fd7bc6b-9c2c-4a4b-9b11-5b8f0f0b0f4e"
ESCO_OCCUPATION = "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"


def test_rome_code_makes_the_address() -> None:
    assert normalise(code=" m 1607 ") == {
        "name": "ROME M1607",
        "url": "https://candidat.francetravail.fr/metierscope/fiche-metier/M1607",
        "framework": "ROME",
        "code": "M1607",
        "description": "",
        "type": "ext:Occupation",
    }
    entry = normalise(kind="ROME", code="K1204", name="Médiation sociale et facilitation")
    assert entry["name"] == "Médiation sociale et facilitation"
    # An address pasted in place of the code is read for its code; any other address given
    # with a ROME code is replaced by the official one.
    pasted = normalise(
        kind="ROME", url="https://candidat.francetravail.fr/metierscope/fiche-metier/M1607"
    )
    assert pasted["code"] == "M1607"
    assert normalise(kind="ROME", code="M1607", url="https://example.org")["url"] == pasted["url"]
    legacy = "https://candidat.pole-emploi.fr/marche-du-travail/fichemetierrome?codeRome=G1602"
    assert normalise(code=legacy)["code"] == "G1602"


@pytest.mark.parametrize("code", ["Z1234", "M160", "M16078", "1607"])
def test_rome_errors(code: str) -> None:
    with translation.override("en"), pytest.raises(AlignmentError) as caught:
        normalise(kind="ROME", code=code)
    assert caught.value.field == "code"
    assert "ROME" in caught.value.message
    assert "M1607" in caught.value.message


def test_rome_needs_a_code() -> None:
    with translation.override("en"), pytest.raises(AlignmentError) as caught:
        normalise(kind="ROME", name="Un métier")
    assert caught.value.message == "Give the ROME code, for example M1607."


def test_rncp_and_rs() -> None:
    rncp = normalise(code="rncp 34826")
    assert (rncp["framework"], rncp["code"], rncp["url"], rncp["type"]) == (
        "RNCP",
        "RNCP34826",
        "https://www.francecompetences.fr/recherche/rncp/34826/",
        "ext:Certification",
    )
    assert normalise(kind="RNCP", code="34826")["code"] == "RNCP34826"
    rs = normalise(code="RS5063", name="Certification CléA")
    assert (rs["framework"], rs["code"], rs["url"], rs["name"]) == (
        "RS",
        "RS5063",
        "https://www.francecompetences.fr/recherche/rs/5063/",
        "Certification CléA",
    )
    from_url = normalise(url="https://www.francecompetences.fr/recherche/rs/5063/", kind="RS")
    assert from_url["code"] == "RS5063"
    assert detect("", "https://www.francecompetences.fr/recherche/rncp/34826/") == "RNCP"


@pytest.mark.parametrize(
    ("kind", "code", "expected"),
    [
        ("RNCP", "RS5063", "is not a valid RNCP number"),
        ("RNCP", "RNCP34A", "is not a valid RNCP number"),
        ("RS", "RS-12", "is not a valid RS number"),
        ("RS", "", "Give the RS number, for example RS5063."),
        ("RNCP", "", "Give the RNCP number, for example RNCP34826."),
    ],
)
def test_rncp_and_rs_errors(kind: str, code: str, expected: str) -> None:
    with translation.override("en"), pytest.raises(AlignmentError) as caught:
        normalise(kind=kind, code=code)
    assert expected in caught.value.message
    assert caught.value.field == "code"


def test_esco_skill_and_occupation() -> None:
    skill = normalise(code=ESCO_SKILL.upper().replace("HTTP://DATA", "http://data"), name="x")
    assert skill["url"] == ESCO_SKILL
    assert (skill["framework"], skill["type"]) == ("ESCO", "ext:Skill")
    assert skill["code"] == ESCO_SKILL.rsplit("/", 1)[1]
    occupation = normalise(kind="ESCO", url=ESCO_OCCUPATION, name="animateur socioculturel")
    assert occupation["type"] == "ext:Occupation"
    portal = (
        "https://esco.ec.europa.eu/fr/classification/skill?uri="
        "http%3A%2F%2Fdata.europa.eu%2Fesco%2Fskill%2F0fd7bc6b-9c2c-4a4b-9b11-5b8f0f0b0f4e"
    )
    assert normalise(code=portal, name="travailler en équipe")["url"] == ESCO_SKILL


def test_esco_errors() -> None:
    with translation.override("en"):
        with pytest.raises(AlignmentError) as caught:
            normalise(kind="ESCO", code="http://data.europa.eu/esco/skill/not-an-id", name="x")
        assert caught.value.field == "code"
        assert "http://data.europa.eu/esco/skill/" in caught.value.message
        with pytest.raises(AlignmentError) as caught:
            normalise(code=ESCO_SKILL)
        assert caught.value.field == "name"
        assert "as ESCO writes it" in caught.value.message


def test_unknown_code_without_an_address() -> None:
    with translation.override("en"), pytest.raises(AlignmentError) as caught:
        normalise(code="ABC-12")
    assert caught.value.field == "code"
    assert "“ABC-12” is not a code Blason knows" in caught.value.message
    # With an address, the code is simply the framework's own code.
    assert normalise(code="ABC-12", name="x", url="https://example.org")["code"] == "ABC-12"


def test_free_entries() -> None:
    entry = normalise(
        kind="other",
        name="Référentiel CléA numérique",
        url="https://www.certificat-clea.fr/",
        framework="CléA",
        code="D1",
        description="Domaine 1",
    )
    assert entry == {
        "name": "Référentiel CléA numérique",
        "url": "https://www.certificat-clea.fr/",
        "framework": "CléA",
        "code": "D1",
        "description": "Domaine 1",
        "type": "",
    }
    assert normalise(name="Page", url="https://example.org/page")["framework"] == ""


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"kind": "other", "name": "Page"}, "url", "Give the web address"),
        ({"kind": "other", "url": "https://example.org"}, "name", "Give a name"),
        ({"kind": "other", "name": "x", "url": "javascript:alert(1)"}, "url", "https://"),
        ({"kind": "other", "name": "x", "url": "ftp://example.org/a"}, "url", "https://"),
        ({"kind": "other", "name": "x", "url": "example"}, "url", "https://"),
        ({"kind": "nope", "code": "M1607"}, "kind", "Choose"),
        ({"kind": "other", "name": "x" * 201, "url": "https://a.fr"}, "name", "200"),
    ],
)
def test_free_entry_errors(fields: dict[str, str], field: str, message: str) -> None:
    with translation.override("en"), pytest.raises(AlignmentError) as caught:
        normalise(**fields)
    assert caught.value.field == field
    assert message in caught.value.message


def test_stored_entries_round_trip_through_the_designer() -> None:
    entries = [
        normalise(code="M1607"),
        normalise(code=ESCO_SKILL, name="travailler en équipe"),
        normalise(name="Page", url="https://example.org", framework="Maison"),
    ]
    assert [normalise(**as_input(entry)) for entry in entries] == entries
    assert clean_list(entries) == entries


def test_clean_list_names_the_wrong_entry_and_the_limit() -> None:
    with translation.override("en"):
        with pytest.raises(AlignmentError) as caught:
            clean_list([normalise(code="M1607"), {"framework": "ROME", "code": "bad"}])
        assert caught.value.message.startswith("Link 2: ")
        many = [
            {"name": f"P{n}", "url": f"https://example.org/{n}"} for n in range(MAX_ALIGNMENTS + 1)
        ]
        with pytest.raises(AlignmentError, match="At most 20 links"):
            clean_list(many)
        with pytest.raises(AlignmentError, match="not readable"):
            clean_list(["M1607"])


def test_labels() -> None:
    assert label(normalise(code="M1607")) == "ROME M1607"
    assert label(normalise(code="M1607", name="Développement web")) == (
        "ROME M1607 · Développement web"
    )
    assert label(normalise(code=ESCO_SKILL, name="travailler en équipe")) == (
        "ESCO · travailler en équipe"
    )
    assert label(normalise(name="Page", url="https://example.org")) == "Page"
    assert label(normalise(code="RS5063", name="CléA")) == "RS5063 · CléA"
    assert label(normalise(code="RNCP34826")) == "RNCP34826"


def formset(rows: list[dict[str, str]], initial: int = 0) -> Any:
    data = {
        "alignments-TOTAL_FORMS": str(len(rows)),
        "alignments-INITIAL_FORMS": str(initial),
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"alignments-{index}-{key}"] = value
    return AlignmentFormSet(data, prefix="alignments")


def test_formset_keeps_order_skips_blanks_and_removed_rows() -> None:
    links = formset(
        [
            {"code": "RS5063"},
            {},
            {"code": "M1607", "DELETE": "on"},
            {"kind": "other", "name": "Page", "url": "https://example.org"},
        ],
        initial=3,
    )
    assert links.is_valid(), links.errors
    assert [entry["code"] for entry in links.entries()] == ["RS5063", ""]


def test_formset_errors() -> None:
    with translation.override("en"):
        links = formset([{"code": "M1607"}, {"code": "m1607"}, {"kind": "ROME", "code": "X"}])
        assert not links.is_valid()
        assert links.forms[1].errors["code"] == ["This link is already in the list."]
        assert "is not a ROME code" in links.forms[2].errors["code"][0]
        too_many = formset([{"code": f"RS{n}"} for n in range(1, MAX_ALIGNMENTS + 2)])
        assert not too_many.is_valid()
        assert too_many.non_form_errors() == ["At most 20 links per badge."]
