"""The Content-Security-Policy in a real browser: the main pages of several roles, and the public ones,
load and work with no violation (no inline script, style attribute or handler refused by Chromium).

Violations are collected two ways, in case one misses: the page's `securitypolicyviolation` events
(an init script, which the policy does not govern, records them) and Chromium's console messages.
"""

from django.test import Client
from django.urls import resolve, reverse

from .test_accessibility import build_rows_in_every_state
from .test_browser import CHROMIUM, LAUNCH_ARGS, pytestmark, sign_in  # noqa: F401  (the browser mark)

RECORD = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI || "inline"} ${e.sourceFile}:${e.lineNumber}`);
});
"""

# Per role: pages by name, and object pages by name (the first row of the organization the user opens).
PAGES = {
    "district9": (["web:home", "needs:need_list", "commerce:order_list", "projects:project_list"],
                  ["needs:need_detail", "commerce:quotation_detail", "commerce:order_detail",
                   "projects:project_detail"]),
    "commerce": (["web:home", "commerce:quotation_list", "commerce:order_list",
                  "commerce:group_purchase_list"],
                 ["commerce:group_purchase_detail", "commerce:order_detail", "catalog:item_detail",
                  "commerce:scorecard"]),
    "finance": (["web:home", "finance:statement_list"], ["finance:invoice_detail"]),
    "project_manager": (["web:home", "projects:project_list"], ["projects:project_detail"]),
    "executive": (["web:home", "insights:dashboard"], []),
}


def object_url(user, name: str) -> str:
    """The page of the first row, of the route's page model, that `user` may open."""
    model = resolve(reverse(name, kwargs={"pk": 1})).func.page_model
    client = Client()
    client.force_login(user)
    for pk in model.objects.order_by("pk").values_list("pk", flat=True)[:60]:
        url = reverse(name, kwargs={"pk": pk})
        if client.get(url).status_code == 200:
            return url
    raise AssertionError(f"{user.username} opens no {name} page")


def test_main_pages_of_each_role_load_without_a_csp_violation(live_server, tenant, other_tenant,
                                                                browser_page):
    build_rows_in_every_state(tenant, other_tenant)
    page = browser_page
    page.context.add_init_script(RECORD)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    violations: list[tuple[str, str]] = []
    headers: list[str] = []

    def visit(url: str) -> None:
        response = page.goto(f"{live_server.url}{url}", wait_until="networkidle")
        assert response is not None and response.status == 200, url
        headers.append(response.headers.get("content-security-policy", ""))
        violations.extend((url, v) for v in page.evaluate("window.__csp"))

    # Anonymous: the sign-in page and the public transparency page.
    visit("/accounts/login/")
    visit(reverse("transparency:published"))
    visited = 2
    for key, (names, object_names) in PAGES.items():
        user = tenant.users[key]
        page.context.clear_cookies()
        sign_in(page, live_server, user.username)
        for url in [reverse(n) for n in names] + [object_url(user, n) for n in object_names]:
            visit(url)
            visited += 1

    # The catalog search: typing swaps the results in (htmx), a filter's change asks again.
    page.context.clear_cookies()
    sign_in(page, live_server, tenant.users["commerce"].username)
    visit(reverse("catalog:item_list"))
    page.fill("#id_q", "نیمکت")
    page.wait_for_function("() => new URLSearchParams(location.search).get('q') === 'نیمکت'")
    page.wait_for_load_state("networkidle")
    violations.extend(("catalog search", v) for v in page.evaluate("window.__csp"))
    # A filter's select submits its form with no inline handler (data-autosubmit).
    visit(reverse("commerce:order_list"))
    option = page.eval_on_selector("select[name=municipality] option:nth-child(2)", "o => o.value")
    page.select_option("select[name=municipality]", option)
    page.wait_for_url(f"**municipality={option}**")
    violations.extend(("order filter", v) for v in page.evaluate("window.__csp"))

    assert visited > 20
    assert all("'unsafe-inline'" not in h and "script-src 'self'" in h for h in headers), set(headers)
    assert violations == [] and console == [], (violations, console)
