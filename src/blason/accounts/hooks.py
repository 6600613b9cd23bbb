"""Extension points of accounts that other apps fill in from their ``AppConfig.ready()``.

``guardians`` fills them all: a child's account waits for a parent's agreement. Sign-up asks
the year of birth (``SIGNUP_FIELDS``) and holds the account of a person under the age of
digital consent (``SIGNED_UP``); a held account is inactive, yet goes on through allauth's
checks of its address or number (``HELD``), signs in with a code sent to its number
(``USERS_BY_PHONE``), and its own last login stage stops it at its waiting page
(``LOGIN_STAGES``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django import forms

    from blason.accounts.models import User

# Fields the sign-up form asks besides the name and the address or number: (name, a function
# making the field), after allauth's fields.
SIGNUP_FIELDS: list[tuple[str, Callable[[], forms.Field]]] = []

# Functions run with a new account and the sign-up form's cleaned data, once it is saved.
SIGNED_UP: list[Callable[[User, Mapping[str, Any]], Any]] = []

# Functions telling whether an inactive account still goes through the sign-in checks.
HELD: list[Callable[[User], bool]] = []

# Functions finding an account by phone number when no active account verified it.
USERS_BY_PHONE: list[Callable[[str], User | None]] = []

# allauth login stages (dotted paths) run after allauth's own.
LOGIN_STAGES: list[str] = []


def is_held(user: User) -> bool:
    return any(held(user) for held in HELD)


def user_by_phone(phone: str) -> User | None:
    return next((user for find in USERS_BY_PHONE if (user := find(phone)) is not None), None)
