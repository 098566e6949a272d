"""Display helpers of the needs pages: durations, status colours, score bars."""

from datetime import timedelta

from django import template
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from hamyar.core.templatetags.hamyar import num

register = template.Library()

_STATUS_CLASS = {
    "draft": "secondary", "submitted": "info", "triaged": "primary", "assigned": "warning",
    "quoted": "warning", "approved": "success", "fulfilled": "success", "rejected": "danger",
    "cancelled": "secondary",
}


@register.filter
def status_class(status: str) -> str:
    """The Bootstrap colour of a need's status badge."""
    return _STATUS_CLASS.get(str(status), "secondary")


@register.filter
def duration(value: timedelta | None) -> str:
    """«۲ روز و ۳ ساعت», «۵ ساعت», «۴۰ دقیقه»: a clock's time, sign dropped."""
    if value is None:
        return "—"
    minutes = int(abs(value.total_seconds()) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)s day", "%(n)s days", days) % {"n": num(days)})
    if hours:
        parts.append(ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": num(hours)})
    if not days and (minutes or not parts):
        parts.append(ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": num(minutes)})
    return _(" and ").join(parts)


@register.filter
def percent_of(value, weight) -> int:
    """Points as a share of the factor's weight, 0–100, for a bar's width."""
    try:
        return max(0, min(100, round(float(value) * 100 / float(weight))))
    except (TypeError, ValueError, ZeroDivisionError):
        return 0


@register.filter
def pct_of_one(value) -> str:
    """A rate kept as 0–1 shown as a percentage: 0.92 → ۹۲٪."""
    if value is None or value == "":
        return "—"
    return f"{num(round(float(value) * 100))}{'٪' if _persian() else '%'}"


def _persian() -> bool:
    return (get_language() or "fa").startswith("fa")


_EVENTS = {
    "need.create": gettext_lazy("Created as a draft"),
    "need.update": gettext_lazy("Draft changed"),
    "need.submit": gettext_lazy("Submitted to the organization"),
    "need.triage": gettext_lazy("Triaged"),
    "need.assign": gettext_lazy("Assigned to a provider"),
    "need.request_competing": gettext_lazy("Competing quotations asked for"),
    "need.reject": gettext_lazy("Rejected"),
    "need.cancel": gettext_lazy("Cancelled by the municipality"),
    "need.mark_gap": gettext_lazy("Recorded as a capability gap"),
    "need.quoted": gettext_lazy("Quoted"),
    "need.approved": gettext_lazy("Quotation approved"),
    "need.fulfilled": gettext_lazy("Fulfilled"),
    "need.remind": gettext_lazy("Overdue: reminder sent"),
}


@register.filter
def event_label(action: str) -> str:
    """A need's audit action as the timeline says it."""
    label = _EVENTS.get(action)
    return str(label) if label is not None else action
