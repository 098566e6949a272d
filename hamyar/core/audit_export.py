"""A signed, self-checking export of audit history: one object's events, or a period of a chain.

The file carries each event's hashed content (exactly what `audit.digest` hashed), its previous hash
and its hash, so anyone can recompute every hash; a period's events are contiguous in the chain, so
their links are checked too. The chain's head and latest anchor are in it (compare them with the
public transparency page), and an HMAC (django.core.signing, key AUDIT_EXPORT_KEY or SECRET_KEY)
signs the whole, which also covers what a recomputation cannot see: an event left out of an
object's export. `manage.py audit_check_export <file>` runs `check_export`.
"""

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import models
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from . import clock
from .audit import GENESIS, audit_chain_heads, audit_latest_anchor, digest, digest_body
from .models import AuditEvent

FORMAT = "hamyar-audit-export/1"
SALT = "hamyar.core.audit_export"
HASHING = ("sha256 of the event's fields but `hash`, as JSON with keys sorted, UTF-8 (ensure_ascii off), "
           "separators ',' and ':'; the first event of a chain has previous_hash of 64 zeros")


def _key() -> str:
    return getattr(settings, "AUDIT_EXPORT_KEY", "") or settings.SECRET_KEY


def _signer(key: str | None = None) -> signing.Signer:
    return signing.Signer(key=key or _key(), salt=SALT, algorithm="sha256")


def _payload(document: dict[str, Any]) -> str:
    body = {k: v for k, v in document.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _event(event: AuditEvent) -> dict[str, Any]:
    return {**digest_body(event), "hash": event.hash}


def _document(*, organization_id: int | None, subject: dict[str, Any], events: Iterable[AuditEvent]
              ) -> dict[str, Any]:
    head = audit_chain_heads([organization_id]).get(organization_id)
    anchor = audit_latest_anchor(organization_id)
    document = {
        "format": FORMAT,
        "hashing": HASHING,
        "organization": organization_id,
        "exported_at": clock.now().isoformat(),
        **subject,
        "head": head.as_dict() if head else {
            "organization": organization_id, "count": 0, "last_hash": GENESIS},
        "anchor": {"count": anchor.count, "last_hash": anchor.last_hash, "at": anchor.at.isoformat()}
        if anchor else None,
        "events": [_event(event) for event in events],
    }
    document["signature"] = _signer().signature(_payload(document))
    return document


def export_object(*, obj: models.Model, organization_id: int, events: Iterable[AuditEvent]) -> dict[str, Any]:
    """The history of one object: its `events` (core.history.history_events, which scopes them to the
    reader), oldest first."""
    subject = {"kind": "object",
               "object": {"type": obj._meta.label_lower, "id": str(obj.pk), "repr": str(obj)[:255]}}
    return _document(organization_id=organization_id, subject=subject, events=events)


def export_period(organization_id: int, start: datetime, end: datetime) -> dict[str, Any]:
    """Every event of the chain from the first recorded at or after `start` to the last before `end`,
    with nothing between them left out, so their links are checked too."""
    chain = AuditEvent.objects.filter(organization_id=organization_id)
    span = chain.filter(created_at__gte=start, created_at__lt=end).order_by().aggregate(
        first=models.Min("sequence"), last=models.Max("sequence"))
    events = (chain.filter(sequence__gte=span["first"], sequence__lte=span["last"]).order_by("sequence")
              if span["first"] is not None else AuditEvent.objects.none())
    subject = {"kind": "period", "period": {"from": start.isoformat(), "to": end.isoformat()}}
    return _document(organization_id=organization_id, subject=subject, events=events)


def check_export(document: Any, *, key: str | None = None, check_signature: bool = True) -> list[str]:
    """What is wrong with an export, in order; an empty list when it holds.

    Recomputes each event's hash from its content, requires the events in increasing sequence, a
    period's events linked one to the next, the head at or past the last event (its hash when they
    meet), and the signature.
    """
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return [_("not a Hamyar audit export")]
    events = document.get("events")
    if not isinstance(events, list):
        return [_("the export has no list of events")]
    problems: list[str] = []
    previous: dict[str, Any] | None = None
    for position, event in enumerate(events, start=1):
        if not isinstance(event, dict) or "hash" not in event or "sequence" not in event:
            problems.append(_("entry %(n)s is not an event") % {"n": position})
            previous = None
            continue
        values = {"seq": event["sequence"]}
        body = {k: v for k, v in event.items() if k != "hash"}
        if digest(body) != event["hash"]:
            problems.append(_("event #%(seq)s: its content does not match its hash") % values)
        if event.get("organization") != document.get("organization"):
            problems.append(_("event #%(seq)s belongs to another chain") % values)
        if previous is not None:
            if not event["sequence"] > previous["sequence"]:
                problems.append(_("event #%(seq)s is out of order (after #%(prev)s)") % {
                    **values, "prev": previous["sequence"]})
            elif document.get("kind") == "period":
                if event["sequence"] != previous["sequence"] + 1:
                    problems.append(_("events #%(first)s to #%(last)s are missing") % {
                        "first": previous["sequence"] + 1, "last": event["sequence"] - 1})
                elif event.get("previous_hash") != previous["hash"]:
                    problems.append(_("event #%(seq)s does not link to the event before it") % values)
        elif event.get("sequence") == 1 and event.get("previous_hash") != GENESIS:
            problems.append(_("event #1 does not start the chain"))
        previous = event
    head = document.get("head") or {}
    if previous is not None and isinstance(head.get("count"), int):
        if previous["sequence"] > head["count"]:
            problems.append(_("the events go past the chain's head"))
        elif previous["sequence"] == head["count"] and previous["hash"] != head.get("last_hash"):
            problems.append(_("the last event does not match the chain's head"))
    if check_signature:
        signature = document.get("signature")
        if not isinstance(signature, str) or not constant_time_compare(
                signature, _signer(key).signature(_payload(document))):
            problems.append(
                _("the signature does not match: the file was changed or signed with another key"))
    return problems
