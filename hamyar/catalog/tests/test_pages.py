"""Catalog pages: who may open which, live search, the item and price pages, the forms and uploads.

Every route is checked for every role (a role it does not serve gets 403), for
rows of another provider or another organization (404, as if absent) and for
anonymous visitors; bad input to every form answers 4xx and writes nothing; list
pages run the same number of queries however many rows they show.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hamyar.catalog import urls as catalog_urls
from hamyar.catalog.choices import ImportStatus
from hamyar.catalog.models import CatalogItem, Price, PriceImport, PriceList
from hamyar.catalog.services import price_import_create, price_import_validate
from hamyar.catalog.tasks import price_import_validate_start
from hamyar.core.jalali import format_jalali_date
from hamyar.core.roles import Role
from hamyar.core.testing import nothing_written
from hamyar.directory.models import Provider

from .catalog_data import BAD_ROWS, GOOD_ROWS, add_item, build_catalog, price_sheet, publish

USER_OF_ROLE = {
    Role.ORG_ADMIN: "admin",
    Role.COMMERCE_OFFICER: "commerce",
    Role.FINANCE_OFFICER: "finance",
    Role.EXECUTIVE: "executive",
    Role.PROJECT_MANAGER: "project_manager",
    Role.SUPPLIER_USER: "supplier",
    Role.MUNICIPALITY_USER: "district9",
}
ROUTES = list(catalog_urls.urlpatterns)
POST_ONLY = {"import_apply"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def catalog(tenant):
    return build_catalog(tenant)


def make_import(tenant, provider, rows=GOOD_ROWS) -> PriceImport:
    price_import = price_import_create(
        acting_user=tenant.users["commerce"], provider=provider,
        file=SimpleUploadedFile("prices.xlsx", price_sheet(rows)), title="فهرست بهای آزمایشی",
        valid_from=timezone.localdate(),
    )
    return price_import_validate_start(price_import=price_import)


@pytest.fixture
def imports(tenant, catalog):
    """An import of the supplier's sheet and one of the affiliate's."""
    return {"supplier": make_import(tenant, tenant.supplier),
            "affiliate": make_import(tenant, tenant.affiliate)}


def _objects(tenant, catalog, imports, owner: str) -> dict:
    """One row of each page model, belonging to `owner` ("supplier" or "affiliate")."""
    if owner == "affiliate":
        return {CatalogItem: catalog.sapling, PriceList: catalog.sapling_list,
                PriceImport: imports["affiliate"], Provider: tenant.affiliate}
    return {CatalogItem: catalog.bench, PriceList: catalog.bench_list, PriceImport: imports["supplier"],
            Provider: tenant.supplier}


def _url(pattern, objects: dict | None = None) -> str:
    """The URL for the row of the route's model in `objects`; any id when it answers before the lookup."""
    if "pk" in pattern.pattern.converters:
        pk = objects[pattern.callback.page_model].pk if objects else 1
        return reverse(f"catalog:{pattern.name}", kwargs={"pk": pk})
    return reverse(f"catalog:{pattern.name}")


def _call(client, pattern, url):
    return client.post(url) if pattern.name in POST_ONLY else client.get(url)


def _own(role: Role) -> str:
    """Whose rows a role reaches: the project manager the affiliate's, everyone else the supplier's."""
    return "affiliate" if role == Role.PROJECT_MANAGER else "supplier"


@pytest.mark.parametrize("pattern", ROUTES, ids=[p.name for p in ROUTES])
def test_every_route_refuses_the_roles_it_does_not_serve(client, tenant, pattern):
    assert pattern.callback.page_roles, f"{pattern.name} must say which roles it serves"
    for role, key in USER_OF_ROLE.items():
        if role in pattern.callback.page_roles:
            continue
        client.force_login(tenant.users[key])
        with nothing_written("catalog"):
            assert _call(client, pattern, _url(pattern)).status_code == 403, (role, pattern.name)


@pytest.mark.parametrize("pattern", [p for p in ROUTES if p.name not in POST_ONLY],
                         ids=[p.name for p in ROUTES if p.name not in POST_ONLY])
def test_every_route_serves_its_roles_their_own_rows(client, tenant, catalog, imports, pattern):
    for role in pattern.callback.page_roles:
        client.force_login(tenant.users[USER_OF_ROLE[role]])
        url = _url(pattern, _objects(tenant, catalog, imports, _own(role)))
        assert client.get(url).status_code in (200, 302), (role, url)


@pytest.mark.parametrize("pattern", [p for p in ROUTES if "pk" in p.pattern.converters],
                         ids=[p.name for p in ROUTES if "pk" in p.pattern.converters])
def test_provider_users_get_404_for_another_providers_rows(client, tenant, catalog, imports, pattern):
    for role, other in ((Role.SUPPLIER_USER, "affiliate"), (Role.PROJECT_MANAGER, "supplier")):
        if role not in pattern.callback.page_roles:
            continue
        client.force_login(tenant.users[USER_OF_ROLE[role]])
        objects = _objects(tenant, catalog, imports, other)
        assert _call(client, pattern, _url(pattern, objects)).status_code == 404, (role, pattern.name)


@pytest.mark.parametrize("pattern", [p for p in ROUTES if "pk" in p.pattern.converters],
                         ids=[p.name for p in ROUTES if "pk" in p.pattern.converters])
def test_every_route_hides_another_organizations_rows(client, tenant, other_tenant, catalog, imports,
                                                      pattern):
    url = _url(pattern, _objects(tenant, catalog, imports, "supplier"))
    for key in ("admin", "commerce", "district9"):
        role = Role(other_tenant.users[key].membership.role)
        if role not in pattern.callback.page_roles:
            continue
        client.force_login(other_tenant.users[key])
        assert _call(client, pattern, url).status_code == 404, (key, url)


@pytest.mark.parametrize("pattern", ROUTES, ids=[p.name for p in ROUTES])
def test_anonymous_visitors_are_sent_to_sign_in(client, db, pattern):
    response = _call(client, pattern, _url(pattern))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_item_pages_of_a_providers_own_items_are_editable_only_by_it(client, tenant, catalog):
    client.force_login(tenant.users["supplier"])
    assert client.get(reverse("catalog:item_edit", args=[catalog.bench.pk])).status_code == 200
    assert client.get(reverse("catalog:item_edit", args=[catalog.sapling.pk])).status_code == 404
    with nothing_written("catalog"):
        response = client.post(reverse("catalog:item_edit", args=[catalog.sapling.pk]), {"name": "x"})
    assert response.status_code == 404


def test_my_catalog_leads_a_supplier_to_its_own_catalog(client, tenant, catalog):
    client.force_login(tenant.users["supplier"])
    response = client.get(reverse("catalog:my_catalog"))
    assert response["Location"] == reverse("catalog:provider_catalog", args=[tenant.supplier.pk])
    page = client.get(response["Location"]).content.decode()
    assert "نیمکت پارکی فلزی" in page and "فهرست بهای جاری" in page and "کاشت نهال" not in page


# ---------------------------------------------------------------- live search


def test_search_page_is_one_view_for_the_full_page_and_the_htmx_fragment(client, tenant, catalog):
    client.force_login(tenant.users["district9"])
    full = client.get(reverse("catalog:item_list"), {"q": "نیمکت"})
    fragment = client.get(reverse("catalog:item_list"), {"q": "نیمکت"}, HTTP_HX_REQUEST="true")
    assert "<html" in full.content.decode() and 'id="catalog-search"' in full.content.decode()
    assert "<html" not in fragment.content.decode() and 'id="search-results"' in fragment.content.decode()
    assert "<mark>نیمکت</mark> پارکی فلزی" in fragment.content.decode()  # the match marked
    assert "HX-Request" in full["Vary"]


def test_search_box_updates_the_results_as_the_clerk_types(client, tenant, catalog):
    client.force_login(tenant.users["district9"])
    page = client.get(reverse("catalog:item_list")).content.decode()
    box = page[page.index('name="q"'):]
    box = box[: box.index(">")]
    assert 'hx-trigger="input changed delay:300ms' in box and 'hx-get="/catalog/"' in box
    assert 'hx-target="#results"' in box


def test_arabic_letters_find_the_persian_item(client, tenant, catalog):
    client.force_login(tenant.users["district9"])
    page = client.get(reverse("catalog:item_list"), {"q": "نيمكت"}).content.decode()
    page = page.replace("<mark>", "").replace("</mark>", "")
    assert "نیمکت پارکی فلزی" in page and "نیمکت بتنی" in page and "کاشت نهال" not in page


def _names(client, **params) -> str:
    return client.get(reverse("catalog:item_list"), params, HTTP_HX_REQUEST="true").content.decode()


def test_filters_narrow_the_results(client, tenant, catalog):
    client.force_login(tenant.users["commerce"])
    cheap = _names(client, price_max="150,000,000")
    assert "نیمکت بتنی" in cheap and "نیمکت پارکی فلزی" not in cheap
    assert "نیمکت بتنی" not in _names(client, in_stock="on")
    assert "کاشت نهال" in _names(client, max_lead_time="۱۰")
    assert "نیمکت" not in _names(client, max_lead_time="10")
    furniture = _names(client, domain=tenant.furniture.pk)
    assert "نیمکت پارکی فلزی" in furniture and "کاشت نهال" not in furniture
    only_affiliate = _names(client, provider=tenant.affiliate.pk)
    assert "کاشت نهال" in only_affiliate and "نیمکت" not in only_affiliate


def test_counts_per_domain_stand_beside_the_results(client, tenant, catalog):
    client.force_login(tenant.users["district9"])
    fragment = _names(client)
    counts = fragment[fragment.index('id="domain-counts"'):]
    counts = counts[: counts.index("</ul>")]
    assert tenant.furniture.name in counts and "۲" in counts  # two benches
    assert tenant.lighting.name not in counts  # the lamp is not offered to municipalities


@pytest.mark.parametrize("params", [
    {"price_min": "abc"},
    {"price_min": "200", "price_max": "100"},
    {"price_min": "-5"},
    {"max_lead_time": "99999"},
    {"domain": "999999999"},
    {"provider": "x"},
    {"page": "0"},
    {"q": "ن" * 201},
])
def test_bad_search_input_is_a_400_with_a_message(client, tenant, catalog, params):
    client.force_login(tenant.users["district9"])
    response = client.get(reverse("catalog:item_list"), params)
    assert response.status_code == 400
    assert "alert-danger" in response.content.decode()
    if "page" not in params:  # the export has no pages
        assert client.get(reverse("catalog:item_export"), params).status_code == 400


def test_a_domain_of_another_organization_is_not_a_filter(client, tenant, other_tenant, catalog):
    client.force_login(tenant.users["district9"])
    assert client.get(reverse("catalog:item_list"), {"domain": other_tenant.furniture.pk}).status_code == 400


def test_export_of_search_results_is_an_xlsx_of_what_the_page_shows(client, tenant, catalog):
    client.force_login(tenant.users["district9"])
    response = client.get(reverse("catalog:item_export"), {"q": "نیمکت"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:4] == b"PK\x03\x04"


# ---------------------------------------------------------------- item and price list pages


def test_item_page_shows_the_current_tiers_and_the_whole_price_history(client, tenant, catalog):
    client.force_login(tenant.users["district9"])
    page = client.get(reverse("catalog:item_detail", args=[catalog.bench.pk])).content.decode()
    current = page[page.index('id="current-price"'):page.index('id="price-history"')]
    for price in ("۱۹۵٬۰۰۰٬۰۰۰", "۱۸۷٬۲۰۰٬۰۰۰", "۱۷۹٬۴۰۰٬۰۰۰", "۱۹٬۵۰۰٬۰۰۰ تومان"):
        assert price in current
    assert "۱۵۰٬۰۰۰٬۰۰۰" not in current
    history = page[page.index('id="price-history"'):]
    assert "فهرست بهای سال گذشته" in history and "۱۵۰٬۰۰۰٬۰۰۰" in history and "۱۹۵٬۰۰۰٬۰۰۰" in history
    assert format_jalali_date(catalog.old_list.valid_from) in history


def test_price_list_page_lists_every_tier_and_offers_the_xlsx(client, tenant, catalog):
    client.force_login(tenant.users["district9"])
    page = client.get(reverse("catalog:price_list_detail", args=[catalog.bench_list.pk])).content.decode()
    assert "۱۴۸٬۰۰۰٬۰۰۰" in page and "۱۷۹٬۴۰۰٬۰۰۰" in page
    response = client.get(reverse("catalog:price_list_export", args=[catalog.bench_list.pk]))
    assert response.status_code == 200 and response.content[:4] == b"PK\x03\x04"


# ---------------------------------------------------------------- item form


def _item_post(tenant, **changes) -> dict:
    data = {"provider": tenant.supplier.pk, "domain": tenant.furniture.pk, "code": "PRS-BN-09",
            "name": "نیمكت سنگي", "description": "", "unit": "piece", "lead_time_days": "۱۲",
            "attributes": "جنس: سنگ گرانیت\nطول: ۱۸۰", "in_stock": "on", "is_active": "on"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_an_officer_adds_an_item_with_normalized_text(client, tenant, catalog):
    client.force_login(tenant.users["commerce"])
    response = client.post(reverse("catalog:item_create"), _item_post(tenant))
    item = CatalogItem.objects.get(code="PRS-BN-09")
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:item_detail", args=[item.pk])
    assert item.name == "نیمکت سنگی" and item.lead_time_days == 12
    assert item.attributes == {"جنس": "سنگ گرانیت", "طول": "180"}


def test_a_supplier_user_adds_only_to_its_own_catalog(client, tenant, catalog):
    client.force_login(tenant.users["supplier"])
    response = client.post(reverse("catalog:item_create"), _item_post(tenant, provider=tenant.affiliate.pk))
    assert response.status_code == 302
    assert CatalogItem.objects.get(code="PRS-BN-09").provider == tenant.supplier


@pytest.mark.parametrize("changes", [
    {"name": ""},
    {"code": ""},
    {"unit": "barrel"},
    {"lead_time_days": "soon"},
    {"lead_time_days": "5000"},
    {"attributes": "a line without a value"},
    {"domain": "999999999"},
    {"code": "PRS-BN-01"},  # taken by the supplier's bench
    {"name": "ن" * 201},
])
def test_bad_item_input_is_422_and_writes_nothing(client, tenant, catalog, changes):
    client.force_login(tenant.users["commerce"])
    with nothing_written("catalog"):
        response = client.post(reverse("catalog:item_create"), _item_post(tenant, **changes))
    assert response.status_code == 422
    assert "invalid-feedback" in response.content.decode() or "form-errors" in response.content.decode()


def test_another_organizations_domain_or_provider_is_refused(client, tenant, other_tenant, catalog):
    client.force_login(tenant.users["commerce"])
    for changes in ({"domain": other_tenant.furniture.pk}, {"provider": other_tenant.supplier.pk}):
        with nothing_written("catalog"):
            response = client.post(reverse("catalog:item_create"), _item_post(tenant, **changes))
        assert response.status_code == 422


def test_an_item_is_edited_through_the_form(client, tenant, catalog):
    client.force_login(tenant.users["supplier"])
    url = reverse("catalog:item_edit", args=[catalog.bench.pk])
    data = _item_post(tenant, code="PRS-BN-01", name="نیمکت پارکی فلزی دو متری مدل ۱۴۰۵")
    assert client.post(url, data).status_code == 302
    catalog.bench.refresh_from_db()
    assert catalog.bench.name == "نیمکت پارکی فلزی دو متری مدل 1405"
    with nothing_written("catalog"):
        assert client.post(url, {**data, "lead_time_days": "-1"}).status_code == 422


# ---------------------------------------------------------------- price-sheet upload


def _upload(client, tenant, content: bytes, name: str = "prices.xlsx", **changes):
    data = {"provider": tenant.supplier.pk, "title": "فهرست بهای آذر ۱۴۰۵",
            "valid_from": format_jalali_date(timezone.localdate()), "valid_until": "",
            "file": SimpleUploadedFile(name, content)}
    data.update(changes)
    return client.post(reverse("catalog:import_create"), data)


def test_a_valid_sheet_is_previewed_then_applied_as_a_new_price_list(client, tenant, catalog):
    client.force_login(tenant.users["supplier"])
    response = _upload(client, tenant, price_sheet(GOOD_ROWS))
    price_import = PriceImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:import_detail", args=[price_import.pk])
    assert price_import.status == ImportStatus.VALID and price_import.provider == tenant.supplier
    preview = client.get(response["Location"]).content.decode()
    button = preview[preview.index('id="apply"'):]
    assert "disabled" not in button[: button.index(">")]
    assert client.post(reverse("catalog:import_apply", args=[price_import.pk])).status_code == 302
    price_list = PriceList.objects.get(title="فهرست بهای آذر 1405")
    assert price_list.prices.count() == 3
    catalog.bench.refresh_from_db()
    assert catalog.bench.current_price == 205_000_000
    assert catalog.old_list.prices.count() == 2  # history is kept


def test_a_sheet_with_errors_lists_every_bad_row_and_cannot_be_applied(client, tenant, catalog):
    client.force_login(tenant.users["commerce"])
    items, prices = CatalogItem.objects.count(), Price.objects.count()
    _upload(client, tenant, price_sheet(BAD_ROWS))
    price_import = PriceImport.objects.get()
    assert (CatalogItem.objects.count(), Price.objects.count()) == (items, prices)
    assert price_import.status == ImportStatus.INVALID
    preview = client.get(reverse("catalog:import_detail", args=[price_import.pk])).content.decode()
    rows = preview[preview.index('id="row-errors"'):]
    for row in ("۲", "۳", "۴"):  # the three data rows under the header
        assert f'<td class="num-cell">{row}</td>' in rows
    assert "بشکه" in rows and "no-such-domain" in rows
    button = preview[preview.index('id="apply"'):]
    assert "disabled" in button[: button.index(">")]
    with nothing_written("catalog"):
        assert client.post(reverse("catalog:import_apply", args=[price_import.pk])).status_code == 409


def test_progress_bar_is_polled_while_the_sheet_is_checked(client, tenant, catalog):
    client.force_login(tenant.users["commerce"])
    price_import = make_import(tenant, tenant.supplier)
    PriceImport.objects.filter(pk=price_import.pk).update(
        status=ImportStatus.VALIDATING, total_rows=50_000, processed_rows=20_000
    )
    url = reverse("catalog:import_detail", args=[price_import.pk])
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment
    assert 'hx-trigger="every 1s"' in fragment
    assert 'aria-valuenow="40"' in fragment and "w-pct-40" in fragment
    PriceImport.objects.filter(pk=price_import.pk).update(status=ImportStatus.VALID, processed_rows=50_000)
    assert "every 1s" not in client.get(url, HTTP_HX_REQUEST="true").content.decode()


@pytest.mark.parametrize("name,content", [
    ("prices.txt", "کد کالا,نام کالا".encode()),
    ("prices.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100),
    ("prices.xlsx", b"not a zip at all"),
    ("prices.xlsx", b""),
])
def test_a_file_that_is_not_an_xlsx_is_refused(client, tenant, catalog, name, content):
    client.force_login(tenant.users["commerce"])
    with nothing_written("catalog"):
        response = _upload(client, tenant, content, name)
    assert response.status_code == 422 and "invalid-feedback" in response.content.decode()


def test_an_oversized_file_is_refused(client, tenant, catalog):
    from hamyar.catalog import sheets

    client.force_login(tenant.users["commerce"])
    content = price_sheet(GOOD_ROWS) + b"\0" * sheets.MAX_FILE_BYTES
    with nothing_written("catalog"):
        response = _upload(client, tenant, content)
    assert response.status_code == 422 and "invalid-feedback" in response.content.decode()


@pytest.mark.parametrize("changes", [
    {"valid_from": "1405/13/40"},
    {"valid_from": "tomorrow"},
    {"valid_from": ""},
    {"valid_until": "1300/01/01"},  # before the start
    {"title": ""},
    {"provider": "999999999"},
])
def test_bad_upload_fields_are_refused(client, tenant, catalog, changes):
    client.force_login(tenant.users["commerce"])
    with nothing_written("catalog"):
        response = _upload(client, tenant, price_sheet(GOOD_ROWS), **changes)
    assert response.status_code == 422 and "invalid-feedback" in response.content.decode()


# ---------------------------------------------------------------- query counts


def _queries(client, url: str) -> int:
    client.get(url)  # warm caches (content types, translations)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def _grow(tenant, catalog, count: int) -> None:
    """More items, tiers and price lists of the same providers."""
    rows = []
    for i in range(count):
        item = add_item(tenant, tenant.supplier, tenant.furniture, f"GROW-{i}", f"نیمکت مدل {i}")
        rows += [(item, 1, 100_000_000 + i), (item, 10, 90_000_000 + i)]
    rows += [(catalog.bench, 1, 199_000_000), (catalog.concrete_bench, 1, 149_000_000)]
    publish(tenant, tenant.supplier, "فهرست بهای تازه", rows, days_ago=2)
    publish(tenant, tenant.supplier, "فهرست بهای قدیمی‌تر", [(catalog.bench, 1, 140_000_000)], days_ago=700,
            until_days_ago=401)


@pytest.mark.parametrize("user_key", ["commerce", "district9", "supplier"])
def test_list_pages_run_the_same_number_of_queries_as_rows_grow(client, tenant, catalog, user_key):
    user = tenant.users[user_key]
    client.force_login(user)
    urls = [
        reverse("catalog:item_list"),
        reverse("catalog:item_list") + "?q=%D9%86%DB%8C%D9%85%DA%A9%D8%AA",
        reverse("catalog:price_list_list"),
        reverse("catalog:item_detail", args=[catalog.bench.pk]),
    ]
    if user_key != "district9":
        urls += [reverse("catalog:provider_catalog", args=[tenant.supplier.pk])]
    if user_key == "commerce":
        urls += [reverse("catalog:provider_list")]
    before = {url: _queries(client, url) for url in urls}
    _grow(tenant, catalog, 12)
    latest = PriceList.objects.get(title="فهرست بهای تازه")
    before_list = _queries(client, reverse("catalog:price_list_detail", args=[catalog.bench_list.pk]))
    after = {url: _queries(client, url) for url in urls}
    assert after == before
    assert _queries(client, reverse("catalog:price_list_detail", args=[latest.pk])) == before_list


def test_apply_of_an_import_already_applied_is_refused(client, tenant, catalog):
    client.force_login(tenant.users["commerce"])
    price_import = make_import(tenant, tenant.supplier)
    price_import_validate(price_import=price_import)
    url = reverse("catalog:import_apply", args=[price_import.pk])
    assert client.post(url).status_code == 302
    count = PriceList.objects.count()
    assert client.post(url).status_code == 409
    assert PriceList.objects.count() == count
    assert client.get(url).status_code == 405


def test_upload_dates_are_read_as_jalali(client, tenant, catalog):
    client.force_login(tenant.users["commerce"])
    _upload(client, tenant, price_sheet(GOOD_ROWS), valid_from="۱۴۰۵/۰۱/۰۱", valid_until="1405-12-29")
    price_import = PriceImport.objects.get()
    assert price_import.valid_from == dt.date(2026, 3, 21)
    assert price_import.valid_until == dt.date(2027, 3, 20)


def test_admin_lists_the_catalog_and_keeps_price_history_read_only(admin_client, catalog):
    for model in ("catalogitem", "pricelist", "priceimport"):
        assert admin_client.get(reverse(f"admin:catalog_{model}_changelist")).status_code == 200
    change = reverse("admin:catalog_pricelist_change", args=[catalog.bench_list.pk])
    assert admin_client.get(change).status_code == 200
    with nothing_written("catalog"):
        response = admin_client.post(change, {"title": "x"})
    assert response.status_code == 403


def test_demo_catalog_gives_every_provider_items_and_price_history_idempotently(client, db):
    from django.core.management import call_command

    from hamyar.accounts.models import User
    from hamyar.catalog.demo import CATALOG, SYNONYMS, load_catalog_demo
    from hamyar.catalog.models import SearchSynonym
    from hamyar.directory.models import Organization

    call_command("load_demo", verbosity=0)
    org = Organization.objects.get(slug="khorasan-razavi")
    admin = User.objects.get(username="orgadmin")
    load_catalog_demo(organization=org, acting_user=admin)
    items = CatalogItem.objects.filter(organization=org)
    assert items.count() == sum(len(specs) for specs in CATALOG.values())
    assert not load_catalog_demo(organization=org, acting_user=admin)  # a second run adds nothing
    assert items.count() == sum(len(specs) for specs in CATALOG.values())
    for provider in Provider.objects.filter(organization=org):
        assert items.filter(provider=provider).exists(), provider.name
        assert PriceList.objects.filter(provider=provider).count() == 2, provider.name
    assert not items.filter(current_price__isnull=True).exists()

    client.force_login(User.objects.get(username="district9"))
    page = client.get(reverse("catalog:item_list"), {"q": "نیمکت وکیل آباد"}).content.decode()
    assert "نیمکت پارکی فلزی-چوبی دو متری" in page.replace("<mark>", "").replace("</mark>", "")
    # The demo's synonyms: «چراغ ال ای دی» finds the lamps named «LED», in the catalog and the picker.
    assert SearchSynonym.objects.filter(organization=org).count() == len(SYNONYMS)
    leds = {i.pk for i in items.filter(name__contains="LED", is_active=True)}
    assert len(leds) == 4
    for url in (reverse("catalog:item_list"), reverse("needs:item_picker")):
        found = client.get(url, {"q": "چراغ ال ای دی"}).context["items"]
        assert {i.pk for i in found} == leds, url
    signs = client.get(reverse("catalog:item_list"), {"q": "تابلو ترافیکی"}).content.decode()
    assert "شبرنگ" not in signs  # تابلوسازی ایمن‌راه's agreement has expired
    client.force_login(User.objects.get(username="commerce"))
    assert "شبرنگ" in client.get(reverse("catalog:item_list"), {"q": "تابلو ترافیکی"}).content.decode()
