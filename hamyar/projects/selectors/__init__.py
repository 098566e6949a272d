"""Every projects read a user can see, each starting from the scoped queryset.

A municipality user sees its municipality's projects; a provider-bound user (the project manager
of a staff unit or affiliated company) the projects its provider executes; the organization's
roles every project of the organization. Children (milestones, constraints, reports, photos,
change orders, payment requests) are scoped through their project (`scope_paths`).
"""

from .change_orders import *  # noqa: F403
from .milestones import *  # noqa: F403
from .projects import *  # noqa: F403
from .reports import *  # noqa: F403
