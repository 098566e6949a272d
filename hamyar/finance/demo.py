"""The demo organization's billing: invoices for what the commerce and projects demos received and
completed, payments, one void, and supplier commissions — a few months of the admin-finance
deputy's work.

Whatever the other demos left to bill is billed, oldest first (received deliveries by delivery date,
waiting payment requests by request date), so this demo follows theirs as they grow:

- the oldest is paid in full, in two instalments;
- the oldest that can be is overdue by more than 60 days, partly paid (a short payment term);
- the rest go round: paid in full, partly paid, voided with a reason (then billed again and issued),
  issued and waiting;
- the next-to-newest is left a draft, and the newest is left unbilled (the «to bill» list has work).

Then the commission of each represented supplier billed is calculated for the Jalali month of its
first invoice (once that month is over), and the first of those is settled.

Everything goes through the finance services as the demo's finance officer, with the story's dates
given to them (issue, due and payment dates are the services' own inputs). The services stamp their
clocks (created, issued, voided) with the moment of loading; those are then set back to the story's
days with an ORM update — presentation only: the audit log keeps when the demo was loaded, and is
never rewritten.

`load_finance_demo` is idempotent: when the organization has any invoice, billing is left as it is;
when it has any commission settlement, commissions are too.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from hamyar.accounts.models import Membership, User
from hamyar.commerce.models import Delivery
from hamyar.core import clock
from hamyar.core.jalali import to_jalali
from hamyar.core.roles import Role
from hamyar.directory.models import AgencyAgreement, Organization
from hamyar.projects.models import PaymentRequest

from . import services, statement
from .choices import OWED_STATUSES, InvoiceStatus, PaymentMethod
from .models import CommissionSettlement, Invoice, Payment

# Days from the source (delivery or payment request) to the invoice's issue.
BILLING_LAG = 2
# What happens to each invoice after the first two (see the module's docstring), in turn.
CYCLE = ("paid", "partial", "void", "issued", "partial", "paid")
VOID_REASON = (
    "مبلغ صورتحساب با صورت‌وضعیت تأییدشده مغایرت داشت؛ باطل و با مبلغ اصلاح‌شده دوباره صادر شد."
)


@dataclass
class Source:
    """Something to bill: a received delivery or a waiting payment request, and its day."""

    day: dt.date
    delivery: Delivery | None = None
    payment_request: PaymentRequest | None = None


def _moment(day: dt.date, hour: int = 10) -> dt.datetime:
    """An hour of a day, Tehran time, never later than now; each step is audited at it (clock.at)."""
    return min(timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0))), timezone.now())


class _Loader:
    def __init__(self, organization: Organization, acting_user: User) -> None:
        self.org = organization
        self.today = timezone.localdate()
        officer = (
            Membership.objects.filter(organization=organization, role=Role.FINANCE_OFFICER,
                                      user__is_active=True)
            .select_related("user").order_by("pk").first()
        )
        self.officer = officer.user if officer else acting_user
        self.created: Counter[str] = Counter()
        self.references = 0

    # ------------------------------------------------------------ sources

    def sources(self) -> list[Source]:
        deliveries = [
            Source(row.delivered_on, delivery=row)
            for row in Delivery.objects.filter(organization=self.org, status="received")
            .select_related("order").order_by("delivered_on", "pk")
            if not Invoice.objects.filter(delivery=row).exclude(status=InvoiceStatus.VOID).exists()
        ]
        requests = [
            Source(timezone.localtime(row.created_at).date(), payment_request=row)
            for row in PaymentRequest.objects.filter(organization=self.org, status="requested")
            .select_related("milestone", "project").order_by("created_at", "pk")
            if row.milestone.status == "completed"
        ]
        return sorted(deliveries + requests, key=lambda s: (s.day, s.delivery is None))

    # ------------------------------------------------------------ invoices

    def bill(self, source: Source) -> Invoice:
        created = min(source.day + dt.timedelta(days=1), self.today)
        with clock.at(_moment(created, 9)):
            if source.delivery is not None:
                invoice = services.invoice_from_delivery(delivery=source.delivery, acting_user=self.officer)
            else:
                invoice = services.invoice_from_payment_request(payment_request=source.payment_request,
                                                                acting_user=self.officer)
        self.created["invoices"] += 1
        Invoice.objects.filter(pk=invoice.pk).update(created_at=_moment(created, 9),
                                                     updated_at=_moment(created, 9))
        return invoice

    def issue(self, invoice: Invoice, issued: dt.date, due: dt.date | None = None) -> Invoice:
        with clock.at(_moment(issued, 11)):
            invoice = services.invoice_issue(invoice=invoice, acting_user=self.officer, issue_date=issued,
                                             due_date=due)
        Invoice.objects.filter(pk=invoice.pk).update(issued_at=_moment(issued, 11),
                                                     updated_at=_moment(issued, 11))
        invoice.refresh_from_db()
        return invoice

    def pay(self, invoice: Invoice, amount: int, day: dt.date, method: str = PaymentMethod.TRANSFER) -> None:
        day = min(max(day, invoice.issue_date), self.today)
        self.references += 1
        j = to_jalali(day)
        reference = f"STN-{j.year:04d}{j.month:02d}{j.day:02d}-{invoice.pk:03d}{self.references:02d}"
        with clock.at(_moment(day, 13)):
            payment = services.payment_record(invoice=invoice, acting_user=self.officer, amount=amount,
                                              paid_on=day, reference=reference, method=method)
        self.created["payments"] += 1
        Payment.objects.filter(pk=payment.pk).update(created_at=_moment(day, 13), updated_at=_moment(day, 13))
        Invoice.objects.filter(pk=invoice.pk).update(updated_at=_moment(day, 13))
        invoice.refresh_from_db()

    def void(self, invoice: Invoice, day: dt.date) -> None:
        with clock.at(_moment(day, 12)):
            services.invoice_void(invoice=invoice, acting_user=self.officer, reason=VOID_REASON)
        self.created["void invoices"] += 1
        Invoice.objects.filter(pk=invoice.pk).update(voided_at=_moment(day, 12), updated_at=_moment(day, 12))

    def story(self, source: Source, plan: str) -> None:
        issued = min(source.day + dt.timedelta(days=BILLING_LAG), self.today)
        invoice = self.bill(source)
        if plan == "draft":
            return
        if plan == "overdue":
            # A ten-day term (a milestone's contract says so), long past: more than 60 days overdue.
            due = min(issued + dt.timedelta(days=10), self.today - dt.timedelta(days=61))
            invoice = self.issue(invoice, issued, max(due, issued))
            self.pay(invoice, invoice.total * 3 // 10, issued + dt.timedelta(days=8), PaymentMethod.TREASURY)
            return
        if plan == "void":
            invoice = self.issue(invoice, issued)
            voided = min(issued + dt.timedelta(days=3), self.today)
            self.void(invoice, voided)
            again = self.bill(source)
            self.issue(again, voided)
            return
        invoice = self.issue(invoice, issued)
        if plan == "paid":
            first = invoice.total * 6 // 10
            self.pay(invoice, first, issued + dt.timedelta(days=12))
            self.pay(invoice, invoice.total - first, issued + dt.timedelta(days=26), PaymentMethod.CHEQUE)
        elif plan == "partial":
            self.pay(invoice, invoice.total // 2, issued + dt.timedelta(days=15))

    def invoices(self) -> None:
        if Invoice.objects.filter(organization=self.org).exists():
            return
        sources = self.sources()
        if not sources:
            return
        billed, left = (sources[:-1], sources[-1:]) if len(sources) > 1 else (sources, [])
        draft = billed.pop() if len(billed) > 2 else None
        plans: dict[int, str] = {}
        if billed:
            plans[0] = "paid"
        overdue_by = self.today - dt.timedelta(days=61 + 10)
        overdue = next((i for i, s in enumerate(billed) if i != 0 and s.day + dt.timedelta(days=BILLING_LAG)
                        <= overdue_by), None)
        if overdue is None and len(billed) > 1:
            overdue = 1
        if overdue is not None:
            plans[overdue] = "overdue"
        turn = 0
        for index in range(len(billed)):
            if index not in plans:
                plans[index] = CYCLE[turn % len(CYCLE)]
                turn += 1
        for index, source in enumerate(billed):
            self.story(source, plans[index])
        if draft is not None:
            self.story(draft, "draft")
        del left  # the newest stays on the «to bill» list

    # ------------------------------------------------------------ commissions

    def commissions(self) -> None:
        if CommissionSettlement.objects.filter(organization=self.org).exists():
            return
        settled = False
        agreements = AgencyAgreement.objects.filter(organization=self.org).select_related("supplier")
        for agreement in agreements.order_by("supplier__name", "pk"):
            first = (
                Invoice.objects.filter(organization=self.org, provider_id=agreement.supplier_id,
                                       status__in=sorted(OWED_STATUSES),
                                       issue_date__gte=agreement.starts_on, issue_date__lte=agreement.ends_on)
                .order_by("issue_date", "pk").first()
            )
            if first is None:
                continue
            j = to_jalali(first.issue_date)
            start, end = statement.jalali_month(j.year, j.month)
            if end >= self.today:
                continue
            calculated = min(end + dt.timedelta(days=3), self.today)
            with clock.at(_moment(calculated, 10)):
                settlement = services.commission_calculate(agreement=agreement, acting_user=self.officer,
                                                           period_start=start, period_end=end)
            self.created["commission settlements"] += 1
            CommissionSettlement.objects.filter(pk=settlement.pk).update(
                created_at=_moment(calculated, 10), updated_at=_moment(calculated, 10))
            if not settled:
                day = min(calculated + dt.timedelta(days=5), self.today)
                k = to_jalali(day)
                with clock.at(_moment(day, 12)):
                    services.commission_settle(
                        settlement=settlement, acting_user=self.officer,
                        reference=f"COM-{k.year:04d}{k.month:02d}{k.day:02d}-{settlement.pk}", settled_on=day)
                CommissionSettlement.objects.filter(pk=settlement.pk).update(updated_at=_moment(day, 12))
                settled = True


@transaction.atomic
def load_finance_demo(*, organization: Organization, acting_user: User) -> Counter:
    """Invoices, payments, a void and commissions of the demo organization; what was created."""
    loader = _Loader(organization, acting_user)
    loader.invoices()
    loader.commissions()
    return loader.created
