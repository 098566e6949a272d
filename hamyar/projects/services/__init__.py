"""Every write to projects: the contract, its milestones and constraints, progress, change orders.

Each transition checks that the actor may see the project (404 otherwise) and that its role may
take the step (403), locks the project row, checks the current state against the project's
lifecycle (409), writes the new state and exactly one AuditEvent in one transaction, and notifies
whoever the project now waits for. A refusal writes nothing (and leaves no stored file behind).
"""

from .change_orders import *  # noqa: F403
from .common import MAX_AMOUNT, MAX_MILESTONES  # noqa: F401  (the API's bounds)
from .constraints import *  # noqa: F403
from .documents import *  # noqa: F403
from .lifecycle import *  # noqa: F403
from .milestones import *  # noqa: F403
from .projects import *  # noqa: F403
from .reports import *  # noqa: F403
