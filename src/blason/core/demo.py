"""French demo data, loaded by ``blason demo``: each app adds its part through its own ``demo``
module, in the order of ``INSTALLED_APPS`` (core first: people and spaces; then the badges and
awards, the backpack, peer recognition…).

An app's ``demo`` module has a function ``load(demo: Demo) -> None``. Core finds them the way
Django finds ``admin`` modules, so it imports no domain app. Loading is idempotent: running it
again changes nothing once the demo people exist (``demo.first_time`` is False then; the peers'
part checks for itself).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction

from blason.core.models import Issuer, IssuerKind, Role
from blason.core.services import issuer_create, membership_add

DEMO_PASSWORD = "badges-demo-2026"  # noqa: S105 - printed for the demo on purpose
ASSOCIATION = "les-ateliers-du-lien"
COMMUNITY = "collectif-du-mardi"
PERSONAL = "claire-dubois"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    role: str
    phone: str = ""  # an account with a phone number only (no e-mail address)

    @property
    def login(self) -> str:
        return self.email or self.phone


PEOPLE = (
    DemoPerson("corinne@demo.blason.test", "Corinne Martin", "animatrice, propriétaire"),
    DemoPerson("claire@demo.blason.test", "Claire Dubois", "chargée de projet, attributrice"),
    DemoPerson("samir@demo.blason.test", "Samir Benali", "bénéficiaire (porteur de badges)"),
)
# A young person with a phone and no e-mail address: her account is her number, verified by
# SMS (made by the backpack's demo part, once her badge is awarded).
INES = DemoPerson("", "Inès Haddad", "jeune, compte par téléphone", phone="06 12 34 56 78")


@dataclass
class Demo:
    """What the apps' demo parts share: the password, the people by first name (lower case)
    and the spaces by slug. ``first_time``: the people and spaces were just created."""

    password: str
    first_time: bool
    people: dict[str, Any] = field(default_factory=dict)
    spaces: dict[str, Issuer] = field(default_factory=dict)


def badge_svg(label: str, colour: str) -> str:
    """A simple shield; the badge designer will replace this with real artwork later."""
    text = escape(label[:3].upper())
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200" width="200" height="200">'
        f'<path d="M100 8 24 36v56c0 48 32 84 76 100 44-16 76-52 76-100V36z" fill="{colour}"/>'
        '<path d="M100 26 42 48v44c0 38 24 66 58 80 34-14 58-42 58-80V48z" fill="#ffffff"/>'
        f'<text x="100" y="118" font-family="sans-serif" font-size="44" font-weight="700" '
        f'text-anchor="middle" fill="{colour}">{text}</text></svg>'
    )


def demo_user(email: str, name: str, password: str) -> Any:
    """The demo person with this address, created (with a verified address) if missing."""
    user_model = get_user_model()
    user = user_model.objects.filter(email=email).first()
    if user is None:
        user = user_model.objects.create_user(email, password, display_name=name, language="fr")
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def _people_and_spaces(password: str) -> Demo:
    first_time = not Issuer.objects.filter(slug=ASSOCIATION).exists()
    people = {
        person.name.split()[0].lower(): demo_user(person.email, person.name, password)
        for person in PEOPLE
    }
    demo = Demo(password=password, first_time=first_time, people=people)
    if not first_time:
        demo.spaces = {
            i.slug: i for i in Issuer.objects.filter(slug__in=(ASSOCIATION, COMMUNITY, PERSONAL))
        }
        return demo
    corinne, claire, samir = people["corinne"], people["claire"], people["samir"]
    association = issuer_create(
        name="Les Ateliers du Lien",
        kind=IssuerKind.ORGANISATION,
        owner=corinne,
        slug=ASSOCIATION,
        description="Association d'insertion : ateliers collectifs, accompagnement et entraide.",
        url="https://ateliers-du-lien.example.org",
        email="contact@ateliers-du-lien.example.org",
    )
    membership_add(issuer=association, user=claire, role=Role.AWARDER, actor=corinne)
    community = issuer_create(
        name="Collectif du mardi",
        kind=IssuerKind.COMMUNITY,
        owner=corinne,
        slug=COMMUNITY,
        description="Chaque mardi, le groupe construit ensemble les badges qu'il reconnaît.",
    )
    membership_add(issuer=community, user=samir, role=Role.VIEWER, actor=corinne)
    personal = issuer_create(
        name="Claire Dubois",
        kind=IssuerKind.INDIVIDUAL,
        owner=claire,
        slug=PERSONAL,
        description="Je reconnais les coups de main de mes pairs.",
    )
    demo.spaces = {ASSOCIATION: association, COMMUNITY: community, PERSONAL: personal}
    return demo


def parts() -> list[Any]:
    """The ``load`` functions of the installed apps' ``demo`` modules, core's excepted."""
    found = []
    for config in apps.get_app_configs():
        name = f"{config.name}.demo"
        if not config.name.startswith("blason.") or config.name == "blason.core":
            continue
        if find_spec(name) is None:
            continue
        found.append(import_module(name).load)
    return found


@transaction.atomic
def load_demo() -> list[DemoPerson]:
    demo = _people_and_spaces(DEMO_PASSWORD)
    for load in parts():
        load(demo)
    return [*PEOPLE, INES]
