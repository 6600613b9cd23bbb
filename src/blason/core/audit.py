"""The audit log service: every state change records who did what with a dotted code."""

from __future__ import annotations

from typing import Any

from django.db import models

from blason.core.models import AuditEntry, Issuer


def record(
    *,
    action: str,
    actor: Any = None,
    issuer: Issuer | None = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry. ``action`` is a dotted code such as ``accounts.user.signed_up``."""
    if action.count(".") < 2 or " " in action:
        raise ValueError(f"Audit actions are dotted codes like 'app.object.verb', not {action!r}")
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    target_id = ""
    if target is not None:
        target_id = str(getattr(target, "uuid", None) or target.pk)
    return AuditEntry.objects.create(
        action=action,
        actor=actor_user,
        actor_label=str(actor_user) if actor_user else "",
        issuer=issuer,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=target_id,
        data=data or {},
    )
