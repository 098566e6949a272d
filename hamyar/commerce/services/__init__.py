"""Every write of commerce: quotations and their approval chain, orders, deliveries, receipts, ratings."""

from .orders import *  # noqa: F403
from .quotations import *  # noqa: F403
