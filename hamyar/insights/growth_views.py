"""Where to grow: the recommendations on the capability gaps page (`views.capability_gaps`), and the
opportunities page — for each municipality and domain, the dealings its size suggests against the
actual ones (the model is explained in `selectors.growth.opportunities` and on the page). Every table
is also an Excel sheet (`?export=<key>`)."""

from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hamyar.core.access import may_open
from hamyar.core.pages import page
from hamyar.directory.models import Municipality

from . import selectors
from .selectors.growth import (
    ENTER_LEVEL,
    GROWTH_READERS,
    MIN_ON_TIME,
    MIN_RATING,
    FitBasis,
    Opportunities,
    Recommendation,
)
from .tables import Column, Table, xlsx_or_none

# The opportunities shown on the page, the largest gaps first; the sheet has them all.
PAGE_ROWS = 50
PLACEHOLDER = 987654321  # an id no row has, replaced in a reversed URL


def _month_label(month: int) -> str:
    return f"{month // 100}/{month % 100:02d}"


def recommendation_table(recommendations: list[Recommendation]) -> Table:
    """Each recommendation with every figure behind it (the page shows the sentence, the sheet all)."""
    table = Table("recommendations", _("Recommendations"), [
        Column(_("Recommendation"), width=14), Column(_("Domain"), width=22), Column(_("Why"), width=70),
        Column(_("Needs marked as gaps"), number=True), Column(_("Municipalities that asked"), number=True),
        Column(_("Their budget estimates (Rial)"), number=True, width=20),
        Column(_("Best provider level"), number=True), Column(_("Orders"), number=True),
        Column(_("Ordered (Rial)"), number=True, width=20), Column(_("Average rating"), number=True),
        Column(_("Closed on time (%)"), number=True),
        Column(_("Orders, earlier half"), number=True), Column(_("Orders, last half"), number=True),
        Column(_("Average rating, earlier half"), number=True),
        Column(_("Average rating, last half"), number=True),
        Column(_("On time, earlier half (%)"), number=True), Column(_("On time, last half (%)"), number=True),
    ])
    for r in recommendations:
        f = r.figures
        table.rows.append([
            str(r.kind.label), f.local_name, r.sentence, f.gaps, f.gap_municipalities, f.gap_budget,
            f.best_level, f.window.orders, f.window.amount, f.window.rating, f.window.on_time_percent,
            f.earlier.orders, f.recent.orders, f.earlier.rating, f.recent.rating, f.earlier.on_time_percent,
            f.recent.on_time_percent,
        ])
        table.links.append(r.links[0].url if r.links else "")
    return table


def gap_table(rows: list[Any]) -> Table:
    table = Table("capability-gaps", _("Capability gaps"), [
        Column(_("Domain"), width=24), Column(_("Needs"), number=True),
        Column(_("Municipalities"), number=True),
    ])
    for row in rows:
        table.rows.append([row["domain__name"], row["n"], row["municipalities"]])
    return table


def growth_context(request: HttpRequest, gap_rows: list[Any]) -> tuple[dict[str, Any], list[Table]]:
    """What the capability gaps page adds: the ranked recommendations, the bar they were judged by."""
    recommendations = selectors.growth_recommendations(user=request.user)
    tables = [recommendation_table(recommendations), gap_table(gap_rows)]
    return {
        "recommendations": recommendations,
        "months": selectors.WINDOW_MONTHS,
        "half": selectors.WINDOW_MONTHS // 2,
        "enter_level": ENTER_LEVEL,
        "min_rating": Decimal(MIN_RATING.numerator) / MIN_RATING.denominator,
        "min_on_time": MIN_ON_TIME,
    }, tables


def fit_table(found: Opportunities) -> Table:
    table = Table("fitted-rates", _("Fitted rates per domain"), [
        Column(_("Domain"), width=24), Column(_("Fitted on"), width=40),
        Column(_("Municipalities in the fit"), number=True),
        Column(_("Rial per resident per year"), number=True, width=18),
        Column(_("Rial per hectare per year"), number=True, width=18),
        Column(_("Their dealings in a year (Rial)"), number=True, width=20),
    ])
    for fit in found.fits:
        table.rows.append([fit.local_name, str(fit.basis.label), fit.municipalities, fit.per_resident,
                           fit.per_hectare, fit.actual])
    return table


def opportunity_table(user: Any, found: Opportunities) -> Table:
    table = Table("opportunities", _("Opportunities"), [
        Column(_("Municipality"), width=24), Column(_("Domain"), width=22),
        Column(_("Population"), number=True), Column(_("Area (ha)"), number=True),
        Column(_("Expected in a year (Rial)"), number=True, width=20),
        Column(_("Actual in a year (Rial)"), number=True, width=20),
        Column(_("Gap (Rial)"), number=True, width=20),
    ])
    # Every municipality's profile opens for the same roles: asked once, and its URL made once, not per
    # row (there are municipalities × domains of them).
    profile = reverse("directory:municipality_detail", args=[PLACEHOLDER])
    profiles = may_open(user, profile)
    for row in found.rows:
        table.rows.append([row.local_name, row.fit.local_name, row.population, row.area_ha, row.expected,
                           row.actual, row.gap])
        table.links.append(profile.replace(str(PLACEHOLDER), str(row.municipality_id)) if profiles else "")
    return table


@page(roles=GROWTH_READERS, model=Municipality)
def opportunities(request: HttpRequest) -> HttpResponse:
    """Whom to visit and what to offer: the municipalities whose dealings in a domain fall furthest below
    what their size suggests."""
    found = selectors.opportunities(user=request.user)
    fits, rows = fit_table(found), opportunity_table(request.user, found)
    sheet = xlsx_or_none(request, [fits, rows])
    if sheet is not None:
        return sheet
    shown = [
        (opportunity, cells, link) for opportunity, cells, link in
        zip(found.rows[:PAGE_ROWS], rows.rows[:PAGE_ROWS], rows.links[:PAGE_ROWS], strict=True)
    ]
    return render(request, "insights/opportunities.html", {
        "found": found, "shown": shown, "page_rows": PAGE_ROWS,
        "first_month": _month_label(found.window[0]), "last_month": _month_label(found.window[-1]),
        "fits": found.fits, "both": FitBasis.POPULATION_AREA,
    })
