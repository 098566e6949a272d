"""Every scoped read of commerce: quotations, orders, deliveries, ratings."""

from .orders import *  # noqa: F403
from .quotations import *  # noqa: F403
