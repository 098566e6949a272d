"""What the group purchase API answers: a pool in a list, one pool as its reader may see it (built from
`selectors.pool_state`), and the candidates for an invitation."""

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

from hamyar.core.apikit import NumberRef, Ref, jalali_text
from hamyar.core.money import format_toman, vat_amount
from hamyar.core.roles import MUNICIPALITY_ROLES
from hamyar.core.scoping import membership_of

from ..choices import GroupPurchaseStatus, ParticipantStatus
from ..models import GroupPurchase
from ..selectors.group_purchases import Place, PoolState


class GroupPurchaseOut(Schema):
    id: int
    number: str
    title: str
    status: GroupPurchaseStatus
    status_label: str
    provider: Ref
    opens_on: date
    opens_on_jalali: str
    closes_on: date
    closes_on_jalali: str
    minimum_quantity: int
    target_quantity: int = Field(..., description="The tier aimed for (its from quantity).")
    max_per_municipality: int | None
    cancel_reason: str = Field("", description="Why the officer cancelled it (empty unless cancelled).")
    created_at: datetime

    @staticmethod
    def resolve_status_label(obj: GroupPurchase) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_opens_on_jalali(obj: GroupPurchase) -> str | None:
        return jalali_text(obj.opens_on)

    @staticmethod
    def resolve_closes_on_jalali(obj: GroupPurchase) -> str | None:
        return jalali_text(obj.closes_on)


class PoolAgreementOut(Schema):
    id: int
    number: str
    starts_on: date
    starts_on_jalali: str
    ends_on: date
    ends_on_jalali: str


class PoolItemPriceOut(Schema):
    item: int
    unit_price: int = Field(..., description="Rial")


class PoolTierOut(Schema):
    from_quantity: int
    prices: list[PoolItemPriceOut]
    reached: bool
    current: bool = Field(..., description="The tier the pooled quantity pays now.")
    target: bool


class PoolItemOut(Schema):
    id: int = Field(..., description="The catalog item.")
    name: str
    unit: str
    unit_price: int | None = Field(None, description="Rial, fixed at close.")


class PoolShareLineOut(Schema):
    item: int
    quantity: int


class PoolPlaceOut(Schema):
    municipality: Ref
    status: ParticipantStatus
    status_label: str
    invitation_reason: str
    suggested_quantity: int | None
    quantity: int
    lines: list[PoolShareLineOut]
    need: NumberRef | None = None
    joined_at: datetime | None
    waiting: bool = Field(..., description="Below the minimum, it waits for an extended window.")
    expected_subtotal: int = Field(..., description="Rial at the current tier; once allocated, the share.")
    alone_subtotal: int = Field(..., description="Rial at its own quantity's tier.")
    expected_saving: int = Field(..., description="Rial")
    vat_amount: int = Field(..., description="Rial; estimated until allocated.")
    total: int = Field(..., description="Rial, VAT included; estimated until allocated.")
    total_toman: str
    order: NumberRef | None = Field(None, description="Its own order, once allocated.")


class PoolSupplierOrderOut(Schema):
    number: str
    subtotal: int = Field(..., description="Rial")
    vat_amount: int = Field(..., description="Rial")
    total: int = Field(..., description="Rial")
    saving: int = Field(..., description="Rial, all shares together, against each alone.")


class GroupPurchaseDetailOut(GroupPurchaseOut):
    description: str
    agreement: PoolAgreementOut
    vat_percent: str
    pooled_quantity: int
    joined_count: int
    to_target: int
    to_minimum: int
    percent_of_target: int
    current_tier: int | None = Field(None, description="The from quantity of the tier the pool pays now.")
    tiers: list[PoolTierOut]
    items: list[PoolItemOut]
    places: list[PoolPlaceOut] = Field(..., description="A municipality reads its own place only.")
    own: PoolPlaceOut | None = Field(None, description="The caller's municipality's place.")
    expected_saving: int = Field(..., description="Rial, over the places the caller may read.")
    supplier_order: PoolSupplierOrderOut | None = Field(None, description="Officers and the supplier, once "
                                                                    "ordered.")

    # The detail is built as a dict (pool_detail), with these already in it.
    @staticmethod
    def resolve_status_label(obj: dict) -> str:
        return obj["status_label"]

    @staticmethod
    def resolve_opens_on_jalali(obj: dict) -> str:
        return obj["opens_on_jalali"]

    @staticmethod
    def resolve_closes_on_jalali(obj: dict) -> str:
        return obj["closes_on_jalali"]


class InvitationCandidateOut(Schema):
    municipality: Ref
    reason: str
    suggested: int | None
    invited: bool


def _place(place: Place, pool: GroupPurchase) -> dict[str, Any]:
    participant = place.participant
    allocated = participant.order_id is not None
    vat = participant.vat_amount if allocated else vat_amount(place.expected_subtotal, pool.vat_percent)
    total = participant.total if allocated else place.expected_subtotal + vat
    return {
        "municipality": participant.municipality, "status": participant.status,
        "status_label": str(participant.get_status_display()),
        "invitation_reason": participant.invitation_reason,
        "suggested_quantity": participant.suggested_quantity,
        "quantity": participant.quantity,
        "lines": [{"item": item, "quantity": quantity} for item, quantity in sorted(place.lines.items())],
        "need": participant.need, "joined_at": participant.joined_at,
        "waiting": participant.waiting_since is not None, "expected_subtotal": place.expected_subtotal,
        "alone_subtotal": place.alone_subtotal, "expected_saving": place.expected_saving,
        "vat_amount": vat, "total": total, "total_toman": format_toman(total, persian_digits=False),
        "order": participant.order,
    }


def pool_detail(pool: GroupPurchase, state: PoolState, user: Any) -> dict[str, Any]:
    """One pool as `user` may read it (the state comes from `selectors.pool_state(pool, user)`)."""
    agreement = pool.agreement
    membership = membership_of(user)
    municipality = membership is not None and membership.role in MUNICIPALITY_ROLES
    current = next((tier.from_quantity for tier in state.tiers if tier.current), None)
    return {
        **{name: getattr(pool, name) for name in (
            "id", "number", "title", "status", "provider", "opens_on", "closes_on", "minimum_quantity",
            "target_quantity", "max_per_municipality", "created_at", "description", "cancel_reason")},
        "status_label": str(pool.get_status_display()),
        "opens_on_jalali": jalali_text(pool.opens_on), "closes_on_jalali": jalali_text(pool.closes_on),
        "agreement": {"id": agreement.pk, "number": agreement.number, "starts_on": agreement.starts_on,
                      "starts_on_jalali": jalali_text(agreement.starts_on), "ends_on": agreement.ends_on,
                      "ends_on_jalali": jalali_text(agreement.ends_on)},
        "vat_percent": str(pool.vat_percent), "pooled_quantity": state.pooled_quantity,
        "joined_count": state.joined_count, "to_target": state.to_target, "to_minimum": state.to_minimum,
        "percent_of_target": state.percent_of_target, "current_tier": current,
        "tiers": [{"from_quantity": tier.from_quantity, "reached": tier.reached, "current": tier.current,
                   "target": tier.target,
                   "prices": [{"item": item, "unit_price": price}
                              for item, price in sorted(tier.prices.items())]}
                  for tier in state.tiers],
        "items": [{"id": row.item_id, "name": row.item.name, "unit": row.item.unit,
                   "unit_price": row.unit_price} for row in state.items],
        "places": [_place(place, pool) for place in state.places],
        "own": _place(state.own, pool) if state.own is not None else None,
        "expected_saving": state.expected_saving,
        "supplier_order": None if municipality or not pool.order_number else {
            "number": pool.order_number, "subtotal": pool.subtotal, "vat_amount": pool.vat_amount,
            "total": pool.total, "saving": pool.saving},
    }
