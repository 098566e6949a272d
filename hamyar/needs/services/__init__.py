"""Every write to needs: writing a need, its lifecycle, its files, service levels and reminders.

The lifecycle's steps go through `hamyar.core.lifecycle.transition` (scope 404, role 403, state 409,
one locked row, one AuditEvent); every other write checks the same in the same order. A refusal
writes nothing.
"""

from .attachments import *  # noqa: F403
from .clocks import *  # noqa: F403
from .common import *  # noqa: F403
from .needs import *  # noqa: F403
from .transitions import *  # noqa: F403
