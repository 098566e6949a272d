"""The demo's complaints, filed and handled through the services on the days the story says.

District 9's clerk complains about a rejected delivery of the supplier's (answered and closed); a small
town's clerk about each of their needs (one past its answer's due time, one answered, one just filed); the
supplier about a delivery District 9 has not yet received (just filed). Loading twice adds none.
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
# The small towns' complaints: (subject, description).
TOWNS = (
    ("پیش‌فاکتور دیرتر از موعد رسید", "پیش‌فاکتور یک هفته پس از موعد خدمت رسید و کار ما عقب افتاد."),
    ("موعد تحویل روشن نیست", "پس از تأیید، هنوز زمان تحویل به ما اعلام نشده است."),
    ("پاسخی به پیگیری‌ها داده نشد", "دو بار برای این نیاز تماس گرفتیم و پاسخی نگرفتیم."),
)
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
    order = rejected.order if rejected else (
        Order.objects.filter(organization=loader.org, municipality__memberships__user=users["district9"])
        .order_by("pk").first())
    if order is not None and normalize(REJECTED) not in existing:
        since = rejected.updated_at if rejected else order.created_at
        filed = min(max(since, now - dt.timedelta(days=20)), now - dt.timedelta(days=4))
        with clock.at(filed):
            complaint = services.complaint_file(
                acting_user=users["district9"], order=order, topic=ComplaintTopic.DELIVERY,
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

    # Each small town's clerk has one complaint about its own need, in a different state.
    for index, name in enumerate(("shandiz", "torqabeh", "kariz")):
        clerk = users.get(name)
        if clerk is None:
            continue
        municipality_id = clerk.membership.municipality_id
        if Complaint.objects.filter(organization=loader.org, municipality_id=municipality_id).exists():
            continue
        need = (Need.objects.filter(organization=loader.org, municipality_id=municipality_id)
                .exclude(status=NeedStatus.DRAFT).order_by("pk").first())
        if need is None:
            continue
        subject, description = TOWNS[index]
        filed = now - dt.timedelta(days=(10, 6, 2)[index])
        with clock.at(filed):
            complaint = services.complaint_file(acting_user=clerk, need=need, topic=ComplaintTopic.NEED,
                                                subject=subject, description=description)
        if index < 2:  # given an owner: the first is now past its answer's due time
            with clock.at(filed + dt.timedelta(days=1)):
                assigner = users.get("orgadmin") or users["commerce"]
                owner = users["finance"] if index == 0 else users["commerce"]
                services.complaint_assign(complaint=complaint, acting_user=assigner, owner=owner.pk)
        if index == 1:
            with clock.at(filed + dt.timedelta(days=3)):
                services.complaint_answer(complaint=complaint, acting_user=users["commerce"],
                                          answer="کارشناس بازرگانی با شهرداری تماس گرفت و موعد تحویل "
                                                 "تازه با تأمین‌کننده هماهنگ شد.")
        _stamp(complaint, filed)
        loader.created["complaints"] += 1

    awaiting = (Delivery.objects.filter(organization=loader.org, status=DeliveryStatus.AWAITING_RECEIPT,
                                        order__provider__memberships__user=users["supplier"])
                .select_related("order").order_by("pk").first())
    order = awaiting.order if awaiting else (
        Order.objects.filter(organization=loader.org, provider__memberships__user=users["supplier"])
        .order_by("pk").first())
    if order is not None and normalize(AWAITING) not in existing:
        filed = now - dt.timedelta(days=1)
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
