"""Price sheets through the services: upload, check, apply all or nothing, export and import again."""

import datetime as dt
import io
import threading

import openpyxl
import pytest
from django.db import connection
from django_tasks.signals import task_finished

from hamyar.catalog import exports, selectors, services, tasks
from hamyar.catalog.choices import ImportStatus, PriceListSource
from hamyar.catalog.models import CatalogItem, Price, PriceImport, PriceList
from hamyar.core.audit import audit_verify_chain
from hamyar.core.errors import ApplicationError, InvalidInput, NotFound, PermissionDenied
from hamyar.core.models import AuditEvent
from hamyar.core.testing import in_thread, pause_after_save, wait_until
from hamyar.directory.models import ServiceDomain

from .sheetdata import bench_rows, upload, xlsx

FROM = dt.date(2026, 3, 21)  # 1405/01/01


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def counts() -> tuple[int, int, int]:
    return CatalogItem.objects.count(), Price.objects.count(), PriceList.objects.count()


def create(tenant, rows, *, user="supplier", provider=None, name="prices.xlsx", data=None, **extra):
    """An upload, its rows then checked as the page has them checked (at once, or by the worker)."""
    price_import = services.price_import_create(
        acting_user=tenant.users[user], provider=provider or tenant.supplier,
        file=upload(data if data is not None else xlsx(rows), name),
        title=extra.pop("title", "فهرست بهار ۱۴۰۵"),
        valid_from=extra.pop("valid_from", FROM), valid_until=extra.pop("valid_until", None), **extra,
    )
    return tasks.price_import_validate_start(price_import=price_import)


def apply(tenant, price_import, user="supplier") -> PriceList:
    return services.price_import_apply(price_import=price_import, acting_user=tenant.users[user])


SMALL = [
    ["NB-100", "نيمكت پارکی فلزی", "urban-furniture", "عدد", "۱۴", 1, "۱۲٬۵۰۰٬۰۰۰", "بله", "رنگ کوره‌ای",
     "جنس: فولاد؛ طول: ۱۸۰"],
    ["NB-100", None, None, None, None, "۱۰", "۱۱٬۸۰۰٬۰۰۰", None, None, None],
    ["NB-200", "سطل زباله دوقلو", "urban-furniture", "piece", 7, 1, 4_200_000, "خیر", "", ""],
    ["NB-300", "چمن مصنوعی", "green-space", "متر مربع", 3, 1, "۸۵۰٬۰۰۰ ریال", "بله", "", "ارتفاع پرز: ۴۰"],
]


# ---------------------------------------------------------------- a valid sheet


def test_valid_sheet_creates_items_and_one_price_list_with_every_tier(tenant):
    price_import = create(tenant, SMALL)
    assert price_import.status == ImportStatus.VALID
    assert (price_import.total_rows, price_import.processed_rows) == (4, 4)

    price_list = apply(tenant, price_import)

    assert price_list.source == PriceListSource.IMPORT and price_list.valid_from == FROM
    bench = CatalogItem.objects.get(provider=tenant.supplier, code="NB-100")
    assert bench.name == "نیمکت پارکی فلزی"  # Arabic yeh and kaf normalized on write
    assert (bench.unit, bench.lead_time_days, bench.in_stock) == ("piece", 14, True)
    assert bench.attributes == {"جنس": "فولاد", "طول": "180"}
    assert bench.current_price == 12_500_000
    assert CatalogItem.objects.get(code="NB-300").unit == "m2"
    assert CatalogItem.objects.get(code="NB-200").in_stock is False
    tiers = list(price_list.prices.order_by("item__code", "min_quantity")
                 .values_list("item__code", "min_quantity", "unit_price"))
    assert tiers == [("NB-100", 1, 12_500_000), ("NB-100", 10, 11_800_000), ("NB-200", 1, 4_200_000),
                     ("NB-300", 1, 850_000)]
    price_import.refresh_from_db()
    assert price_import.status == ImportStatus.APPLIED and price_import.price_list == price_list


def test_existing_code_updates_the_item_and_unchanged_items_are_not_rewritten(tenant):
    apply(tenant, create(tenant, SMALL))
    changed = [row[:] for row in SMALL]
    changed[0][1] = "نیمکت پارکی فلزی دو نفره"
    changed[0][6] = 13_000_000
    apply(tenant, create(tenant, changed))

    bench = CatalogItem.objects.get(code="NB-100")
    assert bench.name == "نیمکت پارکی فلزی دو نفره" and bench.current_price == 13_000_000
    assert CatalogItem.objects.filter(provider=tenant.supplier).count() == 3
    updates = AuditEvent.objects.filter(action="catalog_item.update")
    assert [e.object_id for e in updates] == [str(bench.pk)]
    assert updates[0].before["name"] == "نیمکت پارکی فلزی"


def test_each_write_is_audited_and_the_chain_holds(tenant):
    price_import = create(tenant, SMALL)
    price_list = apply(tenant, price_import)
    actions = list(AuditEvent.objects.filter(organization=tenant.org).values_list("action", flat=True))
    assert actions == ["price_import.create", "price_import.validate", *["catalog_item.create"] * 3,
                       "price_list.publish", "price_import.apply"]
    applied = AuditEvent.objects.get(action="price_import.apply")
    assert applied.after["price_list_id"] == price_list.pk and applied.after["prices"] == 4
    assert audit_verify_chain(tenant.org.pk) is None


def test_dates_may_be_given_as_jalali_text(tenant):
    price_import = create(tenant, SMALL, valid_from="۱۴۰۵/۰۱/۰۱", valid_until="1405/06/31")
    assert (price_import.valid_from, price_import.valid_until) == (FROM, dt.date(2026, 9, 22))


@pytest.mark.parametrize(("field", "extra"), [
    ("valid_from", {"valid_from": "۱۴۰۵/۱۳/۰۱"}),
    ("valid_from", {"valid_from": "فردا"}),
    ("valid_until", {"valid_until": "1404/12/29"}),
    ("title", {"title": "  "}),
])
def test_bad_dates_and_titles_are_refused_on_their_field(tenant, field, extra):
    with pytest.raises(InvalidInput) as caught:
        create(tenant, SMALL, **extra)
    assert list(caught.value.extra["fields"]) == [field]
    assert PriceImport.objects.count() == 0


# ---------------------------------------------------------------- a sheet with errors


def test_sheet_with_errors_writes_nothing_and_lists_every_bad_row(tenant):
    rows = bench_rows(40)
    bad = {5: ("unit", "kilo-bench"), 12: ("domain", "parks-and-fun"), 19: ("unit_price", -1),
           25: ("min_quantity", 0), 31: ("name", None), 38: ("unit_price", "۱۲ هزار")}
    column = {"name": 1, "domain": 2, "unit": 3, "min_quantity": 5, "unit_price": 6}
    for index, (key, value) in bad.items():
        rows[index][column[key]] = value
    before = counts()

    price_import = create(tenant, rows)

    assert price_import.status == ImportStatus.INVALID
    assert sorted((e["row"], e["column"]) for e in price_import.errors) == sorted(
        (index + 2, key) for index, (key, _) in bad.items()  # row 1 is the header
    )
    with pytest.raises(ApplicationError):
        apply(tenant, price_import)
    assert counts() == before
    preview = selectors.price_import_preview(price_import=price_import)
    assert preview["bad_rows"] == 6 and not preview["can_apply"]
    assert all(e["message"] for e in preview["errors"])


def test_every_duplicate_code_and_tier_in_the_sheet_is_listed(tenant):
    rows = bench_rows(10) + [bench_rows(10)[3], bench_rows(10)[7]]
    price_import = create(tenant, rows)
    assert [(e["row"], e["code"], e["params"]["other_row"]) for e in price_import.errors] == [
        (12, "duplicate_tier", 5), (13, "duplicate_tier", 9)]


# ---------------------------------------------------------------- the file itself


def refusal(tenant, data: bytes, name: str = "prices.xlsx") -> str:
    with pytest.raises(InvalidInput) as caught:
        create(tenant, [], data=data, name=name)
    assert PriceImport.objects.count() == 0
    assert "file" in caught.value.extra["fields"]
    return caught.value.code


def test_not_an_xlsx_is_refused(tenant):
    assert refusal(tenant, "کد,نام\n".encode(), "prices.csv") == "sheet_not_xlsx"


def test_a_corrupt_xlsx_is_refused(tenant):
    assert refusal(tenant, xlsx(SMALL)[:900]) == "sheet_corrupt"


def test_an_oversized_file_is_refused(tenant):
    assert refusal(tenant, b"PK\x03\x04" + bytes(10 * 1024 * 1024)) == "sheet_too_large"


def test_an_empty_sheet_is_refused(tenant):
    assert refusal(tenant, xlsx([])) == "sheet_empty"


def test_a_sheet_without_the_price_column_is_refused(tenant):
    data = xlsx([["NB-1", "نیمکت", "urban-furniture", "عدد"]], ["کد کالا", "نام کالا", "کد حوزه", "واحد"])
    assert refusal(tenant, data) == "sheet_missing_columns"


# ---------------------------------------------------------------- who may import


def test_supplier_user_cannot_import_for_another_supplier(tenant):
    with pytest.raises(NotFound):
        create(tenant, SMALL, provider=tenant.other_supplier)


def test_supplier_user_cannot_apply_an_import_of_another_supplier(tenant):
    price_import = create(tenant, SMALL, user="commerce", provider=tenant.other_supplier)
    with pytest.raises(NotFound):
        apply(tenant, price_import, user="supplier")
    assert PriceList.objects.count() == 0


def test_officer_imports_for_any_supplier_of_the_organization_only(tenant, other_tenant):
    assert create(tenant, SMALL, user="commerce", provider=tenant.other_supplier).status == ImportStatus.VALID
    assert create(tenant, SMALL, user="admin").status == ImportStatus.VALID
    with pytest.raises(NotFound):
        create(tenant, SMALL, user="commerce", provider=other_tenant.supplier)


@pytest.mark.parametrize("user", ["district9", "finance", "executive"])
def test_other_roles_cannot_import(tenant, user):
    with pytest.raises(PermissionDenied):
        create(tenant, SMALL, user=user)


def test_an_applied_import_cannot_be_applied_again(tenant):
    price_import = create(tenant, SMALL)
    apply(tenant, price_import)
    with pytest.raises(ApplicationError) as caught:
        apply(tenant, price_import)
    assert caught.value.code == "import_state"
    assert PriceList.objects.count() == 1


# ---------------------------------------------------------------- large sheets


def test_valid_sheet_of_5000_rows_applies_as_one_price_list(tenant):
    before = counts()
    price_import = create(tenant, bench_rows(5000))
    assert price_import.status == ImportStatus.VALID
    assert price_import.processed_rows == price_import.total_rows == 5000

    price_list = apply(tenant, price_import)

    assert PriceList.objects.count() == before[2] + 1
    assert price_list.prices.count() == 5000
    assert CatalogItem.objects.filter(provider=tenant.supplier).count() == 5000
    assert AuditEvent.objects.filter(action="catalog_item.create").count() == 5000
    assert audit_verify_chain(tenant.org.pk) is None


def test_bad_last_row_found_during_apply_leaves_nothing_written(tenant):
    """The sheet was valid when checked; before it is applied an officer removes the domain of its last
    row. The apply has created thousands of items by the time it reaches that row, and rolls them back."""
    spare = ServiceDomain.objects.create(organization=tenant.org, code="fountains", name="آب‌نما")
    fountain = ["F-1", "آب‌نمای پارکی", "fountains", "دستگاه", 30, 1, 90_000_000, "بله", "", ""]
    rows = bench_rows(4999) + [fountain]
    price_import = create(tenant, rows)
    assert price_import.status == ImportStatus.VALID
    spare.delete()
    before = counts(), AuditEvent.objects.count()

    with pytest.raises(InvalidInput) as caught:
        apply(tenant, price_import)

    assert caught.value.code == "sheet_invalid"
    price_import.refresh_from_db()
    assert price_import.status == ImportStatus.INVALID
    errors = [(e["row"], e["column"], e["code"]) for e in price_import.errors]
    assert errors == [(5001, "domain", "unknown_domain")]
    assert counts() == before[0]
    # Only the rejection itself is recorded.
    assert AuditEvent.objects.count() == before[1] + 1
    assert AuditEvent.objects.last().action == "price_import.reject"


@pytest.fixture
def tasks_run():
    """The names of the background tasks that ran (tests run them at once: ImmediateBackend)."""
    names: list[str] = []

    def finished(sender, task_result, **kwargs):
        names.append(f"{task_result.task.name}:{task_result.status}")

    task_finished.connect(finished, dispatch_uid="test-tasks-run")
    yield names
    task_finished.disconnect(dispatch_uid="test-tasks-run")


def test_large_sheet_is_checked_and_applied_by_the_task_worker(tenant, tasks_run):
    rows = bench_rows(selectors.INLINE_MAX_ROWS + 1)
    price_import = create(tenant, rows)
    assert tasks_run == ["price_import_validate_task:SUCCESSFUL"]
    assert price_import.status == ImportStatus.VALID
    assert price_import.progress_percent == 100

    price_import = tasks.price_import_apply_start(price_import=price_import,
                                                     acting_user=tenant.users["supplier"])

    assert tasks_run[1:] == ["price_import_apply_task:SUCCESSFUL"]
    price_import.refresh_from_db()
    assert price_import.status == ImportStatus.APPLIED
    assert price_import.price_list.prices.count() == len(rows)


def test_small_sheet_is_checked_in_the_request(tenant, tasks_run):
    assert create(tenant, SMALL).status == ImportStatus.VALID
    assert tasks_run == []


def test_small_sheet_with_errors_found_on_apply_start_is_stored_not_raised(tenant):
    price_import = create(tenant, SMALL)
    ServiceDomain.objects.filter(code="green-space").update(code="green")  # renamed after the check
    price_import = tasks.price_import_apply_start(price_import=price_import,
                                                     acting_user=tenant.users["supplier"])
    assert price_import.status == ImportStatus.INVALID
    assert [(e["row"], e["column"]) for e in price_import.errors] == [(5, "domain")]
    assert PriceList.objects.count() == 0


# ---------------------------------------------------------------- export


def test_exported_price_list_imports_again_unchanged(tenant):
    first = apply(tenant, create(tenant, SMALL))
    items_before = list(CatalogItem.objects.order_by("code").values())
    data = exports.price_list_export(price_list=first)

    second = apply(tenant, create(tenant, [], data=data, title="همان فهرست"))

    def tiers(price_list):
        return list(price_list.prices.order_by("pk").values_list("item__code", "min_quantity", "unit_price"))

    assert tiers(second) == tiers(first)
    items_after = list(CatalogItem.objects.order_by("code").values())
    assert [{**i, "updated_at": 0} for i in items_after] == [{**i, "updated_at": 0} for i in items_before]
    assert not AuditEvent.objects.filter(action="catalog_item.update").exists()


def test_exported_price_list_is_right_to_left_with_persian_headers(tenant):
    data = exports.price_list_export(price_list=apply(tenant, create(tenant, SMALL)))
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet.sheet_view.rightToLeft
    assert [c.value for c in sheet[1]][:3] == ["کد کالا", "نام کالا", "کد حوزه"]
    assert [c.value for c in sheet[3]][:7] == ["NB-100", "نیمکت پارکی فلزی", "urban-furniture", "عدد", 14, 10,
                                               11_800_000]


def test_items_export_lists_search_results_with_current_price(tenant):
    apply(tenant, create(tenant, SMALL))
    data = exports.items_export(CatalogItem.objects.filter(code__in=["NB-100", "NB-200"]).order_by("code"))
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet.sheet_view.rightToLeft
    assert [c.value for c in sheet[1]] == exports.ITEM_EXPORT_HEADERS
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [
        ["NB-100", "نیمکت پارکی فلزی", "نیمکت‌سازان توس", "مبلمان شهری", "عدد", 12_500_000, 14, "بله"],
        ["NB-200", "سطل زباله دوقلو", "نیمکت‌سازان توس", "مبلمان شهری", "عدد", 4_200_000, 7, "خیر"],
    ]


def test_template_lists_the_organization_domains(tenant):
    data = exports.price_sheet_template(organization=tenant.org)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    guide = workbook["راهنما"]
    codes = [row[0].value for row in guide.iter_rows(min_row=2) if row[0].value]
    assert codes == ["green-space", "lighting", "urban-furniture"]


# ---------------------------------------------------------------- two imports of one supplier at once


def _apply_in_thread(name: str, price_import, user) -> tuple[threading.Thread, dict]:
    return in_thread(name, lambda: services.price_import_apply(price_import=price_import, acting_user=user))


def _two_imports(tenant):
    """Two sheets of the same supplier over the same new codes, told apart by their prices."""
    first = create(tenant, bench_rows(300, price_base=1_000_000), title="فهرست اول")
    second = create(tenant, bench_rows(300, price_base=2_000_000), title="فهرست دوم")
    assert first.status == second.status == ImportStatus.VALID
    return first, second


def _prices(price_list) -> set[tuple[str, int]]:
    return set(price_list.prices.values_list("item__code", "unit_price"))


@pytest.fixture
def pause_first_price_list():
    """Holds the thread named "first" inside its apply transaction, just after its price list is inserted."""
    with pause_after_save(PriceList) as events:
        yield events


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="needs PostgreSQL: row locks between two connections (SQLite locks the file)")
@pytest.mark.django_db(transaction=True)
def test_second_import_of_same_supplier_waits_for_the_first_on_postgresql(tenant, pause_first_price_list):
    inside, release = pause_first_price_list
    first, second = _two_imports(tenant)
    user = tenant.users["supplier"]

    thread_a, a = _apply_in_thread("first", first, user)
    assert inside.wait(120), a
    thread_b, b = _apply_in_thread("second", second, user)

    def second_waits_on_a_lock() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND wait_event_type = 'Lock'")
            return cursor.fetchone()[0] >= 1

    wait_until(second_waits_on_a_lock, "the second apply waits for the first one's lock")
    # While the first holds the supplier, the second has written nothing and nothing is visible yet.
    assert PriceList.objects.count() == 0 and CatalogItem.objects.count() == 0
    release.set()
    thread_a.join(120)
    thread_b.join(120)

    assert "error" not in a and "error" not in b, (a, b)
    list_a, list_b = a["value"], b["value"]
    assert list_b.pk > list_a.pk
    expected_a = {(f"B{i:05d}", 1_000_000 + i) for i in range(300)}
    assert _prices(list_a) == expected_a
    assert _prices(list_b) == {(code, price + 1_000_000) for code, price in expected_a}
    assert CatalogItem.objects.filter(provider=tenant.supplier).count() == 300  # created once, by the first
    assert audit_verify_chain(tenant.org.pk) is None


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite form of the test above")
@pytest.mark.django_db(transaction=True)
def test_second_import_of_same_supplier_is_refused_while_the_first_applies_on_sqlite(
    tenant, pause_first_price_list
):
    """SQLite has no row locks: the first apply's IMMEDIATE transaction holds the database's one write
    lock, so the second cannot start writing at all; it is refused cleanly and succeeds once retried."""
    inside, release = pause_first_price_list
    first, second = _two_imports(tenant)
    user = tenant.users["supplier"]

    thread_a, a = _apply_in_thread("first", first, user)
    assert inside.wait(120), a
    thread_b, b = _apply_in_thread("second", second, user)
    thread_b.join(120)
    release.set()
    thread_a.join(120)

    assert "error" not in a, a
    assert isinstance(b.get("error"), ApplicationError) and b["error"].code == "busy", b
    second.refresh_from_db()
    assert second.status == ImportStatus.VALID and second.price_list is None
    assert _prices(a["value"]) == {(f"B{i:05d}", 1_000_000 + i) for i in range(300)}

    list_b = services.price_import_apply(price_import=second, acting_user=user)
    assert _prices(list_b) == {(f"B{i:05d}", 2_000_000 + i) for i in range(300)}
    assert audit_verify_chain(tenant.org.pk) is None
