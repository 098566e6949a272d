"""An object's history from the audit log: who did what, and each field before and after.

`object_history` is the selector the pages share (through the `audit_history` tag): it reads only the
acting user's organization's events, and only when the user may read the object itself; the events
of related rows (an order's deliveries, a project's milestones) come through the same scope, so a
municipality sees its own share of a group purchase, not its neighbours'. One query, whatever the
number of events or related rows.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import CharField, Exists, Model, Q, QuerySet
from django.db.models.functions import Cast
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AuditEvent
from .scoping import membership_of, scope

# The verbs of the actions services record ("<entity>.<verb>"): the rest show as recorded.
VERBS = {
    "create": gettext_lazy("created"),
    "update": gettext_lazy("changed"),
    "submit": gettext_lazy("submitted"),
    "triage": gettext_lazy("triaged"),
    "assign": gettext_lazy("assigned"),
    "approve": gettext_lazy("approved"),
    "reject": gettext_lazy("rejected"),
    "cancel": gettext_lazy("cancelled"),
    "send": gettext_lazy("sent"),
    "place": gettext_lazy("placed"),
    "start": gettext_lazy("started"),
    "record": gettext_lazy("recorded"),
    "receive": gettext_lazy("received"),
    "close": gettext_lazy("closed"),
    "issue": gettext_lazy("issued"),
    "void": gettext_lazy("voided"),
    "complete": gettext_lazy("completed"),
    "add": gettext_lazy("added"),
    "remove": gettext_lazy("removed"),
    "contract": gettext_lazy("contracted"),
    "propose": gettext_lazy("proposed"),
    "join": gettext_lazy("joined"),
    "withdraw": gettext_lazy("withdrew"),
    "invoice": gettext_lazy("invoiced"),
    "paid": gettext_lazy("paid"),
    "partially_paid": gettext_lazy("partially paid"),
    "delivered": gettext_lazy("delivered"),
    "partially_delivered": gettext_lazy("partially delivered"),
    "quoted": gettext_lazy("quoted"),
    "approved": gettext_lazy("approved"),
    "fulfilled": gettext_lazy("fulfilled"),
    "deputy_approve": gettext_lazy("approved by the deputy"),
    "clerk_approve": gettext_lazy("approved by the clerk"),
    "expire": gettext_lazy("expired"),
    "reopen": gettext_lazy("reopened"),
    "suspend": gettext_lazy("suspended"),
    "resume": gettext_lazy("resumed"),
    "hand_over": gettext_lazy("handed over"),
    "terminate": gettext_lazy("terminated"),
}
SKIPPED = {"id", "organization_id", "created_at", "updated_at"}
# The related rows whose events are part of an object's history: `obj.<name>.all()`, by object type.
RELATED = {
    "needs.need": ("attachments",),
    "commerce.order": ("deliveries",),
    "commerce.grouppurchase": ("participants",),
    "finance.invoice": ("payments",),
    "projects.project": ("milestones", "constraints", "reports", "change_orders", "payment_requests",
                         "documents"),
}


@dataclass
class Change:
    """One field of an event: its label, and the value before and after (None when absent)."""

    label: str
    before: Any
    after: Any


@dataclass
class HistoryEntry:
    event: AuditEvent
    what: str  # the kind of object, and the action
    actor: str
    changes: list[Change] = field(default_factory=list)


def _model(label: str) -> type[Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field(model: type[Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name.removesuffix("_id") if name.endswith("_id") else name)
    except FieldDoesNotExist:
        return None


def _shown(model_field: Any, value: Any) -> Any:
    """A stored value as a person reads it: a choice's label, a date as a date, yes or no."""
    if value is None or value == "" or value == []:
        return None
    choices = dict(model_field.flatchoices) if model_field is not None and model_field.choices else {}
    if value in choices:
        return str(choices[value])
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str) and model_field is not None:
        internal = model_field.get_internal_type()
        if internal == "DateTimeField":
            return parse_datetime(value) or value
        if internal == "DateField":
            return parse_date(value) or value
    if isinstance(value, list):
        return "، ".join(str(v) for v in value)
    return value


def changes_of(event: AuditEvent, model: type[Model] | None) -> list[Change]:
    """The fields that differ between before and after (every field of a creation), labelled."""
    before, after = event.before or {}, event.after or {}
    rows = []
    for name in [*after, *(k for k in before if k not in after)]:
        if name in SKIPPED or before.get(name) == after.get(name):
            continue
        model_field = _field(model, name)
        label = str(model_field.verbose_name) if model_field is not None and hasattr(
            model_field, "verbose_name") else name
        was, now = _shown(model_field, before.get(name)), _shown(model_field, after.get(name))
        rows.append(Change(label, was, now))
    return rows


def _as_text_ids(queryset: QuerySet) -> QuerySet:
    return queryset.order_by().annotate(text_id=Cast("pk", CharField())).values("text_id")


def related_rows(obj: Model) -> list[QuerySet]:
    """The related rows of `obj` whose events belong to its history (RELATED), unevaluated."""
    return [getattr(obj, name).all() for name in RELATED.get(obj._meta.label_lower, ())]


def history_events(*, user: Any, obj: Model, related: Iterable[QuerySet] | None = None
                   ) -> QuerySet[AuditEvent]:
    """The events of `obj` and of its related rows (RELATED, or `related`) the user may read, oldest
    first; none unless the user may read `obj` itself (checked in the same query)."""
    related = related_rows(obj) if related is None else related
    membership = membership_of(user)
    if membership is None or obj.pk is None:
        return AuditEvent.objects.none()
    where = Q(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    for rows in related:
        where |= Q(object_type=rows.model._meta.label_lower, object_id__in=_as_text_ids(scope(rows, user)))
    readable = scope(type(obj)._default_manager.filter(pk=obj.pk), user)
    return (AuditEvent.objects.filter(where, Exists(readable), organization_id=membership.organization_id)
            .select_related("actor").order_by("sequence"))


def object_history(*, user: Any, obj: Model, related: Iterable[QuerySet] | None = None
                   ) -> list[HistoryEntry]:
    """The history of one object as the pages show it."""
    entries = []
    for event in history_events(user=user, obj=obj, related=related):
        model = _model(event.object_type)
        kind = str(model._meta.verbose_name) if model is not None else event.object_type
        verb = event.action.rsplit(".", 1)[-1]
        what = f"{kind}: {VERBS.get(verb, verb.replace('_', ' '))}"
        actor = event.actor.get_full_name() or event.actor.get_username() if event.actor else (
            event.actor_label if event.actor_label != "system" else _("the system"))
        entries.append(HistoryEntry(event, what, actor, changes_of(event, model)))
    return entries

