"""The dashboard pages: the needs board and the capability gaps (with where to grow), a provider's
scorecard and the scorecards side by side, the receivables by municipality, a municipality's own
dashboard. The opportunities page is in `growth_views`, the survey's in `verdict_views`.

They sum the rows of needs, commerce and finance, which sit below insights and may not import it, so
the pages live here and are mounted under those apps' URLs and names (see `urls`); each renders the
template of the app whose rows it shows.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.commerce.selectors import SCORECARD_READERS
from hamyar.core.jalali import format_jalali_date
from hamyar.core.pages import page
from hamyar.core.roles import MUNICIPALITY_ROLES, ORGANIZATION_WIDE_ROLES, Role
from hamyar.core.scoping import membership_of, role_of
from hamyar.directory.models import Municipality, Provider
from hamyar.finance import selectors as finance
from hamyar.finance.choices import WRITERS as FINANCE_WRITERS
from hamyar.needs.models import Need

from . import selectors
from .dashboard import aging_chart, dashboard_context
from .growth_views import growth_context
from .models import MunicipalityMonth
from .selectors.dashboard import DASHBOARD_READERS
from .selectors.monthly import month_label
from .selectors.municipality_dashboard import table_rows
from .tables import Column, Table, xlsx_or_none

BOARD_READERS = ORGANIZATION_WIDE_ROLES
GAP_READERS = frozenset({Role.ORG_ADMIN, Role.COMMERCE_OFFICER, Role.EXECUTIVE})
RECEIVABLES_READERS = frozenset(FINANCE_WRITERS) | {Role.EXECUTIVE}


# ---------------------------------------------------------------- the executive dashboard


def dashboard_page(request: HttpRequest) -> HttpResponse:
    """The dashboard's page, or the sheet of one of its tables (`?export=`): also the executive's home."""
    context = dashboard_context(request.user, selectors.dashboard_figures(user=request.user))
    sheet = xlsx_or_none(request, [shown.table for shown in context["tables"].values()])
    return sheet or render(request, "insights/dashboard.html", context)


@page(roles=DASHBOARD_READERS, model=Municipality)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Volume, quality, coverage and size of the organization's dealings over the last 12 Jalali months,
    every figure linked to the needs or orders behind it."""
    return dashboard_page(request)


# ---------------------------------------------------------------- needs


@page(roles=BOARD_READERS, model=Need)
def need_board(request: HttpRequest) -> HttpResponse:
    """Every open need as a card in its status's column, and open needs per domain."""
    return render(request, "needs/board.html", selectors.need_board(user=request.user))


@page(roles=GAP_READERS, model=Need)
def capability_gaps(request: HttpRequest) -> HttpResponse:
    """Demand no provider could serve, per domain, and the recommendations ranked from the rollups:
    which domain to enter, where to improve, where to take no more (see `selectors.growth`)."""
    rows = selectors.capability_gaps(user=request.user)
    context, tables = growth_context(request, rows)
    return xlsx_or_none(request, tables) or render(request, "needs/capability_gaps.html",
                                                   {"rows": rows, **context})


# ---------------------------------------------------------------- providers


@page(roles=frozenset(SCORECARD_READERS), model=Provider)
def scorecard(request: HttpRequest, pk: int) -> HttpResponse:
    """A provider's ratings, average and on-time rate: for officers, and for the provider itself."""
    provider = selectors.provider_scorecard_get(user=request.user, pk=pk)
    card = selectors.provider_scorecard(user=request.user, provider=provider)
    top = max(card.score_counts.values(), default=0)
    first_month = month_label(card.figures.first_month) if card.figures else ""
    return render(request, "commerce/scorecard.html", {"provider": provider, "card": card, "top": top,
                                                       "first_month": first_month})


SCORECARD_COLUMNS = (
    ("name", _("Provider")), ("kind", _("Kind")), ("orders", _("Orders")), ("amount", _("Ordered (Rial)")),
    ("on_time", _("On time (%)")), ("rating", _("Average rating")), ("complaints", _("Complaints")),
    ("trend", _("Trend")), ("agreement", _("Agreement ends")),
)
TREND_WORDS = {"up": _("up"), "down": _("down"), "flat": _("flat")}


def _scorecard_table(rows: list[selectors.ProviderFigures]) -> Table:
    """The scorecards list as the sheet writes it (the page draws the same rows with their figures)."""
    number = {"number": True, "width": 12}
    table = Table("scorecards", _("Provider scorecards"), [
        Column(_("Provider"), width=30), Column(_("Kind"), width=22), Column(_("Orders"), **number),
        Column(_("Ordered (Rial)"), number=True, width=20), Column(_("On time (%)"), **number),
        Column(_("Average rating"), **number), Column(_("Low ratings"), **number),
        Column(_("Rejected deliveries"), **number), Column(_("Complaints"), **number),
        Column(_("Last 6 months (Rial)"), number=True, width=20),
        Column(_("Previous 6 months (Rial)"), number=True, width=20), Column(_("Trend"), width=10),
        Column(_("Agreement ends"), width=14)])
    for f in rows:
        table.rows.append([
            f.provider.name, str(f.provider.get_kind_display()), f.orders, f.amount, f.on_time_percent,
            f.average, f.low_ratings, f.rejected_deliveries, f.complaints, f.recent_amount, f.earlier_amount,
            str(TREND_WORDS[f.trend]) if f.trend else "",
            format_jalali_date(f.agreement_ends_on, persian_digits=False) if f.agreement_ends_on else ""])
        table.links.append(reverse("commerce:scorecard", args=[f.provider.pk]))
    return table


@page(roles=selectors.SCORECARD_LIST_READERS, model=Provider)
def scorecard_list(request: HttpRequest) -> HttpResponse:
    """Every provider's scorecard in one table, sortable, with its Excel export: what renewing an agency
    agreement weighs."""
    rows, sort = selectors.provider_scorecards(user=request.user, sort=request.GET.get("sort", ""))
    table = _scorecard_table(rows)
    sheet = xlsx_or_none(request, [table])
    if sheet is not None:
        return sheet
    columns = [{"key": key, "label": label, "active": sort.lstrip("-") == key,
                "descending": sort.startswith("-"), "next": key if sort == f"-{key}" else f"-{key}"}
               for key, label in SCORECARD_COLUMNS]
    return render(request, "commerce/scorecard_list.html", {
        "rows": rows, "columns": columns, "sort": sort, "table": table,
        "first_month": month_label(rows[0].first_month) if rows else "",
        "today": timezone.localdate()})


# ---------------------------------------------------------------- municipalities


@page(roles=MUNICIPALITY_ROLES, model=MunicipalityMonth)
def municipality_dashboard(request: HttpRequest) -> HttpResponse:
    """A municipality's own dashboard: its dealings with the organization, open items, savings, the
    ratings it gave and its service against the province's. Only its own users open it (an officer has
    the organization's dashboards; `?municipality=` is not read, so no one opens another's)."""
    membership = membership_of(request.user)
    context = selectors.municipality_dashboard(user=request.user, membership=membership)
    sheet = xlsx_or_none(request, context["tables"])
    if sheet is not None:
        return sheet
    context["tables"] = {t.key: {"table": t, "rows": table_rows(t)} for t in context["tables"]}
    return render(request, "insights/municipality_dashboard.html", context)


# ---------------------------------------------------------------- receivables


@page(roles=RECEIVABLES_READERS, model=Municipality)
def receivables(request: HttpRequest) -> HttpResponse:
    """The organization's receivables: totals, and each municipality that owes, with its aging."""
    user = request.user
    rows = list(selectors.receivables_by_municipality(user=user))
    aging = selectors.aging_totals(rows)
    return render(request, "finance/statement_list.html", {
        "totals": finance.finance_totals(user=user),
        "rows": rows,
        "aging": aging,
        "aging_chart": aging_chart(aging),
        "today": timezone.localdate(),
        "is_writer": role_of(user) in FINANCE_WRITERS,
    })
