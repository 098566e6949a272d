"""Every scoped read of commerce: quotations, the policy, orders, deliveries, ratings, group purchases."""

from .complaints import *  # noqa: F403
from .group_purchase_rows import *  # noqa: F403
from .group_purchases import *  # noqa: F403
from .orders import *  # noqa: F403
from .policy import *  # noqa: F403
from .quotations import *  # noqa: F403
