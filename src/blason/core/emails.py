"""Sending e-mail: rendered in the request (in the recipient's language), recorded in the outbox
with the change it tells about, delivered by the workers."""

from __future__ import annotations

from typing import Any

from django.core.mail import EmailMessage
from django.template import Context
from django.template.loader import get_template
from django.utils import translation

from blason.core import outbox
from blason.core.origins import Origin, footer_context


def queue_message(message: EmailMessage, *, key: str | None = None) -> None:
    """Record a built message in the outbox: it is delivered once the current transaction
    commits, retried until the mail server accepts it (``blason.core.outbox``)."""
    outbox.record(message, key=key)


def send_templated(
    *,
    template_prefix: str,
    to: str,
    context: dict[str, Any],
    language: str | None = None,
    origin: Origin | None = None,
    key: str | None = None,
) -> None:
    """Render ``<prefix>_subject.txt`` and ``<prefix>_message.txt`` and queue the message
    (``key``: a name for it that makes recording it twice send it once)."""
    queue_message(
        render_templated(
            template_prefix=template_prefix,
            to=to,
            context=context,
            language=language,
            origin=origin,
        ),
        key=key,
    )


def render_templated(
    *,
    template_prefix: str,
    to: str,
    context: dict[str, Any],
    language: str | None = None,
    origin: Origin | None = None,
) -> EmailMessage:
    """The message of ``send_templated``, built but not sent (a task sending many at once).
    Its text ends with who caused it (``origin``: an account, a space; none: the site) and a
    link to report it."""
    with translation.override(language or translation.get_language()):
        subject = " ".join(render_text(f"{template_prefix}_subject.txt", context).split())
        body = render_text(f"{template_prefix}_message.txt", context).strip()
        body += "\n\n" + footer(origin, to=to, kind=template_prefix)
    return EmailMessage(subject=subject, body=body, to=[to])


def render_text(template_name: str, context: dict[str, Any]) -> str:
    """A plain-text template rendered without HTML escaping: an e-mail's subject and text body
    are not HTML, so "L'Atelier" must stay "L'Atelier", never "L&#x27;Atelier"."""
    template = get_template(template_name)
    engine_template = getattr(template, "template", None)
    if engine_template is None:  # not the Django engine: no autoescaping to turn off
        return str(template.render(context))
    return str(engine_template.render(Context(context, autoescape=False)))


def footer(origin: Origin | None, *, to: str, kind: str) -> str:
    """Who caused the message and how to report it, in the active language."""
    context = footer_context(origin, to=to, kind=kind)
    return render_text("core/email/footer.txt", context).strip()
