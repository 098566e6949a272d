"""The commerce API: one router made of the quotations, comparison, orders, group purchases and
complaints routers."""

from ninja import Router

from . import comparison, complaints, group_purchases, orders, quotations

router = Router()
router.add_router("", quotations.router)
router.add_router("", comparison.router)
router.add_router("", orders.router)
router.add_router("", group_purchases.router)
router.add_router("", complaints.router)
