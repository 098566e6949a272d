"""Closing a big group purchase: 1,400 municipalities × 50 items, in bulk and the naive way.

    .venv/bin/python bench/group_close.py
    .venv/bin/python bench/group_close.py --database-url postgres://postgres@127.0.0.1:5432/h_bench
    .venv/bin/python bench/group_close.py --municipalities 200      # a quick run

Each run builds a fresh organization in the benchmark's own database (never the application's): a
supplier under an agency agreement, a set of 50 interchangeable items priced in one list with tiers,
1,400 municipalities (one user each) joined with 50 lines each, loaded in bulk (joining is not what
is measured). Then it times `group_purchase_close` (close, supplier order, and allocation: one
approved quotation and one placed order per municipality, 70,000 quotation lines and 70,000 order
lines) and counts its queries; and, in a transaction rolled back afterwards, the naive way: per
municipality a quotation and its lines, then `order_build` with `next_number` per document and
`audit_record` per order; and, on a second pool built alike, each municipality's order the way one order
is made in Hamyar, through its services (the officer's quotation_create and quotation_send, the
municipality's quotation_approve). The times and both ratios are printed. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from benchdb import configure  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/h_bench"
ITEMS = 50
TIERS = ((1, 10_000_000), (1_000, 9_600_000), (10_000, 9_200_000), (50_000, 8_900_000))


# --------------------------------------------------------------------------- building


def build(municipalities: int):  # noqa: ANN201 — returns (pool, officer); models import after setup
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from hamyar.accounts.models import Membership, User
    from hamyar.catalog.services import PriceRow, item_create, price_list_publish
    from hamyar.commerce.choices import ParticipantStatus
    from hamyar.commerce.models import Participant, ParticipantLine
    from hamyar.commerce.services import group_purchase_create
    from hamyar.core.roles import Role
    from hamyar.directory.choices import MunicipalityKind, ProviderKind
    from hamyar.directory.models import AgencyAgreement, Municipality, Organization, Provider, ServiceDomain
    from hamyar.needs.choices import NeedKind, NeedStatus
    from hamyar.needs.models import Need, NeedLine

    call_command("migrate", verbosity=0)
    stamp = f"{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}"
    today = timezone.localdate()
    with transaction.atomic():
        org = Organization.objects.create(name=f"سازمان همیاری آزمون {stamp}", slug=f"bench-group-{stamp}",
                                          province="خراسان رضوی")
        officer = User.objects.create_user(username=f"bench-group-{stamp}-commerce", password=None)
        Membership.objects.create(organization=org, user=officer, role=Role.COMMERCE_OFFICER)
        domain = ServiceDomain.objects.create(organization=org, code="urban-furniture", name="مبلمان شهری")
        name = "نیمکت‌سازان توس"
        supplier = Provider.objects.create(organization=org, name=name, search_name=name,
                                           kind=ProviderKind.SUPPLIER, legal_id="10320000002")
        agreement = AgencyAgreement.objects.create(
            organization=org, supplier=supplier, number=f"A-{stamp}", commission_percent=5,
            starts_on=today - dt.timedelta(days=100), ends_on=today + dt.timedelta(days=265))
        agreement.domains.set([domain])
        items = [item_create(acting_user=officer, data={
            "provider": supplier, "domain": domain, "code": f"BN-{i:03d}", "name": f"نیمکت پارکی مدل {i}",
            "unit": "piece", "lead_time_days": 21}) for i in range(ITEMS)]
        price_list_publish(acting_user=officer, provider=supplier, title="فهرست بهای جاری",
                           valid_from=today - dt.timedelta(days=30), valid_until=None,
                           rows=[PriceRow(item, q, price - 1000 * i)
                                 for i, item in enumerate(items) for q, price in TIERS])
        pool = group_purchase_create(
            acting_user=officer, title="نیمکت برای همه", item_ids=[item.pk for item in items],
            opens_on=today, closes_on=today + dt.timedelta(days=10), minimum_quantity=1_000,
            target_quantity=50_000)
        towns = Municipality.objects.bulk_create(
            Municipality(organization=org, name=f"شهر {i}", search_name=f"شهر {i}",
                         kind=MunicipalityKind.CITY, population=20_000 + i) for i in range(municipalities))
        users = User.objects.bulk_create(User(username=f"bench-group-{stamp}-m{i}", password="!")
                                         for i in range(municipalities))
        Membership.objects.bulk_create(
            Membership(organization=org, user=user, role=Role.MUNICIPALITY_USER, municipality=town)
            for user, town in zip(users, towns, strict=True))
        now = timezone.now()
        needs = Need.objects.bulk_create(
            Need(organization=org, municipality=town, number=f"N-B-{i:05d}", kind=NeedKind.GOODS,
                 domain=domain, title="سهم خرید گروهی", status=NeedStatus.ASSIGNED, provider=supplier,
                 created_by=officer,
                 submitted_at=now, triaged_at=now, assigned_at=now) for i, town in enumerate(towns))
        need_lines = NeedLine.objects.bulk_create(
            (NeedLine(organization=org, need=need, item=item, description=item.name, quantity=1 + (i + j) % 3,
                      unit="piece") for i, need in enumerate(needs) for j, item in enumerate(items)),
            batch_size=5000)
        places = Participant.objects.bulk_create(
            Participant(organization=org, group_purchase=pool, municipality=town,
                        status=ParticipantStatus.JOINED, invitation_reason="دعوت", need=need,
                        need_made_here=True, joined_at=now,
                        quantity=sum(1 + (i + j) % 3 for j in range(ITEMS)))
            for i, (town, need) in enumerate(zip(towns, needs, strict=True)))
        ParticipantLine.objects.bulk_create(
            (ParticipantLine(organization=org, participant=places[k // ITEMS], item_id=line.item_id,
                             need_line=line, quantity=line.quantity) for k, line in enumerate(need_lines)),
            batch_size=5000)
    return pool, officer


# --------------------------------------------------------------------------- timing


def time_close(pool, officer) -> tuple[float, float, int, list[tuple[float, str]]]:
    """The close through its commit; then, apart, the e-mails its notifications queue once it committed
    (one task per recipient, accounts.notify's, each in its own transaction)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from hamyar.commerce.services import group_purchase_close

    reverse("commerce:group_purchase_list")  # the URLconf loaded, as in a running server
    pending = []
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        with transaction.atomic():
            closed = group_purchase_close(group_purchase=pool, acting_user=officer)
            pending, connection.run_on_commit[:] = list(connection.run_on_commit), []
        elapsed = time.perf_counter() - started
    started = time.perf_counter()
    for _savepoints, hook, _robust in pending:
        hook()
    mails = time.perf_counter() - started
    assert closed.status == "allocated", closed.status
    slowest = sorted(((float(q["time"]), q["sql"][:140]) for q in queries.captured_queries), reverse=True)[:5]
    return elapsed, mails, len(queries.captured_queries), slowest


def time_naive(pool, officer) -> tuple[float, int]:
    """The single-order path, municipality by municipality, each in its own transaction as an approval
    is: a quotation and its lines, `order_build` (numbers one at a time), one audit event per order."""
    from django.db import connection, transaction
    from django.utils import timezone

    from hamyar.commerce.choices import QuotationStatus
    from hamyar.commerce.models import Participant, Quotation, QuotationLine
    from hamyar.commerce.services import order_build
    from hamyar.core.audit import audit_record, snapshot
    from hamyar.core.numbering import next_number

    places = list(Participant.objects.filter(group_purchase=pool).select_related("need").order_by("pk"))
    prices = dict(pool.items.values_list("item_id", "unit_price"))
    lines = {}
    for place in places:
        lines[place.pk] = list(place.lines.select_related("item").order_by("pk"))
    now = timezone.now()
    queries = []

    def counted(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        started = time.perf_counter()
        for place in places:
            with transaction.atomic():
                subtotal = sum(line.quantity * prices[line.item_id] for line in lines[place.pk])
                quotation = Quotation.objects.create(
                    organization_id=pool.organization_id, need=place.need, provider_id=pool.provider_id,
                    number=next_number(pool.organization_id, "Q"), revision=2,
                    status=QuotationStatus.APPROVED, agreement_id=pool.agreement_id, valid_until=now.date(),
                    vat_percent=pool.vat_percent, subtotal=subtotal, vat_amount=subtotal // 10,
                    total=subtotal + subtotal // 10, prepared_by=officer, sent_at=now, decided_at=now)
                QuotationLine.objects.bulk_create(
                    QuotationLine(organization_id=pool.organization_id, quotation=quotation, item=line.item,
                                  need_line_id=line.need_line_id, description=line.item.name,
                                  quantity=line.quantity, unit=line.item.unit,
                                  unit_price=prices[line.item_id],
                                  amount=line.quantity * prices[line.item_id])
                    for line in lines[place.pk])
                order = order_build(quotation=quotation)
                audit_record(actor=officer, action="order.place", obj=order, after=snapshot(order))
        elapsed = time.perf_counter() - started
    return elapsed, len(queries)


def time_through_services(pool, officer, municipalities: int) -> tuple[float, int]:
    """Each municipality's order the way one order is made in Hamyar: the officer prices its need
    (quotation_create, at the pooled tier's prices with the reason given) and sends it, and the
    municipality's user approves it (quotation_approve places the order). On a second pool built alike,
    never closed; all inside one transaction rolled back at the end, so no commit and no e-mail is
    counted for it (the close's own commit is counted: the comparison leans towards this path)."""
    from django.db import connection, transaction

    from hamyar.accounts.models import Membership
    from hamyar.commerce.models import Participant
    from hamyar.commerce.services import LineInput, quotation_approve, quotation_create, quotation_send
    from hamyar.commerce.services.group_pricing import tier_price
    from hamyar.commerce.services.group_purchases import tiers_of

    tiers = tiers_of(pool)
    pooled = sum(Participant.objects.filter(group_purchase=pool).values_list("quantity", flat=True))
    prices = {item: tier_price(rows, pooled) for item, rows in tiers.items()}
    places = list(Participant.objects.filter(group_purchase=pool).select_related("need").order_by("pk"))
    clerks = {m.municipality_id: m.user for m in Membership.objects.filter(
        organization_id=pool.organization_id, role="municipality_user").select_related("user")}
    need_lines = {place.pk: list(place.need.lines.order_by("pk")) for place in places}
    queries = []

    def counted(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        started = time.perf_counter()
        with transaction.atomic():
            for place in places[:municipalities]:
                reason = f"قیمت تجمیعی {pool.number}"
                lines = [LineInput(need_line=line, unit_price=prices[line.item_id], price_reason=reason)
                         for line in need_lines[place.pk]]
                quotation = quotation_create(need=place.need, acting_user=officer, lines=lines)
                quotation = quotation_send(quotation=quotation, acting_user=officer)
                quotation_approve(quotation=quotation, acting_user=clerks[place.municipality_id])
            elapsed = time.perf_counter() - started
            transaction.set_rollback(True)
    return elapsed, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--municipalities", type=int, default=1400)
    args = parser.parse_args()
    configure(args.database_url)
    from django.db import connection

    started = time.perf_counter()
    pool, officer = build(args.municipalities)
    lines = args.municipalities * ITEMS
    print(f"{connection.vendor}: {args.municipalities:,} municipalities × {ITEMS} items = {lines:,} lines "
          f"joined, built in {time.perf_counter() - started:.1f} s")
    close, mails, queries, slowest = time_close(pool, officer)
    print(f"group_purchase_close: {close:.2f} s through its commit, {queries} queries "
          f"({args.municipalities:,} quotations + orders, {2 * lines:,} quotation and order lines"
          f"{' by COPY' if connection.vendor == 'postgresql' else ''})"
          f"  target ≤ 5 s: {'ok' if close <= 5 else 'MISSED'}")
    for seconds, sql in slowest:
        print(f"    {seconds:6.3f} s  {sql}")
    print(f"  then, after the commit, its {args.municipalities:,} notification e-mails queued: {mails:.2f} s")
    naive, naive_queries = time_naive(pool, officer)
    ratio = naive / close
    print(f"naive, one order at a time (own transaction each): {naive:.2f} s, {naive_queries:,} queries")
    print(f"ratio: {ratio:.1f}×  target ≥ 10×: {'ok' if ratio >= 10 else 'MISSED'}")
    print(f"ratio with the e-mails counted in the close: {naive / (close + mails):.1f}×")
    second, second_officer = build(args.municipalities)
    served, served_queries = time_through_services(second, second_officer, args.municipalities)
    print(f"through the services one order takes (create, send, approve; no commit counted): "
          f"{served:.2f} s, {served_queries:,} queries")
    print(f"ratio: {served / close:.1f}×  target ≥ 10×: {'ok' if served / close >= 10 else 'MISSED'}")

if __name__ == "__main__":
    main()
