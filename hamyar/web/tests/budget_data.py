"""Rows for the query-budget test: one builder per kind of row a list shows, one row per call.

Each builder adds row `i` of its kind so that every role whose list shows that kind sees it: District 9's
municipality user, the represented supplier's user and the affiliated company's project manager as well
as the officers. Built with the apps' test builders (ORM, fast) where they exist, and through the
services only where a list reads what a service writes (orders, deliveries, invoices, payments,
ratings, commissions).

`rows_of_every_kind` is what the object pages open: the API-wide scope test's rows, the states whose
pages show other forms, and what the provider roles own.
"""

import datetime as dt
import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conftest import make_user
from hamyar.accounts.models import ApiToken, Notification
from hamyar.accounts.tests import scope_rows
from hamyar.catalog.models import CatalogItem, Price, PriceList, SearchSynonym
from hamyar.catalog.services import price_import_create
from hamyar.catalog.tests.catalog_data import GOOD_ROWS, Catalog, add_item, price_sheet, publish
from hamyar.commerce.choices import QuotationStatus
from hamyar.commerce.models import Order, OrderLine, Quotation, QuotationLine
from hamyar.commerce.services import (
    LineInput,
    delivery_record,
    order_rate,
    quotation_create,
    quotation_offer,
    receipt_confirm,
)
from hamyar.commerce.tests.factories import assigned_need
from hamyar.commerce.tests.order_data import approved_quotation, placed_order
from hamyar.core.roles import API_TOKEN_ROLES, Role
from hamyar.core.tests import sample_files
from hamyar.directory.choices import AssetKind, MunicipalityKind, ProviderKind
from hamyar.directory.models import (
    AgencyAgreement,
    Capability,
    MunicipalAsset,
    Municipality,
    Provider,
    ServiceDomain,
)
from hamyar.finance.models import InvoiceLine
from hamyar.finance.services import commission_calculate, payment_record
from hamyar.finance.tests.finance_data import issued_invoice, open_order, received_delivery, requested_payment
from hamyar.insights.models import SurveyAnswer, SurveyRound
from hamyar.needs.choices import AssignmentKind, NeedStatus
from hamyar.needs.models import Assignment, Need, NeedAttachment, NeedLine, ServiceLevel
from hamyar.needs.tests.helpers import goods_need, submitted
from hamyar.projects.choices import ProjectStatus
from hamyar.projects.models import (
    ChangeOrder,
    Milestone,
    PaymentRequest,
    ProgressEntry,
    ProgressReport,
    Project,
    ProjectConstraint,
    ProjectDocument,
)
from hamyar.projects.tests.project_data import full_project, vakilabad_project

from .pool_data import group_purchase, pools_in_every_state  # noqa: F401  (a family's builder)


def _provider(i: int, tenant) -> Provider:
    """The represented supplier for even rows, the affiliated company for odd ones."""
    return tenant.supplier if i % 2 == 0 else tenant.affiliate


# ---------------------------------------------------------------- people


def member(tenant, catalog: Catalog, i: int) -> None:
    make_user(tenant.org, f"{tenant.org.slug}-member-{i}", Role.EXECUTIVE)


def notification(tenant, catalog: Catalog, i: int) -> None:
    for user in tenant.users.values():
        Notification.objects.create(organization=tenant.org, recipient=user, subject=f"اعلان آزمون {i}",
                                    url="/needs/")


def api_token(tenant, catalog: Catalog, i: int) -> None:
    for who, user in tenant.users.items():
        if user.membership.role in API_TOKEN_ROLES:
            key = f"{tenant.org.slug}-{who}-{i}"
            ApiToken.objects.create(organization=tenant.org, user=user, name=f"توکن {i}", prefix=key[:12],
                                    key_hash=hashlib.sha256(key.encode()).hexdigest())


# ---------------------------------------------------------------- directory


def municipality(tenant, catalog: Catalog, i: int) -> None:
    Municipality.objects.create(
        organization=tenant.org, name=f"منطقه آزمون {i}", search_name=f"منطقه آزمون {i}",
        kind=MunicipalityKind.DISTRICT, population=100_000 + i, area_ha=1_000, parent=tenant.mashhad)


def asset(tenant, catalog: Catalog, i: int) -> None:
    MunicipalAsset.objects.create(organization=tenant.org, municipality=tenant.district9,
                                  name=f"بوستان آزمون {i}", search_name=f"بوستان آزمون {i}",
                                  kind=AssetKind.PARK, area_ha=10)


def provider(tenant, catalog: Catalog, i: int) -> None:
    """A supplier able in urban furniture, represented under an agreement, with an item in the catalog."""
    supplier = Provider.objects.create(organization=tenant.org, name=f"تأمین‌کننده آزمون {i}",
                                       search_name=f"تأمین‌کننده آزمون {i}", kind=ProviderKind.SUPPLIER,
                                       legal_id=f"{10400000000 + i}")
    Capability.objects.create(organization=tenant.org, provider=supplier, domain=tenant.furniture, level=3,
                              monthly_capacity=10)
    today = timezone.localdate()
    agreement = AgencyAgreement.objects.create(
        organization=tenant.org, supplier=supplier, number=f"{tenant.org.slug}-P{i}", commission_percent=3,
        starts_on=today - dt.timedelta(days=30), ends_on=today + dt.timedelta(days=300))
    agreement.domains.set([tenant.furniture])
    add_item(tenant, supplier, tenant.furniture, f"PRV-{i:03d}", f"کالای تأمین‌کننده آزمون {i}")


def agreement(tenant, catalog: Catalog, i: int) -> None:
    """An earlier agreement of the represented supplier, ten days long."""
    start = timezone.localdate() - dt.timedelta(days=2_000 - 10 * i)
    old = AgencyAgreement.objects.create(
        organization=tenant.org, supplier=tenant.supplier, number=f"{tenant.org.slug}-O{i}",
        commission_percent=4, starts_on=start, ends_on=start + dt.timedelta(days=9))
    old.domains.set([tenant.furniture])


def service_level(tenant, catalog: Catalog, i: int) -> None:
    domain = ServiceDomain.objects.create(organization=tenant.org, code=f"test-level-{i}",
                                          name=f"حوزه آزمون {i}", parent=tenant.furniture)
    ServiceLevel.objects.create(organization=tenant.org, domain=domain, triage_hours=24,
                                first_quotation_hours=72, delivery_days=30)


# ---------------------------------------------------------------- catalog


def item(tenant, catalog: Catalog, i: int) -> None:
    """An item of the supplier and one of the affiliated company, each priced."""
    bench = add_item(tenant, tenant.supplier, tenant.furniture, f"GRW-BN-{i:03d}", f"نیمکت آزمون {i}")
    sapling = add_item(tenant, tenant.affiliate, tenant.green, f"GRW-GR-{i:03d}", f"نهال آزمون {i}")
    publish(tenant, tenant.supplier, f"فهرست بهای نیمکت {i}", [(bench, 1, 100_000_000 + i)])
    publish(tenant, tenant.affiliate, f"فهرست بهای نهال {i}", [(sapling, 1, 9_000_000 + i)])


def price_list(tenant, catalog: Catalog, i: int) -> None:
    """A price list of an earlier year, of the supplier or of the affiliated company."""
    item = catalog.bench if i % 2 == 0 else catalog.sapling
    publish(tenant, _provider(i, tenant), f"فهرست بهای آزمون {i}", [(item, 1, 100_000_000 + i)],
            days_ago=2_000 - 10 * i, until_days_ago=1_991 - 10 * i)


def synonym(tenant, catalog: Catalog, i: int) -> None:
    term = f"واژه{i:03d}"
    SearchSynonym.objects.create(organization=tenant.org, term=term, equivalents=[f"هم{term}"], term_key=term,
                                 keys=[term, f"هم{term}"], created_by=tenant.users["commerce"])


# ---------------------------------------------------------------- needs


def submitted_need(tenant, catalog: Catalog, i: int) -> None:
    """A need District 9 submitted 30 hours ago, waiting for triage (late by the default targets)."""
    need = assigned_need(tenant, catalog, status=NeedStatus.SUBMITTED)
    Need.objects.filter(pk=need.pk).update(provider=None, triaged_at=None, assigned_at=None)
    need.assignments.all().delete()


def need_in_hand(tenant, catalog: Catalog, i: int) -> None:
    """A need assigned to the supplier, the affiliated company asked for a competing quotation."""
    need = assigned_need(tenant, catalog)
    Assignment.objects.create(organization=tenant.org, need=need, provider=tenant.affiliate,
                              kind=AssignmentKind.COMPETING, rank=2, assigned_by=tenant.users["commerce"])


def gap_need(tenant, catalog: Catalog, i: int) -> None:
    """A need no provider can serve, in a domain of its own (the gaps page counts per domain)."""
    domain = ServiceDomain.objects.create(organization=tenant.org, code=f"test-gap-{i}",
                                          name=f"حوزه بی‌ارائه‌دهنده {i}")
    need = assigned_need(tenant, catalog, status=NeedStatus.TRIAGED)
    Need.objects.filter(pk=need.pk).update(provider=None, is_capability_gap=True, assigned_at=None,
                                           domain=domain)
    need.assignments.all().delete()


# ---------------------------------------------------------------- commerce, projects, finance


def quotation(tenant, catalog: Catalog, i: int) -> None:
    """A quotation sent to District 9, of the supplier or of the affiliated company."""
    sent = approved_quotation(tenant, catalog, provider=_provider(i, tenant))
    Quotation.objects.filter(pk=sent.pk).update(status=QuotationStatus.SENT, decided_at=None,
                                                clerk_approved_by=None, clerk_approved_at=None)
    Need.objects.filter(pk=sent.need_id).update(status=NeedStatus.QUOTED, approved_at=None)


def order(tenant, catalog: Catalog, i: int) -> None:
    """The supplier's order delivered, received and rated; or an order placed with the affiliated company."""
    if i % 2:
        placed_order(tenant, catalog, quantity=5, provider=tenant.affiliate)
        return
    delivery = received_delivery(tenant, catalog, ordered=5)
    order_rate(order=delivery.order, acting_user=tenant.users["district9"], score=1 + i % 5)


def complaint(tenant, catalog: Catalog, i: int) -> None:
    """District 9's complaint about its order with the supplier, answered (the supplier reads it), or
    the supplier's own about that order; each with a file."""
    from hamyar.commerce.services import complaint_answer, complaint_assign, complaint_file

    order = (Order.objects.filter(organization=tenant.org, provider=tenant.supplier,
                                  municipality=tenant.district9).first()
             or placed_order(tenant, catalog, quantity=5))
    upload = SimpleUploadedFile(f"photo-{i}.pdf", sample_files.pdf_bytes())
    who = "supplier" if i % 2 else "district9"
    filed = complaint_file(acting_user=tenant.users[who], order=order, subject=f"شکایت {i}",
                           description="تحویل دیر", uploads=[upload])
    if who == "district9":
        officer = tenant.users["commerce"]
        complaint_assign(complaint=filed, acting_user=officer, owner=officer.pk)
        complaint_answer(complaint=filed, acting_user=officer, answer="پاسخ")


def invoice(tenant, catalog: Catalog, i: int) -> None:
    """An invoice of a received delivery, issued to District 9 and partly paid."""
    issued = issued_invoice(tenant, source=received_delivery(tenant, catalog, ordered=5))
    payment_record(invoice=issued, acting_user=tenant.users["finance"], amount=1_000 + i,
                   paid_on=timezone.localdate(), reference=f"{tenant.org.slug}-budget-{i}")


def to_bill(tenant, catalog: Catalog, i: int) -> None:
    """What waits for an invoice: a received delivery, or a completed milestone's payment request."""
    if i % 2:
        requested_payment(tenant)
    else:
        received_delivery(tenant, catalog, ordered=5)


def project(tenant, catalog: Catalog, i: int) -> None:
    vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS, provider=_provider(i, tenant),
                      title=f"پروژه آزمون {i}")


def commission(tenant, catalog: Catalog, i: int) -> None:
    """The supplier's commission for one day of its agreement, before the month already settled."""
    day = tenant.agreement.starts_on + dt.timedelta(days=i)
    assert day < timezone.localdate() - dt.timedelta(days=30), "more rows than days to settle"
    commission_calculate(agreement=tenant.agreement, acting_user=tenant.users["finance"],
                         period_start=day, period_end=day)


# ---------------------------------------------------------------- rows of one object, the last argument


def a_need_in_hand(tenant, catalog: Catalog) -> Need:
    """District 9's need assigned to the supplier, the affiliated company asked to compete."""
    need = assigned_need(tenant, catalog)
    Assignment.objects.create(organization=tenant.org, need=need, provider=tenant.affiliate,
                              kind=AssignmentKind.COMPETING, rank=2, assigned_by=tenant.users["commerce"])
    return need


def a_draft_need(tenant, catalog: Catalog) -> Need:
    """District 9's draft, not yet sent: its author edits it."""
    need = assigned_need(tenant, catalog, status=NeedStatus.DRAFT)
    Need.objects.filter(pk=need.pk).update(provider=None, submitted_at=None, triaged_at=None,
                                           assigned_at=None)
    need.assignments.all().delete()
    return need


def a_triaged_need(tenant, catalog: Catalog) -> Need:
    """A triaged need in urban furniture: the officers' page ranks every provider able in it."""
    need = assigned_need(tenant, catalog, status=NeedStatus.TRIAGED)
    Need.objects.filter(pk=need.pk).update(provider=None, assigned_at=None)
    need.assignments.all().delete()
    return need


def ranked_provider(tenant, catalog: Catalog, i: int, need: Need) -> None:
    provider(tenant, catalog, i)


def need_line(tenant, catalog: Catalog, i: int, need: Need) -> None:
    item = catalog.bench if i % 2 == 0 else catalog.concrete_bench
    NeedLine.objects.create(organization=tenant.org, need=need, item=item, description=item.name,
                            quantity=10 + i, unit=item.unit)


def need_attachment(tenant, catalog: Catalog, i: int, need: Need) -> None:
    NeedAttachment.objects.create(
        organization=tenant.org, need=need, file=SimpleUploadedFile(f"plan-{i}.pdf", b"%PDF-1.4\n"),
        original_name=f"plan-{i}.pdf", content_type="application/pdf", size=9,
        uploaded_by=tenant.users["district9"])


def competing_offer(tenant, catalog: Catalog, i: int, need: Need) -> None:
    """Another supplier asked to compete on the need, and its offer."""
    rival = Provider.objects.create(organization=tenant.org, name=f"رقیب آزمون {i}",
                                    search_name=f"رقیب آزمون {i}", kind=ProviderKind.SUPPLIER)
    Assignment.objects.create(organization=tenant.org, need=need, provider=rival, rank=3 + i,
                              kind=AssignmentKind.COMPETING, assigned_by=tenant.users["commerce"])
    offer = Quotation.objects.create(
        organization=tenant.org, need=need, provider=rival, number=f"Q-RIVAL-{i:03d}",
        status=QuotationStatus.OFFERED, valid_until=timezone.localdate() + dt.timedelta(days=15),
        vat_percent=10, subtotal=9_000_000, vat_amount=900_000, total=9_900_000,
        prepared_by=tenant.users["commerce"])
    for line in need.lines.all():
        QuotationLine.objects.create(organization=tenant.org, quotation=offer, need_line=line, item=line.item,
                                     description=line.description, quantity=line.quantity, unit=line.unit,
                                     unit_price=9_000_000 - i, amount=(9_000_000 - i) * line.quantity)


def a_draft_quotation(tenant, catalog: Catalog) -> Quotation:
    need = assigned_need(tenant, catalog)
    return quotation_create(need=need, acting_user=tenant.users["supplier"],
                            lines=[LineInput(need_line=need.lines.get(), unit_price=9_000_000,
                                             price_reason="تخفیف")])


def quotation_line(tenant, catalog: Catalog, i: int, quotation: Quotation) -> None:
    """A line of the need and its price on the quotation."""
    item = catalog.concrete_bench
    line = NeedLine.objects.create(organization=tenant.org, need=quotation.need, item=item,
                                   description=item.name, quantity=1 + i, unit="piece")
    QuotationLine.objects.create(organization=tenant.org, quotation=quotation, need_line=line,
                                 item=line.item, description=line.description, quantity=line.quantity,
                                 unit=line.unit, list_price=148_000_000, unit_price=148_000_000,
                                 amount=148_000_000 * line.quantity)


def an_order_in_fulfilment(tenant, catalog: Catalog) -> Order:
    return open_order(tenant, catalog, quantity=200)


def delivery(tenant, catalog: Catalog, i: int, order: Order) -> None:
    """One more bench delivered; every other delivery received by District 9."""
    line = order.lines.order_by("pk").first()
    done = delivery_record(order=order, acting_user=tenant.users["supplier"], quantities={line.pk: 1},
                           delivered_on=timezone.localdate())
    if i % 2 == 0:
        receipt_confirm(delivery=done, acting_user=tenant.users["district9"])


def order_line(tenant, catalog: Catalog, i: int, order: Order) -> None:
    """A line of the need, priced on the quotation, ordered."""
    item = catalog.concrete_bench
    need_line = NeedLine.objects.create(organization=tenant.org, need=order.need, item=item,
                                        description=item.name, quantity=1 + i, unit="piece")
    priced = QuotationLine.objects.create(
        organization=tenant.org, quotation=order.quotation, need_line=need_line, item=item,
        description=item.name, quantity=1 + i, unit="piece", unit_price=148_000_000,
        amount=148_000_000 * (1 + i))
    OrderLine.objects.create(organization=tenant.org, order=order, quotation_line=priced, item=item,
                             description=item.name, unit="piece", quantity=1 + i, unit_price=148_000_000)


def a_running_project(tenant, catalog: Catalog) -> Project:
    return vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS).project


def project_rows(tenant, catalog: Catalog, i: int, project: Project) -> None:
    """A milestone with its payment request, a progress report on it, a constraint, a change order and a
    document."""
    start = project.start_date
    stage = Milestone.objects.create(
        organization=tenant.org, project=project, sequence=10 + i, title=f"مرحله آزمون {i}", weight=1,
        amount=1_000_000, planned_start=start, due_date=start + dt.timedelta(days=10 + i))
    PaymentRequest.objects.create(organization=tenant.org, project=project, milestone=stage, amount=1_000_000)
    report = ProgressReport.objects.create(organization=tenant.org, project=project, physical_progress=1,
                                           reported_on=timezone.localdate(),
                                           reported_by=tenant.users["commerce"])
    ProgressEntry.objects.create(organization=tenant.org, report=report, milestone=stage, percent=10)
    ProjectConstraint.objects.create(organization=tenant.org, project=project, milestone=stage,
                                     kind="traffic", title=f"محدودیت آزمون {i}", owner="پلیس راهور")
    ChangeOrder.objects.create(organization=tenant.org, project=project, number=1 + i, amount_change=1_000,
                               reason="افزایش", requested_by=tenant.users["commerce"])
    ProjectDocument.objects.create(
        organization=tenant.org, project=project, kind="contract", title=f"سند آزمون {i}",
        file=SimpleUploadedFile(f"doc-{i}.pdf", b"%PDF-1.4\n"), original_name=f"doc-{i}.pdf",
        content_type="application/pdf", size=9, uploaded_by=tenant.users["commerce"])


def an_issued_invoice(tenant, catalog: Catalog):
    return issued_invoice(tenant, source=received_delivery(tenant, catalog))


def invoice_rows(tenant, catalog: Catalog, i: int, invoice) -> None:
    """A line on the invoice and a payment against it."""
    InvoiceLine.objects.create(organization=tenant.org, invoice=invoice, description=f"ردیف آزمون {i}",
                               quantity=1, unit="piece", unit_price=1_000, amount=1_000)
    payment_record(invoice=invoice, acting_user=tenant.users["finance"], amount=1_000 + i,
                   paid_on=timezone.localdate(), reference=f"{tenant.org.slug}-invoice-{i}")


def the_supplier_bench(tenant, catalog: Catalog) -> CatalogItem:
    return catalog.bench


def earlier_price(tenant, catalog: Catalog, i: int, item: CatalogItem) -> None:
    """A price list of an earlier year with two tiers of the item: its price history grows."""
    tiers = [(item, 1, 90_000_000 + i), (item, 10, 85_000_000 + i)]
    publish(tenant, item.provider, f"فهرست بهای پیشین {i}", tiers, days_ago=2_000 - 10 * i,
            until_days_ago=1_991 - 10 * i)


def the_supplier(tenant, catalog: Catalog) -> Provider:
    return tenant.supplier


def capability(tenant, catalog: Catalog, i: int, provider: Provider) -> None:
    """The provider able in one more domain."""
    domain = ServiceDomain.objects.create(organization=tenant.org, code=f"test-able-{i}",
                                          name=f"حوزه توان {i}")
    Capability.objects.create(organization=tenant.org, provider=provider, domain=domain, level=1 + i % 5,
                              monthly_capacity=5)


def a_price_list(tenant, catalog: Catalog) -> PriceList:
    return catalog.bench_list


def price(tenant, catalog: Catalog, i: int, price_list: PriceList) -> None:
    """An item of the supplier priced on the list (its own tier rows)."""
    item = add_item(tenant, tenant.supplier, tenant.furniture, f"PRC-{i:03d}", f"کالای فهرست {i}")
    Price.objects.create(organization=tenant.org, price_list=price_list, item=item, min_quantity=1,
                         unit_price=50_000_000 + i)


EVERY_KIND = (member, notification, api_token, municipality, asset, provider, agreement, service_level,
              item, price_list, synonym, submitted_need, need_in_hand, gap_need, quotation, order, invoice,
              to_bill, project, commission)


def one_of_every_kind(tenant, catalog: Catalog, i: int) -> None:
    for build in EVERY_KIND:
        build(tenant, catalog, i)


# ---------------------------------------------------------------- what the object pages open


def rows_of_every_kind(tenant, other_tenant, catalog: Catalog) -> None:
    """One row of every model in the states whose pages differ (the accessibility test's set), and what
    the supplier user and the project manager open of their own."""
    scope_rows.build_rows_of_every_kind(tenant, other_tenant)
    goods_need(tenant, catalog)
    submitted(tenant, goods_need(tenant, catalog))
    assigned_need(tenant, catalog)
    quotation(tenant, catalog, 0)
    notification(tenant, catalog, 0)
    pools_in_every_state(tenant, catalog)
    _rows_of_the_providers(tenant, catalog)


def _rows_of_the_providers(tenant, catalog: Catalog) -> None:
    """A need both providers compete for, with a file and an offer of each; a draft quotation of each; an
    order of the affiliated company, a project the supplier runs, and a price sheet the supplier uploaded."""
    need = assigned_need(tenant, catalog)
    Assignment.objects.create(organization=tenant.org, need=need, provider=tenant.affiliate,
                              kind=AssignmentKind.COMPETING, rank=2, assigned_by=tenant.users["commerce"])
    NeedAttachment.objects.create(
        organization=tenant.org, need=need, file=SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n"),
        original_name="plan.pdf", content_type="application/pdf", size=9,
        uploaded_by=tenant.users["commerce"])
    line = need.lines.get()
    for who in ("supplier", "project_manager"):
        offer = quotation_create(
            need=need, acting_user=tenant.users[who],
            lines=[LineInput(need_line=line, unit_price=9_000_000, price_reason="تخفیف")])
        quotation_offer(quotation=offer, acting_user=tenant.users[who])
    for who, owner in (("supplier", tenant.supplier), ("project_manager", tenant.affiliate)):
        draft = assigned_need(tenant, catalog, provider=owner)
        quotation_create(need=draft, acting_user=tenant.users[who],
                         lines=[LineInput(need_line=draft.lines.get(), unit_price=9_000_000,
                                          price_reason="تخفیف")])
    placed_order(tenant, catalog, provider=tenant.affiliate)
    full_project(tenant, provider=tenant.supplier)
    price_import_create(acting_user=tenant.users["supplier"], provider=tenant.supplier,
                        file=SimpleUploadedFile("prices.xlsx", price_sheet(GOOD_ROWS)),
                        title="فهرست بهای تازه", valid_from=timezone.localdate())


# ---------------------------------------------------------------- insights


def survey_answer(tenant, catalog: Catalog, i: int) -> None:
    """A municipality's answer, with a comment and a domain's scores, to the one open survey."""
    today = timezone.localdate()
    round_ = SurveyRound.objects.filter(organization=tenant.org).first() or SurveyRound.objects.create(
        organization=tenant.org, title="نظرسنجی آزمون", opens_on=today, closes_on=today)
    municipality = Municipality.objects.create(
        organization=tenant.org, name=f"شهر پاسخ‌دهنده {i}", search_name=f"شهر پاسخ‌دهنده {i}",
        kind=MunicipalityKind.CITY, population=20_000 + i)
    for domain in (None, tenant.furniture):
        SurveyAnswer.objects.create(organization=tenant.org, round=round_, municipality=municipality,
                                    domain=domain, responsiveness=4, price=3, quality=4, fairness=5,
                                    comment=f"نظر {i}" if domain is None else "",
                                    answered_by=tenant.users["admin"])
