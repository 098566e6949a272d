"""Charts drawn on the server as SVG: bars, columns or a line over Jalali months, and a heatmap.

Why server-side SVG and not a JavaScript package (such as ECharts): the figures are few and already
summed by the rollups, so a chart is a handful of rectangles that Django can draw in the page's own
language — Persian digits, Jalali month names, right-to-left axes — with the same formatting as the
tables beside it; nothing to download, nothing to run, nothing that breaks without JavaScript, and
the chart prints, and reads in a screen reader (role="img", a title and a description), exactly as
sent. A chart is one image to assistive technology (role="img"), so it holds no link: the figures it
draws link to their records from its table. Each chart is readable without colour: bars carry their
value as text, a heatmap's cells carry their number, and the table the chart draws is one link away
(`table_id`).

Every text put in the markup is escaped here (`format_html`/`escape`); only this module's own markup is
marked safe.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hamyar.core.jalali import MONTHS_EN, MONTHS_FA
from hamyar.core.money import group_thousands
from hamyar.core.text import to_persian_digits

__all__ = ["HEAT_SCALE", "Bar", "bar_chart", "heatmap", "month_chart", "number_text"]

FONT = "Vazirmatn, Tahoma, sans-serif"
BAR_FILL = "#1f5fa8"  # 7.0:1 on white: the bar stands out without relying on hue
BAR_ALT_FILL = "#8a4b08"
TEXT = "#212529"
MUTED = "#495057"  # 8.2:1 on white
GRID = "#ced4da"
# Light to dark; each step names the text colour that reads on it (≥ 4.5:1, checked in the tests).
HEAT_SCALE: tuple[tuple[str, str], ...] = (
    ("#f8f9fa", TEXT),  # nothing
    ("#dbe8f6", TEXT),
    ("#a9c8ea", TEXT),
    ("#7fa9dc", TEXT),
    ("#3a70b0", "#ffffff"),
    ("#0d3365", "#ffffff"),
)


def _svg(template: str, *args: Any, **kwargs: Any) -> SafeString:
    """format_html, with coordinates (floats) written to one decimal."""
    def plain(value: Any) -> Any:
        return f"{value:.1f}" if isinstance(value, float) else value
    return format_html(template, *map(plain, args), **{k: plain(v) for k, v in kwargs.items()})


def _persian() -> bool:
    return (get_language() or "fa").startswith("fa")


def _digits(text: Any) -> str:
    text = str(text)
    return to_persian_digits(text) if _persian() else text


def number_text(value: int | float | Decimal | None, places: int = 0, suffix: str = "") -> str:
    """A value as it is written on a chart: thousands grouped, Persian digits on a Persian page."""
    if value is None:
        return "—"
    persian = _persian()
    if places == 0:
        text = group_thousands(int(round(value)), persian_digits=persian)
    else:
        text = f"{float(value):,.{places}f}".rstrip("0").rstrip(".")
        if persian:
            text = to_persian_digits(text.replace(",", "٬").replace(".", "٫"))
    if suffix == "%":
        suffix = "٪" if persian else "%"
    return f"{text}{suffix}"


def month_name(month: int, *, short: bool = False) -> str:
    """Azar 1405 as «آذر ۱۴۰۵» (short: «آذر ۰۵»)."""
    year, number = divmod(month, 100)
    name = (MONTHS_FA if _persian() else MONTHS_EN)[number - 1]
    year_text = f"{year % 100:02d}" if short else str(year)
    return f"{name} {_digits(year_text)}"


def _open(width: int, height: int, title: str, desc: str, chart_id: str) -> str:
    return _svg(
        '<svg class="chart" id="{id}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" '
        'preserveAspectRatio="xMidYMin meet" role="img" aria-label="{title}" '
        'aria-labelledby="{id}-title {id}-desc" font-family="{font}" font-size="13">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>',
        id=chart_id, w=width, h=height, title=title, desc=desc, font=FONT,
    )


# A text's anchor is given geometrically and written for a right-to-left text: its right edge ("end"),
# its left edge ("start") or its middle at x. With direction="rtl" the words, digits and brackets of a
# Persian label keep their order, and SVG's own "start" is the right edge.
_ANCHOR = {"end": "start", "start": "end", "middle": "middle"}


def _text(x: float, y: float, text: str, *, anchor: str = "end", fill: str = TEXT, size: int = 13,
          weight: str = "normal") -> str:
    """A text whose `anchor` is geometric: "end" puts its right edge at x, "start" its left edge."""
    return _svg('<text x="{}" y="{}" text-anchor="{}" direction="rtl" unicode-bidi="embed" fill="{}" '
                'font-size="{}" font-weight="{}">{}</text>', float(x), float(y), _ANCHOR[anchor], fill, size,
                weight, text)


def _short(text: str, size: int) -> str:
    return text if len(text) <= size else text[:size - 1].rstrip() + "…"


def _table_link(table_id: str) -> str:
    if not table_id:
        return ""
    return _svg('<a class="chart-table-link small" href="#{}">{}</a>', table_id, _("Show as a table"))


def _figure(svg: str, table_id: str, empty: bool) -> SafeString:
    note = ""
    if empty:
        note = _svg('<p class="small text-body-secondary mb-1">{}</p>', _("No figures yet."))
    return mark_safe(f'<figure class="chart-figure mb-2">{note}{svg}'  # noqa: S308 - built from escaped parts
                     f'<figcaption>{_table_link(table_id)}</figcaption></figure>')


def _scale_max(values: Sequence[float]) -> float:
    top = max((float(v) for v in values if v is not None), default=0.0)
    return top if top > 0 else 1.0


# ---------------------------------------------------------------- horizontal bars


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | float | Decimal | None
    text: str = ""  # the value as written beside the bar; number_text(value) when empty


def bar_chart(bars: Sequence[Bar], *, title: str, desc: str, chart_id: str, table_id: str = "",
              width: int = 560, label_width: int = 170, maximum: float | None = None) -> SafeString:
    """Horizontal bars, one per row: the label on the right (where a right-to-left reader starts), the
    bar growing leftwards from it, its value written at its end."""
    row, top = 30, 8
    height = top * 2 + max(len(bars), 1) * row
    value_room = 110
    bar_room = width - label_width - value_room - 10
    scale = maximum if maximum else _scale_max([b.value or 0 for b in bars])
    right = width - label_width  # bars start here and grow to the left
    parts = [_open(width, height, title, desc, chart_id)]
    parts.append(_svg('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>', right, top, right,
                             height - top, MUTED))
    for i, bar in enumerate(bars):
        y = top + i * row
        length = max(0.0, float(bar.value or 0)) / scale * bar_room
        label = _text(width - 4, y + row / 2 + 5, _digits(_short(bar.label, label_width // 7)))
        parts.append(label)
        parts.append(_svg('<rect x="{}" y="{}" width="{}" height="{}" fill="{}" rx="2">'
                                 '<title>{}: {}</title></rect>',
                                 right - length, y + 6, length, row - 12, BAR_FILL, bar.label,
                                 bar.text or number_text(bar.value)))
        parts.append(_text(right - length - 6, y + row / 2 + 5, bar.text or number_text(bar.value),
                           anchor="end", fill=TEXT, weight="bold"))
    parts.append("</svg>")
    return _figure("".join(parts), table_id, not bars)


# ---------------------------------------------------------------- over Jalali months


def month_chart(points: Sequence[tuple[int, int | float | Decimal | None]], *, title: str, desc: str,
                chart_id: str, table_id: str = "", kind: str = "column", width: int = 720, height: int = 260,
                value_text: Callable[[Any], str] = number_text, maximum: float | None = None) -> SafeString:
    """Columns (or a line) over Jalali months, the first month at the right: time runs right to left as
    a Persian reader reads. Each point carries its value as text (every point while they fit, else the
    last and the largest); the month names run along the bottom."""
    left, right_pad, top, bottom = 12, 12, 24, 58
    plot_w, plot_h = width - left - right_pad, height - top - bottom
    n = max(len(points), 1)
    slot = plot_w / n
    scale = maximum if maximum else _scale_max([v or 0 for _m, v in points])
    base = top + plot_h
    parts = [_open(width, height, title, desc, chart_id)]
    for fraction in (0.5, 1.0):  # two light grid lines, the scale written on them at the left
        y = base - plot_h * fraction
        parts.append(_svg('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" '
                                 'stroke-dasharray="3 3"/>', left, y, width - right_pad, y, GRID))
    parts.append(_svg('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>', left, base,
                             width - right_pad, base, MUTED))
    label_every = 1 if n <= 12 else (2 if n <= 24 else 3)
    values = [float(v or 0) for _m, v in points]
    peak = values.index(max(values)) if values else -1
    line: list[str] = []
    for i, (month, value) in enumerate(points):
        cx = width - right_pad - slot * (i + 0.5)  # the first month at the right
        h = max(0.0, float(value or 0)) / scale * plot_h
        tip = f"{month_name(month)}: {value_text(value)}"
        if kind == "line":
            line.append(f"{cx:.1f},{base - h:.1f}")
            mark = _svg('<circle cx="{}" cy="{}" r="3.5" fill="{}"><title>{}</title></circle>',
                               cx, base - h, BAR_FILL, tip)
        else:
            w = slot * 0.64
            mark = _svg('<rect x="{}" y="{}" width="{}" height="{}" fill="{}" rx="1">'
                               '<title>{}</title></rect>', cx - w / 2, base - h, w, h, BAR_FILL, tip)
        parts.append(mark)
        if n <= 12 or i in (peak, n - 1):
            parts.append(_text(cx, base - h - 6, value_text(value), anchor="middle", size=11,
                               weight="bold"))
        if i % label_every == 0 or i == n - 1:
            # the month's name, and its year on the line below
            name, year = month_name(month).rsplit(" ", 1)
            parts.append(_text(cx, base + 17, name, anchor="middle", size=11, fill=MUTED))
            parts.append(_text(cx, base + 31, year, anchor="middle", size=10, fill=MUTED))
    if kind == "line" and line:
        parts.insert(1, _svg('<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>',
                                    " ".join(line), BAR_FILL))
    parts.append(_text(width / 2, height - 6, _("← later months"), anchor="middle", size=11, fill=MUTED))
    parts.append("</svg>")
    return _figure("".join(parts), table_id, not points)


# ---------------------------------------------------------------- heatmap


def heat_step(value: float, maximum: float) -> int:
    """The scale step of a value: 0 for nothing, then five even steps up to the largest."""
    if not value or maximum <= 0:
        return 0
    return min(len(HEAT_SCALE) - 1, 1 + int((len(HEAT_SCALE) - 1) * float(value) / maximum - 1e-9))


def heatmap(rows: Sequence[str], columns: Sequence[str], values: Sequence[Sequence[int | float | None]], *,
            title: str, desc: str, chart_id: str, table_id: str = "",
            cell_text: Callable[[Any], str] = number_text,
            cell_width: int = 88,
            label_width: int = 150) -> SafeString:
    """Rows × columns, each cell shaded light → dark by its value and carrying its number, so the map
    reads without colour; rows are labelled on the right, columns on top, first column at the right."""
    row_h, head = 30, 40
    width = label_width + max(len(columns), 1) * cell_width + 8
    height = head + max(len(rows), 1) * row_h + 8
    maximum = _scale_max([v or 0 for line in values for v in line])
    parts = [_open(width, height, title, desc, chart_id)]
    x0 = width - label_width  # the columns end here; the first one touches the labels
    for j, column in enumerate(columns):
        cx = x0 - cell_width * (j + 0.5)
        label = _text(cx, head - 12, _digits(_short(column, cell_width // 7)), anchor="middle", size=12,
                      weight="bold")
        parts.append(label)
    for i, row in enumerate(rows):
        y = head + i * row_h
        label = _text(width - 4, y + row_h / 2 + 5, _digits(_short(row, label_width // 7)))
        parts.append(label)
        for j, _column in enumerate(columns):
            value = values[i][j] if j < len(values[i]) else None
            fill, ink = HEAT_SCALE[heat_step(float(value or 0), maximum)]
            x = x0 - cell_width * (j + 1)
            text = cell_text(value) if value else "·"
            parts.append(_svg(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#ffffff"><title>{} · {}: {}'
                '</title></rect>', x, y, cell_width, row_h, fill, row, columns[j], text))
            parts.append(_text(x + cell_width / 2, y + row_h / 2 + 5, text, anchor="middle", fill=ink,
                               size=12))
    parts.append("</svg>")
    return _figure("".join(parts), table_id, not rows or not columns)

