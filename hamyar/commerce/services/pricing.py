"""Pricing a quotation: the price list's tier price of each line, a changed price's reason, VAT, and the
validity and lead time a quotation may have. Nothing here saves: the quotation services do."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hamyar.catalog.models import CatalogItem, Price
from hamyar.catalog.selectors import item_price_tiers
from hamyar.core.errors import InvalidInput
from hamyar.core.money import vat_amount
from hamyar.core.text import normalize
from hamyar.directory.models import AgencyAgreement, Provider
from hamyar.needs.models import Need, NeedLine

from ..models import CommercePolicy, Quotation, QuotationLine

# The rest is for the quotation services.
__all__ = ["MAX_PRICE", "MAX_VALIDITY_DAYS", "LineInput", "line_price", "tier_price"]

MAX_PRICE = 10**15  # Rial per unit; a bigint holds more, but no price comes near this
MAX_VALIDITY_DAYS = 365


def tier_price(tiers: Iterable[Price], quantity: int) -> int | None:
    """The unit price of the tier with the highest minimum quantity not above `quantity`."""
    eligible = [t for t in tiers if t.min_quantity <= quantity]
    return max(eligible, key=lambda t: t.min_quantity).unit_price if eligible else None


def line_price(*, item: CatalogItem | None, provider: Provider, quantity: int) -> int | None:
    """The list price of `quantity` of the provider's item: its newest price list in force, at its tier."""
    if item is None or item.provider_id != provider.pk:
        return None
    return tier_price(item_price_tiers(item=item), quantity)


@dataclass
class LineInput:
    """One line as the preparer gives it: a need line (priced from the list unless a price is given
    with a reason), or a described line with its own quantity, unit and price (services, projects)."""

    need_line: NeedLine | None = None
    description: str = ""
    quantity: int | None = None
    unit: str = ""
    unit_price: int | None = None
    price_reason: str = ""


def agreement_in_force(provider: Provider) -> AgencyAgreement | None:
    """The supplier's newest agency agreement in force today: without one a supplier cannot quote."""
    today = timezone.localdate()
    return (
        AgencyAgreement.objects.filter(supplier=provider, starts_on__lte=today, ends_on__gte=today)
        .order_by("-ends_on", "-pk")
        .first()
    )


def _line_error(index: int, message: "str | Promise") -> InvalidInput:
    return InvalidInput(message, extra={"fields": {f"lines.{index}": [str(message)]}})


def price_lines(need: Need, provider: Provider, lines: list[LineInput] | None) -> list[QuotationLine]:
    """The quotation's lines, priced; nothing is saved here. A price that is not the list price needs a
    reason; a line no price list prices needs a price."""
    if lines is None:
        lines = [LineInput(need_line=line) for line in need.lines.select_related("item").order_by("pk")]
    if not lines:
        raise InvalidInput(_("A quotation needs at least one line."), extra={"fields": {"lines": [
            str(_("A quotation needs at least one line."))]}})
    seen: set[int] = set()
    priced = []
    for index, given in enumerate(lines):
        quantity: int | None
        reason = normalize(given.price_reason or "")[:300]
        if given.need_line is not None:
            need_line = given.need_line
            if need_line.need_id != need.pk:
                raise _line_error(index, _("This line is not one of the need's lines."))
            if need_line.pk in seen:
                raise _line_error(index, _("A need line is priced twice."))
            seen.add(need_line.pk)
            item = need_line.item
            description = need_line.description or (item.name if item else "")
            quantity, unit = need_line.quantity, need_line.unit
        else:
            item, description = None, normalize(given.description or "")[:300]
            quantity, unit = given.quantity, (given.unit or "").strip()[:10]
            if not description:
                raise _line_error(index, _("Describe the line."))
            if not quantity or quantity < 1 or quantity > 10_000_000:
                raise _line_error(index, _("Enter a quantity of at least 1."))
            if not unit:
                raise _line_error(index, _("Enter the unit of measure."))
        list_price = line_price(item=item, provider=provider, quantity=quantity)
        unit_price = given.unit_price
        if unit_price is None:
            if list_price is None:
                raise _line_error(index, _("No price list in force prices “%(line)s”; enter its unit price.")
                                  % {"line": description})
            unit_price = list_price
        if unit_price < 0 or unit_price > MAX_PRICE:
            raise _line_error(index, _("Enter a unit price of zero Rial or more."))
        if list_price is not None and unit_price != list_price and not reason:
            message = _("The price of “%(line)s” differs from the price list; give the reason.")
            raise _line_error(index, message % {"line": description})
        if list_price is not None and unit_price == list_price:
            reason = ""
        priced.append(QuotationLine(
            organization_id=need.organization_id, need_line=given.need_line, item=item,
            description=description, quantity=quantity, unit=unit, list_price=list_price,
            unit_price=unit_price, price_reason=reason, amount=quantity * unit_price,
        ))
    return priced


def apply_totals(quotation: Quotation, lines: list[QuotationLine]) -> None:
    quotation.vat_percent = Decimal(str(settings.HAMYAR_VAT_PERCENT))
    quotation.subtotal = sum(line.amount for line in lines)
    quotation.vat_amount = vat_amount(quotation.subtotal, quotation.vat_percent)
    quotation.total = quotation.subtotal + quotation.vat_amount


def check_valid_until(value: date | None, policy: CommercePolicy) -> date:
    today = timezone.localdate()
    if value is None:
        return today + timedelta(days=policy.quotation_validity_days)
    if value < today:
        message = _("The validity date must not be in the past.")
        raise InvalidInput(message, extra={"fields": {"valid_until": [str(message)]}})
    if value > today + timedelta(days=MAX_VALIDITY_DAYS):
        message = _("A quotation is valid for at most a year.")
        raise InvalidInput(message, extra={"fields": {"valid_until": [str(message)]}})
    return value


def check_lead_time(value: int | None) -> int | None:
    if value is not None and not (0 <= value <= 3650):
        message = _("Enter a lead time of 0 to 3650 days.")
        raise InvalidInput(message, extra={"fields": {"lead_time_days": [str(message)]}})
    return value


def default_lead_time(lines: list[QuotationLine]) -> int | None:
    days = [line.item.lead_time_days for line in lines if line.item is not None]
    return max(days) if days else None

