"""Rows of every model above the directory, for the API-wide scope test: District 9's and District 10's
(so a municipality has a neighbour's rows to be refused) on the tenant, and District 9's on the other
tenant. Built through the services where the tests of each app build them so."""

import datetime as dt

from django.core.files.base import ContentFile
from django.utils import timezone

from hamyar.commerce.services import complaint_answer, complaint_assign, complaint_file, order_rate
from hamyar.core.tests.sample_files import pdf_bytes
from hamyar.finance.services import commission_calculate, payment_record
from hamyar.finance.tests.finance_data import issued_invoice, received_delivery, tenant_catalog
from hamyar.needs.models import NeedAttachment
from hamyar.projects.tests.project_data import full_project

LABELS = ("needs.", "commerce.", "finance.", "projects.")


def _municipality_rows(tenant, municipality, user, reference: str) -> None:
    delivery = received_delivery(tenant, tenant_catalog(tenant), municipality=municipality)
    order_rate(order=delivery.order, acting_user=user, score=4, comment="به‌موقع")
    invoice = issued_invoice(tenant, source=delivery)
    payment_record(invoice=invoice, acting_user=tenant.users["finance"], amount=1_000_000,
                   paid_on=timezone.localdate(), reference=reference)
    NeedAttachment.objects.create(
        organization=tenant.org, need=delivery.order.need, file=ContentFile(b"%PDF-1.4\n", name="plan.pdf"),
        original_name="plan.pdf", content_type="application/pdf", size=9, uploaded_by=user,
    )
    # A complaint about the order, with a file, answered: the supplier complained about reads it too.
    complaint = complaint_file(acting_user=user, order=delivery.order, topic="delivery",
                               subject="نیمکت آسیب‌دیده", description="دو نیمکت آسیب دیده بود.",
                               uploads=[ContentFile(pdf_bytes(), name="photo.pdf")])
    officer = tenant.users["commerce"]
    complaint_assign(complaint=complaint, acting_user=officer, owner=officer.pk)
    complaint_answer(complaint=complaint, acting_user=officer, answer="جایگزین شد.")


def build_rows_of_every_kind(tenant, other_tenant) -> None:
    for t, neighbours in ((tenant, True), (other_tenant, False)):
        _municipality_rows(t, t.district9, t.users["district9"], f"{t.org.slug}-9")
        if neighbours:
            _municipality_rows(t, t.district10, t.users["district10"], f"{t.org.slug}-10")
            full_project(t, municipality=t.district10, provider=t.staff_unit)
        full_project(t)
        today = timezone.localdate()
        commission_calculate(agreement=t.agreement, acting_user=t.users["finance"],
                             period_start=today - dt.timedelta(days=30), period_end=today)
