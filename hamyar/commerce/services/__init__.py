"""Every write of commerce: quotations and their approval chain, the policy, orders, deliveries, receipts,
ratings, and group purchases."""

from .approvals import *  # noqa: F403
from .complaints import *  # noqa: F403
from .deliveries import *  # noqa: F403
from .group_closing import *  # noqa: F403
from .group_places import *  # noqa: F403
from .group_purchases import *  # noqa: F403
from .orders import *  # noqa: F403
from .policy import *  # noqa: F403
from .pricing import *  # noqa: F403
from .quotations import *  # noqa: F403
from .sending import *  # noqa: F403
