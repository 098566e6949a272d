"""One municipality's share of a group purchase as a Persian PDF, laid out like a quotation: the pool,
the agency under which the organization buys, its own lines at the pooled price, the totals and what it
saves against buying alone. Before allocation the figures are an estimate at the pool's current tier."""

from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from hamyar.core.errors import ApplicationError, InvalidInput, NotFound
from hamyar.core.money import format_toman, vat_amount
from hamyar.core.pdf import html_to_pdf, pdf_fonts

from . import selectors
from .models import GroupPurchase
from .selectors.group_purchases import Place, PoolState


@dataclass
class ShareLine:
    name: str
    unit: str
    quantity: int
    unit_price: int
    amount: int


@dataclass
class Share:
    """What the PDF shows of one place: its lines, and its amounts fixed or estimated."""

    group_purchase: GroupPurchase
    state: PoolState
    place: Place
    lines: list[ShareLine]
    estimate: bool
    tier: int | None
    subtotal: int
    vat_amount: int
    total: int

    @property
    def saving(self) -> int:
        return self.place.alone_subtotal - self.subtotal


def share_of(group_purchase: GroupPurchase, user: Any, municipality_id: int | None = None) -> Share:
    """The share `user` may print: a municipality its own (naming another is 404); officers and the
    supplier the one of `municipality_id`, among the places they may read."""
    state = selectors.pool_state(group_purchase, user)
    if state.own is not None:
        if municipality_id not in (None, state.own.participant.municipality_id):
            raise NotFound()
        place = state.own
    elif municipality_id is None:
        message = _("Choose the municipality whose share to print.")
        raise InvalidInput(message, extra={"fields": {"municipality": [str(message)]}})
    else:
        place = next((p for p in state.places if p.participant.municipality_id == municipality_id), None)
        if place is None:
            raise NotFound()
    if not place.lines and place.participant.order_id is None:
        raise ApplicationError(_("%(municipality)s has no quantity in group purchase %(number)s.")
                               % {"municipality": place.participant.municipality.name,
                                  "number": group_purchase.number}, code="group_share_empty")
    return _share(group_purchase, state, place)


def _share(group_purchase: GroupPurchase, state: PoolState, place: Place) -> Share:
    participant = place.participant
    estimate = participant.order_id is None
    current = next((tier for tier in state.tiers if tier.current), None)
    fixed = {row.item_id: row.unit_price for row in state.items}
    names = {row.item_id: row.item for row in state.items}
    lines = []
    for item_id, quantity in sorted(place.lines.items()):
        price = (current.prices.get(item_id, 0) if current else 0) if estimate else (fixed.get(item_id) or 0)
        item = names[item_id]
        lines.append(ShareLine(item.name, item.get_unit_display(), quantity, price, quantity * price))
    if estimate:
        subtotal = place.expected_subtotal
        vat = vat_amount(subtotal, group_purchase.vat_percent)
        total = subtotal + vat
    else:
        subtotal, vat, total = participant.subtotal, participant.vat_amount, participant.total
    return Share(group_purchase, state, place, lines, estimate, current.from_quantity if current else None,
                 subtotal, vat, total)


def file_name(share: Share) -> str:
    return f"{share.group_purchase.number}-{share.place.participant.municipality_id}.pdf"


def share_pdf_html(share: Share) -> str:
    pool = share.group_purchase
    with translation.override("fa"):
        return render_to_string("commerce/pdf/group_share.html", {
            "share": share, "pool": pool, "agreement": pool.agreement, "organization": pool.organization,
            "participant": share.place.participant, "total_toman": format_toman(share.total),
            "saving_toman": format_toman(share.saving), **pdf_fonts(),
        })


def share_pdf_bytes(share: Share) -> bytes:
    """The PDF of a share: right to left, Vazirmatn embedded from the installed package."""
    return html_to_pdf(share_pdf_html(share))
