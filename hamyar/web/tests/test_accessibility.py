"""WCAG 2.1 AA in a real browser: axe-core over every page every role can open, and the login page.

The pages are not listed by hand: every route of the URLconf (and every link of each role's side
navigation) is tried with the Django test client for each role, path ids filled with the real rows of
the API-wide scope test, one row per status. What answers 200 with a whole HTML document is a page;
downloads (PDF, xlsx, files), POST-only steps (405), redirects and HTMX fragments are not. Each page is
then opened in one headless Chromium, axe-core (from node_modules, injected by the test, never served
to users) runs with the WCAG 2.0/2.1 A and AA rules, and no page may have a serious or critical
violation. The per-page counts are printed and written to test-output/accessibility/.
"""

import json
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from hamyar.accounts.scoping import membership_of
from hamyar.accounts.tests import scope_rows
from hamyar.web.navigation import nav_items

from .test_browser import CHROMIUM, LAUNCH_ARGS, pytestmark, sign_in  # noqa: F401  (the browser mark)

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
OUTPUT = Path(settings.BASE_DIR) / "test-output" / "accessibility"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# axe's best practices too (landmarks, heading order, empty headers): reported, and held to the same bar.
TAGS = [*WCAG_AA, "best-practice"]
BLOCKING = {"serious", "critical"}
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
ROWS_PER_ROUTE = 1  # one row per status, at most this many: a detail page differs by its row's state

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
                                      targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
                                      // For contrast, the colours: what to change in the style sheet.
                                      colours: v.id !== 'color-contrast' ? [] : v.nodes.map(n => {
                                        const d = (n.any[0] || {}).data || {};
                                        return `${d.fgColor} on ${d.bgColor} ${d.contrastRatio}:1 ${n.target.join(' ')}`;
                                      })}));
}"""


def _walk(patterns, namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            yield namespace, entry


def _routes() -> list[tuple[str, URLPattern]]:
    return [(ns, p) for ns, p in _walk(get_resolver().url_patterns)
            if ns not in SKIPPED_NAMESPACES and p.name and p.name != "logout"
            and not str(p.pattern).endswith(DOCUMENT_SUFFIXES)]


def _candidate_urls(namespace: str, route: URLPattern, tenant) -> list[str]:
    """The route's URL for rows of its page model in the tenant, one row per status first."""
    name = f"{namespace}:{route.name}"
    converters = route.pattern.converters
    if not converters:
        return [reverse(name)]
    if set(converters) - {"pk", "need_pk"}:
        return []  # `<slug:action>` routes are steps (POST); a GET of them is probed below anyway
    model = getattr(route.callback, "page_model", None)
    if model is None:
        return []
    key = next(iter(converters))
    rows = model.objects.filter(organization=tenant.org).order_by("pk")
    by_status: dict[object, list[int]] = {}
    for row in rows:
        by_status.setdefault(getattr(row, "status", None), []).append(row.pk)
    # First one row of each status, then the rest: a row outside the user's scope answers 404.
    ordered = [pks[0] for pks in by_status.values()] + [pk for pks in by_status.values() for pk in pks[1:]]
    return [reverse(name, kwargs={key: pk}) for pk in ordered]


def _is_html_page(response) -> bool:
    return (response.status_code == 200 and response.get("Content-Type", "").startswith("text/html")
            and b"<html" in response.content[:400])


def pages_of(user, tenant) -> list[str]:
    """Every whole HTML page `user` can open: each route tried with real rows, and the side navigation."""
    client = Client()
    client.force_login(user)
    found: list[str] = []
    for namespace, route in _routes():
        opened = 0
        for url in _candidate_urls(namespace, route, tenant):
            response = client.get(url)
            if response.status_code in (405, 403):
                break  # POST-only, or not this role's page: the same for every row
            if _is_html_page(response):
                found.append(url)
                opened += 1
                if opened == ROWS_PER_ROUTE:
                    break
    nav = [item.url for item in nav_items(membership_of(user))]
    missing = [url for url in nav if url not in found]
    assert not missing, f"side navigation links that are not pages of {user.username}: {missing}"
    return found


def run_axe(page, url: str) -> list[dict]:
    page.goto(url, wait_until="load")
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE, TAGS)


def _table(rows: list[tuple[str, str, list[dict]]]) -> str:
    lines = [f"axe-core {AXE_VERSION} ({', '.join(TAGS)}) on {connection.vendor}: "
             "serious+critical nodes / all nodes, per page",
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


AXE_VERSION = json.loads((AXE.parent / "package.json").read_text())["version"] if AXE.exists() else "?"


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (npm ci)")
def test_every_page_of_every_role_has_no_serious_or_critical_axe_violation(live_server, tenant, other_tenant):
    from playwright.sync_api import sync_playwright

    import time
    t0 = time.monotonic()
    scope_rows.build_rows_of_every_kind(tenant, other_tenant)
    t1 = time.monotonic()
    plan = {role: pages_of(tenant.users[key], tenant) for role, key in ROLE_USERS.items()}

    t2 = time.monotonic()
    results: list[tuple[str, str, list[dict]]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fa-IR")
        page = context.new_page()
        results.append(("anonymous", "/accounts/login/", run_axe(page, f"{live_server.url}/accounts/login/")))
        for role, urls in plan.items():
            context.clear_cookies()
            sign_in(page, live_server, tenant.users[ROLE_USERS[role]].username)
            for url in urls:
                results.append((role, url, run_axe(page, f"{live_server.url}{url}")))
        context.close()
        browser.close()

    t3 = time.monotonic()
    print(f"rows {t1-t0:.1f}s probe {t2-t1:.1f}s browser {t3-t2:.1f}s")
    table = _table(results)
    print("\n" + table)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    (OUTPUT / f"axe-{connection.vendor}.txt").write_text(table + "\n", encoding="utf-8")
    (OUTPUT / f"axe-{connection.vendor}.json").write_text(
        json.dumps([{"role": r, "url": u, "violations": v} for r, u, v in results], ensure_ascii=False, indent=1),
        encoding="utf-8")

    assert len(results) > 1 + len(ROLE_USERS) * 5, "too few pages were found: is the crawl broken?"
    failing = [(role, url, [v for v in violations if v["impact"] in BLOCKING])
               for role, url, violations in results if any(v["impact"] in BLOCKING for v in violations)]
    assert not failing, "serious or critical axe violations:\n" + "\n".join(
        f"{role} {url}: " + "; ".join(f"{v['id']} x{v['nodes']} {v['targets']}" for v in violations)
        for role, url, violations in failing)
