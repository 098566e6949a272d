"""A municipality's own dashboard: what it has dealt with the organization (from its cells, by Jalali
month and by domain), its open items and their clocks, its savings from group purchases, the ratings it
gave, and how the service it got compares with the province's.

Only the municipality's own users open it. Everything is read through `scope` as that user, but one
figure: the province's service levels, which are sums over every cell of the user's organization. They
leave this module as three percentages and the counts under them, never per municipality, so no other
municipality is named or can be told apart.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import Membership, User
from hamyar.commerce.models import Rating
from hamyar.core.jalali import format_jalali_date
from hamyar.core.roles import MUNICIPALITY_ROLES
from hamyar.core.scoping import require_role, scope

from ..models import DomainMonth, MunicipalityMonth
from ..tables import Column, Table
from .dashboard import fresh
from .monthly import last_months, month_label
from .savings import group_savings
from .work_municipality import municipality_work

__all__ = ["ServiceComparison", "municipality_dashboard"]

DASHBOARD_MONTHS = 12
RATINGS_SHOWN = 50
DEALINGS = ("needs", "orders", "amount", "received_amount", "invoiced_amount")
SERVICE = ("clocks_measured", "clocks_met", "closed", "on_time", "rated", "score_sum")


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole as a percent to one decimal; None (unknown, never a made-up zero) when whole is 0."""
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"))


def _average(total: int, count: int) -> Decimal | None:
    return (Decimal(total) / count).quantize(Decimal("0.01")) if count else None


@dataclass(frozen=True)
class ServiceComparison:
    """One measure of service: the municipality's own and the province's (all of the organization's
    municipalities together, this one included), each with the count it is taken over."""

    key: str
    label: Any
    own: Decimal | None
    own_of: int
    province: Decimal | None
    province_of: int

    @property
    def better(self) -> bool | None:
        """Whether the municipality was served better than the province as a whole."""
        if self.own is None or self.province is None or self.own == self.province:
            return None
        return self.own > self.province


def _comparisons(own: dict[str, int], province: dict[str, int]) -> list[ServiceComparison]:
    def rates(figures: dict[str, int]) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
        return (percent(figures["clocks_met"], figures["clocks_measured"]),
                percent(figures["on_time"], figures["closed"]),
                _average(figures["score_sum"], figures["rated"]))

    mine, theirs = rates(own), rates(province)
    return [
        ServiceComparison("clocks", _("Service-level clocks met (%)"), mine[0], own["clocks_measured"],
                          theirs[0], province["clocks_measured"]),
        ServiceComparison("on_time", _("Orders closed on time (%)"), mine[1], own["closed"], theirs[1],
                          province["closed"]),
        ServiceComparison("rating", _("Average rating (1–5)"), mine[2], own["rated"], theirs[2],
                          province["rated"]),
    ]


def _figures(rows: list[dict[str, Any]], names: tuple[str, ...]) -> dict[str, int]:
    return {name: sum(row[name] or 0 for row in rows) for name in names}


def _dealing_columns(first: Any) -> list[Column]:
    return [Column(first, width=24), Column(_("Needs"), number=True, width=10),
            Column(_("Orders"), number=True, width=10), Column(_("Ordered (Rial)"), number=True, width=20),
            Column(_("Received (Rial)"), number=True, width=20),
            Column(_("Invoiced (Rial)"), number=True, width=20)]


def _ratings_table(ratings: list[Rating]) -> Table:
    table = Table("ratings", _("Ratings we gave"), [
        Column(_("Order"), width=16), Column(_("Date"), width=12), Column(_("Provider"), width=28),
        Column(_("Score"), number=True, width=8), Column(_("On time"), width=10),
        Column(_("Comment"), width=40)])
    for rating in ratings:
        day = format_jalali_date(rating.created_at, persian_digits=False)
        table.rows.append([rating.order.number, day, rating.provider.name, rating.score,
                           str(_("yes") if rating.on_time else _("no")), rating.comment])
        table.links.append(reverse("commerce:order_detail", args=[rating.order_id]))
    return table


def municipality_dashboard(*, user: User, membership: Membership) -> dict[str, Any]:
    """The dashboard of the user's own municipality, over the last twelve Jalali months (open items and
    savings as they stand today)."""
    require_role(user, *MUNICIPALITY_ROLES)
    fresh(membership.organization_id)
    months = last_months(DASHBOARD_MONTHS)
    sums = {name: Sum(name) for name in (*DEALINGS, *SERVICE)}
    cells = scope(MunicipalityMonth.objects.filter(municipality=membership.municipality,
                                                   month__gte=months[0]), user).order_by()
    by_month: dict[int, dict[str, Any]] = {row["month"]: dict(row)
                                           for row in cells.values("month").annotate(**sums)}
    by_domain: list[dict[str, Any]] = [
        dict(row) for row in cells.values("domain_id", "domain__name", "domain__name_en").annotate(**sums)
        .order_by("-amount", "domain__name")]
    month_rows = list(by_month.values())
    own_service = _figures(month_rows, SERVICE)
    # The province: every cell of the organization, summed into one row (see the module's docstring).
    province = DomainMonth.objects.filter(organization_id=membership.organization_id,
                                          month__gte=months[0]).aggregate(
        **{name: Sum(name) for name in SERVICE})
    province_service = {name: province[name] or 0 for name in SERVICE}

    month_table = Table("months", _("Dealings by month"), _dealing_columns(_("Month")))
    for month in months:
        cell = by_month.get(month, {})
        month_table.rows.append([month_label(month), *(cell.get(name) or 0 for name in DEALINGS)])
        month_table.links.append("")
    english = not (get_language() or "fa").startswith("fa")
    domain_table = Table("domains", _("Dealings by domain"), _dealing_columns(_("Domain")))
    need_list = reverse("needs:need_list")
    for row in by_domain:
        name = row["domain__name_en"] if english and row["domain__name_en"] else row["domain__name"]
        domain_table.rows.append([name, *(row[measure] or 0 for measure in DEALINGS)])
        domain_table.links.append(f"{need_list}?domain={row['domain_id']}")
    comparisons = _comparisons(own_service, province_service)
    service_table = Table("service", _("Our service levels against the province's"), [
        Column(_("Measure"), width=34), Column(_("Ours"), number=True, width=10),
        Column(_("Measured over"), number=True, width=12), Column(_("Province"), number=True, width=10),
        Column(_("Measured over (province)"), number=True, width=14)])
    for c in comparisons:
        service_table.rows.append([str(c.label), c.own, c.own_of, c.province, c.province_of])
        service_table.links.append("")

    ratings = scope(Rating.objects.all(), user)
    given = ratings.aggregate(n=Count("pk"), total=Sum("score"))
    latest = list(ratings.select_related("order", "provider").order_by("-created_at", "-pk")[:RATINGS_SHOWN])
    return {
        "municipality": membership.municipality,
        "months": months,
        "first_month": month_label(months[0]),
        "totals": _figures(month_rows, DEALINGS),
        "comparisons": comparisons,
        "ratings_given": given["n"],
        "ratings_average": _average(given["total"] or 0, given["n"]),
        "ratings": latest,
        "group_savings": group_savings(user=user),
        "work": municipality_work(user=user, membership=membership),
        "tables": [month_table, domain_table, service_table, _ratings_table(latest)],
    }


def table_rows(table: Table) -> list[dict[str, Any]]:
    """A table's rows as the page draws them: each cell with its column, and the row's link."""
    links = table.links or [""] * len(table.rows)
    return [{"link": link, "cells": list(zip(row, table.columns, strict=True))}
            for row, link in zip(table.rows, links, strict=True)]
