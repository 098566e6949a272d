"""Display helpers of the web shell: decimals, names, days left, icons, isolated runs, links one may open."""

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django import template
from django.template.context import Context
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html, json_script
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_bidi, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from hamyar.core.access import may_open as _may_open
from hamyar.core.jalali import MONTHS_EN, MONTHS_FA, format_jalali_date, is_month, month_label, to_jalali
from hamyar.core.roles import Role
from hamyar.core.text import to_persian_digits

register = template.Library()


def _persian() -> bool:
    return (get_language() or "fa").startswith("fa")


@register.filter
def dec(value: Any, places: int = 1) -> str:
    """A decimal figure with thousands separators; "—" when unknown (never a made-up zero)."""
    if value is None or value == "":
        return "—"
    number = round(float(Decimal(str(value))), int(places))
    text = f"{number:,.{int(places)}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if _persian():
        return to_persian_digits(text.replace(",", "٬").replace(".", "٫"))
    return text


@register.filter
def local_name(obj: Any) -> str:
    """The English name on English pages when one is recorded, else the (Persian) name."""
    english = getattr(obj, "name_en", "")
    if english and not _persian():
        return english
    name = str(getattr(obj, "name", obj))
    return to_persian_digits(name) if _persian() else name


@register.filter
def days_until(value: date | None) -> int | None:
    if value is None:
        return None
    return (value - timezone.localdate()).days


@register.filter
def minutes(value: timedelta | None) -> int | None:
    if value is None:
        return None
    return int(value.total_seconds() // 60)


@register.filter
def neg(value: int | None) -> int | None:
    return None if value is None else -value


# Simple line icons (24×24, stroke only), drawn for this shell.
_ICONS = {
    "home": '<path d="M3 11l9-7 9 7"/><path d="M5 10v10h14V10"/><path d="M10 20v-6h4v6"/>',
    "city": '<path d="M3 21h18"/><path d="M5 21V9l5-3v15"/><path d="M10 21V4h9v17"/>'
            '<path d="M13 8h3M13 12h3M13 16h3"/>',
    "tree": '<path d="M12 21v-5"/><path d="M12 3l6 8h-3l4 5H5l4-5H6z"/>',
    "building": '<rect x="4" y="3" width="16" height="18" rx="1"/><path d="M9 7h2M13 7h2M9 11h2M13 11h2'
                'M9 15h2M13 15h2"/><path d="M10 21v-3h4v3"/>',
    "file": '<path d="M6 3h8l4 4v14H6z"/><path d="M14 3v4h4"/><path d="M9 12h6M9 16h6"/>',
    "grid": '<rect x="3" y="3" width="7" height="7"/><rect x="14" y="3" width="7" height="7"/>'
            '<rect x="3" y="14" width="7" height="7"/><rect x="14" y="14" width="7" height="7"/>',
    "people": '<circle cx="9" cy="8" r="3.5"/><path d="M2.5 20c.8-3.8 3.4-6 6.5-6s5.7 2.2 6.5 6"/>'
              '<path d="M16 4.5a3.5 3.5 0 010 7M18 14c2 .8 3.1 3 3.5 6"/>',
    "key": '<circle cx="8" cy="15" r="4"/><path d="M11 12l9-9M16 7l3 3M14 9l2 2"/>',
    "calendar": '<rect x="3" y="5" width="18" height="16" rx="2"/><path d="M3 10h18M8 3v4M16 3v4"/>',
    "logout": '<path d="M15 4h4v16h-4"/><path d="M10 8l-4 4 4 4M6 12h10"/>',
    "globe": '<circle cx="12" cy="12" r="9"/><path d="M3 12h18"/><path d="M12 3c3 3.5 3 14.5 0 18'
             'M12 3c-3 3.5-3 14.5 0 18"/>',
    "search": '<circle cx="11" cy="11" r="7"/><path d="M20 20l-4-4"/>',
    "plus": '<path d="M12 5v14M5 12h14"/>',
    "alert": '<path d="M12 3l10 18H2z"/><path d="M12 10v5M12 18v.5"/>',
    "check": '<path d="M5 12l5 5 9-10"/>',
    "inbox": '<path d="M3 13l3-8h12l3 8v6H3z"/><path d="M3 13h5l1 2h6l1-2h5"/>',
    "receipt": '<path d="M6 3h12v18l-3-2-3 2-3-2-3 2z"/><path d="M9 8h6M9 12h6"/>',
    "truck": '<path d="M2 6h11v10H2zM13 9h5l3 3v4h-8z"/><circle cx="6" cy="18" r="2"/>'
             '<circle cx="17" cy="18" r="2"/>',
    "percent": '<path d="M19 5L5 19"/><circle cx="7" cy="7" r="2.5"/><circle cx="17" cy="17" r="2.5"/>',
    "flag": '<path d="M5 21V4"/><path d="M5 4h11l-2 4 2 4H5"/>',
    "clock": '<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>',
    "bell": '<path d="M6 16V11a6 6 0 0 1 12 0v5l2 2H4z"/><path d="M10 20a2 2 0 0 0 4 0"/>',
    "box": '<path d="M3 7l9-4 9 4v10l-9 4-9-4z"/><path d="M3 7l9 4 9-4M12 11v10"/>',
    "menu": '<path d="M4 6h16M4 12h16M4 18h16"/>',
    "swipe": '<path d="M4 12h16"/><path d="M8 8l-4 4 4 4"/><path d="M16 8l4 4-4 4"/>',
}


@register.simple_tag
def icon(name: str, size: int = 18) -> SafeString:
    paths = _ICONS.get(name, "")
    return format_html(
        '<svg class="icon" width="{}" height="{}" viewBox="0 0 24 24" fill="none" stroke="currentColor" '
        'stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">{}</svg>',
        size, size, mark_safe(paths),  # noqa: S308 - the paths are the constants above
    )


_WEEKDAYS_FA = ("دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه", "یکشنبه")
_MONTHS_EN = ("Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
              "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand")


@register.filter
def jdate_full(value: date | None) -> str:
    """The header's date: «سه‌شنبه ۴ آذر ۱۴۰۴», or «Tuesday 4 Azar 1404» on English pages."""
    if value is None:
        return ""
    if _persian():
        return f"{_WEEKDAYS_FA[value.weekday()]} {format_jalali_date(value, long=True)}"
    j = to_jalali(value)
    return f"{value:%A} {j.day} {_MONTHS_EN[j.month - 1]} {j.year}"


@register.filter
def jmonth(value: Any) -> str:
    """A Jalali month number (140509) as «آذر ۱۴۰۵» or «Azar 1405»; other values unchanged."""
    try:
        month = int(value)
    except (TypeError, ValueError):
        return "" if value is None else str(value)
    return month_label(month, persian_digits=_persian()) if is_month(month) else str(value)


@register.filter
def pct(value: Any, places: int = 1) -> str:
    """A percentage: ۱۲٫۵٪ or 12.5%; "—" when unknown."""
    if value is None or value == "":
        return "—"
    return f"{dec(value, places)}{'٪' if _persian() else '%'}"


@register.filter
def role_label(value: str) -> str:
    try:
        return str(Role(value).label)
    except ValueError:
        return value


@register.simple_tag
def date_picker_text() -> str:
    """The date picker's words in the page's language, as the JSON element web/datepicker.js reads."""
    persian = _persian()
    return json_script({
        "digits": "fa" if persian else "latn",
        "dir": "rtl" if get_language_bidi() else "ltr",
        "months": list(MONTHS_FA if persian else MONTHS_EN),
        "days": [str(day) for day in WEEKDAY_INITIALS],
        "dialog": str(_("Choose a date")),
        "year": str(_("Year")),
        "month": str(_("Month")),
        "nextYear": str(_("Next year")),
        "previousYear": str(_("Previous year")),
        "nextMonth": str(_("Next month")),
        "previousMonth": str(_("Previous month")),
        "today": str(_("Today")),
        "clear": str(_("Clear")),
        "close": str(_("Close")),
    }, "jdp-text")


# The Jalali week starts on Saturday.
WEEKDAY_INITIALS = (
    pgettext_lazy("weekday initial", "Sa"), pgettext_lazy("weekday initial", "Su"),
    pgettext_lazy("weekday initial", "Mo"), pgettext_lazy("weekday initial", "Tu"),
    pgettext_lazy("weekday initial", "We"), pgettext_lazy("weekday initial", "Th"),
    pgettext_lazy("weekday initial", "Fr"),
)


@register.simple_tag
def date_input(name: str, value: Any = None, *, size: str = "", compact: bool = False, **attrs: Any) -> str:
    """A date box placed by hand in a template, drawn by the one JalaliDateInput so it gets the picker.

    `value` may be a date (shown in Jalali, in the page's digits) or text as typed; other keyword
    arguments become attributes (id, title, class …: a class is added to the box's own).
    """
    from hamyar.core.forms import JalaliDateInput

    if isinstance(value, date):
        value = format_jalali_date(value, persian_digits=_persian())
    own = "form-control form-control-sm" if size == "sm" else "form-control"
    attrs["class"] = f"{own} {attrs['class']}" if attrs.get("class") else own
    return JalaliDateInput(attrs, compact=compact).render(name, value or "")

_PERSIAN_LETTER = re.compile("[\u0600-\u06ff]")


@register.filter(is_safe=True)
def isolate(value: Any) -> str:
    """A value inside a sentence (a code, a number, a name), in <bdi> so its direction cannot reorder the
    words around it. Persian text gets Persian digits on a Persian page; a value with no Persian letter
    (a username, a file name, a code) is marked left-to-right and kept as written."""
    if value is None or value == "":
        return ""
    text = str(value)
    if _PERSIAN_LETTER.search(text) or not re.search("[A-Za-z]", text):
        return format_html("<bdi>{}</bdi>", to_persian_digits(text) if _persian() else text)
    return format_html('<bdi dir="ltr">{}</bdi>', text)


@register.filter(is_safe=True)
def docnum(value: Any) -> str:
    """A number the organization issues (N-1405-00012): Persian digits on a Persian page, isolated in a
    <bdi> whose first letter (Latin) keeps the parts in their order inside a right-to-left sentence."""
    if value is None or value == "":
        return ""
    return format_html("<bdi>{}</bdi>", to_persian_digits(str(value)) if _persian() else str(value))


# A run that reads left to right or is a number: a code (N-1405-00012), a date (۱۴۰۵/۰۹/۱۶), an amount.
_ALNUM = "A-Za-z0-9\u06f0-\u06f9\u0660-\u0669"
_RUN = re.compile(rf"[{_ALNUM}](?:[{_ALNUM}_\-/.:٬٫,]*[{_ALNUM}])?")


@register.filter(is_safe=True, needs_autoescape=True)
def isolate_runs(value: Any, autoescape: bool = True) -> str:
    """A stored sentence (a notification, a message) with each code, date and number in its own <bdi>,
    in Persian digits on a Persian page: a code next to a date can no longer swap places with it when the
    bidi algorithm joins them into one left-to-right run."""
    if value is None or value == "":
        return ""
    text = str(value)
    if _persian():
        text = to_persian_digits(text)
    escape = conditional_escape if autoescape else str
    parts, last = [], 0
    for match in _RUN.finditer(text):
        parts += [escape(text[last:match.start()]), "<bdi>", escape(match.group(0)), "</bdi>"]
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 - every piece of text escaped


@register.filter(is_safe=True)
def person(user: Any) -> str:
    """Who did something: the full name, else the username (left-to-right), isolated from the sentence."""
    if user is None or user == "":
        return ""
    if isinstance(user, str):
        return isolate(user)
    return isolate(user.get_full_name() or user.get_username())


@register.simple_tag(takes_context=True)
def may_open(context: Context, view_name: str, *args: Any) -> bool:
    """Whether the page would let the acting user in: `{% may_open 'needs:triage_queue' as show %}`.

    Asks the page's own role set (web.access.may_open), so a link is shown exactly when it opens."""
    request = context.get("request")
    user = getattr(request, "user", None) if request is not None else context.get("user")
    return _may_open(user, reverse(view_name, args=args))
