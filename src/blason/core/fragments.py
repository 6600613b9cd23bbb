"""Page fragments that one app adds to another app's page, through named slots.

A page of one app that another app adds to (the peers' panel on a badge's page, the claim code's
QR code from the backpack on an award's page) names a slot in its template::

    {% load blason_fragments %}
    {% fragments "badge_page.aside" badge=badge access=access %}

and the app that fills it registers a function in its ``AppConfig.ready()``::

    fragments.register("badge_page.aside", render_workshops)

Each function takes the template context and the slot's keyword arguments and returns HTML
(``render`` below renders one of the app's own templates, as an inclusion tag would); the
fragments of a slot are rendered in the order they were registered, and a slot nobody fills
renders nothing. So a template never loads another app's template tags, and the app owning a
page does not import the apps that add to it (``tests/test_layering.py`` checks the first).

The slots, by the page that names them:

* ``award_page.after_narrative`` (``award``): the public page of an award, below why it was
  awarded;
* ``badge_page.aside`` (``badge``, ``access``): the members' page of a badge;
* ``backpack.list``: a person's backpack ("Mes badges");
* ``backpack.public_profile`` (``profile``): a person's public page;
* ``badge_public.after_text`` (``badge``): the public page of a badge, below its texts;
* ``badge_public.aside`` (``badge``): the same page, after that;
* ``issuer_public.before_badges`` (``issuer``): an issuer's public page, above its badges;
* ``claim_status.keep`` (``award``): the page of a claim made through a claim link, once
  awarded and not yet collected;
* ``dashboard.top`` (``user``): a person's home;
* ``settings_page.after_password`` (``user``): a person's account settings, below the
  password;
* ``award_verify.verdict`` (``report``): the verdict of the full verification of an award, on
  its public page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.template import Context
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

Fragment = Callable[..., str]

SLOTS: dict[str, list[Fragment]] = {}


def register(slot: str, fragment: Fragment) -> None:
    """Add ``fragment`` to ``slot`` (once: registering it again changes nothing)."""
    registered = SLOTS.setdefault(slot, [])
    if fragment not in registered:
        registered.append(fragment)


def render_slot(slot: str, context: Context, **values: Any) -> SafeString:
    """Every fragment of ``slot``, one after the other (text they return is escaped unless
    marked safe)."""
    parts = [conditional_escape(fragment(context, **values)) for fragment in SLOTS.get(slot, [])]
    return mark_safe("".join(parts))  # noqa: S308 - each part escaped or already safe


def render(context: Context, template_name: str, values: dict[str, Any]) -> SafeString:
    """``template_name`` rendered with ``values``, as an inclusion tag renders its template: in
    a new context layered on the page's (its autoescaping and rendering state), with the CSRF
    token of the page."""
    template = context.template.engine.get_template(template_name)  # type: ignore[union-attr]
    new_context = context.new(values)
    csrf_token = context.get("csrf_token")
    if csrf_token is not None:
        new_context["csrf_token"] = csrf_token
    return SafeString(template.render(new_context))
