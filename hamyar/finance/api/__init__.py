"""The finance API: invoices, payments, statements, commissions and the organization's totals.

Every endpoint reads through a scoped selector first (a row outside the caller's scope is 404
before its input is looked at), calls one service and serialises. Bodies carry defaults where
the service has the last word, so a refusal reads the same by page and by API. Dates may be sent
as Jalali (1405/09/03, Persian digits too) or Gregorian ISO (2026-11-24).
"""

from ninja import Router

from . import commissions, invoices, payments, statements

router = Router()
router.add_router("", invoices.router)
router.add_router("", payments.router)
router.add_router("", statements.router)
router.add_router("", commissions.router)
