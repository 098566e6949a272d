"""The public reader: an anonymous request reaches only what is marked public, and reads only what is
marked published.

Every URL pattern of the site is tried anonymously (path ids filled with 1): a view not marked public
answers 302 to the sign-in page, the admin 302 to its own; every route of the API's document answers
401 unless it is declared public (`auth=None`), and only the transparency routes are. Public are:
signing in and out, the language switch, the favicon, the static files and the transparency pages.
"""

import re

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.urls import URLPattern, reverse
from django.urls.resolvers import RoutePattern

from hamyar.api import api
from hamyar.core.errors import NotFound
from hamyar.core.pages import is_public
from hamyar.core.scoping import scope, scoped_get
from hamyar.core.testing import url_patterns
from hamyar.directory.models import Municipality
from hamyar.transparency.services import publication_policy_set

# Every view an anonymous visitor may open, by URL name: nothing else may be marked public.
PUBLIC_PAGES = {"accounts:login", "accounts:logout", "web:favicon", "set_language", "transparency:published",
                "transparency:processes", "transparency:process"}
# The API's public routes (method, path): only transparency's, and its OCDS publication.
PUBLIC_ROUTES = {("GET", "/api/v1/transparency/"), ("GET", "/api/v1/ocds/1/releases"),
                 ("GET", "/api/v1/ocds/1/records"), ("GET", "/api/v1/ocds/1/records/1"),
                 ("GET", "/api/v1/ocds/1/releases.jsonl")}
# The API's document and its browser: public, as before.
API_DOCUMENTS = ("/api/v1/openapi.json", "/api/v1/docs")


def _name(namespace: str | None, route: URLPattern) -> str:
    return f"{namespace}:{route.name}" if namespace else route.name


def _site_routes() -> list[tuple[str | None, URLPattern]]:
    """Every route of the site but the admin's and the API's (tried on their own below)."""
    return [(ns, route) for ns, route in url_patterns() if ns not in {"admin", "api"}]


def _path(namespace: str | None, route: URLPattern) -> str:
    assert isinstance(route.pattern, RoutePattern), route  # a regex route would need its own ids
    kwargs = {key: "x" if type(c).__name__ in {"SlugConverter", "StringConverter"} else 1
              for key, c in route.pattern.converters.items()}
    return reverse(_name(namespace, route), kwargs=kwargs)


def test_only_the_known_pages_are_marked_public():
    marked = {_name(ns, route) for ns, route in _site_routes() if is_public(route.callback)}
    assert marked == PUBLIC_PAGES


@pytest.mark.parametrize("route", _site_routes(), ids=lambda r: _name(*r))
def test_every_page_not_marked_public_sends_an_anonymous_visitor_to_sign_in(client, db, route):
    namespace, pattern = route
    path = _path(namespace, pattern)
    response = client.get(path)
    if is_public(pattern.callback):
        assert response.status_code != 302 or not response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == 302, path
        assert response["Location"] == f"{reverse('accounts:login')}?next={path}"


def test_the_admin_sends_an_anonymous_visitor_to_its_own_sign_in(client, db):
    for path in ("/admin/", "/admin/core/auditevent/", "/admin/directory/municipality/1/change/",
                 "/admin/no/such/page/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), path
    assert client.get("/admin/login/").status_code == 200


def _operations() -> list[tuple[str, str, bool]]:
    """(method, path with ids filled, public) for every route of the API's document."""
    document = api.get_openapi_schema()
    found = []
    for path, methods in document["paths"].items():
        filled = re.sub(r"\{[^}]+\}", "1", path)
        for method, operation in methods.items():
            found.append((method.upper(), filled, "security" not in operation))
    return found


def test_only_the_transparency_routes_are_public():
    assert {(method, path) for method, path, public in _operations() if public} == PUBLIC_ROUTES


@pytest.mark.parametrize("operation", _operations(), ids=lambda o: f"{o[0]} {o[1]}")
def test_every_api_route_not_public_answers_401(client, db, operation):
    method, path, public = operation
    response = client.generic(method, path, data="{}", content_type="application/json")
    if public:  # no organization is named "1": nothing is published there
        assert response.status_code == 200 or response.json()["code"] == "not_published", (method, path)
    else:
        assert response.status_code == 401, (method, path)
        assert response.json()["code"] == "not_authenticated"


def test_the_sign_in_page_static_files_and_api_documents_are_reachable(client, db, settings):
    settings.WHITENOISE_USE_FINDERS = True  # WhiteNoise serves the files before any view (no collectstatic)
    assert client.get(reverse("accounts:login")).status_code == 200
    css = client.get("/static/web/hamyar.css")
    assert css.status_code == 200 and b"{" in b"".join(css.streaming_content)
    for path in API_DOCUMENTS:
        assert client.get(path).status_code == 200, path


def test_the_transparency_page_and_route_say_nothing_is_published_yet(client, tenant):
    page = client.get(reverse("transparency:published"))
    assert page.status_code == 200
    assert "هنوز چیزی در این‌جا منتشر نکرده" in page.content.decode()
    assert client.get("/api/v1/transparency/").json() == {"items": [], "next_cursor": None}
    publication_policy_set(acting_user=tenant.users["admin"], kinds=["goods"], withheld_domain_ids=[])
    [item] = client.get("/api/v1/transparency/").json()["items"]
    assert item["slug"] == tenant.org.slug and item["name"] == tenant.org.name
    assert item["page"].endswith(f"/transparency/{tenant.org.slug}/processes/")
    assert item["records"].endswith(f"/api/v1/ocds/{tenant.org.slug}/records")
    assert client.get(item["page"].removeprefix("http://testserver")).status_code == 200
    client.force_login(tenant.users["district9"])
    assert client.get(reverse("transparency:published")).status_code == 200


# ---------------------------------------------------------------- scoping for the public reader


def test_the_public_reader_reads_nothing_that_is_not_published(tenant, other_tenant):
    anonymous = AnonymousUser()
    for model in apps.get_models():
        if model._meta.app_label.startswith(("auth", "contenttypes", "sessions", "admin", "axes", "django")):
            continue
        if hasattr(model, "organization_id") or getattr(model, "is_tenant", False):
            assert getattr(model, "published_filter", None) is None, model
            assert not scope(model._default_manager.all(), anonymous).exists(), model
    with pytest.raises(NotFound):
        scoped_get(Municipality.objects.all(), anonymous, pk=tenant.district9.pk)


def test_the_public_reader_reads_what_a_model_marks_published(tenant, monkeypatch):
    monkeypatch.setattr(Municipality, "published_filter", Q(pk=tenant.district9.pk), raising=False)
    anonymous = AnonymousUser()
    assert list(scope(Municipality.objects.all(), anonymous)) == [tenant.district9]
    assert scoped_get(Municipality.objects.all(), anonymous, pk=tenant.district9.pk) == tenant.district9
    # A signed-in member reads by its role, as before.
    assert scope(Municipality.objects.all(), tenant.users["district9"]).count() == 1
