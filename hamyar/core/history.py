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
from django.utils.translation import gettext_lazy, pgettext_lazy

from .models import AuditEvent
from .scoping import membership_of, scope

# The verbs of the actions services record ("<entity>.<verb>"): the rest show as recorded. In a context of
# their own: "received" as a status elsewhere is an adjective.
VERBS = {
    "create": pgettext_lazy("audit action", "created"),
    "update": pgettext_lazy("audit action", "changed"),
    "submit": pgettext_lazy("audit action", "submitted"),
    "triage": pgettext_lazy("audit action", "triaged"),
    "assign": pgettext_lazy("audit action", "assigned"),
    "approve": pgettext_lazy("audit action", "approved"),
    "reject": pgettext_lazy("audit action", "rejected"),
    "cancel": pgettext_lazy("audit action", "cancelled"),
    "send": pgettext_lazy("audit action", "sent"),
    "place": pgettext_lazy("audit action", "placed"),
    "start": pgettext_lazy("audit action", "started"),
    "record": pgettext_lazy("audit action", "recorded"),
    "receive": pgettext_lazy("audit action", "received"),
    "close": pgettext_lazy("audit action", "closed"),
    "issue": pgettext_lazy("audit action", "issued"),
    "void": pgettext_lazy("audit action", "voided"),
    "complete": pgettext_lazy("audit action", "completed"),
    "add": pgettext_lazy("audit action", "added"),
    "remove": pgettext_lazy("audit action", "removed"),
    "contract": pgettext_lazy("audit action", "contracted"),
    "propose": pgettext_lazy("audit action", "proposed"),
    "join": pgettext_lazy("audit action", "joined"),
    "withdraw": pgettext_lazy("audit action", "withdrew"),
    "invoice": pgettext_lazy("audit action", "invoiced"),
    "paid": pgettext_lazy("audit action", "paid"),
    "partially_paid": pgettext_lazy("audit action", "partially paid"),
    "delivered": pgettext_lazy("audit action", "delivered"),
    "partially_delivered": pgettext_lazy("audit action", "partially delivered"),
    "quoted": pgettext_lazy("audit action", "quoted"),
    "approved": pgettext_lazy("audit action", "approved"),
    "fulfilled": pgettext_lazy("audit action", "fulfilled"),
    "deputy_approve": pgettext_lazy("audit action", "approved by the deputy"),
    "clerk_approve": pgettext_lazy("audit action", "approved by the clerk"),
    "expire": pgettext_lazy("audit action", "expired"),
    "reopen": pgettext_lazy("audit action", "reopened"),
    "suspend": pgettext_lazy("audit action", "suspended"),
    "resume": pgettext_lazy("audit action", "resumed"),
    "hand_over": pgettext_lazy("audit action", "handed over"),
    "terminate": pgettext_lazy("audit action", "terminated"),
    "created": pgettext_lazy("audit action", "created"),
    "added": pgettext_lazy("audit action", "added"),
    "offer": pgettext_lazy("audit action", "offered"),
    "publish": pgettext_lazy("audit action", "published"),
    "invite": pgettext_lazy("audit action", "invited"),
    "set": pgettext_lazy("audit action", "set"),
    "clear": pgettext_lazy("audit action", "cleared"),
    "calculate": pgettext_lazy("audit action", "calculated"),
    "mark_gap": pgettext_lazy("audit action", "marked as a capability gap"),
    "place_from_group_purchase": pgettext_lazy("audit action", "placed from a group purchase"),
    "create_for_group_purchase": pgettext_lazy("audit action", "created for a group purchase"),
    "remind": pgettext_lazy("audit action", "reminded"),
    "scorecard": pgettext_lazy("audit action", "scored"),
}
SKIPPED = {"id", "organization_id", "created_at", "updated_at"}
# Keys of a snapshot that are not fields of the model.
LABELS = {"lines": gettext_lazy("lines"), "accepted": gettext_lazy("accepted"),
          "group_purchase": gettext_lazy("group purchase")}
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
    kind: str  # the kind of object, by its model's name
    verb: str | None  # what was done to it; None for an action with no words (shown as recorded)
    actor: str
    changes: list[Change] = field(default_factory=list)

    @property
    def what(self) -> str:
        return f"{self.kind}: {self.verb or self.event.action}"


def _model(label: str) -> type[Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field(model: type[Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        found = model._meta.get_field(name.removesuffix("_id") if name.endswith("_id") else name)
    except FieldDoesNotExist:
        return None
    # A key that names a reverse relation is not one of the model's own fields.
    return found if getattr(found, "concrete", False) or getattr(found, "many_to_many", False) else None


def _shown(model_field: Any, value: Any) -> Any:
    """A stored value as a person reads it: a choice's label, a date as a date, yes or no."""
    if value is None or value == "" or value == []:
        return None
    choices = dict(model_field.flatchoices) if model_field is not None and model_field.choices else {}
    if isinstance(value, str | int) and value in choices:
        return str(choices[value])
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str) and model_field is not None:
        internal = model_field.get_internal_type()
        if internal == "DateTimeField":
            return parse_datetime(value) or value
        if internal == "DateField":
            return parse_date(value) or value
    return value


def changes_of(event: AuditEvent, model: type[Model] | None) -> list[Change]:
    """The fields that differ between before and after (every field of a creation), labelled."""
    before, after = event.before or {}, event.after or {}
    rows = []
    for name in [*after, *(k for k in before if k not in after)]:
        if name in SKIPPED or before.get(name) == after.get(name):
            continue
        model_field = _field(model, name)
        was, now = _shown(model_field, before.get(name)), _shown(model_field, after.get(name))
        if was is None and now is None:  # empty before and after, "" or None
            continue
        if model_field is not None and hasattr(model_field, "verbose_name"):
            label = str(model_field.verbose_name)
        else:
            label = str(LABELS.get(name, name))  # a key with no words: shown as recorded
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
        verb = VERBS.get(event.action.rsplit(".", 1)[-1])
        actor = event.actor.get_full_name() or event.actor.get_username() if event.actor else (
            event.actor_label if event.actor_label != "system" else _("the system"))
        entries.append(HistoryEntry(event, kind, str(verb) if verb else None, actor,
                                    changes_of(event, model)))
    return entries

