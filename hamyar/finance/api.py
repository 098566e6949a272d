"""The finance API: invoices, payments, statements, commissions."""

from ninja import Router

router = Router(tags=["finance"])
