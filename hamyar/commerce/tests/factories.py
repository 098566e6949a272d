"""Needs in a given state, built with the ORM (fast): commerce tests start where triage ended.

The needs app's own tests drive the same states through its services.
"""

import datetime as dt
from itertools import count

from django.utils import timezone

from hamyar.catalog.tests.catalog_data import Catalog, build_catalog
from hamyar.commerce.models import CommercePolicy
from hamyar.needs.choices import AssignmentKind, NeedKind, NeedStatus
from hamyar.needs.models import Assignment, Need, NeedLine

_numbers = count(1)


def assigned_need(tenant, catalog: Catalog | None = None, *, quantity: int = 40, provider=None,
                  municipality=None, status: NeedStatus = NeedStatus.ASSIGNED) -> Need:
    """District 9 asks for `quantity` park benches for Vakilabad Park, assigned to the supplier."""
    catalog = catalog or build_catalog(tenant)
    provider = provider or tenant.supplier
    now = timezone.now()
    need = Need.objects.create(
        organization=tenant.org, municipality=municipality or tenant.district9,
        number=f"N-TEST-{next(_numbers):05d}", kind=NeedKind.GOODS, domain=tenant.furniture,
        title="نیمکت برای پارک وکیل‌آباد", description="نیمکت فلزی برای مسیر پیاده‌روی",
        site=tenant.vakilabad if municipality is None else None, budget_estimate=8_000_000_000,
        desired_date=timezone.localdate() + dt.timedelta(days=45), status=status, provider=provider,
        created_by=tenant.users["district9"], submitted_at=now - dt.timedelta(hours=30),
        triaged_at=now - dt.timedelta(hours=20), assigned_at=now - dt.timedelta(hours=19),
    )
    NeedLine.objects.create(organization=tenant.org, need=need, item=catalog.bench,
                            description=catalog.bench.name, quantity=quantity, unit=catalog.bench.unit)
    Assignment.objects.create(organization=tenant.org, need=need, provider=provider,
                              kind=AssignmentKind.PRIMARY, rank=1, assigned_by=tenant.users["commerce"])
    return need


def set_policy(tenant, **thresholds: int) -> CommercePolicy:
    """The organization's commerce policy stored with these thresholds (the rest at their defaults)."""
    policy, _created = CommercePolicy.objects.update_or_create(organization=tenant.org, defaults=thresholds)
    return policy
