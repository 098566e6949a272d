"""Complaints for the complaint tests: about District 9's bench order (the supplier's), filed through the
service."""

from django.core.files.uploadedfile import SimpleUploadedFile

from hamyar.commerce import services
from hamyar.commerce.choices import ComplaintTopic
from hamyar.commerce.models import Complaint, Order
from hamyar.core.tests import sample_files

SUBJECT = "تحویل نیمکت‌ها دیر شد"
DESCRIPTION = "نیمکت‌ها دو هفته پس از موعد رسید و دو عدد آسیب دیده بود."


def pdf(name: str = "photo.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, sample_files.pdf_bytes(), content_type="application/pdf")


def file_complaint(tenant, order: Order, *, user=None, uploads=(), **extra) -> Complaint:
    """District 9 (or `user`) complains about the order."""
    values = {"topic": ComplaintTopic.DELIVERY, "subject": SUBJECT, "description": DESCRIPTION, **extra}
    return services.complaint_file(acting_user=user or tenant.users["district9"], order=order,
                                   uploads=uploads, **values)


def assigned_complaint(tenant, order: Order, *, owner=None, **extra) -> Complaint:
    complaint = file_complaint(tenant, order, **extra)
    return services.complaint_assign(complaint=complaint, acting_user=tenant.users["commerce"],
                                     owner=(owner or tenant.users["commerce"]).pk)


def answered_complaint(tenant, order: Order, **extra) -> Complaint:
    complaint = assigned_complaint(tenant, order, **extra)
    return services.complaint_answer(complaint=complaint, acting_user=tenant.users["commerce"],
                                     answer="تأمین‌کننده دو نیمکت را جایگزین می‌کند.")
