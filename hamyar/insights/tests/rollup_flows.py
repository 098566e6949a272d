"""The writes the rollups follow, each through its real service, by the person who takes it."""

import datetime as dt
from typing import Any

from django.utils import timezone

from hamyar.catalog.tests.catalog_data import Catalog
from hamyar.commerce import services as commerce
from hamyar.commerce.choices import OrderStatus
from hamyar.commerce.models import Delivery, Order, Quotation
from hamyar.commerce.tests.factories import set_policy
from hamyar.directory.models import ServiceDomain
from hamyar.finance import services as finance
from hamyar.finance.models import Invoice
from hamyar.needs import services as needs
from hamyar.needs.choices import NeedKind
from hamyar.needs.models import Need, ServiceLevel

from .rollup_check import differences


class Shop:
    """One tenant's people, acting through the services; the commerce policy lets the clerk approve."""

    def __init__(self, tenant: Any, catalog: Catalog) -> None:
        self.tenant = tenant
        self.catalog = catalog
        self.users = tenant.users
        set_policy(tenant, deputy_approval_above=10**13, mayor_approval_above=10**13,
                   quotation_validity_days=15)

    def clerk(self, need: Need | Order) -> Any:
        """District 9's procurement clerk or District 10's user (its post is the clerk's)."""
        return self.users["district9" if need.municipality_id == self.tenant.district9.pk else "district10"]

    # ------------------------------------------------------------ needs

    def need(self, *, district10: bool = False, quantity: int = 10) -> Need:
        """A goods need of benches, submitted by its municipality."""
        user = self.users["district10" if district10 else "district9"]
        draft = needs.need_create(
            acting_user=user, kind=NeedKind.GOODS, title="نیمکت پارک", description="نیمکت فلزی",
            desired_date=timezone.localdate() + dt.timedelta(days=60),
            lines=[{"item": self.catalog.bench, "quantity": quantity}])
        return needs.need_submit(need=draft, acting_user=user)

    def triage(self, need: Need, domain: ServiceDomain | None = None) -> Need:
        return needs.need_triage(need=need, acting_user=self.users["commerce"], domain=domain)

    def gap(self, need: Need) -> Need:
        return needs.need_mark_gap(need=need, acting_user=self.users["commerce"], reason="کسی نیست")

    def cancel(self, need: Need) -> Need:
        return needs.need_cancel(need=need, acting_user=self.clerk(need), reason="دیگر لازم نیست")

    def reject(self, need: Need) -> Need:
        return needs.need_reject(need=need, acting_user=self.users["commerce"], reason="خارج از خدمات")

    # ------------------------------------------------------------ orders

    def order(self, need: Need) -> Order:
        """Assigned to the supplier, priced from its list, sent and approved by the clerk: the order."""
        needs.need_assign(need=need, acting_user=self.users["commerce"], provider=self.tenant.supplier)
        quotation = commerce.quotation_create(need=need, acting_user=self.users["supplier"])
        quotation = commerce.quotation_send(quotation=quotation, acting_user=self.users["supplier"])
        fresh = Quotation.objects.select_related("need", "need__municipality").get(pk=quotation.pk)
        commerce.quotation_approve(quotation=fresh, acting_user=self.clerk(need))
        return Order.objects.get(quotation=quotation)

    def start(self, order: Order) -> Order:
        return commerce.order_start(order=order, acting_user=self.users["supplier"])

    def deliver(self, order: Order, quantity: int) -> Delivery:
        """`quantity` of its one line delivered today (the order taken in hand first if it is not yet)."""
        order.refresh_from_db()
        if order.status == OrderStatus.PLACED:
            self.start(order)
        line = order.lines.get()
        return commerce.delivery_record(order=order, acting_user=self.users["supplier"],
                                        quantities={line.pk: quantity}, delivered_on=timezone.localdate())

    def receive(self, delivery: Delivery) -> Delivery:
        return commerce.receipt_confirm(delivery=delivery, acting_user=self.clerk(delivery.order))

    def refuse(self, delivery: Delivery, reason: str = "آسیب دیده") -> Delivery:
        return commerce.receipt_reject(delivery=delivery, acting_user=self.clerk(delivery.order),
                                       reason=reason)

    def rate(self, order: Order, score: int) -> Any:
        return commerce.order_rate(order=order, acting_user=self.clerk(order), score=score, comment="")

    # ------------------------------------------------------------ invoices

    def invoice(self, delivery: Delivery) -> Invoice:
        return finance.invoice_from_delivery(delivery=delivery, acting_user=self.users["finance"])

    def issue(self, invoice: Invoice) -> Invoice:
        return finance.invoice_issue(invoice=invoice, acting_user=self.users["finance"])

    def void(self, invoice: Invoice) -> Invoice:
        return finance.invoice_void(invoice=invoice, acting_user=self.users["finance"], reason="اشتباه")

    def pay(self, invoice: Invoice, reference: str) -> Any:
        invoice.refresh_from_db()
        return finance.payment_record(invoice=invoice, acting_user=self.users["finance"],
                                      amount=invoice.balance, paid_on=timezone.localdate(),
                                      reference=reference)

    # ------------------------------------------------------------ service levels

    def set_level(self, domain: ServiceDomain, triage_hours: int) -> Any:
        return needs.service_level_set(acting_user=self.users["admin"], domain=domain,
                                       triage_hours=triage_hours, first_quotation_hours=max(triage_hours, 72),
                                       delivery_days=30)

    def clear_level(self, domain: ServiceDomain) -> None:
        level = ServiceLevel.objects.filter(domain=domain).first()
        if level is not None:
            needs.service_level_clear(acting_user=self.users["admin"], level=level)


class Checked:
    """The shop, its rollups compared with a rebuild after each of its steps: a write that forgets to
    announce its rows is caught at once, before a later write of the same order or need mends it."""

    def __init__(self, shop: Shop) -> None:
        self.shop = shop

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.shop, name)
        if not callable(method):
            return method

        def checked(*args: Any, **kwargs: Any) -> Any:
            result = method(*args, **kwargs)
            assert differences(self.shop.tenant.org.pk) == {}, f"after {name}"
            return result

        return checked
