from __future__ import annotations

import factory
from allauth.account.models import EmailAddress

from blason.accounts.models import User
from blason.core import hooks
from blason.core.models import Issuer, IssuerKind, Membership, Role
from blason.issuing.models import BadgeClass, BadgeStatus

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Faker("name")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class IssuerFactory(factory.django.DjangoModelFactory):
    """An issuer as the site makes one: with what the apps add to every new issuer (its
    signing keys) through the hook ``services.issuer_create`` runs (``core.hooks``)."""

    class Meta:
        model = Issuer
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Issuer {n}")
    slug = factory.Sequence(lambda n: f"issuer-{n}")
    kind = IssuerKind.ORGANISATION
    # The spaces of the test world are established ones an operator trusts; spaces made
    # through the site start untrusted (tests/blason/test_mail_quotas.py).
    mail_trusted = True

    @factory.post_generation
    def created(obj: Issuer, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            hooks.issuer_created(issuer=obj, actor=None)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    issuer = factory.SubFactory(IssuerFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.VIEWER


class BadgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BadgeClass

    issuer = factory.SubFactory(IssuerFactory)
    name = factory.Sequence(lambda n: f"Badge {n}")
    description = "What this badge recognises."
    criteria = "What the person did."
    status = BadgeStatus.PUBLISHED
