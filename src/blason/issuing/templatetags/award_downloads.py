"""Template helpers for the download section of an award page: ``{% load award_downloads %}``.

* ``{{ award|ob2_address }}``: the address of the award's hosted Open Badges 2.0 Assertion;
* ``{% if award|has_ob2_form %}``: whether the award can be written in Open Badges 2.0 (not
  when the recipient is known only by a name).
"""

from __future__ import annotations

from django import template

from blason.issuing.awarding.models import Award
from blason.issuing.documents import award_documents

register = template.Library()


@register.filter
def ob2_address(award: Award) -> str:
    return award_documents.assertion_url(award.uuid)


@register.filter
def has_ob2_form(award: Award) -> bool:
    return award_documents.has_ob2_form(award)
