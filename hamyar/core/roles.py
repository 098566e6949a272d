from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ORG_ADMIN = "org_admin", _("Organization admin")
    COMMERCE_OFFICER = "commerce_officer", _("Commerce officer")
    FINANCE_OFFICER = "finance_officer", _("Finance officer")
    PROJECT_MANAGER = "project_manager", _("Project manager")
    SUPPLIER_USER = "supplier_user", _("Supplier user")
    MUNICIPALITY_USER = "municipality_user", _("Municipality user")
    EXECUTIVE = "executive", _("Executive")


# Roles that see every row of their organization.
ORGANIZATION_WIDE_ROLES = frozenset(
    {Role.ORG_ADMIN, Role.COMMERCE_OFFICER, Role.FINANCE_OFFICER, Role.EXECUTIVE}
)
# Roles bound to one provider (a staff unit, affiliated company or supplier).
PROVIDER_ROLES = frozenset({Role.PROJECT_MANAGER, Role.SUPPLIER_USER})
# Roles bound to one municipality.
MUNICIPALITY_ROLES = frozenset({Role.MUNICIPALITY_USER})
# Roles whose work a machine does for them, so they may hold API tokens: the org admin wires the
# organization's systems together, the commerce officer syncs catalogs and prices with the
# organization's ERP, the finance officer feeds the accounting system, the executive's BI tool reads
# the dashboards' figures, and a supplier's own ERP keeps its catalog, prices and orders in step.
# A municipality clerk and a project manager work on the site (a receipt, a photo, a clerk's judgement),
# so the tokens page and API refuse them and a token they still hold no longer opens the API.
API_TOKEN_ROLES = frozenset(
    {Role.ORG_ADMIN, Role.COMMERCE_OFFICER, Role.FINANCE_OFFICER, Role.EXECUTIVE, Role.SUPPLIER_USER}
)


class MunicipalPost(models.TextChoices):
    """Who a municipality user is in its municipality's approval chain."""

    PROCUREMENT = "procurement", _("Procurement clerk")
    FINANCE = "finance", _("Finance officer")
    MAYOR = "mayor", _("Mayor")
