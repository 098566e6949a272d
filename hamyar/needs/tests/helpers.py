"""Needs built through the services, as the people who own each step would: tests start where they need."""

import datetime as dt

from django.utils import timezone

from hamyar.catalog.tests.catalog_data import Catalog
from hamyar.needs import services
from hamyar.needs.choices import NeedKind
from hamyar.needs.models import Need


def goods_need(tenant, catalog: Catalog, *, quantity: int = 40, user=None, **extra) -> Need:
    """District 9 asks for `quantity` park benches for Vakilabad Park (a draft)."""
    values = {
        "kind": NeedKind.GOODS, "title": "نیمکت برای پارک وکیل‌آباد", "site": tenant.vakilabad,
        "description": "نیمکت فلزی برای مسیر پیاده‌روی", "budget_estimate": 8_000_000_000,
        "desired_date": timezone.localdate() + dt.timedelta(days=45),
        "lines": [{"item": catalog.bench, "quantity": quantity}], **extra,
    }
    return services.need_create(acting_user=user or tenant.users["district9"], **values)


def project_need(tenant, **extra) -> Need:
    values = {
        "kind": NeedKind.PROJECT, "title": "ساماندهی اراضی بایر", "domain": tenant.green,
        "description": "طراحی و کاشت فضای سبز در زمین بایر شمال پارک", "site": tenant.vakilabad,
        "budget_estimate": 25_000_000_000, "desired_date": timezone.localdate() + dt.timedelta(days=120),
        **extra,
    }
    return services.need_create(acting_user=tenant.users["district9"], **values)


def submitted(tenant, need: Need) -> Need:
    return services.need_submit(need=need, acting_user=need.created_by)


def triaged(tenant, need: Need) -> Need:
    submitted(tenant, need)
    return services.need_triage(need=need, acting_user=tenant.users["commerce"])


def assigned(tenant, need: Need) -> Need:
    triaged(tenant, need)
    return services.need_assign(need=need, acting_user=tenant.users["commerce"])
