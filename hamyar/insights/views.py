"""The dashboard pages: the needs board and the capability gaps, a provider's scorecard, the
receivables by municipality.

They sum the rows of needs, commerce and finance, which sit below insights and may not import it, so
the pages live here and are mounted under those apps' URLs and names (see `urls`); each renders the
template of the app whose rows it shows.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from hamyar.commerce.selectors import SCORECARD_READERS
from hamyar.core.pages import page
from hamyar.core.roles import ORGANIZATION_WIDE_ROLES, Role
from hamyar.core.scoping import role_of
from hamyar.directory.models import Municipality, Provider
from hamyar.finance import selectors as finance
from hamyar.finance.choices import WRITERS as FINANCE_WRITERS
from hamyar.needs.models import Need

from . import selectors
from .dashboard import aging_chart, dashboard_context
from .selectors.dashboard import DASHBOARD_READERS
from .tables import xlsx_or_none

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
    """Demand no provider could serve, per domain: where the organization could grow next."""
    return render(request, "needs/capability_gaps.html",
                  {"rows": selectors.capability_gaps(user=request.user)})


# ---------------------------------------------------------------- providers


@page(roles=frozenset(SCORECARD_READERS), model=Provider)
def scorecard(request: HttpRequest, pk: int) -> HttpResponse:
    """A provider's ratings, average and on-time rate: for officers, and for the provider itself."""
    provider = selectors.provider_scorecard_get(user=request.user, pk=pk)
    card = selectors.provider_scorecard(user=request.user, provider=provider)
    top = max(card.score_counts.values(), default=0)
    return render(request, "commerce/scorecard.html", {"provider": provider, "card": card, "top": top})


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
