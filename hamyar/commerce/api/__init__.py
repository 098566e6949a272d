"""The commerce API: one router made of the quotations, comparison and orders routers."""

from ninja import Router

from . import comparison, orders, quotations

router = Router()
router.add_router("", quotations.router)
router.add_router("", comparison.router)
router.add_router("", orders.router)
