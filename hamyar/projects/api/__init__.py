"""The projects API: contracts, milestones, constraints, progress reports and photos, change orders,
payment requests.

Every endpoint reads through a scoped selector first (a project outside the caller's scope is 404
before its input is looked at), calls one service and serialises. Bodies carry defaults where the
service has the last word, so a refusal reads the same by page and by API. Transitions are POST
`/{id}/<action>` and return the project.
"""

from . import change_orders, milestones, projects, reports

# The list and "/from-need" first, then the routes with a fixed first segment, then "/{id}…" (a path
# parameter matches any segment).
router = projects.router
router.add_router("", milestones.router)
router.add_router("", reports.router)
router.add_router("", change_orders.router)
router.add_router("", projects.one)
