"""WCAG 2.1 AA in a real browser: axe-core over every page every role can open, and the login page.

The pages are not listed by hand: every route of the URLconf (and every link of each role's side
navigation) is tried with the Django test client for each role, path ids filled with the real rows of
the API-wide scope test (and a few more states), an object's page once per status. What answers 200
with a whole HTML document is a page; downloads (PDF, xlsx, files), POST-only steps (405), redirects
and HTMX fragments are not; the 403 and 404 pages are checked too. Each page is then opened in one
headless Chromium, one sign-in per role, axe-core (from node_modules, injected by the test, never served
to users) runs with the WCAG 2.0/2.1 A and AA rules and axe's best practices, and no page may have a
serious or critical violation. A page whose content another role's page already had is not opened
twice. The per-page counts are printed and written to test-output/accessibility/.
"""

import hashlib
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import URLPattern, reverse

from hamyar.accounts.tests import scope_rows
from hamyar.commerce.choices import QuotationStatus
from hamyar.commerce.models import Quotation
from hamyar.commerce.services import complaint_file
from hamyar.commerce.tests.factories import assigned_need
from hamyar.commerce.tests.order_data import approved_quotation
from hamyar.core.scoping import membership_of
from hamyar.core.testing import url_patterns
from hamyar.finance.tests.finance_data import tenant_catalog
from hamyar.needs.choices import NeedStatus
from hamyar.needs.models import Need
from hamyar.needs.tests.helpers import goods_need, submitted
from hamyar.web.navigation import nav_items

from .axe import AXE, AXE_VERSION, BLOCKING, TAGS, axe_violations, blocking, describe
from .pool_data import pools_in_every_state
from .test_browser import CHROMIUM, LAUNCH_ARGS, pytestmark, sign_in  # noqa: F401  (the browser mark)

OUTPUT = Path(settings.BASE_DIR) / "test-output" / "accessibility"
# Every role of DESIGN.md that signs in to the pages, by the conftest user who holds it.
ROLE_USERS = {
    "org admin": "admin", "commerce officer": "commerce", "finance officer": "finance",
    "project manager": "project_manager", "supplier user": "supplier", "municipality user": "district9",
    "executive": "executive",
}
# Not pages of the site: Django's admin, the API (its own tests), signing out, the language switch (POST).
SKIPPED_NAMESPACES = {"admin", "api", None}
# Generated documents: never HTML, and rendering each PDF only to learn that would cost seconds.
DOCUMENT_SUFFIXES = ("pdf/", "xlsx/", ".xlsx")

# Pages photographed (first role that has each) so a person can see the colours still hold together.
SCREENSHOTS = OUTPUT / "screenshots"
PHOTOGRAPHED = [re.compile(p) for p in (
    r"^/accounts/login/$", r"^/$", r"^/catalog/$", r"^/catalog/items/\d+/$", r"^/needs/board/$",
    r"^/commerce/quotations/$", r"^/commerce/orders/\d+/$", r"^/projects/\d+/$", r"^/finance/invoices/\d+/$",
    r"^/directory/capability-map/$", r"^/commerce/providers/\d+/scorecard/$", r"^/commerce/scorecards/$",
    r"^/insights/municipality/$", r"^/commerce/complaints/\d+/$",
)]


def build_rows_in_every_state(tenant, other_tenant) -> None:
    """The API-wide scope test's rows, and the states whose pages show forms those rows do not: a draft
    need (edit page, attachments), a submitted one (triage), an assigned one (a supplier quotes it) and a
    quotation sent to the municipality (approve or reject)."""
    scope_rows.build_rows_of_every_kind(tenant, other_tenant)
    catalog = tenant_catalog(tenant)
    goods_need(tenant, catalog)
    submitted(tenant, goods_need(tenant, catalog))
    assigned_need(tenant, catalog)
    sent = approved_quotation(tenant, catalog)
    Quotation.objects.filter(pk=sent.pk).update(status=QuotationStatus.SENT, decided_at=None,
                                                clerk_approved_by=None, clerk_approved_at=None)
    Need.objects.filter(pk=sent.need_id).update(status=NeedStatus.QUOTED, approved_at=None)
    pools_in_every_state(tenant, catalog)  # open, allocated, closed below the minimum, cancelled
    # A complaint awaiting its owner (the scope rows' are answered): the assign and withdraw forms.
    complaint_file(acting_user=tenant.users["district9"], need=Need.objects.get(pk=sent.need_id),
                   subject="پاسخ دیر", description="پیش‌فاکتور دیر رسید.")



def _routes() -> list[tuple[str, URLPattern]]:
    return [(ns, p) for ns, p in url_patterns()
            if ns not in SKIPPED_NAMESPACES and p.name and p.name != "logout"
            and not str(p.pattern).endswith(DOCUMENT_SUFFIXES)]


def _candidate_urls(namespace: str, route: URLPattern, tenant) -> list[tuple[object, str]]:
    """(status, URL) of the route for every row of its page model in the tenant."""
    name = f"{namespace}:{route.name}"
    converters = route.pattern.converters
    if not converters:
        return [(None, reverse(name))]
    if set(converters) - {"pk", "need_pk"}:
        return []  # `<slug:action>` routes are steps, POST-only
    model = getattr(route.callback, "page_model", None)
    if model is None:
        return []
    key = next(iter(converters))
    by_status: dict[object, list[int]] = {}
    for row in model.objects.filter(organization=tenant.org).order_by("pk"):
        by_status.setdefault(getattr(row, "status", None), []).append(row.pk)
    # A row outside the user's scope answers 404: the next row of the same status is tried.
    return [(status, reverse(name, kwargs={key: pk})) for status, pks in by_status.items() for pk in pks]


CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"|"X-CSRFToken": "[^"]*"')


def _main_of(response) -> bytes:
    """The page's own content, without the shell (header, navigation) and the session's CSRF tokens."""
    content = response.content
    start = content.find(b"<main")
    return CSRF.sub(b"", content[start:] if start >= 0 else content)


def _is_html_page(response) -> bool:
    return (response.status_code == 200 and response.get("Content-Type", "").startswith("text/html")
            and b"<html" in response.content[:400])


def pages_of(user, tenant, seen: set[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """Every whole HTML page `user` can open, and (URL, label) of those to check in the browser.

    Each route is tried with real rows; an object's page once per status of its rows (its forms and
    buttons differ by state), any other route once. A page whose content (shell and CSRF tokens aside)
    is in `seen`, another role's page, is not checked again; the role's home page always is, for the
    shell (header, side navigation) that role sees. Every link of the side navigation must be a page."""
    client = Client()
    client.force_login(user)
    opened_urls: list[str] = []
    to_check: list[tuple[str, str]] = []
    for namespace, route in _routes():
        per_status = route.name.endswith("_detail")
        opened: set[object] = set()
        for status, url in _candidate_urls(namespace, route, tenant):
            if status in opened:
                continue
            response = client.get(url)
            if response.status_code in (403, 404) and b"<html" in response.content[:400]:
                # The refusal pages a person meets (another role's page, a row outside the scope).
                digest = hashlib.sha256(_main_of(response)).hexdigest()
                if digest not in seen:
                    to_check.append((url, f"{url} ({response.status_code})"))
                    seen.add(digest)
            if response.status_code in (405, 403):
                break  # POST-only, or not this role's page: the same for every row
            if not _is_html_page(response):
                continue
            opened_urls.append(url)
            opened.add(status)
            digest = hashlib.sha256(_main_of(response)).hexdigest()
            if digest not in seen or url == reverse("web:home"):
                to_check.append((url, url))
                seen.add(digest)
            if not per_status:
                break
    nav = [item.url for item in nav_items(membership_of(user))]
    missing = [url for url in nav if url not in opened_urls]
    assert not missing, f"side navigation links that are not pages of {user.username}: {missing}"
    return opened_urls, to_check


def run_axe(page, base: str, url: str, photographed: set[str], *, navigate: bool = True) -> list[dict]:
    if navigate:
        page.goto(f"{base}{url}", wait_until="load")
    violations = axe_violations(page)
    for pattern in PHOTOGRAPHED:
        if pattern.pattern not in photographed and pattern.match(url):
            photographed.add(pattern.pattern)
            name = re.sub(r"[^a-z0-9]+", "-", url).strip("-") or "home"
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    return violations


def _table(rows: list[tuple[str, str, list[dict]]], opened: int) -> str:
    lines = [f"axe-core {AXE_VERSION} ({', '.join(TAGS)}) on {connection.vendor}: "
             "serious+critical nodes / all nodes, per page",
             f"{opened} pages opened by the roles; the {len(rows)} below are those with content no other "
             "role's page has, and each role's home page",
             f"{'role':<18} {'page':<48} {'blocking':>8} {'all':>5}  rules (impact: nodes)"]
    for role, url, violations in rows:
        blocking = sum(v["nodes"] for v in violations if v["impact"] in BLOCKING)
        total = sum(v["nodes"] for v in violations)
        rules = ", ".join(f"{v['id']} ({v['impact']}: {v['nodes']})" for v in violations)
        lines.append(f"{role:<18} {url:<48} {blocking:>8} {total:>5}  {rules}")
    by_rule = Counter()
    for _, _, violations in rows:
        for v in violations:
            by_rule[f"{v['id']} ({v['impact']})"] += v["nodes"]
    lines.append(f"{len(rows)} pages; nodes by rule: {dict(by_rule.most_common())}")
    return "\n".join(lines)


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (npm ci)")
def test_every_page_of_every_role_has_no_serious_or_critical_axe_violation(live_server, tenant, other_tenant):
    from playwright.sync_api import sync_playwright

    build_rows_in_every_state(tenant, other_tenant)
    seen: set[str] = set()
    plan = {role: pages_of(tenant.users[key], tenant, seen) for role, key in ROLE_USERS.items()}
    opened = 1 + sum(len(urls) for urls, _ in plan.values())

    results: list[tuple[str, str, list[dict]]] = []
    photographed: set[str] = set()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fa-IR")
        context.add_init_script(path=str(AXE))  # in every page before its own scripts: one injection
        page = context.new_page()
        # Every page under the Content-Security-Policy too: Chromium reports each refusal on the console.
        refused: list[str] = []
        page.on("console", lambda m: refused.append(f"{page.url}: {m.text}")
                if "Content Security Policy" in m.text else None)
        results.append(("anonymous", "/accounts/login/",
                        run_axe(page, live_server.url, "/accounts/login/", photographed)))
        # The form as it comes back refused: its error messages are text to read too.
        page.fill("input[name=username]", "no-such-user")
        page.fill("input[name=password]", "wrong")
        page.click("#login-form button[type=submit]")
        page.wait_for_selector("#login-form .alert-danger")
        results.append(("anonymous", "/accounts/login/ (refused)",
                        run_axe(page, live_server.url, "", photographed, navigate=False)))
        for role, (_, urls) in plan.items():
            context.clear_cookies()
            sign_in(page, live_server, tenant.users[ROLE_USERS[role]].username)
            for url, label in urls:
                results.append((role, label, run_axe(page, live_server.url, url, photographed)))
        context.close()
        browser.close()

    table = _table(results, opened)
    print("\n" + table)
    (OUTPUT / f"axe-{connection.vendor}.txt").write_text(table + "\n", encoding="utf-8")
    (OUTPUT / f"axe-{connection.vendor}.json").write_text(json.dumps(
        [{"role": r, "url": u, "violations": v} for r, u, v in results], ensure_ascii=False, indent=1),
        encoding="utf-8")

    assert len(results) > 1 + len(ROLE_USERS) * 5, "too few pages were found: is the crawl broken?"
    assert refused == [], "refused by the Content-Security-Policy:\n" + "\n".join(refused)
    failing = [(role, url, blocking(violations)) for role, url, violations in results if blocking(violations)]
    assert not failing, "serious or critical axe violations:\n" + "\n".join(
        f"{role} {url}: {describe(violations)}" for role, url, violations in failing)
