"""Catalog search finds what a clerk types, the same on SQLite and PostgreSQL."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from hamyar.catalog.search import item_search, parse, planner, service
from hamyar.catalog.services import PriceRow, item_create, item_update, price_list_publish
from hamyar.directory.models import Provider
from hamyar.directory.services import domain_create


@pytest.fixture
def catalog(tenant):
    """A small catalog of the kind the demo suppliers sell, written through the services."""
    commerce = tenant.users["commerce"]
    benches = domain_create(acting_user=commerce, data={
        "code": "urban-furniture-benches", "name": "نیمکت و مبلمان پارکی", "parent": tenant.furniture})

    def item(provider, domain, code, name, **extra):
        data = {"provider": provider, "domain": domain, "code": code, "name": name, "unit": "piece", **extra}
        return item_create(acting_user=commerce, data=data)

    items = {
        # Created before the exact "نیمکت پارک فلزی", so id alone would rank it first.
        "bench_model": item(tenant.supplier, benches, "BN-2", "نیمکت پارک فلزی مدل سپیدار ۱۸۰ سانتی‌متر",
                            lead_time_days=30, in_stock=False,
                            attributes={"جنس": "فولاد گالوانیزه", "رنگ": "سبز"}),
        "bench": item(tenant.supplier, benches, "BN-1", "نیمکت پارک فلزی", lead_time_days=7),
        "wooden": item(tenant.supplier, benches, "BN-3", "نیمکت چوبی دو نفره", lead_time_days=14),
        "bin": item(tenant.supplier, tenant.furniture, "WB-1", "سطل‌زباله پارکی ۱۲۰ لیتری",
                    description="مخزن پسماند برای پارک‌ها و بوستان‌ها"),
        "bin_spaced": item(tenant.supplier, tenant.furniture, "WB-2", "سطل زباله چرخ دار ۲۴۰ لیتری"),
        "sprinkler": item(tenant.affiliate, tenant.green, "IR-1", "آبپاش بارانی کنار نیمکت پارک"),
        "pipe": item(tenant.affiliate, tenant.green, "IR-2", "لوله پلی‌اتیلن ۱۶ میلی‌متر"),
        "led": item(tenant.other_supplier, tenant.lighting, "LT-1", "چراغ خیابانی ال‌ای‌دی ۱۵۰ وات"),
        "led_spaced": item(tenant.other_supplier, tenant.lighting, "LT-2", "چراغ پارکی ال ای دی ۸۰ وات"),
    }
    today = timezone.localdate()
    for provider, prices in ((tenant.supplier, {"bench_model": 95_000_000, "bench": 40_000_000,
                                                "wooden": 28_000_000, "bin": 6_500_000}),
                             (tenant.affiliate, {"sprinkler": 900_000, "pipe": 120_000})):
        price_list_publish(
            acting_user=commerce, provider=provider, title="فهرست بها ۱۴۰۵", valid_from=today,
            valid_until=today + dt.timedelta(days=365),
            rows=[PriceRow(item=items[key], min_quantity=1, unit_price=price)
                  for key, price in prices.items()],
        )
    items["benches_domain"] = benches
    return items


def ids(result) -> list[int]:
    return [item.pk for item in result.items]


def find(user, query, **filters):
    return item_search(user=user, query=query, **filters)


# ---------------------------------------------------------------- one normalizer for query and items


def test_query_words_are_normalized_like_the_items():
    assert parse("نيمكت  پارك").groups == parse("نیمکت پارک").groups
    assert parse("سطل‌زباله ١٢٠").groups == (("سطلزباله",), ("120",))
    assert parse("۱۲۰").groups == parse("120").groups == parse("١٢٠").groups
    assert parse("  ").groups == ()


@pytest.mark.parametrize(
    ("canonical", "variants"),
    [
        ("نیمکت پارک", ["نيمكت پارك"]),  # Arabic yeh and kaf
        ("سطل زباله ۱۲۰", ["سطل زباله 120", "سطل زباله ١٢٠"]),  # Persian, Latin, Arabic-Indic digits
        ("سطل‌زباله", ["سطل زباله", "سطلزباله"]),  # ZWNJ, space or none; stored with ZWNJ and space
        ("ال‌ای‌دی", ["ال ای دی", "الایدی"]),  # stored once with ZWNJ and once with spaces
        ("پلی‌اتیلن", ["پلی اتیلن", "پلیاتیلن"]),
        ("نیمکت پارک", ["نیکمت پارک", "نیمت پارک", "نیمکتت پارک", "نیمکث پارک"]),  # one typo each
        ("چراغ خیابانی", ["چراغ خیابانى", "چراق خیابانی"]),  # alef maksura; a substituted letter
    ],
)
def test_variant_queries_find_the_same_top_results(tenant, catalog, canonical, variants):
    commerce = tenant.users["commerce"]
    expected = find(commerce, canonical)
    assert expected.items, canonical
    for variant in variants:
        got = find(commerce, variant)
        assert ids(got)[:3] == ids(expected)[:3], variant
        assert got.total == expected.total, variant


def test_spacing_does_not_matter_on_either_side(tenant, catalog):
    commerce = tenant.users["commerce"]
    found = set(ids(find(commerce, "سطل زباله")))
    assert {catalog["bin"].pk, catalog["bin_spaced"].pk} <= found
    found = set(ids(find(commerce, "الایدی")))
    assert found == {catalog["led"].pk, catalog["led_spaced"].pk}


def test_a_typo_is_corrected_and_said(tenant, catalog):
    result = find(tenant.users["commerce"], "نیکمت چوبی")
    assert ids(result) == [catalog["wooden"].pk]
    assert result.corrected_query == "نیمکت چوبی"
    assert find(tenant.users["commerce"], "نیمکت چوبی").corrected_query is None


def test_nonsense_finds_nothing(tenant, catalog):
    result = find(tenant.users["commerce"], "هواپیمای مسافربری")
    assert result.items == [] and result.total == 0 and result.domain_counts == []


# ---------------------------------------------------------------- ranking


def test_exact_name_match_ranks_first(tenant, catalog):
    Provider.objects.filter(pk=tenant.affiliate.pk).update(rating=Decimal("5.00"))
    result = find(tenant.users["commerce"], "نیمکت پارک فلزی")
    assert ids(result)[0] == catalog["bench"].pk
    assert ids(result)[1] == catalog["bench_model"].pk


def test_name_ranks_before_other_fields_then_rating_then_id(tenant, catalog):
    Provider.objects.filter(pk=tenant.supplier.pk).update(rating=Decimal("3.10"))
    Provider.objects.filter(pk=tenant.affiliate.pk).update(rating=Decimal("4.70"))
    commerce = tenant.users["commerce"]
    # Names starting with the query (by id: one supplier), then a name containing it, then the
    # items that have it only in another field (here the supplier's name, "نیمکت‌سازان توس").
    assert ids(find(commerce, "نیمکت")) == [
        catalog["bench_model"].pk, catalog["bench"].pk, catalog["wooden"].pk, catalog["sprinkler"].pk,
        catalog["bin"].pk, catalog["bin_spaced"].pk,
    ]
    # Names containing "پارک": the better-rated affiliate first, then the supplier by id, then the
    # unrated one; last the bench that has it only in its domain's name.
    assert ids(find(commerce, "پارک")) == [
        catalog["sprinkler"].pk, catalog["bench_model"].pk, catalog["bench"].pk, catalog["bin"].pk,
        catalog["led_spaced"].pk, catalog["wooden"].pk,
    ]


def test_unrated_suppliers_rank_after_rated_ones(tenant, catalog):
    Provider.objects.filter(pk=tenant.supplier.pk).update(rating=None)
    Provider.objects.filter(pk=tenant.other_supplier.pk).update(rating=Decimal("1.00"))
    result = ids(find(tenant.users["commerce"], "پارکی"))
    assert result.index(catalog["led_spaced"].pk) < result.index(catalog["bin"].pk)


# ---------------------------------------------------------------- filters and counts


def test_domain_filter_includes_sub_domains(tenant, catalog):
    commerce = tenant.users["commerce"]
    in_furniture = set(ids(find(commerce, "نیمکت", domain_id=tenant.furniture.pk)))
    furniture = ("bench_model", "bench", "wooden", "bin", "bin_spaced")
    assert in_furniture == {catalog[key].pk for key in furniture}
    in_benches = set(ids(find(commerce, "", domain_id=catalog["benches_domain"].pk)))
    assert in_benches == {catalog["bench_model"].pk, catalog["bench"].pk, catalog["wooden"].pk}


def test_provider_price_lead_time_and_stock_filters(tenant, catalog):
    commerce = tenant.users["commerce"]
    assert ids(find(commerce, "نیمکت", provider_id=tenant.affiliate.pk)) == [catalog["sprinkler"].pk]
    assert set(ids(find(commerce, "نیمکت", price_min=30_000_000, price_max=50_000_000))) == {
        catalog["bench"].pk}
    assert set(ids(find(commerce, "نیمکت", price_max=1_000_000))) == {catalog["sprinkler"].pk}
    assert set(ids(find(commerce, "نیمکت", max_lead_time=14))) == {
        catalog[key].pk for key in ("bench", "wooden", "sprinkler", "bin", "bin_spaced")}
    assert catalog["bench_model"].pk not in ids(find(commerce, "نیمکت", in_stock=True))
    assert ids(find(commerce, "نیمکت", in_stock=False)) == [catalog["bench_model"].pk]


def test_domain_counts_are_of_the_results_before_the_domain_filter(tenant, catalog):
    result = find(tenant.users["commerce"], "نیمکت", domain_id=tenant.green.pk)
    assert ids(result) == [catalog["sprinkler"].pk] and result.total == 1
    assert [(domain.pk, n) for domain, n in result.domain_counts] == [
        (catalog["benches_domain"].pk, 3), (tenant.furniture.pk, 2), (tenant.green.pk, 1)]


def test_total_and_paging(tenant, catalog):
    commerce = tenant.users["commerce"]
    everything = find(commerce, "نیمکت")
    assert everything.total == 6 and everything.total_is_exact
    second_page = find(commerce, "نیمکت", limit=2, offset=2)
    assert ids(second_page) == ids(everything)[2:4] and second_page.total == 6


def test_empty_query_lists_every_item_by_name(tenant, catalog):
    result = find(tenant.users["commerce"], "   ")
    names = [item.name for item in result.items]
    assert result.total == 9 and names == sorted(names)


def test_beyond_the_pool_counts_are_lower_bounds_and_the_exact_name_still_leads(
        tenant, catalog, monkeypatch):
    monkeypatch.setattr(service, "POOL", 1)
    result = find(tenant.users["commerce"], "نیمکت پارک فلزی", limit=1)
    assert not result.total_is_exact and result.total >= 2
    assert ids(result) == [catalog["bench"].pk]


# ---------------------------------------------------------------- who sees what


def test_municipality_user_never_gets_items_of_a_supplier_whose_agreement_expired(tenant, catalog):
    district9 = tenant.users["district9"]
    assert tenant.expired_agreement.is_expired
    for query in ("چراغ", "ال ای دی", "وات", "روشنایی پارس", ""):
        found = find(district9, query)
        assert all(item.provider_id != tenant.other_supplier.pk for item in found.items), query
        assert all(domain.pk != tenant.lighting.pk for domain, _ in found.domain_counts), query
    assert find(district9, "چراغ", provider_id=tenant.other_supplier.pk).items == []
    officer = find(tenant.users["commerce"], "چراغ")
    assert {item.pk for item in officer.items} == {catalog["led"].pk, catalog["led_spaced"].pk}
    assert not any(item.is_offered for item in officer.items)


def test_another_organization_never_finds_these_items(tenant, other_tenant, catalog):
    assert find(other_tenant.users["commerce"], "نیمکت").items == []
    assert find(other_tenant.users["district9"], "نیمکت").total == 0


def test_supplier_user_finds_only_its_own_items(tenant, catalog):
    found = find(tenant.users["supplier"], "پارک")
    assert found.items and all(item.provider_id == tenant.supplier.pk for item in found.items)


# ---------------------------------------------------------------- the index follows the items


def test_search_follows_item_changes(tenant, catalog):
    commerce = tenant.users["commerce"]
    item_update(item=catalog["wooden"], acting_user=commerce, data={"name": "صندلی پارکی کامپوزیت"})
    assert catalog["wooden"].pk not in ids(find(commerce, "نیمکت چوبی"))
    assert ids(find(commerce, "صندلی کامپوزیت")) == [catalog["wooden"].pk]
    # New words are known to typo correction at once.
    assert find(commerce, "کامپوزیب").corrected_query == "کامپوزیت"


def test_a_municipality_finds_items_as_they_are_added_renamed_and_moved(tenant, catalog):
    """On PostgreSQL the search first asks which providers can have the words at all."""
    commerce, district9 = tenant.users["commerce"], tenant.users["district9"]
    hose = item_create(acting_user=commerce, data={
        "provider": tenant.supplier, "domain": tenant.furniture, "code": "FS-9", "unit": "piece",
        "name": "شیلنگ آتش‌نشانی برزنتی"})
    assert ids(find(district9, "شیلنگ برزنتی")) == [hose.pk]
    item_update(item=hose, acting_user=commerce, data={"name": "قرقره شیلنگ کتانی"})
    assert ids(find(district9, "قرقره کتانی")) == [hose.pk]
    assert find(district9, "برزنتی").items == []
    item_update(item=catalog["pipe"], acting_user=commerce, data={"name": "لوله پلی‌اتیلن کتانی پوش"})
    assert set(ids(find(district9, "کتانی"))) == {hose.pk, catalog["pipe"].pk}
    assert set(ids(find(district9, "کتا"))) == {hose.pk, catalog["pipe"].pk}  # three letters
    # The lapsed supplier's words find nothing for a municipality, and everything for an officer.
    assert find(district9, "ال ای دی").items == [] and find(district9, "چراغ خیابانی").total == 0
    assert ids(find(commerce, "چراغ خیابانی")) == [catalog["led"].pk]


def test_search_text_covers_supplier_domain_and_attributes(tenant, catalog):
    commerce = tenant.users["commerce"]
    assert catalog["bench_model"].pk in ids(find(commerce, "گالوانیزه"))
    assert catalog["pipe"].pk in ids(find(commerce, "فضای سبز همیار لوله"))
    # The domain's name and its parent's: "نیمکت و مبلمان پارکی" under "مبلمان شهری".
    assert set(ids(find(commerce, "مبلمان پارکی"))) == {
        catalog[key].pk for key in ("bench_model", "bench", "wooden", "bin")}


# ---------------------------------------------------------------- the plan never changes the results


@pytest.mark.parametrize("forced", ["typed", "compact", "index"])
def test_every_plan_finds_the_same_items(tenant, catalog, monkeypatch, forced):
    """PostgreSQL picks a scan or an index look-up from a sample; on SQLite FTS5 always answers."""
    commerce, district9 = tenant.users["commerce"], tenant.users["district9"]
    cases = [("نیمکت پارک", {}), ("سطلزباله", {}), ("ال ای دی", {"domain_id": tenant.lighting.pk}),
             ("پارک", {"in_stock": True, "max_lead_time": 14}), ("نیکمت چوبی", {}), ("مبلمان", {})]
    expected = {(user.pk, query): find(user, query, **filters)
                for user in (commerce, district9) for query, filters in cases}
    monkeypatch.setattr(planner, "_sampled", None)
    slow = 1e9
    costs = {"typed": ("SCAN_ROW", "INDEX_ENTRY", "INDEX_ROW"), "compact": ("SCAN_ROW_AS_TYPED", "INDEX_ROW"),
             "index": ("SCAN_ROW_AS_TYPED", "SCAN_ROW")}
    for name in costs[forced]:
        monkeypatch.setattr(planner, name, slow)
    for user in (commerce, district9):
        for query, filters in cases:
            got = find(user, query, **filters)
            want = expected[user.pk, query]
            assert (ids(got), got.total, got.corrected_query) == (ids(want), want.total, want.corrected_query)
    # A pool of one: whichever match a plan reads first, it is a match, and the count says "at least".
    monkeypatch.setattr(service, "POOL", 1)
    for user in (commerce, district9):
        for query, filters in cases:
            got, want = find(user, query, limit=1, **filters), expected[user.pk, query]
            assert set(ids(got)) <= set(ids(want))
            assert got.total_is_exact == (want.total <= 1)


def test_offered_providers_are_those_whose_items_a_municipality_sees(tenant, catalog):
    from hamyar.catalog.selectors import item_base_queryset, offered_provider_ids

    district9 = tenant.users["district9"]
    seen = set(item_base_queryset(user=district9).values_list("provider_id", flat=True))
    assert seen and seen <= offered_provider_ids(user=district9)
    assert tenant.other_supplier.pk not in offered_provider_ids(user=district9)
    assert offered_provider_ids(user=tenant.users["commerce"]) is None
    assert offered_provider_ids(user=tenant.users["supplier"]) is None


def test_later_pages_and_exports_read_as_far_as_they_need(tenant, catalog, monkeypatch):
    monkeypatch.setattr(service, "POOL", 2)
    commerce = tenant.users["commerce"]
    first = find(commerce, "نیمکت", limit=2)
    assert not first.total_is_exact and first.total >= 3 and len(first.items) == 2
    last = find(commerce, "نیمکت", limit=2, offset=4)
    assert last.total_is_exact and last.total == 6 and len(last.items) == 2
    export = find(commerce, "نیمکت", limit=5000)
    assert export.total_is_exact and len(export.items) == 6
