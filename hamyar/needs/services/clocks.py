"""The service levels of a domain, and the daily reminder of whoever an overdue need waits for."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import User
from hamyar.accounts.services import notify
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.changes import announce
from hamyar.core.errors import NotFound
from hamyar.core.roles import Role
from hamyar.core.scoping import require_role
from hamyar.directory.models import ServiceDomain

from ..matching import assigned_provider_ids
from ..models import Need, ServiceLevel
from ..sla import ServiceLevels, clocked, need_clocks, overdue_clock
from .common import invalid, need_lock, need_url, officers, provider_users

__all__ = ["MAX_SERVICE_HOURS", "SERVICE_LEVEL_EDITORS", "need_remind_overdue", "service_level_clear",
           "service_level_set"]

SERVICE_LEVEL_EDITORS = (Role.ORG_ADMIN,)
MAX_SERVICE_HOURS = 24 * 365


# ---------------------------------------------------------------- service levels


def _hours(value: object, field: str, errors: dict[str, list[Any]]) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SERVICE_HOURS:
        errors[field] = [_("Enter a whole number from 1 to 8,760.")]
        return None
    return value


def service_level_set(*, acting_user: User, domain: ServiceDomain, triage_hours: int,
                      first_quotation_hours: int, delivery_days: int) -> ServiceLevel:
    """The organization admin sets a domain's targets (its sub-domains without their own inherit them)."""
    membership = require_role(acting_user, *SERVICE_LEVEL_EDITORS)
    if not isinstance(domain, ServiceDomain) or domain.organization_id != membership.organization_id:
        raise NotFound()
    errors: dict[str, list] = {}
    hours = {"triage_hours": _hours(triage_hours, "triage_hours", errors),
             "first_quotation_hours": _hours(first_quotation_hours, "first_quotation_hours", errors),
             "delivery_days": _hours(delivery_days, "delivery_days", errors)}
    if errors:
        raise invalid(errors)
    values = {key: value for key, value in hours.items() if value is not None}  # all three: no errors
    if values["first_quotation_hours"] < values["triage_hours"]:
        raise invalid({"first_quotation_hours": [_("The first quotation cannot be due before triage.")]})
    with transaction.atomic():
        level = ServiceLevel.objects.select_for_update().filter(
            organization_id=membership.organization_id, domain=domain).first()
        before = snapshot(level) if level else None
        if level is None:
            level = ServiceLevel(organization_id=membership.organization_id, domain=domain)
        for key, value in values.items():
            setattr(level, key, value)
        level.save()
        announce(ServiceDomain, [domain.pk])  # its needs' clocks are judged against the new targets
        audit_record(actor=acting_user, action="service_level.set", obj=level, before=before,
                     after=snapshot(level))
    return level


def service_level_clear(*, acting_user: User, level: ServiceLevel) -> None:
    """The domain goes back to its parent's targets (or the default)."""
    membership = require_role(acting_user, *SERVICE_LEVEL_EDITORS)
    if level.organization_id != membership.organization_id:
        raise NotFound()
    with transaction.atomic():
        audit_record(actor=acting_user, action="service_level.clear", obj=level, before=snapshot(level))
        level.delete()
        announce(ServiceDomain, [level.domain_id])


# ---------------------------------------------------------------- reminders


def need_remind_overdue(*, now: dt.datetime | None = None) -> int:
    """Remind, once a day per need, whoever an overdue need waits for; returns how many were reminded.

    Triage late: the commerce officers. First quotation late: the providers asked (the officers when
    none is yet). Delivery late: the assigned provider and the officers.
    """
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    open_needs = clocked(Need.objects.all()).select_related("municipality").order_by("organization_id", "pk")
    levels: dict[int, ServiceLevels] = {}
    reminded = 0
    for need in open_needs.iterator(chunk_size=500):
        if need.last_reminded_at and timezone.localtime(need.last_reminded_at).date() >= today:
            continue
        if need.organization_id not in levels:
            levels[need.organization_id] = ServiceLevels(need.organization_id)
        late = overdue_clock(need_clocks(need, levels=levels[need.organization_id], now=now))
        if late is None:
            continue
        with transaction.atomic():
            locked = need_lock(need)
            if locked.status != need.status or (
                    locked.last_reminded_at and timezone.localtime(locked.last_reminded_at).date() >= today):
                continue
            before = snapshot(locked)
            locked.last_reminded_at = now
            locked.save(update_fields=["last_reminded_at", "updated_at"])
            audit_record(actor=None, action="need.remind", obj=locked, before=before, after=snapshot(locked))
            org = locked.organization_id
            providers = sorted(assigned_provider_ids(locked)) if late.name != "delivery" else (
                [locked.provider_id] if locked.provider_id else [])
            recipients: list[User] = []
            for provider_id in providers:
                recipients += provider_users(org, provider_id)
            if late.name == "triage" or not recipients or late.name == "delivery":
                recipients += officers(org)
            notify(organization_id=org, recipients=recipients,
                   subject=_("Need %(number)s is overdue: %(clock)s has passed its target.")
                   % {"number": locked.number, "clock": late.label}, url=need_url(locked))
            reminded += 1
    return reminded
