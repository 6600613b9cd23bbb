"""The audit log service: every state change records who did what with a dotted code."""

from __future__ import annotations

from collections.abc import Sequence
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
    return AuditEntry.objects.create(**_fields(action, actor, issuer, target, data))


def record_many(
    *,
    action: str,
    actor: Any = None,
    issuer: Issuer | None = None,
    targets: Sequence[models.Model],
    data: dict[str, Any] | None = None,
) -> None:
    """One entry per target, written in bulk (awarding thousands of badges at once)."""
    AuditEntry.objects.bulk_create(
        [AuditEntry(**_fields(action, actor, issuer, target, data)) for target in targets],
        batch_size=500,
    )


def _fields(
    action: str, actor: Any, issuer: Issuer | None, target: models.Model | None, data: Any
) -> dict[str, Any]:
    if action.count(".") < 2 or " " in action:
        raise ValueError(f"Audit actions are dotted codes like 'app.object.verb', not {action!r}")
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    target_id = ""
    if target is not None:
        target_id = str(getattr(target, "uuid", None) or target.pk)
    return {
        "action": action,
        "actor": actor_user,
        "actor_label": str(actor_user) if actor_user else "",
        "issuer": issuer,
        "target_type": target._meta.label_lower if target is not None else "",
        "target_id": target_id,
        "data": data or {},
    }
