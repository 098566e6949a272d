"""Writing and verifying the hash-chained audit log.

Every service writes its event inside its own transaction, so a change and its
record land together or not at all. Each organization has its own chain: an
event's hash covers its content and the hash of the organization's previous
event, so an edited, removed or reordered event breaks the chain from there on.
"""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models, transaction
from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _

from . import clock
from .models import AuditAnchor, AuditEvent

GENESIS = "0" * 64
# An arbitrary advisory-lock key for the chain of events that belong to no organization.
GLOBAL_CHAIN_LOCK = 0x68616D796172


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "pk"):
        return value.pk
    return str(value)


def _as_stored(field: models.Field, value: Any) -> Any:
    """A decimal as its column keeps it (4.5 is 4.50 in a 2-place column), so before and after agree."""
    if isinstance(field, models.DecimalField) and value is not None:
        try:
            return Decimal(str(value)).quantize(Decimal(1).scaleb(-field.decimal_places))
        except (ArithmeticError, ValueError):
            return value
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The object's concrete field values, JSON-safe, for before/after."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in {"created_at", "updated_at", "password"}:
            continue
        data[field.attname] = _as_stored(field, field.value_from_object(obj))
    for field in obj._meta.many_to_many:
        if (fields is None or field.name in fields) and obj.pk:
            data[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    return json.loads(json.dumps(data, default=_json_default))


def _canonical(value: Any) -> Any:
    """JSON as both databases give it back: PostgreSQL's jsonb returns 1e+20 as 100000000000000000000."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return value


def _utc(value: datetime) -> str:
    """One spelling of an instant, whatever time zone the database connection hands it back in."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def digest_body(event: AuditEvent) -> dict[str, Any]:
    """What an event's hash covers, exactly as hashed: an export carries it so a third party can recompute."""
    return {
        "organization": event.organization_id,
        "sequence": event.sequence,
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": _canonical(event.before),
        "after": _canonical(event.after),
        "created_at": _utc(event.created_at),
        "previous_hash": event.previous_hash,
    }


def digest(body: dict[str, Any]) -> str:
    """SHA-256 of the body as canonical JSON: keys sorted, UTF-8, no spaces."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _digest(event: AuditEvent) -> str:
    return digest(digest_body(event))


def _lock_chain(org_id: int | None, organization: models.Model | None) -> tuple[int, str]:
    """Take the chain's lock and return its last (sequence, hash)."""
    if org_id is not None and organization is not None and connection.features.has_select_for_update:
        # Serialize writers of one organization's chain with a row lock (SQLite's IMMEDIATE
        # transactions serialize writers already). Not folded into the read below: under READ
        # COMMITTED that read must start after the lock is held, or it could miss the last event.
        type(organization)._default_manager.select_for_update().filter(pk=org_id).exists()
    elif connection.vendor == "postgresql":
        # The chain of events with no organization has no row to lock.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [GLOBAL_CHAIN_LOCK])
    last = (
        AuditEvent.objects.filter(organization_id=org_id)  # type: ignore[misc]  # None: the chain of no organization
        .order_by("-sequence")
        .values_list("sequence", "hash")
        .first()
    )
    return last if last else (0, GENESIS)


def _jsonable(value: dict | None) -> dict | None:
    # Round-trip the JSON so the hash covers exactly what the database returns.
    return json.loads(json.dumps(value, default=_json_default)) if value else value


def audit_record_many(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    organization: models.Model | None,
    entries: Sequence[tuple[str, models.Model, dict[str, Any] | None, dict[str, Any] | None]],
) -> list[AuditEvent]:
    """Append many events, (action, object, before, after) each, to one chain in one insert.

    For batch work (imports) that cannot afford a round of queries per event; the
    chain is the same as with one audit_record call per entry. Call inside the
    service's transaction.
    """
    if not entries:
        return []
    org_id = organization.pk if organization is not None else None
    # accounts.User, which this bottom layer does not name.
    actor_obj: Any = actor if getattr(actor, "is_authenticated", False) else None
    label = actor_obj.get_username() if actor_obj else "system"
    now = clock.now()  # the real time, or the demo's step's
    events = []
    # Inside the service's transaction no savepoint of its own: a failed append fails the whole step
    # anyway, and two statements per event are a fifth of a step's queries.
    with transaction.atomic(savepoint=False):
        sequence, previous_hash = _lock_chain(org_id, organization)
        for action, obj, before, after in entries:
            sequence += 1
            event = AuditEvent(
                organization_id=org_id,
                sequence=sequence,
                actor=actor_obj,
                actor_label=label,
                action=action,
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                object_repr=str(obj)[:255],
                before=_jsonable(before),
                after=_jsonable(after),
                created_at=now,
                previous_hash=previous_hash,
            )
            event.hash = previous_hash = _digest(event)
            events.append(event)
        AuditEvent.objects.bulk_create(events, batch_size=1000)
    return events


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    obj: models.Model,
    organization: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the organization's chain; call inside the service's transaction."""
    if organization is None:
        organization = _organization_of(obj)
    [event] = audit_record_many(actor=actor, organization=organization,
                                entries=[(action, obj, before, after)])
    return event


def _organization_of(obj: models.Model) -> models.Model | None:
    """The object's organization without reading it: the row already loaded, or a stand-in with its id
    (the chain needs only the id, and the model to lock its row)."""
    try:
        field = obj._meta.get_field("organization")
    except FieldDoesNotExist:
        return None
    if not isinstance(field, models.ForeignKey):
        return None
    if field.is_cached(obj):
        return getattr(obj, field.name)
    organization_id = getattr(obj, field.attname, None)
    return field.related_model(pk=organization_id) if organization_id is not None else None


@dataclass
class ChainProblem:
    """The first break in one organization's chain: which event, and whether it was changed or is missing."""

    organization_id: int | None
    sequence: int
    kind: str  # "changed" or "missing"
    detail: str = ""

    def __str__(self) -> str:
        values = {"org": self.organization_id if self.organization_id is not None else "-",
                  "seq": self.sequence}
        if self.kind == "missing":
            text = _("organization %(org)s: event #%(seq)s is missing") % values
        else:
            text = _("organization %(org)s: event #%(seq)s was changed") % values
        return f"{text} ({self.detail})" if self.detail else text


def audit_verify_chain(organization_id: int | None) -> ChainProblem | None:
    """The first changed or missing event of one organization's chain, or None when intact.

    An event edited in place fails its own hash. An event edited and re-hashed
    passes its own hash but no longer matches the next event's previous_hash, so it
    is reported through its successor. A removed event leaves a gap in the
    sequence. (The newest event, re-hashed or removed, has no successor to betray
    it: compare the count and the last hash with a copy kept elsewhere.)
    """
    previous_hash = GENESIS
    expected = 1
    chain = AuditEvent.objects.filter(organization_id=organization_id)  # type: ignore[misc]  # None: IS NULL
    events = chain.order_by("sequence")
    for event in events.iterator(chunk_size=2000):
        if event.sequence != expected:
            detail = _("the chain jumps from #%(last)s to #%(next)s") % {
                "last": expected - 1, "next": event.sequence}
            return ChainProblem(organization_id, expected, "missing", detail)
        if _digest(event) != event.hash:
            detail = _("its content no longer matches its hash")
            return ChainProblem(organization_id, event.sequence, "changed", detail)
        if event.previous_hash != previous_hash:
            # This event is intact, so its predecessor was altered and re-hashed.
            detail = _("its hash no longer matches the one recorded by #%(next)s") % {"next": event.sequence}
            return ChainProblem(organization_id, expected - 1, "changed", detail)
        previous_hash = event.hash
        expected += 1
    return None


def audit_chain_ids() -> list[int | None]:
    """Every chain that has events: organization ids, and None for events of no organization."""
    ids = AuditEvent.objects.order_by().values_list("organization_id", flat=True).distinct()
    return sorted(ids, key=lambda pk: (pk is not None, pk or 0))


# The chain's head, anchored outside the table ---------------------------------------------------------


@dataclass(frozen=True)
class ChainHead:
    """How far one chain reached: its event count (the last sequence, in an intact chain) and last hash."""

    organization_id: int | None
    count: int
    last_hash: str

    def as_dict(self) -> dict[str, Any]:
        return {"organization": self.organization_id, "count": self.count, "last_hash": self.last_hash}


def audit_chain_heads(organization_ids: Sequence[int | None] | None = None) -> dict[int | None, ChainHead]:
    """The head of every chain with events (or of the given ones), in two queries whatever their number."""
    rows = AuditEvent.objects.order_by().values("organization_id")
    if organization_ids is not None:
        ids = [pk for pk in organization_ids if pk is not None]
        where = Q(organization_id__in=ids)
        if None in organization_ids:
            where |= Q(organization_id__isnull=True)
        rows = rows.filter(where)
    counts = {row["organization_id"]: (row["count"], row["last"])
              for row in rows.annotate(count=Count("id"), last=Max("sequence"))}
    if not counts:
        return {}
    last = Q()
    for org_id, (_count, sequence) in counts.items():
        last |= Q(organization_id=org_id, sequence=sequence) if org_id is not None else Q(
            organization_id__isnull=True, sequence=sequence)
    hashes = dict(AuditEvent.objects.order_by().filter(last).values_list("organization_id", "hash"))
    return {org_id: ChainHead(org_id, count, hashes[org_id]) for org_id, (count, _last) in counts.items()}


def audit_anchor_record() -> list[AuditAnchor]:
    """Copy every chain's head into AuditAnchor, where it moved since the chain's last anchor.

    Safe to run again (the periodic task and `manage.py audit_anchor` do): an unchanged head adds nothing.
    """
    heads = audit_chain_heads()
    now = clock.now()
    made = []
    with transaction.atomic():
        latest = {anchor.organization_id: anchor for anchor in _latest_anchors()}
        for org_id, head in heads.items():
            anchor = latest.get(org_id)
            if anchor is not None and (anchor.count, anchor.last_hash) == (head.count, head.last_hash):
                continue
            made.append(AuditAnchor(organization_id=org_id, count=head.count, last_hash=head.last_hash,
                                    at=now))
        AuditAnchor.objects.bulk_create(made)
    return made


def _latest_anchors() -> list[AuditAnchor]:
    """The latest anchor of each chain (anchors only grow: the one with the most events)."""
    anchors: dict[int | None, AuditAnchor] = {}
    for anchor in AuditAnchor.objects.order_by("organization_id", "-count", "-at"):
        anchors.setdefault(anchor.organization_id, anchor)
    return list(anchors.values())


def audit_latest_anchor(organization_id: int | None) -> AuditAnchor | None:
    return (AuditAnchor.objects.filter(organization_id=organization_id)  # type: ignore[misc]  # None: IS NULL
            .order_by("-count", "-at").first())


def audit_anchored_chain_ids() -> list[int | None]:
    ids = AuditAnchor.objects.order_by().values_list("organization_id", flat=True).distinct()
    return sorted(ids, key=lambda pk: (pk is not None, pk or 0))


def audit_verify_anchor(organization_id: int | None,
                        anchor: AuditAnchor | None = None) -> ChainProblem | None:
    """Whether the chain still reaches its latest anchor: the anchored last event is there, with its hash.

    Deleting the newest events leaves fewer than anchored; re-hashing them changes the hash at the
    anchored position. (Events after the anchor are covered by the next one.)
    """
    anchor = anchor or audit_latest_anchor(organization_id)
    if anchor is None:
        return None
    values = {"count": anchor.count, "at": _utc(anchor.at)}
    anchored = (AuditEvent.objects.filter(organization_id=organization_id,  # type: ignore[misc]
                                          sequence=anchor.count).values_list("hash", flat=True).first())
    if anchored is None:
        remaining = AuditEvent.objects.filter(organization_id=organization_id).count()  # type: ignore[misc]
        detail = _("%(count)s events were anchored at %(at)s, %(left)s remain") % {
            **values, "left": remaining}
        first_missing = min(remaining + 1, anchor.count)
        return ChainProblem(organization_id, first_missing, "missing", detail)
    if anchored != anchor.last_hash:
        detail = _("its hash differs from the one anchored at %(at)s") % values
        return ChainProblem(organization_id, anchor.count, "changed", detail)
    return None
