"""Every dashboard and rollup read: the role home pages, the needs board and capability gaps, a
provider's scorecard, the receivables by municipality, the savings from group purchases, where to
grow and whom to visit (growth). Each starts
from the scoped reads of the app whose rows it sums, so a rollup never shows more than the user could
open one by one."""
from .dashboard import *  # noqa: F403
from .growth import *  # noqa: F403
from .homes import *  # noqa: F403
from .municipality_dashboard import *  # noqa: F403
from .needs import *  # noqa: F403
from .public import *  # noqa: F403
from .receivables import *  # noqa: F403
from .savings import *  # noqa: F403
from .scorecards import *  # noqa: F403
from .verdicts import *  # noqa: F403
from .work_municipality import *  # noqa: F403
from .work_officers import *  # noqa: F403
from .work_providers import *  # noqa: F403
