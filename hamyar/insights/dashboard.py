"""The executive dashboard as a page: its figures (`selectors.dashboard_figures`) laid out as tables,
each exported to Excel by `?export=<key>`, with the charts drawn from the same rows, and every figure
linked to the needs or orders it counts — when the reader may open that list.

The drill-down links name the same month window as the figure (`since` the window's first month, or
the one `month`), and the domain or municipality of the row, so the list holds exactly what was counted.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from hamyar.accounts.models import User
from hamyar.core.access import may_open
from hamyar.core.jalali import month_label
from hamyar.core.text import to_persian_digits

from . import charts
from .selectors.verdicts import survey_latest
from .tables import Column, Table

__all__ = ["HEATMAP_ROWS", "dashboard_context", "dashboard_tables"]

HEATMAP_ROWS = 12  # municipalities in the coverage heatmap (and its table): the largest
MILLION_TOMAN = 10_000_000  # Rial


def is_persian() -> bool:
    return (get_language() or "fa").startswith("fa")


@dataclass
class Links:
    """The drill-down URLs a reader may open (empty when the list is closed to its role)."""

    needs: str
    orders: str
    municipality: str

    def need_list(self, **query: Any) -> str:
        return f"{self.needs}?{urlencode(query)}" if self.needs else ""

    def order_list(self, **query: Any) -> str:
        return f"{self.orders}?{urlencode(query)}" if self.orders else ""

    def municipality_page(self, pk: int) -> str:
        return self.municipality.replace("/0/", f"/{pk}/") if self.municipality else ""


def _links(user: User) -> Links:
    needs, orders = reverse("needs:need_list"), reverse("commerce:order_list")
    municipality = reverse("directory:municipality_detail", args=[0])
    return Links(needs if may_open(user, needs) else "", orders if may_open(user, orders) else "",
                 municipality if may_open(user, municipality) else "")


def _name(name: str, name_en: str) -> str:
    return name_en if name_en and not is_persian() else name


def _month(month: int) -> str:
    return month_label(month, persian_digits=is_persian())


def _toman_millions(amount: int | None) -> str:
    return charts.number_text(Decimal(amount or 0) / MILLION_TOMAN, places=1)


@dataclass
class Shown:
    """A table as the page shows it: each cell's value and the URL it drills down to ("" for none), its
    first `ON_PAGE` rows only (the sheet has them all: a province's 1,400 municipalities would make the
    page a megabyte)."""

    table: Table
    cells: list[list[tuple[Any, str]]]
    number_columns: list[bool]

    @property
    def not_shown(self) -> int:
        return len(self.table.rows) - len(self.cells)


ON_PAGE = 50


def _shown(table: Table, hrefs: list[list[str]]) -> Shown:
    table.links = [row[0] if row else "" for row in hrefs]
    cells = [list(zip(row, links, strict=True))
             for row, links in zip(table.rows[:ON_PAGE], hrefs[:ON_PAGE], strict=True)]
    return Shown(table, cells, [column.number for column in table.columns])


def trimmed_months(rows: list[Any], keep: int = 12) -> list[Any]:
    """The monthly rows from the first month with any dealings (at least the last `keep` months): a trend
    does not start with years of nothing before the organization used Hamyar."""
    first = next((i for i, row in enumerate(rows) if row.orders or row.needs or row.amount), len(rows))
    return rows[min(first, max(len(rows) - keep, 0)):]


def dashboard_tables(user: User, figures: dict[str, Any]) -> dict[str, Shown]:
    """Every table of the dashboard, keyed by its export key, with the drill-down of each figure."""
    links = _links(user)
    since = figures["first_month"]
    shown: dict[str, Shown] = {}

    # Per municipality: volume, and per resident and per hectare.
    per_capita = {row.municipality_id: row for row in figures["per_capita"]}
    table = Table("municipalities", _l("Dealings by municipality"), [
        Column(_l("Municipality"), width=28), Column(_l("Needs"), number=True),
        Column(_l("Orders"), number=True), Column(_l("Ordered (Rial)"), number=True, width=20),
        Column(_l("Population"), number=True), Column(_l("Rial per resident"), number=True),
        Column(_l("Rial per hectare"), number=True, width=18)])
    hrefs = []
    for row in figures["by_municipality"]:
        size = per_capita.get(row.municipality_id)
        table.rows.append([_name(row.name, row.name_en), row.needs, row.orders, row.amount,
                           size.population if size else None, size.per_resident if size else None,
                           size.per_hectare if size else None])
        needs = links.need_list(municipality=row.municipality_id, since=since)
        orders = links.order_list(municipality=row.municipality_id, since=since)
        hrefs.append([links.municipality_page(row.municipality_id), needs, orders, orders, "", "", ""])
    shown[table.key] = _shown(table, hrefs)

    # Per domain: volume, gaps, service levels and on-time delivery.
    levels = {rate.domain_id: rate for rate in figures["service_levels"].by_domain}
    on_time = {rate.domain_id: rate for rate in figures["on_time"].by_domain}
    table = Table("domains", _l("Dealings by service domain"), [
        Column(_l("Service domain"), width=28), Column(_l("Needs"), number=True),
        Column(_l("Capability gaps"), number=True), Column(_l("Orders"), number=True),
        Column(_l("Ordered (Rial)"), number=True, width=20),
        Column(_l("Service levels met (%)"), number=True),
        Column(_l("Delivered on time (%)"), number=True)])
    hrefs = []
    for row in figures["by_domain"]:
        level, late = levels.get(row.domain_id), on_time.get(row.domain_id)
        table.rows.append([_name(row.name, row.name_en), row.needs, row.gaps, row.orders, row.amount,
                           level.percent if level else None, late.percent if late else None])
        needs = links.need_list(domain=row.domain_id, since=since)
        orders = links.order_list(domain=row.domain_id, since=since)
        hrefs.append([needs, needs, "", orders, orders, needs, orders])
    shown[table.key] = _shown(table, hrefs)

    # Per Jalali month: volume and the small municipalities' share.
    small = {row.month: row for row in figures["small_share"].by_month}
    table = Table("months", _l("Dealings by month"), [
        Column(_l("Month"), width=16), Column(_l("Needs"), number=True),
        Column(_l("Orders"), number=True), Column(_l("Ordered (Rial)"), number=True, width=20),
        Column(_l("Small municipalities' share (%)"), number=True, width=20)])
    hrefs = []
    for row in reversed(trimmed_months(figures["by_month"])):  # the latest month first
        share = small.get(row.month)
        table.rows.append([_month(row.month), row.needs, row.orders, row.amount,
                           share.percent if share else None])
        needs, orders = links.need_list(month=row.month), links.order_list(month=row.month)
        hrefs.append([orders, needs, orders, orders, ""])
    shown[table.key] = _shown(table, hrefs)

    # Coverage: municipality × domain, orders.
    cover = figures["coverage"].top(HEATMAP_ROWS)
    table = Table("coverage", _l("Coverage: orders by municipality and domain"),
                  [Column(_l("Municipality"), width=28)]
                  + [Column(_name(name, name_en), number=True) for _pk, name, name_en in cover.domains])
    hrefs = []
    for (pk, name, name_en), values in zip(cover.municipalities, cover.matrix(), strict=True):
        table.rows.append([_name(name, name_en), *values])
        hrefs.append([links.municipality_page(pk)]
                     + [links.order_list(municipality=pk, domain=d, since=since) if value else ""
                        for (d, _n, _e), value in zip(cover.domains, values, strict=True)])
    shown[table.key] = _shown(table, hrefs)

    # Group purchases: what each municipality saved.
    table = Table("savings", _l("Savings from group purchases"), [
        Column(_l("Municipality"), width=28), Column(_l("Pools"), number=True),
        Column(_l("Alone (Rial)"), number=True, width=20),
        Column(_l("Pooled (Rial)"), number=True, width=20),
        Column(_l("Saved (Rial)"), number=True, width=20), Column(_l("Saved (%)"), number=True)])
    hrefs = []
    for row in figures["group_savings_rows"]:
        table.rows.append([_name(row.name, row.name_en), row.pools, row.alone, row.paid, row.saving,
                           row.percent])
        hrefs.append([links.municipality_page(row.municipality_id), "", "", "", "", ""])
    shown[table.key] = _shown(table, hrefs)
    return shown


def dashboard_context(user: User, figures: dict[str, Any]) -> dict[str, Any]:
    """The page's context: the figures, their tables and the charts drawn from them."""
    tables = dashboard_tables(user, figures)
    links = _links(user)
    since = figures["first_month"]
    by_month = trimmed_months(figures["by_month"])
    month_chart = charts.month_chart(
        [(row.month, Decimal(row.amount) / MILLION_TOMAN) for row in by_month],
        title=_("Amount ordered per month (million Toman)"),
        desc=_("Columns from the first month at the right to the latest at the left; each column's amount "
               "is written on it and listed in the table of dealings by month."),
        chart_id="chart-months", table_id="table-months",
        value_text=lambda value: charts.number_text(value, places=1))
    cover = figures["coverage"].top(HEATMAP_ROWS)
    heat = charts.heatmap(
        [_name(name, name_en) for _pk, name, name_en in cover.municipalities],
        [_name(name, name_en) for _pk, name, name_en in cover.domains], cover.matrix(),
        title=_("Coverage: orders by municipality and domain"),
        desc=_("Each cell is a municipality's orders in a domain, written in the cell; darker is more; an "
               "empty cell is a domain the organization does not serve that municipality in yet."),
        chart_id="chart-coverage", table_id="table-coverage")
    levels = figures["service_levels"].by_domain
    level_chart = charts.bar_chart(
        [charts.Bar(_name(rate.name, rate.name_en), rate.percent,
                    f"{charts.number_text(rate.percent, 1, '%')} "
                    f"({_digits(rate.part)}/{_digits(rate.whole)})") for rate in levels],
        title=_("Service levels met, by domain (%)"),
        desc=_("One bar per domain: the share of the needs' service-level clocks that stopped within their "
               "target, written at the bar's end with the clocks met of those measured."),
        chart_id="chart-levels", table_id="table-domains", maximum=100, label_width=190)
    return {**figures, "tables": tables, "month_chart": month_chart, "coverage_chart": heat,
            "levels_chart": level_chart, "links": links,
            "total": {"needs": sum(r.needs for r in figures["by_domain"]),
                      "orders": sum(r.orders for r in figures["by_domain"]),
                      "amount": sum(r.amount for r in figures["by_domain"])},
            "needs_since": links.need_list(since=since), "orders_since": links.order_list(since=since),
            "verdict": survey_latest(user=user)}


def _digits(value: Any) -> str:
    return to_persian_digits(str(value)) if is_persian() else str(value)


def aging_chart(aging: Any) -> str:
    """The receivables page's aging: one bar per age bucket, its amount (million Toman) at its end."""
    return charts.bar_chart(
        [charts.Bar(str(label), Decimal(amount) / MILLION_TOMAN, _toman_millions(amount))
         for _key, label, amount in aging.rows],
        title=_("Receivables by age (million Toman)"),
        desc=_("One bar per age bucket, days past the invoice's due date; the amount is written at the bar's "
               "end and listed in the aging table."),
        chart_id="chart-aging", table_id="aging-table", label_width=150)
