"""The arithmetic of a pool, kept pure so it can be tried with generated numbers.

- A tier is (from quantity, unit price) of the supplier's price list; a quantity pays the price of
  the highest tier it reaches (below the lowest tier, the lowest tier's price).
- The supplier order's VAT is rounded once (core.money.vat_amount). Each share's VAT is its exact
  part rounded down, and the Rials left over go one each to the shares with the largest remainders
  (earliest first on a tie): the shares add up to the supplier order to the Rial, and no share is
  more than one Rial from its exact part.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from hamyar.core.money import vat_amount

Tiers = Sequence[tuple[int, int]]  # (from quantity, unit price), any order


def tier_price(tiers: Tiers, quantity: int) -> int:
    """The unit price `quantity` units pay."""
    ordered = sorted(tiers)
    price = ordered[0][1]
    for from_quantity, unit_price in ordered:
        if from_quantity <= quantity:
            price = unit_price
    return price


def tier_reached(tiers: Tiers, quantity: int) -> int:
    """The "from quantity" of the tier `quantity` reaches (the lowest one below it)."""
    ordered = sorted(tiers)
    reached = ordered[0][0]
    for from_quantity, _price in ordered:
        if from_quantity <= quantity:
            reached = from_quantity
    return reached


@dataclass(frozen=True)
class Share:
    subtotal: int
    vat_amount: int
    alone_subtotal: int

    @property
    def total(self) -> int:
        return self.subtotal + self.vat_amount

    @property
    def saving(self) -> int:
        return self.alone_subtotal - self.subtotal


@dataclass(frozen=True)
class Allocation:
    """The supplier order and each share of it, in the order the shares were given."""

    pooled_quantity: int
    prices: dict[int, int]  # item → pooled unit price
    item_quantities: dict[int, int]
    subtotal: int
    vat_amount: int
    shares: list[Share]

    @property
    def total(self) -> int:
        return self.subtotal + self.vat_amount


def split_vat(subtotals: Sequence[int], percent: Decimal | int | str) -> tuple[int, list[int]]:
    """The VAT of the sum of `subtotals` (rounded once) and each subtotal's part of it, summing exactly."""
    whole = vat_amount(sum(subtotals), percent)
    rate = Fraction(Decimal(str(percent))) / 100
    exact = [subtotal * rate for subtotal in subtotals]
    parts = [int(value) for value in exact]  # floor: every value is ≥ 0
    left = whole - sum(parts)
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in by_remainder[:left]:
        parts[i] += 1
    return whole, parts


def allocate(tiers: Mapping[int, Tiers], shares: Sequence[Mapping[int, int]],
             percent: Decimal | int | str) -> Allocation:
    """Price a pool: `tiers` per item, each share's quantity per item; the pooled quantity (all items
    together, as they are interchangeable) fixes the tier of every item."""
    item_quantities: dict[int, int] = {}
    for lines in shares:
        for item, quantity in lines.items():
            item_quantities[item] = item_quantities.get(item, 0) + quantity
    pooled = sum(item_quantities.values())
    prices = {item: tier_price(tiers[item], pooled) for item in tiers}
    subtotals = []
    alone = []
    for lines in shares:
        own = sum(lines.values())
        subtotals.append(sum(quantity * prices[item] for item, quantity in lines.items()))
        alone.append(sum(quantity * tier_price(tiers[item], own) for item, quantity in lines.items()))
    vat, parts = split_vat(subtotals, percent)
    return Allocation(
        pooled_quantity=pooled, prices=prices, item_quantities=item_quantities,
        subtotal=sum(subtotals), vat_amount=vat,
        shares=[Share(s, v, a) for s, v, a in zip(subtotals, parts, alone, strict=True)],
    )
