"""A small organization of known dealings for the executive dashboard, written with the ORM at chosen
dates, then summed by `rebuild` (the figures below are worked out by hand from these rows).

Months are counted back from the current Jalali month: M1 is last month, M2 the one before, M13 is
outside the 12-month window but inside the 36-month trend.

| order | municipality | domain | month | amount (Rial) | state | rating | need's triage clock |
|---|---|---|---|---|---|---|---|
| A | District 9 | green | M1 | 1,000,000,000 | closed on time | 4 | met |
| B | District 9 | furniture | M2 | 500,000,000 | closed late | 2 | missed |
| C | Neyshabur | green | M1 | 300,000,000 | placed | — | met |
| D | Shandiz (40,000 residents) | furniture | M2 | 200,000,000 | placed | — | running |
| E | District 9 | green | M13 | 9,999,000,000 | placed | — | met |

and two needs without an order: District 10's lighting need in M1 (a capability gap, triage met), and
a draft of District 9 in green (not submitted: no month, counted nowhere). The other tenant has one
order of 7,777,000,000 in M1 that the first must never see.
"""

import datetime as dt
from dataclasses import dataclass, field
from itertools import count

from django.utils import timezone

from hamyar.commerce.choices import DeliveryStatus, OrderStatus, QuotationStatus
from hamyar.commerce.models import Delivery, Order, Quotation, Rating
from hamyar.core.jalali import add_months, month_start
from hamyar.directory.choices import MunicipalityKind
from hamyar.directory.models import Municipality
from hamyar.insights.selectors.dashboard import current_month
from hamyar.insights.services.rollups import rebuild
from hamyar.needs.choices import NeedKind, NeedStatus
from hamyar.needs.models import Need

_numbers = count(1)


@dataclass
class Dealings:
    m1: int
    m2: int
    m13: int
    shandiz: Municipality
    needs: dict[str, Need] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)


def day_in(month: int, hour: int = 10) -> dt.datetime:
    """The 11th of a Jalali month, in Tehran: safely inside it."""
    return month_start(month) + dt.timedelta(days=10, hours=hour)


def make_need(tenant, municipality, domain, when: dt.datetime | None, *, triage_hours: int | None = None,
              gap: bool = False, status: str = NeedStatus.APPROVED) -> Need:
    n = next(_numbers)
    return Need.objects.create(
        organization=tenant.org, municipality=municipality, number=f"N-T-{n:05d}", kind=NeedKind.GOODS,
        domain=domain, title=f"نیاز آزمایشی {n}", status=status if when else NeedStatus.DRAFT,
        created_by=tenant.users["district9"], submitted_at=when, is_capability_gap=gap,
        triaged_at=when + dt.timedelta(hours=triage_hours) if when and triage_hours is not None else None)


def make_order(tenant, municipality, domain, when: dt.datetime, amount: int, *, provider=None,
               closed_on_time: bool | None = None, score: int | None = None,
               triage_hours: int | None = 2) -> tuple[Need, Order]:
    """An order (and its need, submitted the same day) placed at `when`; closed on time or late when
    `closed_on_time` is given, rated `score`."""
    need = make_need(tenant, municipality, domain, when, triage_hours=triage_hours)
    provider = provider or tenant.supplier
    n = next(_numbers)
    quotation = Quotation.objects.create(
        organization=tenant.org, need=need, provider=provider, number=f"Q-T-{n:05d}",
        status=QuotationStatus.APPROVED, valid_until=when.date() + dt.timedelta(days=30), vat_percent=10,
        subtotal=amount, total=amount, prepared_by=tenant.users["commerce"])
    due = when.date() + dt.timedelta(days=20)
    closed = closed_on_time is not None
    order = Order.objects.create(
        organization=tenant.org, quotation=quotation, need=need, municipality=municipality, provider=provider,
        number=f"O-T-{n:05d}", status=OrderStatus.CLOSED if closed else OrderStatus.PLACED, total=amount,
        due_date=due, closed_at=when + dt.timedelta(days=25) if closed else None)
    Order.objects.filter(pk=order.pk).update(created_at=when)
    if closed:
        delivered = due - dt.timedelta(days=5) if closed_on_time else due + dt.timedelta(days=5)
        Delivery.objects.create(organization=tenant.org, order=order, number=f"D-T-{n:05d}",
                                status=DeliveryStatus.RECEIVED, delivered_on=delivered,
                                recorded_by=tenant.users["supplier"])
    if score is not None:
        Rating.objects.create(organization=tenant.org, order=order, provider=provider, score=score,
                              on_time=bool(closed_on_time), rated_by=tenant.users["district9"])
    return need, order


def build_dealings(tenant, other_tenant=None) -> Dealings:
    now = current_month()
    m1, m2, m13 = add_months(now, -1), add_months(now, -2), add_months(now, -13)
    shandiz = Municipality.objects.create(organization=tenant.org, name="شاندیز", search_name="شاندیز",
                                          kind=MunicipalityKind.CITY, population=40_000, area_ha=2_000)
    data = Dealings(m1, m2, m13, shandiz)
    for key, args, extra in (
        ("A", (tenant.district9, tenant.green, day_in(m1), 1_000_000_000),
         {"closed_on_time": True, "score": 4}),
        ("B", (tenant.district9, tenant.furniture, day_in(m2), 500_000_000),
         {"closed_on_time": False, "score": 2, "triage_hours": 48}),
        ("C", (tenant.neyshabur, tenant.green, day_in(m1, 15), 300_000_000), {}),
        ("D", (shandiz, tenant.furniture, day_in(m2, 15), 200_000_000), {"triage_hours": None}),
        ("E", (tenant.district9, tenant.green, day_in(m13), 9_999_000_000), {}),
    ):
        data.needs[key], data.orders[key] = make_order(tenant, *args, **extra)
    data.needs["gap"] = make_need(tenant, tenant.district10, tenant.lighting, day_in(m1), triage_hours=3,
                                  gap=True, status=NeedStatus.SUBMITTED)
    data.needs["draft"] = make_need(tenant, tenant.district9, tenant.green, None)
    rebuild(tenant.org.pk)
    if other_tenant is not None:
        make_order(other_tenant, other_tenant.district9, other_tenant.green, day_in(m1), 7_777_000_000)
        rebuild(other_tenant.org.pk)
    assert timezone.now() > day_in(m1)
    return data
