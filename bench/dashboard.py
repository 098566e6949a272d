"""The executive dashboard's speed: its figures read from the rollup cells vs the live GROUP BY over the
order lines, on 10,000,000 order lines; and what keeping the rollups costs each write.

    .venv/bin/python bench/dashboard.py                      # 10,000,000 lines in h_bench (PostgreSQL)
    .venv/bin/python bench/dashboard.py --lines 200000       # a quick run
    .venv/bin/python bench/dashboard.py --lines 200000 --verify   # and check the generated rollups
    .venv/bin/python bench/dashboard.py --fresh              # generate again

PostgreSQL only (the generation is SQL: INSERT … SELECT over generate_series). One organization per
size (slug `bench-dashboard-<lines>`) in the benchmark's own database, never the application's: 1,400
municipalities sized like a province (a few big cities, most under 50,000 residents), the demo's 25
service domains, 40 providers (the demo's 20 and 20 more suppliers) with capabilities, and over the 36
Jalali months up to today one need, one approved quotation and one order of 5 lines per `lines / 5`
orders, more of them lately and in big municipalities; older orders mostly delivered, received and
closed (on time or late against their due date), most closed ones rated; and capability-gap needs in
the two domains no provider serves. The facts and the cells (`insights.models`) are built in SQL from
those rows exactly as `insights.services.rollups` computes them (`--verify` runs its `rebuild` and
compares, for small sizes). A marker row says the data is there: the next run reuses it.

Then each dashboard figure is timed (p50 and p95 over `--runs` runs, after a warm-up) through the
insights selectors as an executive of the organization — those not written yet are skipped with a
note — and through this file's own queries over the cells, each beside the live GROUP BY over the order
lines (or orders, needs, ratings) for the same figure in the same run, with the ratio. Targets: p95 ≤
150 ms and ≥ 20× the live query. Last, the write: orders of 5 lines as the services write them
(`order_build` in a transaction) without rollup maintenance and with it (`announce(Order, …)`, which
notes the order in the rollups' backlog), per line and the overhead (target ≤ 20%), then that backlog
worked off at once (`catch_up`, as the periodic task or the next reader of the figures does), in a
transaction rolled back. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, fields, is_dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from benchdb import configure  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/h_bench"
MUNICIPALITIES = 1400
SMALL = 50_000  # residents: a small municipality
MONTHS = 36
LINES_PER_ORDER = 5
EXTRA_SUPPLIERS = 20
PROVIDERS_PER_DOMAIN = 3
P95_TARGET_MS = 150.0
RATIO_TARGET = 20.0
OVERHEAD_TARGET = 20.0
MARKER = "bench_dashboard_marker"  # slug, lines, seconds: the generated data is complete
DAYS = "bench_jalali_day"  # Gregorian day (Tehran) → Jalali yyyymm, for the SQL that needs the month
# Big tables loaded with their plain (non-unique) indexes dropped, created again over the loaded rows.
BIG_TABLES = ("needs_need", "commerce_quotation", "commerce_quotationline", "commerce_order",
              "commerce_orderline", "commerce_delivery", "commerce_rating", "insights_orderfact",
              "insights_needfact")
# Every table the generation writes, with how its rows belong to the organization (for --fresh).
OWNED_TABLES = ("insights_rollupbacklog", "insights_windowcell", "insights_windowof",
                "insights_domainmonth", "insights_municipalitytotalmonth",
                "insights_municipalitymonth", "insights_providermonth", "insights_orderfact",
                "insights_needfact", "commerce_rating", "commerce_delivery", "commerce_orderline",
                "commerce_order", "commerce_quotationline", "commerce_quotation", "needs_need",
                "directory_capability", "accounts_membership", "directory_provider",
                "directory_servicedomain", "directory_municipality", "core_numbersequence")


# --------------------------------------------------------------------------- generating


def slug_of(lines: int) -> str:
    return f"bench-dashboard-{lines}"


def sql(statement: str, params: Any = None) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def generated(lines: int) -> bool:
    sql(f"CREATE TABLE IF NOT EXISTS {MARKER} (slug text PRIMARY KEY, lines bigint, seconds float, "
        "built_at timestamptz DEFAULT now())")
    found = sql(f"SELECT seconds, built_at FROM {MARKER} WHERE slug = %s", [slug_of(lines)])
    if found:
        seconds, built_at = found[0]
        print(f"data: {lines:,} order lines generated on {built_at:%Y-%m-%d %H:%M} UTC in {seconds:.0f} s "
              "(reused; --fresh to generate again)")
    return bool(found)


def forget(lines: int) -> None:
    """Everything of the size's organization, in SQL (the audit log and FK checks would refuse or crawl)."""
    from hamyar.accounts.models import Membership
    from hamyar.directory.models import Organization

    org = Organization.objects.filter(slug=slug_of(lines)).first()
    sql(f"DELETE FROM {MARKER} WHERE slug = %s", [slug_of(lines)])
    if org is None:
        return
    print("  deleting the previous data…", flush=True)
    users = list(Membership.objects.filter(organization=org).values_list("user_id", flat=True))
    sql("SET LOCAL session_replication_role = replica")
    for table in OWNED_TABLES:
        sql(f"DELETE FROM {table} WHERE organization_id = %s", [org.pk])
    sql("DELETE FROM accounts_user WHERE id = ANY(%s)", [users])
    sql("DELETE FROM directory_organization WHERE id = %s", [org.pk])
    sql("SET LOCAL session_replication_role = origin")


@dataclass
class Directory:
    org: Any
    officer: Any
    executive: Any
    municipalities: list[Any] = field(default_factory=list)
    domains: list[Any] = field(default_factory=list)
    providers_by_domain: dict[int, list[int]] = field(default_factory=dict)  # domain index → providers


def province(rng: random.Random) -> list[tuple[str, str, int, float]]:
    """(name, kind, population, hectares): a metropolis, a few cities over 100,000, most under 50,000."""
    rows = []
    for i in range(MUNICIPALITIES):
        population = max(800, int(3_300_000 / (i + 1) ** 1.15 * rng.uniform(0.85, 1.15)))
        kind = "metropolis" if i == 0 else "city" if population >= SMALL else "town"
        density = rng.uniform(45, 90) if population >= SMALL else rng.uniform(12, 45)  # residents/ha
        rows.append((f"شهرداری آزمون {i + 1}", kind, population, round(population / density, 1)))
    return rows


def build_directory(lines: int, rng: random.Random) -> Directory:
    """The organization, its municipalities, domains, providers and capabilities, and two users (ORM)."""
    from decimal import Decimal

    from hamyar.accounts.models import Membership, User
    from hamyar.core.roles import Role
    from hamyar.core.text import search_key
    from hamyar.directory import demo
    from hamyar.directory.models import Capability, Municipality, Organization, Provider, ServiceDomain

    slug = slug_of(lines)
    org = Organization.objects.create(name=f"سازمان همیاری (سنجش داشبورد، {lines:,} سطر)", slug=slug,
                                      province="خراسان رضوی")
    officer = User.objects.create_user(username=f"{slug}-officer", password=None)
    Membership.objects.create(organization=org, user=officer, role=Role.COMMERCE_OFFICER)
    executive = User.objects.create_user(username=f"{slug}-executive", password=None)
    Membership.objects.create(organization=org, user=executive, role=Role.EXECUTIVE)
    municipalities = Municipality.objects.bulk_create(
        Municipality(organization=org, name=name, search_name=search_key(name), kind=kind,
                     population=population, area_ha=Decimal(str(area)), county="آزمون")
        for name, kind, population, area in province(rng))
    domains: dict[str, Any] = {}
    for code, name, name_en, parent in demo.DOMAINS:
        domains[code] = ServiceDomain.objects.create(organization=org, code=code, name=name, name_en=name_en,
                                                     parent=domains[parent] if parent else None)
    providers: list[Any] = []
    capabilities: dict[str, list[tuple[Any, int]]] = defaultdict(list)
    for spec in demo.PROVIDERS:
        provider = Provider.objects.create(
            organization=org, name=spec["name"], search_name=search_key(spec["name"]), kind=spec["kind"],
            legal_id=spec.get("legal_id", ""), city=spec.get("city", ""))
        providers.append(provider)
        for code, level, _capacity, _unit in spec.get("capabilities", ()):
            capabilities[code].append((provider, level))
    extra = [Provider.objects.create(organization=org, name=f"تأمین‌کننده آزمون {i + 1}",
                                     search_name=search_key(f"تأمین‌کننده آزمون {i + 1}"), kind="supplier",
                                     city="مشهد")
             for i in range(EXTRA_SUPPLIERS)]
    spare = iter(extra * 10)
    for code in domains:
        if code in demo.GAP_DOMAINS:
            continue
        while len(capabilities[code]) < PROVIDERS_PER_DOMAIN:
            provider = next(spare)
            if all(p.pk != provider.pk for p, _level in capabilities[code]):
                capabilities[code].append((provider, rng.randint(1, 4)))
    Capability.objects.bulk_create(
        Capability(organization=org, provider=provider, domain=domains[code], level=level,
                   monthly_capacity=100)
        for code, served in capabilities.items() for provider, level in served)
    ordered = list(domains.values())
    served_by = {i: [p.pk for p, _level in capabilities[d.code][:PROVIDERS_PER_DOMAIN]]
                 for i, d in enumerate(ordered) if d.code not in demo.GAP_DOMAINS}
    return Directory(org=org, officer=officer, executive=executive, municipalities=municipalities,
                     domains=ordered, providers_by_domain=served_by)


def jalali_days(first: dt.date, last: dt.date) -> None:
    """The Jalali month of every Tehran day from `first` to `last` (a Gregorian→Jalali join for SQL)."""
    from hamyar.insights.services.rollups import jalali_month

    sql(f"CREATE TABLE IF NOT EXISTS {DAYS} (day date PRIMARY KEY, month integer NOT NULL)")
    days = [(first + dt.timedelta(days=i),) for i in range((last - first).days + 1)]
    sql(f"DELETE FROM {DAYS} WHERE day BETWEEN %s AND %s", [first, last])
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {DAYS} (day, month) VALUES (%s, %s)",
                           [(day, jalali_month(day)) for (day,) in days])


def window() -> tuple[dt.date, dt.date]:
    """The first day of the Jalali month 35 months back, and today (Tehran)."""
    import jdatetime
    from django.utils import timezone

    today = timezone.localdate()
    j = jdatetime.date.fromgregorian(date=today)
    months = j.year * 12 + j.month - 1 - (MONTHS - 1)
    return jdatetime.date(months // 12, months % 12 + 1, 1).togregorian(), today


def slots(weights: list[float], values: list[int], size: int) -> list[int]:
    """`values` repeated in proportion to `weights` (at least once each): random() picks one by weight."""
    total = sum(weights)
    out: list[int] = []
    for weight, value in zip(weights, values, strict=True):
        out += [value] * max(1, round(weight / total * size))
    return out


def price_terms(column: str) -> tuple[str, str]:
    """SQL for line k's quantity and unit price from the plan's seed and the domain's base price."""
    quantity = "(1 + (p.seed + 3 * k) %% 7)"
    price = "(p.base * (1 + (p.seed + 5 * k) %% 4))"
    return quantity.replace("k", column), price.replace("k", column)


def plan_orders(d: Directory, orders: int, first: dt.date, last: dt.date, rng: random.Random) -> None:
    """One row per order to generate: who, what, when, and how it went (an unlogged scratch table)."""
    days = (last - first).days + 1
    municipality_weights = [float(m.population) ** 0.8 for m in d.municipalities]
    municipality_slots = slots(municipality_weights, [m.pk for m in d.municipalities], 20_000)
    served = sorted(d.providers_by_domain)
    domain_slots = slots([1.0 + (i * 7) % 5 for i in served], served, 1_000)
    domain_ids = [dom.pk for dom in d.domains]
    base_prices = [rng.randrange(1_000_000, 60_000_000, 10_000) for _ in d.domains]
    providers = [d.providers_by_domain.get(i, [0] * PROVIDERS_PER_DOMAIN)[k]
                 for i in range(len(d.domains)) for k in range(PROVIDERS_PER_DOMAIN)]
    quantity, price = price_terms("k")
    subtotal = " + ".join(f"({quantity.replace('k', str(k))} * {price.replace('k', str(k))})"
                          for k in range(LINES_PER_ORDER))
    sql("DROP TABLE IF EXISTS bench_plan")
    sql("SELECT setseed(0.1405)")
    sql(f"""
        CREATE UNLOGGED TABLE bench_plan AS
        WITH r AS (
            SELECT g AS j, (random() * 1000000)::int AS seed,
                   (%(m)s::bigint[])[1 + floor(random() * %(m_n)s)::int] AS municipality_id,
                   (%(d)s::int[])[1 + floor(random() * %(d_n)s)::int] AS di,
                   floor(random() * {PROVIDERS_PER_DOMAIN})::int AS pk_,
                   least(%(days)s - 1, floor(%(days)s * sqrt(random())))::int AS day_index,
                   random() AS r_status, random() AS r_late, random() AS r_rated, random() AS r_score,
                   random() AS r_time
            FROM generate_series(0, %(orders)s - 1) g
        ), s AS (
            SELECT r.*, %(first)s::date + day_index AS day, %(days)s - 1 - day_index AS age,
                   7 + seed %% 54 AS lead, 2 + seed %% 37 AS triage_h, 6 + (seed / 37) %% 80 AS quote_h,
                   (%(ids)s::bigint[])[di + 1] AS domain_id, (%(bases)s::bigint[])[di + 1] AS base,
                   (%(providers)s::bigint[])[di * {PROVIDERS_PER_DOMAIN} + pk_ + 1] AS provider_id
            FROM r
        ), t AS (
            SELECT s.*,
                   ((day + interval '8 hours' + r_time * interval '9 hours') AT TIME ZONE 'Asia/Tehran')
                       AS created_at,
                   CASE WHEN age > 45 AND r_status < 0.92 OR age BETWEEN 12 AND 45 AND r_status < 0.5
                        THEN 'closed'
                        WHEN age > 5 AND r_status < 0.96 THEN 'delivered'
                        WHEN age > 2 THEN 'in_fulfilment' ELSE 'placed' END AS status,
                   greatest(0, least(age - 2, floor(lead * (0.5 + r_late * (0.55 + (provider_id %% 4)
                       * 0.1)))))::int
                       AS delivered_after
            FROM s
        )
        SELECT p.*, p.day + lead AS due_date,
               CASE WHEN status IN ('closed', 'delivered') THEN day + delivered_after END AS delivered_on,
               created_at - (quote_h + triage_h + 24) * interval '1 hour' AS submitted_at,
               created_at - (quote_h + 24) * interval '1 hour' AS triaged_at,
               created_at - 24 * interval '1 hour' AS first_quoted_at,
               status = 'closed' AND r_rated < 0.7 AS rated,
               greatest(1, least(5, round(3.4 + (provider_id %% 3) * 0.5
                                          + (r_score - 0.5) * 3)))::int AS score,
               {subtotal} AS subtotal
        FROM t p
    """, {"m": municipality_slots, "m_n": len(municipality_slots), "d": domain_slots,
          "d_n": len(domain_slots), "days": days, "orders": orders, "first": first, "ids": domain_ids,
          "bases": base_prices, "providers": providers})
    sql("ALTER TABLE bench_plan ADD COLUMN closed_at timestamptz")
    sql("""UPDATE bench_plan SET closed_at = (delivered_on + interval '1 day 10 hours')
                                             AT TIME ZONE 'Asia/Tehran'
           WHERE status = 'closed'""")


def max_id(table: str) -> int:
    return int(sql(f"SELECT coalesce(max(id), 0) FROM {table}")[0][0])


def load(d: Directory, orders: int, first: dt.date, last: dt.date) -> dict[str, int]:
    """Needs, quotations and their lines, orders and their lines, deliveries and ratings, from the plan."""
    from hamyar.directory import demo

    org, user = d.org.pk, d.officer.pk
    base = {table: max_id(table) for table in ("needs_need", "commerce_quotation", "commerce_quotationline",
                                               "commerce_order", "commerce_orderline", "commerce_delivery",
                                               "commerce_rating")}
    p = {"org": org, "user": user, **{f"b_{t.split('_', 1)[1]}": b for t, b in base.items()}}
    step = Steps()
    sql("""INSERT INTO needs_need (id, organization_id, created_at, updated_at, municipality_id, number, kind,
               domain_id, title, description, status, reason, provider_id, is_capability_gap, created_by_id,
               submitted_at, triaged_at, assigned_at, first_quoted_at, approved_at, closed_at)
           SELECT %(b_need)s + j + 1, %(org)s, submitted_at, coalesce(closed_at, created_at), municipality_id,
               'N-B-' || j, 'goods', domain_id, 'نیاز آزمون ' || j, '',
               CASE WHEN status = 'closed' THEN 'fulfilled' ELSE 'approved' END, '', provider_id, false,
               %(user)s, submitted_at, triaged_at, triaged_at, first_quoted_at, created_at, closed_at
           FROM bench_plan""", p)
    gaps = max(1, orders // 40)
    gap_domains = [dom.pk for dom in d.domains if dom.code in demo.GAP_DOMAINS]
    municipality_ids = [m.pk for m in d.municipalities]
    sql("""INSERT INTO needs_need (id, organization_id, created_at, updated_at, municipality_id, number, kind,
               domain_id, title, description, status, reason, is_capability_gap, created_by_id, submitted_at,
               triaged_at)
           SELECT %(b_need)s + %(orders)s + g + 1, %(org)s, moment, moment, (%(munis)s::bigint[])[1
               + g %% %(n)s],
               'N-G-' || g, 'service', (%(gap)s::bigint[])[1 + g %% 2], 'نیاز بی‌پاسخ ' || g, '',
                   'triaged', '',
               true, %(user)s, moment, moment + (2 + g %% 40) * interval '1 hour'
           FROM (SELECT g, ((%(first)s::date + floor(random() * %(days)s)::int) + interval '9 hours')
                           AT TIME ZONE 'Asia/Tehran' AS moment
                 FROM generate_series(0, %(gaps)s - 1) g) x""",
        {**p, "orders": orders, "munis": municipality_ids, "n": len(municipality_ids), "gap": gap_domains,
         "first": first, "days": (last - first).days, "gaps": gaps})
    step.done(f"needs ({orders + gaps:,})")
    sql("""INSERT INTO commerce_quotation (id, organization_id, created_at, updated_at, need_id, provider_id,
               number, revision, status, is_competing, valid_until, vat_percent, subtotal, vat_amount, total,
               note, prepared_by_id, sent_at, decided_at, reason, choice_reason, clerk_approved_by_id,
               clerk_approved_at)
           SELECT %(b_quotation)s + j + 1, %(org)s, first_quoted_at, created_at, %(b_need)s + j + 1,
               provider_id,
               'Q-B-' || j, 1, 'approved', false, (first_quoted_at + interval '15 days')::date, 10, subtotal,
               subtotal / 10, subtotal + subtotal / 10, '', %(user)s, first_quoted_at, created_at, '', '',
               %(user)s, created_at
           FROM bench_plan""", p)
    step.done(f"quotations ({orders:,})")
    quantity, price = price_terms("k")
    sql(f"""INSERT INTO commerce_quotationline (id, organization_id, created_at, updated_at, quotation_id,
                description, quantity, unit, unit_price, price_reason, amount)
            SELECT %(b_quotationline)s + j * {LINES_PER_ORDER} + k + 1, %(org)s, first_quoted_at,
                first_quoted_at,
                %(b_quotation)s + j + 1, 'قلم آزمون ' || (k + 1), {quantity}, 'piece', {price}, '',
                {quantity} * {price}
            FROM bench_plan p CROSS JOIN generate_series(0, {LINES_PER_ORDER - 1}) k""", p)
    step.done(f"quotation lines ({orders * LINES_PER_ORDER:,})")
    sql("""INSERT INTO commerce_order (id, organization_id, created_at, updated_at, quotation_id, need_id,
               municipality_id, provider_id, number, status, total, due_date, closed_at)
           SELECT %(b_order)s + j + 1, %(org)s, created_at, coalesce(closed_at, created_at),
               %(b_quotation)s + j + 1, %(b_need)s + j + 1, municipality_id, provider_id, 'O-B-' || j, status,
               subtotal + subtotal / 10, due_date, closed_at
           FROM bench_plan""", p)
    step.done(f"orders ({orders:,})")
    sql(f"""INSERT INTO commerce_orderline (id, organization_id, created_at, updated_at, order_id,
                quotation_line_id, description, unit, quantity, unit_price, delivered_quantity,
                received_quantity)
            SELECT %(b_orderline)s + j * {LINES_PER_ORDER} + k + 1, %(org)s, created_at, created_at,
                %(b_order)s + j + 1, %(b_quotationline)s + j * {LINES_PER_ORDER} + k + 1,
                    'قلم آزمون ' || (k + 1),
                'piece', {quantity}, {price},
                CASE WHEN status IN ('closed', 'delivered') THEN {quantity} ELSE 0 END,
                CASE WHEN status = 'closed' THEN {quantity} ELSE 0 END
            FROM bench_plan p CROSS JOIN generate_series(0, {LINES_PER_ORDER - 1}) k""", p)
    step.done(f"order lines ({orders * LINES_PER_ORDER:,})")
    sql("""INSERT INTO commerce_delivery (id, organization_id, created_at, updated_at, number, status,
               delivered_on, note, recorded_by_id, order_id)
           SELECT %(b_delivery)s + j + 1, %(org)s, delivered_on + interval '12 hours',
               coalesce(closed_at, delivered_on + interval '12 hours'), 'D-B-' || j,
               CASE WHEN status = 'closed' THEN 'received' ELSE 'awaiting_receipt' END, delivered_on, '',
               %(user)s, %(b_order)s + j + 1
           FROM bench_plan WHERE delivered_on IS NOT NULL""", p)
    sql("""INSERT INTO commerce_rating (id, organization_id, created_at, updated_at, order_id, provider_id,
               score, comment, on_time, rated_by_id)
           SELECT %(b_rating)s + j + 1, %(org)s, closed_at, closed_at, %(b_order)s + j + 1, provider_id,
               score,
               '', delivered_on <= due_date, %(user)s
           FROM bench_plan WHERE rated""", p)
    step.done("deliveries and ratings")
    for table in base:
        sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    return {"needs": orders + gaps}


def rollups(org_id: int) -> None:
    """OrderFact and NeedFact rows, then the cells, in SQL, as insights.services.rollups computes them."""
    from hamyar.needs.models import ServiceLevel
    from hamyar.needs.sla import default_targets

    step = Steps()
    sql(f"""INSERT INTO insights_orderfact (organization_id, created_at, updated_at, order_id,
        municipality_id,
                provider_id, domain_id, month, lines, amount, received_amount, invoiced_amount, closed,
                    on_time,
                rated, score, open, deliveries_received, deliveries_rejected)
            SELECT o.organization_id, now(), now(), o.id, o.municipality_id, o.provider_id, n.domain_id,
                d.month,
                coalesce(l.n, 0), o.total, coalesce(l.received, 0), 0, (o.status = 'closed')::int,
                (o.status = 'closed' AND (o.due_date IS NULL OR dl.last <= o.due_date))::int,
                (r.id IS NOT NULL)::int, coalesce(r.score, 0),
                (o.status IN ('placed', 'in_fulfilment', 'partially_delivered'))::int,
                coalesce(dc.received, 0), coalesce(dc.rejected, 0)
            FROM commerce_order o
            JOIN needs_need n ON n.id = o.need_id
            JOIN {DAYS} d ON d.day = (o.created_at AT TIME ZONE 'Asia/Tehran')::date
            LEFT JOIN (SELECT order_id, count(*) AS n, sum(received_quantity * unit_price) AS received
                       FROM commerce_orderline WHERE organization_id = %(org)s GROUP BY order_id) l
                ON l.order_id = o.id
            LEFT JOIN (SELECT order_id, max(delivered_on) AS last FROM commerce_delivery
                       WHERE organization_id = %(org)s AND status = 'received' GROUP BY order_id) dl
                ON dl.order_id = o.id
            LEFT JOIN (SELECT order_id, count(*) FILTER (WHERE status = 'received') AS received,
                              count(*) FILTER (WHERE status = 'rejected') AS rejected
                       FROM commerce_delivery WHERE organization_id = %(org)s GROUP BY order_id) dc
                ON dc.order_id = o.id
            LEFT JOIN commerce_rating r ON r.order_id = o.id
            WHERE o.organization_id = %(org)s""", {"org": org_id})
    step.done("order facts")
    # The clocks of need_clocks with the default targets: the organization sets no service level.
    assert not ServiceLevel.objects.filter(organization_id=org_id).exists()
    targets = default_targets()
    sql(f"""INSERT INTO insights_needfact (organization_id, created_at, updated_at, need_id, municipality_id,
                domain_id, month, gap, clocks_measured, clocks_met)
            SELECT n.organization_id, now(), now(), n.id, n.municipality_id, n.domain_id, d.month,
                n.is_capability_gap::int,
                (n.triaged_at IS NOT NULL)::int + (n.first_quoted_at IS NOT NULL)::int
                    + (n.status = 'fulfilled' AND n.closed_at IS NOT NULL)::int,
                coalesce(n.triaged_at - n.submitted_at <= %(triage)s * interval '1 hour', false)::int
                    + coalesce(n.first_quoted_at - n.submitted_at <= %(quote)s * interval '1 hour',
                        false)::int
                    + coalesce(n.status = 'fulfilled'
                               AND n.closed_at - n.submitted_at <= %(delivery)s * interval '1 day',
                                   false)::int
            FROM needs_need n JOIN {DAYS} d ON d.day = (n.submitted_at AT TIME ZONE 'Asia/Tehran')::date
            WHERE n.organization_id = %(org)s AND n.submitted_at IS NOT NULL""",
        {"org": org_id, "triage": targets["triage_hours"], "quote": targets["first_quotation_hours"],
         "delivery": targets["delivery_days"]})
    step.done("need facts")
    order_sums = ("count(*) AS orders, sum(lines) AS lines, sum(amount) AS amount, "
                  "sum(received_amount) AS received_amount, sum(invoiced_amount) AS invoiced_amount, "
                  "sum(closed) AS closed, sum(on_time) AS on_time, sum(rated) AS rated, "
                  "sum(score) AS score_sum")
    measures = ("orders", "lines", "amount", "received_amount", "invoiced_amount", "closed", "on_time",
                "rated", "score_sum")
    need_measures = ("needs", "gaps", "clocks_measured", "clocks_met")
    sql(f"""INSERT INTO insights_municipalitymonth (organization_id, created_at, updated_at, municipality_id,
                domain_id, month, {", ".join(measures + need_measures)})
            SELECT %(org)s, now(), now(), coalesce(o.municipality_id, n.municipality_id),
                coalesce(o.domain_id, n.domain_id), coalesce(o.month, n.month),
                {", ".join(f"coalesce(o.{m}, 0)" for m in measures)},
                {", ".join(f"coalesce(n.{m}, 0)" for m in need_measures)}
            FROM (SELECT municipality_id, domain_id, month, {order_sums} FROM insights_orderfact
                  WHERE organization_id = %(org)s GROUP BY 1, 2, 3) o
            FULL JOIN (SELECT municipality_id, domain_id, month, count(*) AS needs, sum(gap) AS gaps,
                              sum(clocks_measured) AS clocks_measured, sum(clocks_met) AS clocks_met
                       FROM insights_needfact WHERE organization_id = %(org)s GROUP BY 1, 2, 3) n
                USING (municipality_id, domain_id, month)
            ORDER BY 4, 5, 6""", {"org": org_id})
    sql(f"""INSERT INTO insights_providermonth (organization_id, created_at, updated_at, provider_id,
        domain_id,
                month, {", ".join(measures + need_measures)})
            SELECT %(org)s, now(), now(), provider_id, domain_id, month, {", ".join(measures)}, 0, 0, 0, 0
            FROM (SELECT provider_id, domain_id, month, {order_sums} FROM insights_orderfact
                  WHERE organization_id = %(org)s GROUP BY 1, 2, 3) o
            ORDER BY 4, 5, 6""", {"org": org_id})
    step.done("cells")
    coarse(org_id)


def coarse(org_id: int) -> None:
    """The coarser cells summed from the municipality × domain × month ones, as `rebuild` sums them
    (domain × month, municipality × month), and the municipality × domain sums of the default window."""
    from hamyar.insights.services.rollups import _sum_coarse, default_window, window_build

    step = Steps()
    sql("DELETE FROM insights_domainmonth WHERE organization_id = %s", [org_id])
    sql("DELETE FROM insights_municipalitytotalmonth WHERE organization_id = %s", [org_id])
    _sum_coarse(org_id)
    window_build(org_id, *default_window())
    for table in ("insights_domainmonth", "insights_municipalitytotalmonth", "insights_windowcell"):
        sql(f"ANALYZE {table}")
    step.done("coarser cells and the window")


class Steps:
    def __init__(self) -> None:
        self.last = time.perf_counter()

    def done(self, what: str) -> None:
        now = time.perf_counter()
        print(f"  {what}: {now - self.last:.1f} s", flush=True)
        self.last = now


def generate(lines: int, *, fresh: bool) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    assert connection.vendor == "postgresql", "the generation is PostgreSQL's SQL"
    if not fresh and generated(lines):
        from hamyar.directory.models import Organization
        from hamyar.insights.models import DomainMonth

        org = Organization.objects.get(slug=slug_of(lines))
        if not DomainMonth.objects.filter(organization=org).exists():  # generated before they were
            print("  the coarser cells are missing: summed from the cells")
            with transaction.atomic():
                coarse(org.pk)
        return
    orders = lines // LINES_PER_ORDER
    print(f"generating {orders * LINES_PER_ORDER:,} order lines ({orders:,} orders) on PostgreSQL…",
          flush=True)
    started = time.perf_counter()
    rng = random.Random(1405)
    with transaction.atomic():
        forget(lines)
        first, last = window()
        jalali_days(first - dt.timedelta(days=40), last + dt.timedelta(days=1))
        step = Steps()
        d = build_directory(lines, rng)
        plan_orders(d, orders, first, last, rng)
        step.done(f"directory and plan ({first} to {last})")
        # Loaded with their plain indexes dropped and FK checks off (the rows are consistent by
        # construction), the indexes created again over the rows: all in this one transaction.
        indexes = sql("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
                      "AND indexdef NOT LIKE 'CREATE UNIQUE%%'", [list(BIG_TABLES)])
        for name, _definition in indexes:
            sql(f'DROP INDEX "{name}"')
        sql("SET LOCAL session_replication_role = replica")
        sql("SET LOCAL maintenance_work_mem = '512MB'")
        sql("SET LOCAL work_mem = '256MB'")
        load(d, orders, first, last)
        step = Steps()
        for table in BIG_TABLES:  # the planner would take the new rows for none and nest loops over them
            sql(f"ANALYZE {table}")
        step.done("analyze")
        rollups(d.org.pk)
        sql("SET LOCAL session_replication_role = origin")
        step = Steps()
        for _name, definition in indexes:
            sql(definition)
        step.done(f"{len(indexes)} indexes created again")
        sql("DROP TABLE bench_plan")
        seconds = time.perf_counter() - started
        sql(f"INSERT INTO {MARKER} (slug, lines, seconds) VALUES (%s, %s, %s)",
            [slug_of(lines), lines, seconds])
    step = Steps()
    analyzed = (*BIG_TABLES, "insights_municipalitymonth", "insights_providermonth", "directory_municipality")
    for table in analyzed:
        sql(f"VACUUM ANALYZE {table}")
    step.done("vacuum analyze")
    print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)


def verify(org_id: int) -> bool:
    """The generated facts and cells equal what insights' own `rebuild` makes from the same rows."""
    from django.db import transaction

    from hamyar.insights.models import (
        DomainMonth,
        MunicipalityMonth,
        MunicipalityTotalMonth,
        NeedFact,
        OrderFact,
        ProviderMonth,
        WindowCell,
    )
    from hamyar.insights.services.rollups import rebuild

    def snapshot() -> dict[str, set[tuple]]:
        measures = list(MunicipalityMonth.MEASURES)
        return {
            "domain cells": set(DomainMonth.objects.filter(organization_id=org_id).values_list(
                "domain_id", "month", *measures)),
            "municipality × month cells": set(MunicipalityTotalMonth.objects.filter(
                organization_id=org_id).values_list("municipality_id", "month", *measures)),
            "window cells": set(WindowCell.objects.filter(organization_id=org_id).values_list(
                "municipality_id", "domain_id", *measures)),
            "municipality cells": set(MunicipalityMonth.objects.filter(organization_id=org_id).values_list(
                "municipality_id", "domain_id", "month", *measures)),
            "provider cells": set(ProviderMonth.objects.filter(organization_id=org_id).values_list(
                "provider_id", "domain_id", "month", *measures)),
            "order facts": set(OrderFact.objects.filter(organization_id=org_id).values_list(
                "order_id", "municipality_id", "provider_id", "domain_id", "month", "lines", "amount",
                "received_amount", "closed", "on_time", "rated", "score", "open", "deliveries_received",
                "deliveries_rejected")),
            "need facts": set(NeedFact.objects.filter(organization_id=org_id).values_list(
                "need_id", "municipality_id", "domain_id", "month", "gap", "clocks_measured", "clocks_met")),
        }

    ours = snapshot()
    started = time.perf_counter()
    with transaction.atomic():
        rebuild(org_id)
        theirs = snapshot()
        transaction.set_rollback(True)
    print(f"verify: insights' rebuild took {time.perf_counter() - started:.1f} s")
    same = True
    for name, rows in ours.items():
        differ = len(rows ^ theirs[name])
        same = same and not differ
        print(f"  {name}: {len(rows):,} generated, {len(theirs[name]):,} rebuilt, "
              f"{'equal' if not differ else f'{differ:,} rows DIFFER'}")
    return same


# --------------------------------------------------------------------------- the figures


def month_back(month: int, count: int) -> int:
    """The Jalali month `count` months before `month` (yyyymm)."""
    months = (month // 100) * 12 + month % 100 - 1 - count
    return (months // 12) * 100 + months % 12 + 1


def evaluate(result: Any) -> int:
    """Force every queryset inside a selector's answer to run; the number of rows seen (lists summed).

    Cheap on plain rows (dicts, tuples, numbers, strings are not looked into), so that the time measured is
    the selector's, not this walk's."""
    from django.db.models import QuerySet

    if isinstance(result, QuerySet):
        result = list(result)
    if isinstance(result, list | tuple | set):
        items = list(result)
        if not items or isinstance(items[0], PLAIN):
            return len(items)
        return sum(max(1, evaluate(item)) for item in items)
    if isinstance(result, dict):
        for value in result.values():
            if isinstance(value, dict) or not isinstance(value, PLAIN):
                evaluate(value)
        return 1
    if is_dataclass(result) and not isinstance(result, type):
        nested = [evaluate(value) for f in fields(result)
                  if not isinstance(value := getattr(result, f.name), PLAIN)]
        return sum(nested) or 1
    return 1


PLAIN = (str, int, float, Decimal, dt.date, dt.datetime, type(None), dict, tuple)


class Figures:
    """This file's own dashboard figures over the cells, and the live queries they replace.

    Each reads the smallest cells that answer it: DomainMonth (domain × month) for the organization's
    figures by domain or month, MunicipalityTotalMonth (municipality × month) per municipality,
    WindowCell (municipality × domain over the default window) for the coverage, ProviderMonth per
    provider. The live ones are SQL over the order lines (joined to orders, needs and
    municipalities), the orders with their deliveries, the ratings and the needs.
    """

    def __init__(self, user: Any, org_id: int) -> None:
        from zoneinfo import ZoneInfo

        from django.utils import timezone

        from hamyar.insights.services.rollups import jalali_month

        self.user, self.org = user, org_id
        self.month = jalali_month(timezone.localdate())
        self.since = month_back(self.month, 11)  # the last 12 months
        self.first = month_back(self.month, MONTHS - 1)
        day = sql(f"SELECT min(day) FROM {DAYS} WHERE month = %s", [self.since])[0][0]
        self.since_day = dt.datetime.combine(day, dt.time(0), tzinfo=ZoneInfo("Asia/Tehran"))

    def cells(self, model: Any) -> Any:
        from hamyar.core.scoping import scope

        return scope(model.objects.all(), self.user).order_by()

    # ---- over the cells

    def volume_by_municipality(self) -> list:
        from django.db.models import Sum

        from hamyar.insights.models import MunicipalityTotalMonth

        return list(self.cells(MunicipalityTotalMonth).filter(month__gte=self.since)
                    .values("municipality_id", "municipality__name")
                    .annotate(orders=Sum("orders"), lines=Sum("lines"), amount=Sum("amount"))
                    .order_by("-amount"))

    def volume_by_domain(self) -> list:
        from django.db.models import Sum

        from hamyar.insights.models import DomainMonth

        return list(self.cells(DomainMonth).filter(month__gte=self.since)
                    .values("domain_id", "domain__name")
                    .annotate(orders=Sum("orders"), lines=Sum("lines"), amount=Sum("amount"))
                    .order_by("-amount"))

    def volume_by_month(self) -> list:
        from django.db.models import Sum

        from hamyar.insights.models import DomainMonth

        return list(self.cells(DomainMonth).filter(month__gte=self.first).values("month")
                    .annotate(orders=Sum("orders"), lines=Sum("lines"), amount=Sum("amount"))
                    .order_by("month"))

    def service_levels(self) -> list:
        from django.db.models import Sum

        from hamyar.insights.models import DomainMonth

        return list(self.cells(DomainMonth).filter(month__gte=self.first).values("month")
                    .annotate(measured=Sum("clocks_measured"), met=Sum("clocks_met"), needs=Sum("needs"),
                              gaps=Sum("gaps")).order_by("month"))

    def delivery_on_time(self) -> list:
        from django.db.models import Sum

        from hamyar.insights.models import DomainMonth

        return list(self.cells(DomainMonth).filter(month__gte=self.first).values("month")
                    .annotate(closed=Sum("closed"), on_time=Sum("on_time")).order_by("month"))

    def average_rating(self) -> list:
        from django.db.models import Sum

        from hamyar.insights.models import ProviderMonth

        return list(self.cells(ProviderMonth).filter(month__gte=self.since)
                    .values("provider_id", "provider__name")
                    .annotate(rated=Sum("rated"), score_sum=Sum("score_sum")).order_by("provider__name"))

    def coverage(self) -> list:

        from hamyar.insights.models import WindowCell, WindowOf

        assert WindowOf.objects.get(organization_id=self.org).first_month == self.since
        return list(self.cells(WindowCell).values_list("municipality_id", "domain_id", "orders", "needs",
                                                      "gaps"))

    def small_share_by_month(self) -> list:
        from django.db.models import Sum

        from hamyar.insights.models import DomainMonth, MunicipalityTotalMonth

        small = list(self.cells(MunicipalityTotalMonth).filter(month__gte=self.first,
                                                          municipality__population__lt=SMALL)
                     .values("month").annotate(amount=Sum("amount"), orders=Sum("orders")).order_by("month"))
        total = list(self.cells(DomainMonth).filter(month__gte=self.first).values("month")
                     .annotate(amount=Sum("amount"), orders=Sum("orders")).order_by("month"))
        return [small, total]

    # ---- live

    def live(self, statement: str) -> list:
        return sql(statement, {"org": self.org, "since": self.since_day, "first": self.first,
                               "small": SMALL})

    LINES = f"""commerce_orderline l JOIN commerce_order o ON o.id = l.order_id
                JOIN {DAYS} d ON d.day = (o.created_at AT TIME ZONE 'Asia/Tehran')::date"""
    SINCE = "l.organization_id = %(org)s AND o.created_at >= %(since)s"
    VOLUME = ("count(DISTINCT l.order_id) AS orders, count(*) AS lines, "
              "sum(l.quantity * l.unit_price) AS amount")

    def live_volume_by_municipality(self) -> list:
        return self.live(f"""SELECT o.municipality_id, m.name, {self.VOLUME}
            FROM commerce_orderline l JOIN commerce_order o ON o.id = l.order_id
            JOIN directory_municipality m ON m.id = o.municipality_id
            WHERE {self.SINCE} GROUP BY 1, 2 ORDER BY amount DESC""")

    def live_volume_by_domain(self) -> list:
        return self.live(f"""SELECT n.domain_id, sd.name, {self.VOLUME}
            FROM commerce_orderline l JOIN commerce_order o ON o.id = l.order_id
            JOIN needs_need n ON n.id = o.need_id JOIN directory_servicedomain sd ON sd.id = n.domain_id
            WHERE {self.SINCE} GROUP BY 1, 2 ORDER BY amount DESC""")

    def live_volume_by_month(self) -> list:
        return self.live(f"""SELECT d.month, {self.VOLUME} FROM {self.LINES}
            WHERE l.organization_id = %(org)s AND d.month >= %(first)s GROUP BY 1 ORDER BY 1""")

    def live_service_levels(self) -> list:
        return self.live(f"""SELECT d.month,
                sum((n.triaged_at IS NOT NULL)::int + (n.first_quoted_at IS NOT NULL)::int
                    + (n.status = 'fulfilled' AND n.closed_at IS NOT NULL)::int) AS measured,
                sum(coalesce(n.triaged_at - n.submitted_at <= interval '24 hours', false)::int
                    + coalesce(n.first_quoted_at - n.submitted_at <= interval '72 hours', false)::int
                    + coalesce(n.status = 'fulfilled'
                               AND n.closed_at - n.submitted_at <= interval '30 days', false)::int) AS met,
                count(*) AS needs, sum(n.is_capability_gap::int) AS gaps
            FROM needs_need n JOIN {DAYS} d ON d.day = (n.submitted_at AT TIME ZONE 'Asia/Tehran')::date
            WHERE n.organization_id = %(org)s AND d.month >= %(first)s GROUP BY 1 ORDER BY 1""")

    def live_delivery_on_time(self) -> list:
        return self.live(f"""SELECT d.month, count(*) FILTER (WHERE o.status = 'closed') AS closed,
                count(*) FILTER (WHERE o.status = 'closed' AND (o.due_date IS NULL OR dl.last <= o.due_date))
                    AS on_time
            FROM commerce_order o JOIN {DAYS} d ON d.day = (o.created_at AT TIME ZONE 'Asia/Tehran')::date
            LEFT JOIN (SELECT order_id, max(delivered_on) AS last FROM commerce_delivery
                       WHERE organization_id = %(org)s AND status = 'received' GROUP BY order_id) dl
                ON dl.order_id = o.id
            WHERE o.organization_id = %(org)s AND d.month >= %(first)s GROUP BY 1 ORDER BY 1""")

    def live_average_rating(self) -> list:
        return self.live("""SELECT p.id, p.name, count(*) AS rated, sum(r.score) AS score_sum
            FROM commerce_rating r JOIN commerce_order o ON o.id = r.order_id
            JOIN directory_provider p ON p.id = o.provider_id
            WHERE o.organization_id = %(org)s AND o.created_at >= %(since)s GROUP BY 1, 2 ORDER BY 2""")

    def live_coverage(self) -> list:
        return self.live(f"""SELECT o.municipality_id, n.domain_id, count(DISTINCT l.order_id) AS orders
            FROM commerce_orderline l JOIN commerce_order o ON o.id = l.order_id
            JOIN needs_need n ON n.id = o.need_id WHERE {self.SINCE} GROUP BY 1, 2""")

    def live_small_share_by_month(self) -> list:
        return self.live(f"""SELECT d.month,
                sum(l.quantity * l.unit_price) FILTER (WHERE m.population < %(small)s) AS small,
                sum(l.quantity * l.unit_price) AS amount
            FROM {self.LINES} JOIN directory_municipality m ON m.id = o.municipality_id
            WHERE l.organization_id = %(org)s AND d.month >= %(first)s GROUP BY 1 ORDER BY 1""")

    NAMES = ("volume_by_municipality", "volume_by_domain", "volume_by_month", "service_levels",
             "delivery_on_time", "average_rating", "coverage", "small_share_by_month")


def check_equal(figures: Figures) -> None:
    """The cells say what the live queries say (orders, lines and counts; amounts are net of VAT live)."""
    problems = []
    cells = {r["month"]: (r["orders"], r["lines"]) for r in figures.volume_by_month()}
    live = {month: (orders, lines) for month, orders, lines, _amount in figures.live_volume_by_month()}
    if cells != live:
        problems.append("volume by month")
    cells = {r["municipality_id"]: (r["orders"], r["lines"]) for r in figures.volume_by_municipality()
             if r["orders"]}  # a cell may count needs only
    live = {m: (orders, lines) for m, _name, orders, lines, _a in figures.live_volume_by_municipality()}
    if cells != live:
        problems.append("volume by municipality")
    cells = {r["month"]: (r["closed"], r["on_time"]) for r in figures.delivery_on_time()}
    live = {month: (closed, on_time) for month, closed, on_time in figures.live_delivery_on_time()}
    if cells != live:
        problems.append("on time")
    cells = {r["month"]: (r["measured"], r["met"], r["needs"]) for r in figures.service_levels()}
    live = {month: (measured, met, needs)
            for month, measured, met, needs, _gaps in figures.live_service_levels()}
    if cells != live:
        problems.append("service levels")
    print("cells vs live: " + ("the same orders, lines, on-time and clocks" if not problems
                               else f"DIFFER in {', '.join(problems)}"))


# --------------------------------------------------------------------------- timing


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def timed(run: Callable[[], Any], runs: int, warm: int = 2) -> tuple[float, float, int]:
    """p50 and p95 in milliseconds over `runs` runs after `warm` unmeasured ones, and the rows seen."""
    rows = 0
    for _ in range(warm):
        rows = evaluate(run())
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        evaluate(run())
        times.append((time.perf_counter() - started) * 1000)
    return percentile(times, 50), percentile(times, 95), rows


@dataclass
class Row:
    name: str
    p50: float
    p95: float
    rows: int
    live50: float | None = None
    live95: float | None = None

    @property
    def ratio(self) -> float | None:
        return None if self.live50 is None else self.live50 / self.p50

    @property
    def verdict(self) -> str:
        misses = []
        if self.p95 > P95_TARGET_MS:
            misses.append("p95")
        if self.ratio is not None and self.ratio < RATIO_TARGET:
            misses.append("ratio")
        return "ok" if not misses else "MISSED " + "+".join(misses)


def selectors(user: Any) -> list[tuple[str, Callable[[], Any]]]:
    """The insights selectors the dashboards call, those that exist yet, called as the executive."""
    import importlib

    from django.db.models import Sum

    from hamyar.directory.models import Provider
    from hamyar.insights.models import ProviderMonth

    wanted = {
        "dashboard": ("volume_by_municipality", "volume_by_domain", "volume_by_month", "service_levels",
                      "delivery_on_time", "average_rating", "coverage", "per_capita", "small_share_by_month",
                      "dashboard_as_of", "dashboard_figures"),
        "growth": ("growth_recommendations", "opportunities"),
        "scorecards": ("provider_scorecards", "provider_figures", "provider_scorecard"),
    }
    busiest = Provider.objects.get(pk=ProviderMonth.objects.filter(
        organization_id=user.membership.organization_id).values("provider_id").annotate(n=Sum("orders"))
        .order_by("-n").values("provider_id")[:1])
    found = []
    for module_name, names in wanted.items():
        try:
            module = importlib.import_module(f"hamyar.insights.selectors.{module_name}")
        except Exception as error:  # not written yet, or broken mid-way: say so and go on
            print(f"  skipped: hamyar.insights.selectors.{module_name} ({type(error).__name__}: {error})")
            continue
        for name in names:
            fn = getattr(module, name, None)
            if fn is None:
                print(f"  skipped: {module_name}.{name} does not exist yet")
                continue
            if name in ("provider_scorecard", "provider_figures"):
                found.append((f"{module_name}.{name}", lambda fn=fn: fn(user=user, provider=busiest)))
            else:
                found.append((f"{module_name}.{name}", lambda fn=fn: fn(user=user)))
    return found


def time_queries(user: Any, org_id: int, runs: int, live_runs: int, *, selectors_only: bool) -> list[Row]:
    from hamyar.core.scoping import membership_of

    membership_of(user)
    figures = Figures(user, org_id)
    rows: list[Row] = []
    print(f"\ninsights selectors as the executive (p50/p95 over {runs} runs):", flush=True)
    for name, run in selectors(user):
        try:
            p50, p95, count = timed(run, runs)
        except Exception as error:  # a selector in progress: say so and go on
            print(f"  {name:<40} FAILED: {type(error).__name__}: {error}")
            continue
        rows.append(Row(name, p50, p95, count))
        print(f"  {name:<40} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms   ({count:,} rows)", flush=True)
    if selectors_only:
        return rows
    check_equal(figures)
    print(f"\nthis bench's queries over the cells (p50/p95 over {runs} runs) vs the live GROUP BY "
          f"({live_runs} runs):", flush=True)
    for name in Figures.NAMES:
        p50, p95, count = timed(getattr(figures, name), runs)
        live50, live95, _ = timed(getattr(figures, f"live_{name}"), live_runs, warm=0)
        row = Row(f"cells.{name}", p50, p95, count, live50, live95)
        rows.append(row)
        print(f"  {name:<24} cells p50 {p50:7.1f} ms  p95 {p95:7.1f} ms ({count:,} rows) │ live p50 "
              f"{live50:8.0f} ms  p95 {live95:8.0f} ms │ {row.ratio:6.0f}×  {row.verdict}", flush=True)
    return rows


# --------------------------------------------------------------------------- the write overhead


VARIANTS = ("bare", "kept", "proposed")


@dataclass
class WriteFigures:
    orders: int  # written each way
    ms: dict[str, float]  # per order, by variant
    queries: dict[str, int]  # per order, by variant
    catch_up_ms: float  # the backlog the "kept" orders left, worked off at once (catch_up), per order
    batch_ms: float  # today's refresh_orders once over half the bare orders, per order
    batch_proposed_ms: float  # the proposed one over the other half, per order
    slowest: list[tuple[float, int, str]]  # (ms per order, calls per order, SQL) of today's maintenance
    proposed_agrees: bool  # today's refresh finds nothing to change after the proposed one

    @staticmethod
    def per_line(ms: float) -> float:
        return ms / LINES_PER_ORDER

    def overhead(self, variant: str) -> float:
        return (self.ms[variant] - self.ms["bare"]) / self.ms["bare"] * 100

    def batch_overhead(self, ms: float) -> float:
        return ms / self.ms["bare"] * 100


def time_writes(org_id: int, orders: int) -> WriteFigures:
    """Orders of 5 lines as `order_build` writes them, one transaction each, in turn: without the rollup
    maintenance ("bare"), with today's (`announce(Order, …)` → a note in the rollups' backlog: "kept"),
    and with the older proposal of bench/rollups_proposed.py, synchronous ("proposed"); then the kept
    orders' backlog worked off at once (`catch_up`); all rolled back at the end."""
    import rollups_proposed
    from django.db import connection, transaction
    from django.utils import timezone

    from hamyar.accounts.models import Membership
    from hamyar.commerce.models import Order, Quotation, QuotationLine
    from hamyar.commerce.services import order_build
    from hamyar.core.changes import announce, rows_changed
    from hamyar.directory.models import Municipality
    from hamyar.insights.receivers import on_rows_changed
    from hamyar.insights.services.rollups import catch_up, refresh_orders
    from hamyar.needs.models import Need

    rng = random.Random(7)
    officer = Membership.objects.get(organization_id=org_id, role="commerce_officer").user
    towns = list(Municipality.objects.filter(organization_id=org_id).values_list("pk", "population"))
    weights = [float(population) ** 0.8 for _pk, population in towns]
    recent = list(Order.objects.filter(organization_id=org_id).order_by("-pk")
                  .values_list("need__domain_id", "provider_id")[:500])
    now = timezone.now()
    announced: list[type] = []

    def spy(sender: type, **_: Any) -> None:
        announced.append(sender)

    seconds = dict.fromkeys(VARIANTS, 0.0)
    queries = dict.fromkeys(VARIANTS, 0)
    written: dict[str, list[int]] = {variant: [] for variant in VARIANTS}
    by_sql: dict[str, list[float]] = defaultdict(list)
    state = {"queries": 0, "in_refresh": False}

    def counting(execute: Callable, statement: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            state["queries"] += 1
            if state["in_refresh"]:
                by_sql[statement.split(" WHERE ")[0][:100]].append(time.perf_counter() - started)

    with transaction.atomic():
        picks = [(rng.choices(towns, weights=weights)[0][0], rng.choice(recent))
                 for _ in range(len(VARIANTS) * orders)]
        needs = Need.objects.bulk_create(
            Need(organization_id=org_id, municipality_id=town, number=f"N-W-{i}", kind="goods",
                 domain_id=domain, title="سنجش نوشتن", status="approved", provider_id=provider,
                 created_by=officer, submitted_at=now, triaged_at=now, assigned_at=now, first_quoted_at=now,
                 approved_at=now)
            for i, (town, (domain, provider)) in enumerate(picks))
        quotations = Quotation.objects.bulk_create(
            Quotation(organization_id=org_id, need=need, provider_id=need.provider_id, number=f"Q-W-{i}",
                      status="approved", valid_until=now.date(), vat_percent=10, subtotal=5_000_000,
                      vat_amount=500_000, total=5_500_000, prepared_by=officer, sent_at=now, decided_at=now)
            for i, need in enumerate(needs))
        QuotationLine.objects.bulk_create(
            QuotationLine(organization_id=org_id, quotation=q, description=f"قلم {k}", quantity=1 + k,
                          unit="piece", unit_price=1_000_000, amount=(1 + k) * 1_000_000)
            for q in quotations for k in range(LINES_PER_ORDER))
        quotations = list(Quotation.objects.filter(pk__in=[q.pk for q in quotations]).select_related("need")
                          .order_by("pk"))
        rows_changed.connect(spy, dispatch_uid="bench.spy")
        rows_changed.disconnect(dispatch_uid="insights.rollups")  # connected for "kept" only
        with connection.execute_wrapper(counting):
            for i, quotation in enumerate(quotations):
                variant = VARIANTS[i % len(VARIANTS)]
                if variant == "kept":
                    rows_changed.connect(on_rows_changed, dispatch_uid="insights.rollups")
                before = state["queries"]
                announced.clear()
                started = time.perf_counter()
                with transaction.atomic():
                    order = order_build(quotation=quotation)
                    if variant == "kept" and Order not in announced:  # unless order_build announces itself
                        state["in_refresh"] = True
                        announce(Order, [order.pk])
                        state["in_refresh"] = False
                    elif variant == "proposed":
                        rollups_proposed.refresh_orders([order.pk])
                seconds[variant] += time.perf_counter() - started
                queries[variant] += state["queries"] - before
                written[variant].append(order.pk)
                if variant == "kept":
                    rows_changed.disconnect(dispatch_uid="insights.rollups")
        started = time.perf_counter()
        noted = catch_up(org_id)
        caught_up = time.perf_counter() - started
        assert noted >= orders, noted
        half = len(written["bare"]) // 2
        started = time.perf_counter()
        refresh_orders(written["bare"][:half])
        batch = time.perf_counter() - started
        started = time.perf_counter()
        rollups_proposed.refresh_orders(written["bare"][half:])
        batch_proposed = time.perf_counter() - started
        # Today's refresh after the proposed one: nothing to change (no write) if they agree.
        writes: list[str] = []
        with connection.execute_wrapper(lambda execute, statement, *rest: (
                writes.append(statement) if statement.lstrip().startswith(("INSERT", "UPDATE", "DELETE"))
                else None, execute(statement, *rest))[1]):
            refresh_orders(written["proposed"])
        rows_changed.disconnect(dispatch_uid="bench.spy")
        rows_changed.connect(on_rows_changed, dispatch_uid="insights.rollups")
        transaction.set_rollback(True)
    slowest = sorted(((sum(t) * 1000 / orders, round(len(t) / orders), s) for s, t in by_sql.items()),
                     reverse=True)
    return WriteFigures(orders, {v: seconds[v] * 1000 / orders for v in VARIANTS},
                        {v: round(queries[v] / orders) for v in VARIANTS}, caught_up * 1000 / orders,
                        batch * 1000 / half,
                        batch_proposed * 1000 / (orders - half), slowest, proposed_agrees=not writes)


def print_writes(w: WriteFigures) -> None:
    print(f"\nwrite overhead ({w.orders} orders of {LINES_PER_ORDER} lines each way, in turn, each in its "
          "own transaction, all rolled back at the end):")
    labels = {"bare": "order_build, no maintenance", "kept": "order_build + announce → backlog note",
              "proposed": "order_build + proposed refresh (4 queries)"}
    for variant in VARIANTS:
        overhead = "" if variant == "bare" else f"  overhead {w.overhead(variant):+.0f}%"
        print(f"  {labels[variant]:<44} {w.ms[variant]:6.2f} ms per order, "
              f"{w.per_line(w.ms[variant]):5.2f} ms per line, {w.queries[variant]:2d} queries per order"
              f"{overhead}")
    verdict = {v: "ok" if w.overhead(v) <= OVERHEAD_TARGET else "MISSED" for v in ("kept", "proposed")}
    print(f"  target ≤ {OVERHEAD_TARGET:.0f}%: today {verdict['kept']}, proposed {verdict['proposed']}; "
          "the proposal leaves "
          f"{'the same' if w.proposed_agrees else 'DIFFERENT'} facts and cells as today's refresh")
    half = w.orders // 2
    print(f"  the backlog of the {w.orders} kept orders worked off at once (catch_up, as the periodic task "
          f"or the next reader does): {w.catch_up_ms:.2f} ms per order, "
          f"{w.per_line(w.catch_up_ms):.3f} ms per line = "
          f"{w.batch_overhead(w.catch_up_ms):.0f}% of the write")
    for label, ms in ((f"today's refresh_orders over {half} orders at once", w.batch_ms),
                      (f"the proposed one over {w.orders - half} at once", w.batch_proposed_ms)):
        print(f"  batched ({label}, as a background task would): {ms:.2f} ms per order, "
              f"{w.per_line(ms):.3f} ms per line = {w.batch_overhead(ms):.0f}% of the write")
    print("  where today's maintenance spends its time (ms per order, queries per order):")
    for ms, calls, statement in w.slowest[:10]:
        print(f"    {ms:6.3f} ms  ×{calls}  {statement}")


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--lines", type=int, default=10_000_000, help="order lines to generate")
    parser.add_argument("--fresh", action="store_true", help="generate again even if the data is there")
    parser.add_argument("--verify", action="store_true",
                        help="compare the generated rollups with insights' rebuild (small sizes)")
    parser.add_argument("--runs", type=int, default=20, help="timed runs of each query over the cells")
    parser.add_argument("--live-runs", type=int, default=3,
                        help="timed runs of each live GROUP BY (seconds each at 10M lines)")
    parser.add_argument("--write-orders", type=int, default=300, help="orders written each way")
    parser.add_argument("--hamyar", metavar="CHECKOUT",
                        help="import hamyar from this checkout instead (to time selectors not merged yet)")
    parser.add_argument("--generate-only", action="store_true",
                        help="generate (or check) the data, no timing")
    parser.add_argument("--selectors-only", action="store_true",
                        help="time only the insights selectors (no live queries, no writes)")
    args = parser.parse_args()
    if args.hamyar:
        sys.path.insert(0, str(Path(args.hamyar).resolve()))
    configure(args.database_url)
    from django.contrib.auth import get_user_model

    from hamyar.directory.models import Organization
    from hamyar.insights.models import MunicipalityMonth, ProviderMonth

    generate(args.lines, fresh=args.fresh)
    org = Organization.objects.get(slug=slug_of(args.lines))
    if args.verify:
        verify(org.pk)
    if args.generate_only:
        return
    executive = get_user_model().objects.get(username=f"{org.slug}-executive")
    version = sql("SELECT version()")[0][0].split(" on ")[0]
    print(f"\n{version}: {args.lines:,} order lines; "
          f"{MunicipalityMonth.objects.filter(organization=org).count():,} municipality cells, "
          f"{ProviderMonth.objects.filter(organization=org).count():,} provider cells")
    print(f"load average before timing: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} CPUs")
    rows = time_queries(executive, org.pk, args.runs, args.live_runs, selectors_only=args.selectors_only)
    writes = None if args.selectors_only else time_writes(org.pk, args.write_orders)
    if writes is not None:
        print_writes(writes)
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    seconds = sql(f"SELECT seconds FROM {MARKER} WHERE slug = %s", [org.slug])[0][0]
    print(f"\nsummary ({args.lines:,} order lines, generated in {seconds:.0f} s; targets p95 ≤ "
          f"{P95_TARGET_MS:.0f} ms, ≥ {RATIO_TARGET:.0f}× the live query, write overhead ≤ "
          f"{OVERHEAD_TARGET:.0f}%)")
    print(f"  {'query':<42} {'p50 ms':>8} {'p95 ms':>8} {'live p50':>9} {'ratio':>7}  verdict")
    for row in rows:
        live = "" if row.live50 is None else f"{row.live50:9.0f}"
        ratio = "" if row.ratio is None else f"{row.ratio:6.0f}×"
        print(f"  {row.name:<42} {row.p50:8.1f} {row.p95:8.1f} {live:>9} {ratio:>7}  {row.verdict}")
    for variant in ("kept", "proposed") if writes is not None else ():
        overhead = writes.overhead(variant)
        print(f"  {'write per order line, ' + ('today' if variant == 'kept' else 'proposed'):<42} "
              f"{writes.per_line(writes.ms['bare']):8.2f} → {writes.per_line(writes.ms[variant]):.2f} ms  "
              f"{overhead:+.0f}%  {'ok' if overhead <= OVERHEAD_TARGET else 'MISSED'}")


if __name__ == "__main__":
    main()
