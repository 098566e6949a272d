"""Catalog search speed: 1,000 clerk queries against a 1,000,000-item Persian catalog.

    .venv/bin/python bench/catalog_search.py                       # SQLite file in /tmp
    .venv/bin/python bench/catalog_search.py --database-url postgres://postgres@127.0.0.1:5432/bench_catalog
    .venv/bin/python bench/catalog_search.py --items 20000         # a quick run

The catalog is built once per database (deterministic; `--rebuild` builds it again)
in its own database, never the application's: rows are loaded in bulk (COPY on
PostgreSQL, executemany on SQLite) with the search structures dropped, and the
catalog migrations then create them over the loaded rows, as they would on an
existing installation. The same queries then run through `item_search` and
through the naive way (`icontains` on name and description, unnormalized), and
p50/p95/p99 are printed for both, with the ratio. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import copy
import functools
import json
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from benchdb import configure  # noqa: E402

DEFAULT_SQLITE = "sqlite:////tmp/hamyar-bench/catalog_search.sqlite3"
ORG_SLUG = "bench-catalog"


# --------------------------------------------------------------------------- building


def build(items: int, seed: int, *, rebuild: bool) -> None:
    from django.core.management import call_command
    from django.db import connection

    from hamyar.catalog.models import CatalogItem
    from hamyar.directory.models import Organization

    call_command("migrate", verbosity=0)
    org = Organization.objects.filter(slug=ORG_SLUG).first()
    if org is not None and not rebuild:
        have = CatalogItem.objects.filter(organization=org).count()
        if have == items:
            print(f"catalog: {have:,} items already built ({connection.vendor})")
            return
    print(f"building {items:,} items on {connection.vendor}…", flush=True)
    started = time.perf_counter()
    _clear()
    # The search structures (indexes, triggers, the FTS table) are dropped during the load and
    # created again by the migrations over the loaded rows: much faster than row by row.
    call_command("migrate", "catalog", "0001", verbosity=0)
    directory = _directory()
    _load_items(items, seed, directory)
    loaded = time.perf_counter()
    print(f"  loaded in {loaded - started:.0f} s; creating search indexes…", flush=True)
    call_command("migrate", verbosity=0)
    _add_synonyms()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE catalog_catalogitem")
        else:
            cursor.execute("ANALYZE")
    print(f"  indexed in {time.perf_counter() - loaded:.0f} s", flush=True)


def _clear() -> None:
    from django.db import connection

    from hamyar.accounts.models import Membership, User
    from hamyar.core.models import AuditEvent
    from hamyar.directory.models import Organization

    org = Organization.objects.filter(slug=ORG_SLUG).first()
    if org is None:
        return
    with connection.cursor() as cursor:
        # Raw deletes: the benchmark's own database, and the audit log refuses ORM deletes by design.
        for table in ("catalog_price", "catalog_pricelist", "catalog_priceimport", "catalog_catalogitem",
                      "catalog_searchsynonym", "directory_agencyagreement_domains"):
            if table == "directory_agencyagreement_domains":
                cursor.execute(
                    f"DELETE FROM {table} WHERE agencyagreement_id IN "
                    "(SELECT id FROM directory_agencyagreement WHERE organization_id = %s)", [org.pk])
            else:
                cursor.execute(f"DELETE FROM {table} WHERE organization_id = %s", [org.pk])
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE organization_id = %s", [org.pk])
    users = list(Membership.objects.filter(organization=org).values_list("user_id", flat=True))
    Membership.objects.filter(organization=org).delete()
    User.objects.filter(pk__in=users).delete()
    for model in ("agencyagreement", "capability", "provider", "servicedomain", "municipalasset",
                  "municipality"):
        with connection.cursor() as cursor:
            if model == "servicedomain":  # children before parents
                cursor.execute("DELETE FROM directory_servicedomain WHERE organization_id = %s "
                               "AND parent_id IS NOT NULL", [org.pk])
            cursor.execute(f"DELETE FROM directory_{model} WHERE organization_id = %s", [org.pk])
    org.delete()


def _synonym_table():
    """The demo's search synonyms, as the items are indexed with them (the table is created later)."""
    from hamyar.catalog.demo import SYNONYMS
    from hamyar.catalog.search.synonyms import SynonymTable, synonym_key

    return SynonymTable.of([synonym_key(term), *map(synonym_key, words)] for term, words in SYNONYMS)


def _add_synonyms() -> None:
    """The demo's search synonyms in the bench organization, as the items were indexed with them."""
    from hamyar.catalog.demo import SYNONYMS
    from hamyar.catalog.models import SearchSynonym
    from hamyar.catalog.search.synonyms import synonym_key
    from hamyar.directory.models import Organization

    org = Organization.objects.get(slug=ORG_SLUG)
    SearchSynonym.objects.bulk_create(
        SearchSynonym(organization=org, term=term, equivalents=words, term_key=synonym_key(term),
                      keys=[synonym_key(term), *map(synonym_key, words)])
        for term, words in SYNONYMS)


def _directory() -> dict:
    """The demo's domains and providers (with ratings and agreements) and two users to search as."""
    from decimal import Decimal

    from catalog_data import RATINGS
    from django.utils import timezone

    from hamyar.accounts.models import Membership, User
    from hamyar.core.roles import Role
    from hamyar.core.text import search_key
    from hamyar.directory import demo
    from hamyar.directory.models import AgencyAgreement, Municipality, Organization, Provider, ServiceDomain

    org = Organization.objects.create(
        name="سازمان همیاری (سنجش جستجو)", slug=ORG_SLUG, province="خراسان رضوی")
    domains: dict[str, ServiceDomain] = {}
    for code, name, name_en, parent in demo.DOMAINS:
        domains[code] = ServiceDomain.objects.create(
            organization=org, code=code, name=name, name_en=name_en,
            parent=domains[parent] if parent else None,
        )
    providers: dict[str, Provider] = {}
    today = timezone.localdate()
    for spec in demo.PROVIDERS:
        rating = RATINGS.get(spec["name"])
        provider = Provider.objects.create(
            organization=org, name=spec["name"], search_name=search_key(spec["name"]), kind=spec["kind"],
            legal_id=spec.get("legal_id", ""), city=spec.get("city", ""),
            rating=None if rating is None else Decimal(str(rating)),
        )
        providers[provider.name] = provider
        if agreement := spec.get("agreement"):
            AgencyAgreement.objects.create(
                organization=org, supplier=provider, number=f"BENCH-{agreement['number']}",
                commission_percent=Decimal(agreement["commission"]),
                starts_on=today + timedelta(days=agreement["starts"]),
                ends_on=today + timedelta(days=agreement["ends"]),
            )
    district9 = Municipality.objects.create(
        organization=org, name="منطقه ۹ مشهد", search_name=search_key("منطقه ۹ مشهد"), kind="district",
        population=365000,
    )
    users = {}
    for username, role, municipality in (("bench-commerce", Role.COMMERCE_OFFICER, None),
                                         ("bench-district9", Role.MUNICIPALITY_USER, district9)):
        users[role] = User.objects.create_user(username=username, password=None)
        Membership.objects.create(organization=org, user=users[role], role=role, municipality=municipality)
    return {"org": org, "domains": domains, "providers": providers}


def _rows(items: int, seed: int, directory: dict):
    """Database rows of the generated items, normalized exactly as the catalog services do."""
    from catalog_data import generate
    from django.utils import timezone

    from hamyar.catalog.models import CatalogItem
    from hamyar.catalog.services import item_search_text
    from hamyar.core.text import normalize, search_key

    org, domains, providers = directory["org"], directory["domains"], directory["providers"]
    synonyms = _synonym_table()
    now = timezone.now()
    # Descriptions and attribute values repeat a lot; names and search texts are normalized per item.
    cached = functools.lru_cache(maxsize=100_000)(normalize)
    for row in generate(items, seed=seed):
        name = normalize(row.name)
        attributes = {cached(k): cached(v) for k, v in row.attributes.items()}
        item = CatalogItem(
            organization=org, provider=providers[row.provider], domain=domains[row.family.domain],
            code=row.code, name=name, description=cached(row.description, multiline=True),
            attributes=attributes,
        )
        yield (
            org.pk, now, now, item.provider_id, item.domain_id, row.code, name, item.description, row.unit,
            row.lead_time_days, json.dumps(attributes, ensure_ascii=False), row.in_stock, row.current_price,
            row.is_active, search_key(name), item_search_text(item, synonyms),
        )


COLUMNS = (
    "organization_id", "created_at", "updated_at", "provider_id", "domain_id", "code", "name", "description",
    "unit", "lead_time_days", "attributes", "in_stock", "current_price", "is_active", "search_name",
    "search_text",
)


def _load_items(items: int, seed: int, directory: dict) -> None:
    from django.db import connection, transaction

    columns = ", ".join(COLUMNS)
    done = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY catalog_catalogitem ({columns}) FROM STDIN") as copy:
                for row in _rows(items, seed, directory):
                    copy.write_row(row)
                    done += 1
                    if done % 100_000 == 0:
                        print(f"  {done:,}", flush=True)
        else:
            placeholders = ", ".join(["%s"] * len(COLUMNS))
            statement = f"INSERT INTO catalog_catalogitem ({columns}) VALUES ({placeholders})"
            batch: list[tuple] = []
            for row in _rows(items, seed, directory):
                batch.append(row)
                if len(batch) == 10_000:
                    cursor.executemany(statement, batch)
                    done += len(batch)
                    batch.clear()
                    if done % 100_000 == 0:
                        print(f"  {done:,}", flush=True)
            if batch:
                cursor.executemany(statement, batch)




# --------------------------------------------------------------------------- queries

PERSIAN_LETTERS = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
ARABIC = str.maketrans({"ی": "ي", "ک": "ك", "۰": "٠", "۱": "١", "۲": "٢", "۳": "٣", "۴": "٤", "۵": "٥",
                        "۶": "٦", "۷": "٧", "۸": "٨", "۹": "٩"})
ZWNJ = "\u200c"


def typo(word: str, rng: random.Random) -> str:
    """One slip of the hand: a letter swapped for another, dropped, doubled in, or two letters transposed."""
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("substitution", "deletion", "insertion", "transposition"))
    if kind == "substitution":
        return word[:i] + rng.choice(PERSIAN_LETTERS.replace(word[i], "")) + word[i + 1:]
    if kind == "deletion":
        return word[:i] + word[i + 1:]
    if kind == "insertion":
        return word[:i] + rng.choice(PERSIAN_LETTERS) + word[i:]
    if word[i] == word[i + 1]:
        return word[:i] + word[i + 1:]  # a transposition of equal letters is no typo; drop one
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def spacing_variant(text: str, rng: random.Random) -> str:
    """Each ZWNJ typed as a space or as nothing, as clerks do."""
    return "".join(rng.choice((" ", "")) if ch == ZWNJ else ch for ch in text)


def make_queries(count: int, seed: int) -> list[tuple[str, str, dict]]:
    """(kind, query, filters) for `count` queries a clerk might type, drawn from the built catalog."""
    from hamyar.catalog.models import CatalogItem
    from hamyar.core.text import to_persian_digits
    from hamyar.directory.models import ServiceDomain

    rng = random.Random(seed)
    org_items = CatalogItem.objects.filter(organization__slug=ORG_SLUG)
    ids = org_items.order_by().values_list("id", flat=True)
    low, high = ids.order_by("id").first(), ids.order_by("-id").first()
    sample_ids = sorted(rng.randint(low, high) for _ in range(count))
    items = {pk: rest for pk, *rest in org_items.filter(id__in=sample_ids).values_list(
        "id", "name", "domain_id", "provider_id", "current_price")}
    parents = dict(ServiceDomain.objects.filter(organization__slug=ORG_SLUG).values_list("id", "parent_id"))
    kinds = ["exact"] * 20 + ["prefix"] * 20 + ["typo"] * 15 + ["arabic"] * 15 + ["zwnj"] * 15
    kinds += ["filter"] * 15
    queries: list[tuple[str, str, dict]] = []
    for n, item_id in enumerate(sample_ids):
        name, domain, provider, price = items.get(item_id) or next(iter(items.values()))
        name = to_persian_digits(name)
        words = name.split()
        model_at = words.index("مدل")
        kind = kinds[n % len(kinds)]
        filters: dict = {}
        if kind == "exact":
            query = name
        elif kind == "prefix":
            head = " ".join(words[:model_at])
            query = head[: rng.randint(3, len(head))].rstrip()
        elif kind == "typo":
            picked = [words[0], words[model_at + 1]]
            long_words = [i for i, w in enumerate(picked) if len(w) >= 4]
            i = rng.choice(long_words) if long_words else 0
            picked[i] = typo(picked[i], rng) if len(picked[i]) >= 3 else picked[i]
            query = " ".join(picked + [words[model_at + 2]])
        elif kind == "arabic":
            query = " ".join(words[:model_at] + words[model_at + 1:model_at + 3]).translate(ARABIC)
        elif kind == "zwnj":
            query = spacing_variant(" ".join(words[:model_at] + words[model_at + 3:]), rng)
        else:  # narrowing a broad query the way a clerk would: by its domain, supplier, price, stock
            query = " ".join(words[: rng.randint(1, 2)])
            choice = rng.randrange(5)
            if choice == 0:
                filters["domain_id"] = parents[domain] or domain
            elif choice == 1 and price:
                filters["price_min"], filters["price_max"] = price // 2, price * 2
            elif choice == 2:
                filters["in_stock"] = True
                filters["max_lead_time"] = rng.choice((0, 7, 14))
            elif choice == 3:
                filters["provider_id"] = provider
            else:
                filters["domain_id"] = domain
                filters["in_stock"] = True
        queries.append((kind, query, filters))
    return queries


# --------------------------------------------------------------------------- timing


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def naive_search(user, query: str, filters: dict, limit: int = 20):
    """The naive way: the query as typed, icontains on name or description, the same filters and page."""
    from django.db.models import Q

    from hamyar.catalog.selectors import domain_with_descendants, item_base_queryset

    qs = item_base_queryset(user=user).filter(Q(name__icontains=query) | Q(description__icontains=query))
    if filters.get("domain_id") is not None:
        qs = qs.filter(domain_id__in=domain_with_descendants(domain_id=filters["domain_id"]))
    if filters.get("provider_id") is not None:
        qs = qs.filter(provider_id=filters["provider_id"])
    if filters.get("price_min") is not None:
        qs = qs.filter(current_price__gte=filters["price_min"])
    if filters.get("price_max") is not None:
        qs = qs.filter(current_price__lte=filters["price_max"])
    if filters.get("max_lead_time") is not None:
        qs = qs.filter(lead_time_days__lte=filters["max_lead_time"])
    if filters.get("in_stock") is not None:
        qs = qs.filter(in_stock=filters["in_stock"])
    return qs.count(), list(qs.order_by("name", "pk")[:limit])


def request_user(user):
    """A copy of `user` with what a request knows before the search: its membership, nothing else."""
    fresh = copy.copy(user)
    fresh.__dict__ = {k: v for k, v in user.__dict__.items()
                      if k == "_hamyar_membership" or not k.startswith("_hamyar")}
    return fresh


class DatabaseClock:
    """Time spent in the database driver's execute (the whole round trip with psycopg)."""

    def __init__(self) -> None:
        self.ms = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.ms += (time.perf_counter() - started) * 1000


def timed(run, queries) -> tuple[list[float], list[float], list]:
    """Per query: milliseconds end to end, milliseconds in the database, and the result."""
    from django.db import connection

    times, database, results = [], [], []
    for _kind, query, filters in queries:
        clock = DatabaseClock()
        with connection.execute_wrapper(clock):
            started = time.perf_counter()
            results.append(run(query, filters))
            times.append((time.perf_counter() - started) * 1000)
        database.append(clock.ms)
    return times, database, results


def report(label: str, times: list[float], kinds: list[str], *, detail: bool = True) -> dict[str, float]:
    figures = {p: percentile(times, p) for p in (50, 95, 99)}
    print(f"  {label:<28} p50 {figures[50]:8.1f} ms   p95 {figures[95]:8.1f} ms   p99 {figures[99]:8.1f} ms"
          f"   ({len(times)} queries)")
    if not detail:
        return figures
    by_kind: dict[str, list[float]] = {}
    for kind, ms in zip(kinds, times, strict=True):
        by_kind.setdefault(kind, []).append(ms)
    for kind, values in by_kind.items():
        print(f"      {kind:<24} p50 {percentile(values, 50):8.1f}   p95 {percentile(values, 95):8.1f}"
              f"   p99 {percentile(values, 99):8.1f}   (n={len(values)})")
    return figures


def run(args) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from hamyar.catalog.models import CatalogItem
    from hamyar.catalog.search import item_search
    from hamyar.core.scoping import membership_of

    users = get_user_model().objects
    officer = users.get(username="bench-commerce")
    district9 = users.get(username="bench-district9")
    count = CatalogItem.objects.filter(organization__slug=ORG_SLUG).count()
    queries = make_queries(args.queries, args.seed)
    kinds = [kind for kind, _q, _f in queries]
    engine = connection.vendor
    if engine == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            version = cursor.fetchone()[0].split(" on ")[0]
    else:
        import sqlite3

        version = f"SQLite {sqlite3.sqlite_version}"
    print(f"\n{version}: {count:,} items, {len(queries)} queries "
          f"({', '.join(f'{k} {kinds.count(k)}' for k in dict.fromkeys(kinds))})")
    for example in queries[:12]:
        print(f"    e.g. {example[0]:<7} {example[1]!r} {example[2] or ''}")

    membership_of(officer), membership_of(district9)  # as the page's role check does before the search

    def search(user):
        # Each query gets the user as its own request would (membership loaded, nothing the
        # search kept on it for an earlier request): the visibility look-ups are paid every time.
        return lambda query, filters: item_search(user=request_user(user), query=query, **filters)

    timed(search(officer), queries[:50])  # warm the caches
    print("item_search (end to end: Python, Django and the database):")
    officer_times, officer_db, results = timed(search(officer), queries)
    search_figures = report("commerce officer", officer_times, kinds)
    if args.municipality:
        district_times, district_db, _ = timed(search(district9), queries)
        report("municipality user", district_times, kinds)
    print("  of which in the database" + (" (SQLite works lazily: partly counted as Python)"
                                           if engine == "sqlite" else "") + ":")
    report("commerce officer", officer_db, kinds)
    if args.municipality:
        report("municipality user", district_db, kinds, detail=False)
    empty = sum(1 for r in results if not r.items)
    capped = sum(1 for r in results if not r.total_is_exact)
    corrected = sum(1 for r in results if r.corrected_query)
    print(f"  officer results: {len(results) - empty} queries found items, {empty} found none; "
          f"{capped} had more than the pool (counts are lower bounds); {corrected} typo-corrected")

    naive_queries = queries[:: max(1, len(queries) // args.naive_queries)] if args.naive_queries else []
    if naive_queries:
        naive_kinds = [kind for kind, _q, _f in naive_queries]
        print("naive icontains (name or description, unnormalized):")
        naive_times, _db, naive_results = timed(lambda q, f: naive_search(officer, q, f), naive_queries)
        naive_figures = report("commerce officer", naive_times, naive_kinds)
        missed = sum(1 for total, _items in naive_results if total == 0)
        print(f"  naive results: {missed} of {len(naive_queries)} queries found nothing")
        print(f"ratio naive / item_search ({engine}, {count:,} items): "
              + "   ".join(f"p{p} {naive_figures[p] / search_figures[p]:.1f}x" for p in (50, 95, 99)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_SQLITE)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--naive-queries", type=int, default=1_000,
                        help="how many of the queries also run the naive way (0: none)")
    parser.add_argument("--seed", type=int, default=1405)
    parser.add_argument("--rebuild", action="store_true", help="build the catalog again even if present")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--no-municipality", dest="municipality", action="store_false",
                        help="time only the commerce officer, not also a municipality user")
    args = parser.parse_args()
    configure(args.database_url)
    build(args.items, args.seed, rebuild=args.rebuild)
    if not args.build_only:
        run(args)


if __name__ == "__main__":
    main()
