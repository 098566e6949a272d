from django.db import models
from django.utils.translation import gettext_lazy as _


class QuotationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    # A competing quotation handed to the officer, waiting to be compared.
    OFFERED = "offered", _("Offered for comparison")
    AWAITING_DEPUTY = "awaiting_deputy", _("Awaiting the commerce deputy")
    SENT = "sent", _("Sent to the municipality")
    AWAITING_MAYOR = "awaiting_mayor", _("Awaiting the mayor")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Expired")
    SUPERSEDED = "superseded", _("Superseded")
    NOT_CHOSEN = "not_chosen", _("Not chosen")


# Waiting for the municipality: these expire when their validity date has passed.
AWAITING_MUNICIPALITY = frozenset({QuotationStatus.SENT, QuotationStatus.AWAITING_MAYOR})
# Still alive: a new revision supersedes these.
LIVE_STATUSES = frozenset(
    {QuotationStatus.DRAFT, QuotationStatus.OFFERED, QuotationStatus.AWAITING_DEPUTY,
     QuotationStatus.SENT, QuotationStatus.AWAITING_MAYOR}
)


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("Placed")
    IN_FULFILMENT = "in_fulfilment", _("In fulfilment")
    PARTIALLY_DELIVERED = "partially_delivered", _("Partially delivered")
    DELIVERED = "delivered", _("Delivered")
    CLOSED = "closed", _("Received and closed")


class DeliveryStatus(models.TextChoices):
    AWAITING_RECEIPT = "awaiting_receipt", _("Awaiting receipt")
    RECEIVED = "received", _("Received")
    REJECTED = "rejected", _("Rejected")
