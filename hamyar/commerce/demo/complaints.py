"""The demo's complaints, filed and handled through the services on the days the story says.

District 9's clerk complains about a rejected delivery of the supplier's (answered and closed); a small
town's clerk about a slow quotation (given an owner, and now past its answer's due time); the supplier
about a delivery District 9 has not yet received (just filed). Matched by subject: loading twice adds none.
"""

import datetime as dt
import io
from typing import Any

from django.core.files.base import ContentFile

from hamyar.core import clock
from hamyar.core.text import normalize
from hamyar.needs.choices import NeedStatus
from hamyar.needs.models import Need

from .. import services
from ..choices import ComplaintTopic, DeliveryStatus
from ..models import Complaint, Delivery, Order

REJECTED = "دو نیمکت با بدنه ترک‌خورده تحویل شد"
SLOW = "پیش‌فاکتور دیرتر از موعد رسید"
AWAITING = "رسید تحویل هنوز ثبت نشده است"


def load_complaints(loader: Any) -> None:
    users = loader.users
    if not {"district9", "commerce", "finance", "supplier"} <= set(users):
        return
    existing = set(Complaint.objects.filter(organization=loader.org).values_list("subject", flat=True))
    now = loader.now

    rejected = (Delivery.objects.filter(organization=loader.org, status=DeliveryStatus.REJECTED,
                                        order__municipality__memberships__user=users["district9"])
                .select_related("order").order_by("pk").first())
    if rejected is not None and normalize(REJECTED) not in existing:
        filed = max(rejected.updated_at, now - dt.timedelta(days=20))
        with clock.at(filed):
            complaint = services.complaint_file(
                acting_user=users["district9"], order=rejected.order, topic=ComplaintTopic.DELIVERY,
                subject=REJECTED, description="دو نیمکت از محموله با بدنه ترک‌خورده رسید؛ عکس‌ها پیوست است.",
                uploads=[ContentFile(pdf_bytes(), name="عکس-نیمکت.pdf")])
        with clock.at(filed + dt.timedelta(hours=5)):
            services.complaint_assign(complaint=complaint, acting_user=users["commerce"],
                                      owner=users["commerce"].pk)
        with clock.at(filed + dt.timedelta(days=2)):
            services.complaint_answer(complaint=complaint, acting_user=users["commerce"],
                                      answer="تأمین‌کننده دو نیمکت سالم جایگزین کرد و هزینه حمل را پذیرفت.")
        with clock.at(filed + dt.timedelta(days=3)):
            services.complaint_close(complaint=complaint, acting_user=users["district9"])
        _stamp(complaint, filed)
        loader.created["complaints"] += 1

    clerks = {name: users[name] for name in ("shandiz", "torqabeh", "kariz") if name in users}
    slow = (Need.objects.filter(organization=loader.org, status__in=[NeedStatus.QUOTED, NeedStatus.APPROVED,
                                                                      NeedStatus.FULFILLED],
                                municipality__memberships__user__in=list(clerks.values()))
            .order_by("pk").first())
    if slow is not None and normalize(SLOW) not in existing:
        clerk = next(u for u in clerks.values() if u.membership.municipality_id == slow.municipality_id)
        filed = now - dt.timedelta(days=10)
        with clock.at(filed):
            complaint = services.complaint_file(
                acting_user=clerk, need=slow, topic=ComplaintTopic.QUOTATION, subject=SLOW,
                description="پیش‌فاکتور یک هفته پس از موعد خدمت رسید و کار ما عقب افتاد.")
        with clock.at(filed + dt.timedelta(days=1)):
            assigner = users.get("orgadmin") or users["commerce"]
            services.complaint_assign(complaint=complaint, acting_user=assigner, owner=users["finance"].pk)
        _stamp(complaint, filed)
        loader.created["complaints"] += 1

    awaiting = (Delivery.objects.filter(organization=loader.org, status=DeliveryStatus.AWAITING_RECEIPT,
                                        order__provider__memberships__user=users["supplier"])
                .order_by("pk").first())
    if awaiting is not None and normalize(AWAITING) not in existing:
        filed = now - dt.timedelta(days=1)
        order: Order = awaiting.order
        with clock.at(filed):
            complaint = services.complaint_file(
                acting_user=users["supplier"], order=order, topic=ComplaintTopic.DELIVERY, subject=AWAITING,
                description="محموله تحویل شده اما شهرداری هنوز رسید آن را تأیید یا رد نکرده است.")
        _stamp(complaint, filed)
        loader.created["complaints"] += 1


def pdf_bytes() -> bytes:
    """A one-page PDF: the photos the clerk attached, as the demo can show them."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _stamp(complaint: Complaint, moment: dt.datetime) -> None:
    """The row's own times follow the story (the services stamp the filing from the clock already)."""
    Complaint.objects.filter(pk=complaint.pk).update(created_at=moment)
