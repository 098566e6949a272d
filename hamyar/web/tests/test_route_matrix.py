"""Every page route × every role of two organizations: who gets in, and whose rows they reach.

Generated from the URL configuration. For each route and each user of each organization (its admin,
officers, executive, project manager, supplier and two municipalities' users):

- a route its role may not open answers 403, whatever row it names;
- a route it may open answers a page (200, or a redirect) for a row in its scope, and 404 for a row of
  its own organization outside its scope (a neighbour municipality's, another provider's) and for any
  row of the other organization — a step that only answers POST is tried by POST, on rows outside the
  scope only (404, nothing changed), its own rows being the apps' tests' concern;
- a route without ids answers a page to the roles it lets in.

A route the generator cannot try (an id other than `pk`/`need_pk`, a page without the model it serves)
must be listed in `EXPLICIT` with how it is tried, so a new route without an entry fails this test.
The API's routes have the same matrix in accounts/tests/test_api.py (scope per route and per user).
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, reverse

from conftest import make_tenant
from hamyar.catalog.models import CatalogItem
from hamyar.core.pages import is_public
from hamyar.core.roles import Role
from hamyar.core.scoping import membership_of, scope
from hamyar.core.testing import url_patterns
from hamyar.finance.tests.finance_data import tenant_catalog
from hamyar.transparency.services import publication_policy_set

from .budget_data import rows_of_every_kind
from .test_query_budgets import _get_allowed

USERS = ["admin", "commerce", "finance", "executive", "project_manager", "supplier", "district9",
         "district10"]
SKIPPED_NAMESPACES = {"admin", "api"}


Case = tuple[str, str, set[int]]  # (what is tried, URL, the answers expected)
PAGE = {200, 302}  # a page, or a step that sends on (a state without this page, a notification opened)


def _public_processes(world, tenant, user) -> list[Case]:
    """The organization's public list: a page for everyone (the first organization publishes)."""
    slug = world.tenants[0].org.slug
    return [("public", reverse("transparency:processes", args=[slug]), {200})]


def _public_process(world, tenant, user) -> list[Case]:
    """A published process opens under its own organization only."""
    first, second = (t.org.slug for t in world.tenants)
    return [("public", reverse("transparency:process", args=[first, world.published_ocid]), {200}),
            ("foreign", reverse("transparency:process", args=[second, world.published_ocid]), {404})]


def _audit_exports(world, tenant, user) -> list[Case]:
    """An object's signed history: 404 outside the user's scope, 403 where its page would not open."""
    from django.apps import apps

    from hamyar.core.access import opens_for_role
    from hamyar.web.audit import DETAIL_PAGES

    cases: list[Case] = []
    role = Role(membership_of(user).role)
    other = next(t for t in world.tenants if t is not tenant).org
    for object_type, detail in DETAIL_PAGES.items():
        model = apps.get_model(object_type)
        inside, outside = _rows(model, tenant.org, user)
        foreign = model._default_manager.filter(organization=other).order_by("pk").first()
        url = lambda row, t=object_type: reverse("web:audit_object_export", args=[t, row.pk])  # noqa: E731
        if inside is not None:
            opens = opens_for_role(role, reverse(detail, args=[inside.pk]))
            cases.append(("own", url(inside), {200} if opens else {403}))
        cases += [(case, url(row), {404}) for case, row in (("outside", outside), ("foreign", foreign))
                  if row is not None]
    cases.append(("unknown type", reverse("web:audit_object_export", args=["auth.user", user.pk]), {404}))
    return cases


# Routes the generator cannot try by a row's pk alone: each gives its cases for one user.
EXPLICIT: dict[str, Callable[..., list[Case]]] = {
    "transparency:processes": _public_processes,
    "transparency:process": _public_process,
    "web:audit_object_export": _audit_exports,
}
# A route's other path arguments, one real value each (a step's name).
EXTRA_KWARGS = {"projects:project_transition": {"action": "start"},
                "projects:change_order_decide": {"decision": "approve"}}
# A query a route cannot answer without.
QUERY = {"needs:line_row": lambda org: f"?item={CatalogItem.objects.filter(organization=org).first().pk}"}
# Rows a page serves to their own user only (not the whole scope of the model).
OWN_ROWS = {"accounts:notification_open": lambda user: {"recipient": user}}
# Pages that only a signed-out visitor or the browser's own requests use.
NOT_TRIED = {"accounts:login", "accounts:logout", "set_language", "web:favicon"}


@dataclass
class World:
    tenants: tuple
    published_ocid: str = ""


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Two organizations with a row of every kind in every state (built once, rolled back after)."""
    with django_db_blocker.unblock(), transaction.atomic():
        tenant = make_tenant("خراسان رضوی", "kr")
        other = make_tenant("خراسان جنوبی", "kj")
        rows_of_every_kind(tenant, other, tenant_catalog(tenant))
        publication_policy_set(acting_user=tenant.users["admin"], kinds=["goods", "services", "works"],
                               withheld_domain_ids=[])
        from hamyar.transparency.selectors import published_processes

        found = World((tenant, other))
        found.published_ocid = published_processes(organization=tenant.org)[0].ocid
        yield found
        transaction.set_rollback(True)


def _routes() -> list[tuple[str, URLPattern]]:
    return [(f"{ns}:{p.name}" if ns else p.name, p) for ns, p in url_patterns()
            if ns not in SKIPPED_NAMESPACES]


ROUTES = _routes()


def _generated(name: str, route: URLPattern) -> bool:
    callback = route.callback
    converters = set(route.pattern.converters) - set(EXTRA_KWARGS.get(name, {}))
    if not hasattr(callback, "page_roles"):
        return False
    return not converters or (converters <= {"pk", "need_pk"} and getattr(callback, "page_model", None))


def test_every_route_is_generated_or_listed():
    untried = [name for name, route in ROUTES
               if name not in EXPLICIT and name not in NOT_TRIED and not _generated(name, route)]
    assert untried == [], f"routes this matrix cannot try: add each to EXPLICIT: {untried}"
    assert set(EXPLICIT) <= {name for name, _route in ROUTES}, "EXPLICIT names a route that is gone"


def _opens(route: URLPattern, user) -> bool:
    if is_public(route.callback):
        return True
    roles = route.callback.page_roles
    return roles is None or Role(membership_of(user).role) in roles


def _rows(model: type[Model], org, user, own: dict | None = None) -> tuple[Model | None, Model | None]:
    """A row of `org` in the user's scope (or, for a page of the user's own rows, matching `own`), and one
    outside it (or None)."""
    rows = model._default_manager.filter(organization=org).order_by("pk")
    mine = rows.filter(**own) if own is not None else scope(rows, user)
    visible = set(mine.values_list("pk", flat=True))
    inside = next((row for row in rows if row.pk in visible), None)
    outside = next((row for row in rows if row.pk not in visible), None)
    return inside, outside


def _answer(client: Client, url: str, get: bool) -> int:
    return (client.get(url) if get else client.post(url, {})).status_code


def _generated_cases(name: str, route: URLPattern, org, foreign_org, user, get: bool) -> list[Case]:
    """A route's cases for one user: its page, or a row in the user's scope, one of its organization
    outside it, and one of the other organization."""
    opens = _opens(route, user)
    extra = EXTRA_KWARGS.get(name, {})
    ids = set(route.pattern.converters) - set(extra)
    if not ids:
        query = QUERY[name](org) if name in QUERY else ""
        return [("page", reverse(name, kwargs=extra) + query, PAGE if opens else {403})] if get else []
    [key] = ids
    model = route.callback.page_model
    own = OWN_ROWS[name](user) if name in OWN_ROWS else None
    inside, outside = _rows(model, org, user, own)
    foreign = model._default_manager.filter(organization=foreign_org).order_by("pk").first()
    refused = {404} if opens else {403}
    cases: list[Case] = []
    if inside is not None and get:
        expected = PAGE | {409} if opens else {403}
        cases.append(("own", reverse(name, kwargs={key: inside.pk, **extra}), expected))
    cases += [(case, reverse(name, kwargs={key: row.pk, **extra}), refused)
              for case, row in (("outside", outside), ("foreign", foreign)) if row is not None]
    return cases


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "route"), [(n, r) for n, r in ROUTES if n not in NOT_TRIED and
                                             (n in EXPLICIT or _generated(n, r))],
                         ids=lambda v: str(v)[:60])
def test_every_role_of_both_organizations_gets_the_expected_answer(world, name, route):
    failures = []
    get = _get_allowed(route)
    for index, tenant in enumerate(world.tenants):
        foreign_org = world.tenants[1 - index].org
        for who in USERS:
            user = tenant.users[who]
            client = Client()
            client.force_login(user)
            cases = (EXPLICIT[name](world, tenant, user) if name in EXPLICIT
                     else _generated_cases(name, route, tenant.org, foreign_org, user, get))
            for case, url, expected in cases:
                status = _answer(client, url, get)
                if status not in expected:
                    failures.append(f"{tenant.org.slug}/{who} {case} {url} → {status}, "
                                    f"expected {sorted(expected)}")
    assert not failures, "\n".join(failures)
