"""Writing a need: a draft with its catalog lines, and changes to it while it is a draft."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import Membership, User
from hamyar.catalog.models import CatalogItem
from hamyar.core.audit import audit_record
from hamyar.core.changes import announce
from hamyar.core.errors import ApplicationError
from hamyar.core.lifecycle import lock_in_scope
from hamyar.core.numbering import next_number
from hamyar.core.roles import Role
from hamyar.core.scoping import in_scope, require_role
from hamyar.core.text import normalize
from hamyar.directory.models import MunicipalAsset, Municipality, ServiceDomain

from ..choices import AUTHORS, NeedKind, NeedStatus
from ..models import Need, NeedLine
from ..selectors import NOT_A_DRAFT, offered_items
from .common import invalid, need_snapshot, shown_on

__all__ = ["MAX_BUDGET", "MAX_LINES", "MAX_QUANTITY", "need_create", "need_update"]

MAX_LINES = 200
MAX_QUANTITY = 10_000_000
MAX_BUDGET = 10**15


def _clean(acting_user: User, membership: Membership, values: dict[str, Any], *, existing: Need | None = None
           ) -> tuple[dict[str, Any], list[dict] | None]:
    """The need's fields and lines, checked; InvalidInput with a message per field otherwise."""
    errors: dict[str, list] = {}
    cleaned: dict[str, Any] = {}

    # The municipality: a municipality user's own; an officer names the one it writes for.
    municipality = values.get("municipality", existing.municipality if existing else None)
    if membership.role == Role.MUNICIPALITY_USER:
        if municipality is not None and municipality.pk != membership.municipality_id:
            errors["municipality"] = [_("You can write needs only for your own municipality.")]
        municipality = membership.municipality
    elif municipality is None or not isinstance(municipality, Municipality) or not in_scope(municipality,
                                                                                          acting_user):
        errors["municipality"] = [_("Choose the municipality the need is for.")]
        municipality = None
    cleaned["municipality"] = municipality

    kind = values.get("kind", existing.kind if existing else None)
    if kind not in NeedKind.values:
        errors["kind"] = [_("Choose what is needed: goods, a service or a project.")]
    cleaned["kind"] = kind

    title = normalize(values.get("title", existing.title if existing else ""))
    if not title:
        errors["title"] = [_("Give the need a short title.")]
    elif len(title) > 200:
        errors["title"] = [_("Keep the title under 200 characters.")]
    cleaned["title"] = title

    description = normalize(values.get("description", existing.description if existing else ""),
                            multiline=True)
    if kind in (NeedKind.SERVICE, NeedKind.PROJECT) and not description:
        errors["description"] = [_("Describe the service or project: what, where and how much.")]
    elif len(description) > 10_000:
        errors["description"] = [_("Keep the description under 10,000 characters.")]
    cleaned["description"] = description

    site = values.get("site", existing.site if existing else None)
    if site is not None and (not isinstance(site, MunicipalAsset) or municipality is None
                             or site.municipality_id != municipality.pk):
        errors["site"] = [_("The site must be one of the municipality's own assets.")]
    elif site is None and kind == NeedKind.PROJECT:
        errors["site"] = [_("Choose the site of the project among the municipality's assets.")]
    cleaned["site"] = site

    budget = values.get("budget_estimate", existing.budget_estimate if existing else None)
    if budget is not None and (isinstance(budget, bool) or not isinstance(budget, int)
                               or not 0 <= budget <= MAX_BUDGET):
        errors["budget_estimate"] = [_("The budget estimate is a whole number of Rial, zero or more.")]
    elif budget is None and kind == NeedKind.PROJECT:
        errors["budget_estimate"] = [_("Give the project's budget estimate in Rial.")]
    cleaned["budget_estimate"] = budget

    desired = values.get("desired_date", existing.desired_date if existing else None)
    if desired is not None and (not isinstance(desired, dt.date) or desired < timezone.localdate()):
        errors["desired_date"] = [_("The desired date must not be in the past.")]
    elif desired is None and kind == NeedKind.PROJECT:
        errors["desired_date"] = [_("Give the date the project should be done by.")]
    cleaned["desired_date"] = desired

    lines = None
    if "lines" in values or existing is None:
        lines = _clean_lines(acting_user, values.get("lines") or [], kind, errors)
    elif kind == NeedKind.PROJECT and existing.lines.exists():
        errors["lines"] = [_("A project is described in words; it has no catalog lines.")]
    elif kind == NeedKind.GOODS and not existing.lines.exists():
        errors["lines"] = [_("Add at least one item from the catalog, with its quantity.")]

    domain = values.get("domain", existing.domain if existing else None)
    if domain is None and kind == NeedKind.GOODS and lines:
        domain = lines[0]["item"].domain
    if domain is None or not isinstance(domain, ServiceDomain) or not in_scope(domain, acting_user):
        errors["domain"] = [_("Choose the service domain of the need.")]
    cleaned["domain"] = domain

    if errors:
        raise invalid(errors)
    return cleaned, lines


def _clean_lines(acting_user: User, raw: list[dict[str, Any]], kind: str | None,
                 errors: dict[str, list[Any]]) -> list[dict[str, Any]]:
    if kind == NeedKind.PROJECT:
        if raw:
            errors["lines"] = [_("A project is described in words; it has no catalog lines.")]
        return []
    if kind == NeedKind.GOODS and not raw:
        errors["lines"] = [_("Add at least one item from the catalog, with its quantity.")]
        return []
    if len(raw) > MAX_LINES:
        errors["lines"] = [_("A need has at most 200 lines.")]
        return []
    items = {i.pk: i for i in offered_items(user=acting_user).filter(
        pk__in=[item.pk for item in (line.get("item") for line in raw) if isinstance(item, CatalogItem)])}
    cleaned, seen = [], set()
    for line in raw:
        item, quantity = line.get("item"), line.get("quantity")
        if not isinstance(item, CatalogItem) or item.pk not in items:
            errors["lines"] = [_("Choose items from the catalog the organization offers you today.")]
            return []
        if item.pk in seen:
            errors["lines"] = [_("“%(item)s” is listed twice; give it one line with the total quantity.")
                               % {"item": item.name}]
            return []
        seen.add(item.pk)
        if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
            errors["lines"] = [_("Each quantity is a whole number from 1 to 10,000,000.")]
            return []
        cleaned.append({"item": items[item.pk], "quantity": quantity,
                        "description": normalize(line.get("description") or "")[:300] or items[item.pk].name})
    return cleaned


def _write_lines(need: Need, lines: list[dict[str, Any]]) -> None:
    NeedLine.objects.filter(need=need).delete()
    NeedLine.objects.bulk_create(
        NeedLine(organization_id=need.organization_id, need=need, item=line["item"],
                 description=line["description"], quantity=line["quantity"], unit=line["item"].unit)
        for line in lines
    )


def need_create(*, acting_user: User, kind: str, title: str, municipality: Municipality | None = None,
                domain: ServiceDomain | None = None, description: str = "",
                site: MunicipalAsset | None = None,
                budget_estimate: int | None = None, desired_date: dt.date | None = None,
                lines: list[dict[str, Any]] | None = None) -> Need:
    """A draft need: goods (catalog lines with quantities), a service, or a project on one of the
    municipality's assets. `lines` are {"item": CatalogItem, "quantity": int}."""
    membership = require_role(acting_user, *AUTHORS)
    values = {"municipality": municipality, "kind": kind, "title": title, "domain": domain,
              "description": description, "site": site, "budget_estimate": budget_estimate,
              "desired_date": desired_date, "lines": lines or []}
    cleaned, clean_lines = _clean(acting_user, membership, values)
    with transaction.atomic():
        need = Need(organization_id=membership.organization_id, created_by=acting_user,
                    number=next_number(membership.organization_id, "N"), status=NeedStatus.DRAFT, **cleaned)
        need.save()
        _write_lines(need, clean_lines or [])
        audit_record(actor=acting_user, action="need.create", obj=need, after=need_snapshot(need))
    return need


def need_update(*, need: Need, acting_user: User, **changes: Any) -> Need:
    """Change a draft; `lines`, when given, replaces every line. Only a draft can change."""
    allowed = {"municipality", "kind", "title", "domain", "description", "site", "budget_estimate",
               "desired_date", "lines"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"need_update got unknown fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = lock_in_scope(need, acting_user)
        membership = require_role(acting_user, *AUTHORS)
        if locked.status != NeedStatus.DRAFT:
            raise ApplicationError(NOT_A_DRAFT, code="need_state")
        before = need_snapshot(locked)
        cleaned, lines = _clean(acting_user, membership, changes, existing=locked)
        for key, value in cleaned.items():
            setattr(locked, key, value)
        locked.save()
        announce(Need, [locked.pk])
        if lines is not None:
            _write_lines(locked, lines)
        audit_record(actor=acting_user, action="need.update", obj=locked, before=before,
                     after=need_snapshot(locked))
    return shown_on(need, locked)
