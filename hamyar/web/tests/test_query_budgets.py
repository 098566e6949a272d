"""Query budgets of the pages (issue 12): what a page costs the database does not grow with the data.

- Every page of every role opens in at most 25 queries; every role's home page in at most 20.
- A list costs the same with 5 rows as with 50: no query per row. So do the home pages, and an
  object's page as its own rows grow (a need's lines, an order's deliveries, a project's milestones,
  an invoice's payments, a provider's capabilities, the providers ranked for a need).

The pages are not listed by hand: every route of the URLconf that a role may GET (by its `page` roles;
PDFs aside) is opened as that role. A list is measured in its family: rows of one kind (`budget_data`)
added 5, then 45 more, in a savepoint rolled back after; every page without an id is in some family or
lists none of the data (checked). Every object's page is measured on the rows of the API-wide scope
test and a few more states, once per status of the rows the role can see (its buttons and panels differ
by state). The queries are everything a request costs — session, user and membership included. The
data is built once for the module, in one transaction rolled back at its end; the figures are written
to test-output/query-budgets/<engine>.txt.
"""

import inspect
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, reset_queries, transaction
from django.db.models import Model
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, reverse

from conftest import make_tenant
from hamyar.accounts.models import ApiToken, Membership, Notification
from hamyar.catalog.models import CatalogItem, Price, PriceList, SearchSynonym
from hamyar.commerce.models import (
    Complaint,
    Delivery,
    GroupPurchase,
    Order,
    OrderLine,
    Quotation,
    QuotationLine,
)
from hamyar.core.roles import Role
from hamyar.core.scoping import scope
from hamyar.core.testing import url_patterns
from hamyar.directory.models import AgencyAgreement, Capability, MunicipalAsset, Municipality, Provider
from hamyar.finance.models import CommissionSettlement, Invoice, Payment
from hamyar.finance.tests.finance_data import tenant_catalog
from hamyar.insights.models import SurveyAnswer
from hamyar.insights.services import catch_up
from hamyar.needs.models import Need, NeedAttachment, NeedLine, ServiceLevel
from hamyar.projects.models import Milestone, Project

from . import budget_data as rows

PAGE_BUDGET = 25
HOME_BUDGET = 20
SMALL, LARGE = 5, 50
HOME = "web:home"
# The conftest user who holds each role that signs in to the pages.
ROLES = {
    "admin": Role.ORG_ADMIN, "commerce": Role.COMMERCE_OFFICER, "finance": Role.FINANCE_OFFICER,
    "executive": Role.EXECUTIVE, "project_manager": Role.PROJECT_MANAGER, "supplier": Role.SUPPLIER_USER,
    "district9": Role.MUNICIPALITY_USER,
}


@dataclass(frozen=True)
class Family:
    """A kind of row (`add` builds row i of it, `model` counts them) and the pages that list it.

    With a `subject` the rows are of one object (the lines of a need, the payments of an invoice): it is
    built first, `add` takes it last, and the pages with an id open it."""

    add: Callable
    model: type[Model]
    pages: tuple[str, ...]
    subject: Callable | None = None


# Every kind of row a list shows; the home pages are measured with each family of the organization's rows.
FAMILIES = {
    "members": Family(rows.member, Membership, ("accounts:user_list",)),
    "notifications": Family(rows.notification, Notification, ("accounts:inbox",)),
    "api-tokens": Family(rows.api_token, ApiToken, ("accounts:token_list",)),
    "municipalities": Family(rows.municipality, Municipality, (
        "directory:municipality_list", "finance:statement_list", "accounts:user_create",
        "projects:project_create", "insights:opportunities")),
    "assets": Family(rows.asset, MunicipalAsset, (
        "directory:asset_list", "directory:municipality_detail", "needs:need_create",
        "projects:project_create")),
    "providers": Family(rows.provider, Provider, (
        "directory:provider_list", "directory:capability_map", "catalog:provider_list", "catalog:item_create",
        "accounts:user_create", "projects:project_create", "commerce:scorecard_list")),
    "agreements": Family(rows.agreement, AgencyAgreement, (
        "directory:agreement_list", "directory:provider_detail", "commerce:scorecard_list")),
    "service-levels": Family(rows.service_level, ServiceLevel, ("needs:service_levels",)),
    "items": Family(rows.item, CatalogItem, (
        "catalog:item_list", "catalog:item_export", "catalog:provider_catalog", "needs:need_create",
        "needs:item_picker", "needs:line_row", "commerce:group_purchase_create")),
    "price-lists": Family(rows.price_list, PriceList, ("catalog:price_list_list",)),
    "synonyms": Family(rows.synonym, SearchSynonym, ("catalog:synonym_list",)),
    "submitted-needs": Family(rows.submitted_need, Need, (
        "needs:need_list", "needs:triage_queue", "needs:overdue", "needs:board",
        "insights:municipality_dashboard")),
    "needs-in-hand": Family(rows.need_in_hand, Need, ("needs:need_list", "needs:work_queue", "needs:board")),
    "capability-gaps": Family(rows.gap_need, Need, ("needs:capability_gaps",)),
    "quotations": Family(rows.quotation, Quotation, ("commerce:quotation_list",)),
    "orders": Family(rows.order, Order, (
        "commerce:order_list", "commerce:scorecard", "commerce:scorecard_list", "insights:dashboard",
        "insights:municipality_dashboard", "insights:opportunities", "needs:capability_gaps")),
    "group-purchases": Family(rows.group_purchase, GroupPurchase, ("commerce:group_purchase_list",)),
    "complaints": Family(rows.complaint, Complaint, ("commerce:complaint_list",)),
    "invoices": Family(rows.invoice, Invoice, (
        "finance:invoice_list", "finance:statement_detail", "finance:statement_mine",
        "finance:statement_xlsx")),
    "to-bill": Family(rows.to_bill, Delivery, ("finance:billing_queue",)),
    "projects": Family(rows.project, Project, ("projects:project_list",)),
    "commissions": Family(rows.commission, CommissionSettlement, ("finance:commission_list",)),
    "survey-answers": Family(rows.survey_answer, SurveyAnswer, ("insights:survey_results",)),
    # The rows of one object.
    "ranked-providers": Family(rows.ranked_provider, Provider, ("needs:need_detail",), rows.a_triaged_need),
    "need-lines": Family(rows.need_line, NeedLine, (
        "needs:need_detail", "commerce:quotation_create", "commerce:quotation_compare"), rows.a_need_in_hand),
    "draft-need-lines": Family(rows.need_line, NeedLine, ("needs:need_edit", "needs:need_detail"),
                               rows.a_draft_need),
    "need-files": Family(rows.need_attachment, NeedAttachment, ("needs:need_detail",), rows.a_need_in_hand),
    "offers": Family(rows.competing_offer, Quotation, (
        "needs:need_detail", "commerce:quotation_compare"), rows.a_need_in_hand),
    "quotation-lines": Family(rows.quotation_line, QuotationLine, (
        "commerce:quotation_detail", "commerce:quotation_edit"), rows.a_draft_quotation),
    "order-lines": Family(rows.order_line, OrderLine, ("commerce:order_detail",),
                          rows.an_order_in_fulfilment),
    "deliveries": Family(rows.delivery, Delivery, ("commerce:order_detail",), rows.an_order_in_fulfilment),
    "project-rows": Family(rows.project_rows, Milestone, ("projects:project_detail",),
                           rows.a_running_project),
    "invoice-rows": Family(rows.invoice_rows, Payment, (
        "finance:invoice_detail", "finance:invoice_xlsx"), rows.an_issued_invoice),
    "item-prices": Family(rows.earlier_price, Price, ("catalog:item_detail", "catalog:item_edit"),
                          rows.the_supplier_bench),
    "capabilities": Family(rows.capability, Capability, (
        "directory:provider_detail", "catalog:provider_catalog", "commerce:scorecard"), rows.the_supplier),
    "prices": Family(rows.price, Price, (
        "catalog:price_list_detail", "catalog:price_list_export"), rows.a_price_list),
}
# Pages without an id that list none of the data: an upload form and its template, the commerce
# policy's form, the redirect to one's own catalog, the public page (nothing is published yet), the form
# of an audit export (the chain's head only; the export itself is a download), the publication policy's
# form, the complaint form without the process it is about (it says where to file from).
LISTS_NOTHING = {"catalog:import_create", "catalog:import_template", "commerce:policy", "catalog:my_catalog",
                 "transparency:published", "transparency:policy", "insights:survey", "web:audit_export",
                 "commerce:complaint_file"}


def _own_provider(tenant, who: str) -> int:
    return (tenant.affiliate if who == "project_manager" else tenant.supplier).pk


# The object of a page that lists its object's rows, measured in a family: the role's own where it has one.
FAMILY_OBJECT: dict[str, Callable] = {
    "directory:municipality_detail": lambda tenant, who: tenant.district9.pk,
    "finance:statement_detail": lambda tenant, who: tenant.district9.pk,
    "finance:statement_xlsx": lambda tenant, who: tenant.district9.pk,
    "directory:provider_detail": _own_provider,
    "catalog:provider_catalog": _own_provider,
    "commerce:scorecard": _own_provider,
}
# A query a route cannot answer without: the goods line of the need form is of one item.
QUERY = {"needs:line_row": lambda org: f"?item={CatalogItem.objects.filter(organization=org).first().pk}"}
# A GET that changes what it shows next time: opening a notification marks it read (then redirects), so it is
# measured on its second opening.
CHANGED_BY_OPENING = {"accounts:notification_open"}
# Not pages of the site: Django's admin, the API (its own budgets), the language switch.
SKIPPED_NAMESPACES = {"admin", "api", None}
# A PDF takes WeasyPrint seconds to render and reads what its object's page reads.
DOCUMENT_SUFFIX = "pdf/"
OUTPUT = Path(settings.BASE_DIR) / "test-output" / "query-budgets"

pytestmark = pytest.mark.django_db  # the test database is set up only for marked tests


def _get_allowed(route: URLPattern) -> bool:
    """False for a step that only answers POST (`require_POST` keeps its method list in a closure)."""
    view = route.callback
    while view is not None:
        methods = inspect.getclosurevars(view).nonlocals.get("request_method_list")
        if methods is not None:
            return "GET" in methods
        view = getattr(view, "__wrapped__", None)
    return True


def _routes() -> dict[str, URLPattern]:
    """Every page route of the site that answers GET, by `namespace:name`; ids only as `pk`/`need_pk`."""
    return {f"{ns}:{p.name}": p for ns, p in url_patterns()
            if ns not in SKIPPED_NAMESPACES and hasattr(p.callback, "page_roles")
            and set(p.pattern.converters) <= {"pk", "need_pk"}
            and not str(p.pattern).endswith(DOCUMENT_SUFFIX) and _get_allowed(p)}


ROUTES = _routes()


def _opens(name: str, who: str) -> bool:
    roles = ROUTES[name].callback.page_roles
    return roles is None or ROLES[who] in roles


def _grown_pages(family: Family) -> tuple[str, ...]:
    """The family's pages, and the home pages for a family of the organization's rows."""
    return family.pages if family.subject else (HOME, *family.pages)


PAGES = [(who, name) for name in ROUTES for who in ROLES if _opens(name, who)]
# Measured once: an object's page, and a page that lists none of the data.
ONCE = [(who, name) for who, name in PAGES if ROUTES[name].pattern.converters or name in LISTS_NOTHING]
GROWN = [(name, who, page) for name, family in FAMILIES.items() for page in _grown_pages(family)
         for who in ROLES if _opens(page, who)]


@dataclass
class Figure:
    """One URL as one role opened it: with 5 rows and with 50 of its family, or once for an object's page."""

    url: str
    status: object = None  # the row's status, for an object's page
    small: int | None = None
    large: int | None = None
    answers: list[int] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)  # of the last opening, to name an N+1
    rows: str = ""

    @property
    def most(self) -> int:
        return max(n for n in (self.small, self.large) if n is not None)


def _open(client: Client, url: str) -> tuple[int, list[str]]:
    reset_queries()  # the log keeps 9,000 queries; the module sends more
    catch_up()  # the rows just written worked off, as the periodic task does: the page's own cost is measured
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response.status_code, [q["sql"] for q in captured.captured_queries]


def _clients(tenant) -> dict[str, Client]:
    clients = {}
    for who in ROLES:
        clients[who] = Client()
        clients[who].force_login(tenant.users[who])
        clients[who].get("/")  # the session's first request
    return clients


def _grown_url(name: str, tenant, who: str, subject: Model | None) -> str:
    if name in FAMILY_OBJECT:
        return reverse(name, kwargs={"pk": FAMILY_OBJECT[name](tenant, who)})
    converters = ROUTES[name].pattern.converters
    if converters:
        return reverse(name, kwargs={next(iter(converters)): subject.pk})
    return reverse(name) + QUERY.get(name, lambda org: "")(tenant.org)


def _visible(model: type[Model], tenant, who: str) -> int:
    return scope(model._default_manager.all(), tenant.users[who]).count()


def _measure_families(clients: dict, tenant, catalog) -> dict[tuple[str, str, str], Figure]:
    """Each family's pages (and the home pages) with 5 of its rows and with 50, then its rows undone."""
    figures: dict[tuple[str, str, str], Figure] = {}
    for name, family in FAMILIES.items():
        cases = [(who, page) for page in _grown_pages(family) for who in ROLES if _opens(page, who)]
        undo = transaction.savepoint()
        subject = family.subject(tenant, catalog) if family.subject else None
        for size, start in (("small", 0), ("large", SMALL)):
            for i in range(start, SMALL if size == "small" else LARGE):
                family.add(tenant, catalog, i, *([subject] if subject else []))
            for who, page in cases:
                if size == "large" and (name, who, page) not in figures:
                    continue
                figure = figures.setdefault((name, who, page), Figure(_grown_url(page, tenant, who, subject)))
                answer, queries = _open(clients[who], figure.url)
                if subject is not None and answer in (403, 404):
                    del figures[(name, who, page)]  # another provider's object, a municipality's draft
                    continue
                setattr(figure, size, len(queries))
                figure.answers.append(answer)
                figure.queries = queries
                figure.rows += f"{_visible(family.model, tenant, who)}" + (" → " if size == "small" else "")
        transaction.savepoint_rollback(undo)
    return figures


def _object_urls(name: str, user, org) -> list[tuple[object, str]]:
    """One URL per row of the page's model that `user` can see, with the row's status."""
    route = ROUTES[name]
    if not route.pattern.converters:
        return [(None, reverse(name))]
    found = scope(route.callback.page_model._default_manager.filter(organization=org).order_by("pk"), user)
    key = next(iter(route.pattern.converters))
    return [(getattr(row, "status", None), reverse(name, kwargs={key: row.pk})) for row in found]


def _measure_objects(clients: dict, tenant) -> dict[tuple[str, str], list[Figure]]:
    """Each object's page once per status of the rows the role can see (and the pages that list nothing,
    once); a row that answers 404 or 409 (out
    of the role's scope, or in a state without that page) gives way to the next of its status."""
    figures: dict[tuple[str, str], list[Figure]] = {}
    for who, name in ONCE:
        chosen: list[Figure] = []
        for status, url in _object_urls(name, tenant.users[who], tenant.org):
            if any(f.status == status for f in chosen):
                continue
            if name in CHANGED_BY_OPENING:
                clients[who].get(url)
            answer, queries = _open(clients[who], url)
            if answer < 400:
                chosen.append(Figure(url, status, small=len(queries), answers=[answer], queries=queries))
        figures[(who, name)] = chosen
    return figures


def _write_table(grown: dict, objects: dict) -> None:
    lines = [f"Queries per page on {connection.vendor} (budget {PAGE_BUDGET}, home {HOME_BUDGET}).",
             f"Lists: with {SMALL} → {LARGE} rows of the family added; its rows the role sees.",
             f"{'family':<16} {'role':<16} {'page':<30} {'url':<36} {'q@5':>4} {'q@50':>5}  rows"]
    for (family, who, name), f in grown.items():
        lines.append(f"{family:<16} {who:<16} {name:<30} {f.url:<36} {f.small:>4} {f.large:>5}  {f.rows}")
    lines += ["", "Object pages, one row per status:",
              f"{'role':<16} {'page':<32} {'url':<36} {'status':<20} q"]
    for (who, name), chosen in objects.items():
        for f in chosen:
            lines.append(f"{who:<16} {name:<32} {f.url:<36} {f.status!s:<20} {f.small}")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    (OUTPUT / f"{connection.vendor}.txt").write_text("\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def figures(django_db_setup, django_db_blocker, tmp_path_factory):
    """Every page measured; the database is left as it was found."""
    with (django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
          transaction.atomic()):
        tenant, other = make_tenant("خراسان رضوی", "kr"), make_tenant("خراسان جنوبی", "kj")
        catalog = tenant_catalog(tenant)
        clients = _clients(tenant)
        grown = _measure_families(clients, tenant, catalog)
        rows.rows_of_every_kind(tenant, other, catalog)
        objects = _measure_objects(clients, tenant)
        _write_table(grown, objects)
        transaction.set_rollback(True)
    return {"grown": grown, "objects": objects}


def _repeated(queries: list[str], top: int = 3) -> str:
    """The statements sent more than once whatever their values, most often first: where an N+1 hides."""
    shapes = Counter(re.sub(r"'[^']*'|\b\d+\b", "?", sql) for sql in queries)
    return "\n".join(f"  {n}× {sql[:300]}" for sql, n in shapes.most_common(top) if n > 1)


def _measured(figures: dict, who: str, name: str) -> list[Figure]:
    return [f for (_, w, n), f in figures["grown"].items() if (w, n) == (who, name)] + figures["objects"].get(
        (who, name), [])


@pytest.mark.parametrize("case", PAGES, ids="-".join)
def test_page_opens_within_its_query_budget(figures, case):
    who, name = case
    measured = _measured(figures, who, name)
    assert measured, f"{name} answered no URL for {who}: the budget data lacks a row it can open"
    budget = HOME_BUDGET if name == HOME else PAGE_BUDGET
    for f in measured:
        assert len(set(f.answers)) == 1 and f.answers[0] < 400, f"{f.url} answered {f.answers}"
        assert f.most <= budget, (
            f"{f.url} ({f.status}) costs {f.most} queries, over {budget}:\n{_repeated(f.queries)}")


@pytest.mark.parametrize("case", GROWN, ids="-".join)
def test_page_costs_the_same_with_5_and_50_rows(figures, case):
    if case not in figures["grown"]:
        pytest.skip("the family's object is not this role's to open")
    f = figures["grown"][case]
    assert f.large == f.small, (
        f"{f.url} costs {f.small} queries with {SMALL} rows of {case[0]}, {f.large} with {LARGE}:\n"
        f"{_repeated(f.queries)}")


def test_every_list_is_measured_as_its_rows_grow():
    """A page without an id lists rows of some family, or lists none of the data."""
    grown = {page for family in FAMILIES.values() for page in family.pages}
    lists = {name for name, route in ROUTES.items() if not route.pattern.converters} - {HOME}
    assert lists - grown - LISTS_NOTHING == set()
    assert (grown | LISTS_NOTHING) - set(ROUTES) == set()
