"""Project pages: the portfolio (officers and executives), a municipality's own projects, a provider's
work; the project page with its timeline, progress chart, constraints, reports and photos, change
orders, payment requests and history; and the actions each role may take.

Every view reads through a scoped selector and writes through one service. A refused action shows
the project again with the service's message at the service's status (409, 422), writing nothing;
an object outside the user's scope is 404, a wrong role 403.
"""

from .change_orders import change_order_decide, change_order_propose
from .detail import HISTORY_LABELS, project_detail
from .milestones import (
    constraint_add,
    constraint_update,
    milestone_add,
    milestone_complete,
    milestone_remove,
    milestone_start,
)
from .projects import project_create, project_edit, project_from_need, project_list, project_transition
from .reports import document_add, document_download, document_remove, photo, photo_thumbnail, report_create

__all__ = [
    "HISTORY_LABELS", "change_order_decide", "change_order_propose", "constraint_add", "constraint_update",
    "document_add", "document_download", "document_remove", "milestone_add", "milestone_complete",
    "milestone_remove", "milestone_start", "photo", "photo_thumbnail", "project_create", "project_detail",
    "project_edit", "project_from_need", "project_list", "project_transition", "report_create",
]
