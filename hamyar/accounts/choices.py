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


class MunicipalPost(models.TextChoices):
    """Who a municipality user is in its municipality's approval chain."""

    PROCUREMENT = "procurement", _("Procurement clerk")
    FINANCE = "finance", _("Finance officer")
    MAYOR = "mayor", _("Mayor")
