"""The commerce API: one router made of the quotations, comparison, orders and group purchases routers."""

from ninja import Router

from . import comparison, group_purchases, orders, quotations

router = Router()
router.add_router("", quotations.router)
router.add_router("", comparison.router)
router.add_router("", orders.router)
router.add_router("", group_purchases.router)
