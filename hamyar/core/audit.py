"""Writing and verifying the hash-chained audit log.

Every service writes its event inside its own transaction, so a change and its
record land together or not at all. Each organization has its own chain: an
event's hash covers its content and the hash of the organization's previous
event, so an edited, removed or reordered event breaks the chain from there on.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .models import AuditEvent

GENESIS = "0" * 64


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "pk"):
        return value.pk
    return str(value)


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The object's concrete field values, JSON-safe, for before/after."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in {"created_at", "updated_at", "password"}:
            continue
        data[field.attname] = field.value_from_object(obj)
    for field in obj._meta.many_to_many:
        if (fields is None or field.name in fields) and obj.pk:
            data[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    return json.loads(json.dumps(data, default=_json_default))


def _digest(event: AuditEvent) -> str:
    body = {
        "organization": event.organization_id,
        "sequence": event.sequence,
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": event.before,
        "after": event.after,
        "created_at": event.created_at.isoformat(),
        "previous_hash": event.previous_hash,
    }
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model,
    organization=None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Append one event to the organization's chain; call inside the service's transaction."""
    if organization is None:
        organization = getattr(obj, "organization", None)
    org_id = organization.pk if organization is not None else None
    with transaction.atomic():
        if org_id is not None:
            # Serialize writers of one organization's chain (a row lock on PostgreSQL;
            # SQLite's IMMEDIATE transactions already serialize writers).
            type(organization).objects.select_for_update().filter(pk=org_id).exists()
        last = (
            AuditEvent.objects.filter(organization_id=org_id)
            .order_by("-sequence")
            .values_list("sequence", "hash")
            .first()
        )
        sequence, previous_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
        actor_obj = actor if getattr(actor, "is_authenticated", False) else None
        event = AuditEvent(
            organization_id=org_id,
            sequence=sequence,
            actor=actor_obj,
            actor_label=actor_obj.get_username() if actor_obj else "system",
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            object_repr=str(obj)[:255],
            before=before,
            after=after,
            created_at=timezone.now(),
            previous_hash=previous_hash,
        )
        # Round-trip the JSON so the hash covers exactly what the database returns.
        event.before = json.loads(json.dumps(before, default=_json_default)) if before else before
        event.after = json.loads(json.dumps(after, default=_json_default)) if after else after
        event.hash = _digest(event)
        event.save()
    return event


@dataclass
class ChainProblem:
    organization_id: int | None
    sequence: int
    kind: str  # "changed" or "missing"

    def __str__(self) -> str:
        org = self.organization_id if self.organization_id is not None else "-"
        if self.kind == "missing":
            return f"organization {org}: event #{self.sequence} is missing"
        return f"organization {org}: event #{self.sequence} was changed"


def audit_verify_chain(organization_id: int | None) -> ChainProblem | None:
    """The first changed or missing event of one organization's chain, or None when intact."""
    previous_hash = GENESIS
    expected = 1
    events = AuditEvent.objects.filter(organization_id=organization_id).order_by("sequence")
    for event in events.iterator(chunk_size=2000):
        if event.sequence != expected:
            return ChainProblem(organization_id, expected, "missing")
        if event.previous_hash != previous_hash:
            # The predecessor was replaced or dropped with renumbering.
            return ChainProblem(organization_id, max(expected - 1, 1), "changed")
        if _digest(event) != event.hash:
            return ChainProblem(organization_id, event.sequence, "changed")
        previous_hash = event.hash
        expected += 1
    return None
