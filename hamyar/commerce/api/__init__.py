"""The commerce API: one router made of the quotations and orders routers."""

from ninja import Router

from . import orders, quotations

router = Router()
router.add_router("", quotations.router)
router.add_router("", orders.router)
