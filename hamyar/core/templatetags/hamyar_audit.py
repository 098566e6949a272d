"""`{% audit_history obj %}`: an object's history from the audit log, collapsed on its page.

The events of its related rows (core.history.RELATED: an order's deliveries…) are part of it. The
selector shows nothing to a user who may not read the object, and reads once.
"""

import json
import re
from datetime import date, datetime
from typing import Any

from django import template
from django.template import Context
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from hamyar.core.history import object_history
from hamyar.core.templatetags.hamyar import fa_digits, jdate, jdatetime, num

_PERSIAN_LETTER = re.compile("[\u0600-\u06ff]")

register = template.Library()


@register.inclusion_tag("core/partials/audit_history.html", takes_context=True)
def audit_history(context: Context, obj: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    entries = object_history(user=user, obj=obj) if user is not None else []
    try:
        export_url = reverse("web:audit_object_export", args=[obj._meta.label_lower, obj.pk])
    except NoReverseMatch:
        export_url = ""
    return {"entries": entries, "export_url": export_url if entries else ""}


@register.filter(is_safe=True)
def audit_text(value: Any) -> str:
    """Text as recorded, isolated: Persian (or digits only) with Persian digits; anything else (a username,
    a code, an action with no words) left-to-right and as written."""
    text = str(value)
    if _PERSIAN_LETTER.search(text) or not re.search("[A-Za-z]", text):
        return format_html("<bdi>{}</bdi>", fa_digits(text))
    return format_html('<bdi dir="ltr" class="code">{}</bdi>', text)


@register.filter(is_safe=True)
def audit_value(value: Any) -> str:
    """A recorded value as the history shows it: Jalali dates, grouped Persian numbers, JSON for the rest."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, datetime):
        return jdatetime(value)
    if isinstance(value, date):
        return jdate(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return num(value)
    if isinstance(value, list):  # each item as its own value: a line's item, quantity, unit, price
        return format_html_join("، ", "{}", ((audit_value(item),) for item in value))
    if isinstance(value, dict):
        return format_html('<code dir="ltr">{}</code>', json.dumps(value, ensure_ascii=False))
    return audit_text(value)
