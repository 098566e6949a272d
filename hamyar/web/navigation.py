"""The side navigation, built from the acting user's role."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hamyar.accounts.models import Membership
from hamyar.core import access
from hamyar.core.roles import PROVIDER_ROLES, Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    icon: str
    # A view name prefix: the item is highlighted on every page whose view name starts with it.
    section: str
    active: bool = False


def _optional(label: str, view_name: str, icon: str, section: str) -> NavItem | None:
    """An item for an app that may not be installed yet (its URLs are not in the URLconf)."""
    try:
        return NavItem(label, reverse(view_name), icon, section)
    except NoReverseMatch:
        return None


def _work_items(role: Role) -> list[NavItem | None]:
    """Needs, quotations and orders: what each role works on, under the names it knows them by."""
    if role == Role.MUNICIPALITY_USER:
        return [
            _optional(_("Our needs"), "needs:need_list", "inbox", "needs:"),
            _optional(_("Quotations"), "commerce:quotation_list", "receipt", "commerce:quotation"),
            _optional(_("Orders and receipts"), "commerce:order_list", "truck", "commerce:order"),
            _optional(_("Group purchases"), "commerce:group_purchase_list", "people",
                      "commerce:group_purchase"),
            _optional(_("Our projects"), "projects:project_list", "flag", "projects:"),
            _optional(_("Complaints"), "commerce:complaint_list", "bell", "commerce:complaint"),
        ]
    if role in PROVIDER_ROLES:
        return [
            _optional(_("Work queue"), "needs:work_queue", "inbox", "needs:"),
            _optional(_("Quotations"), "commerce:quotation_list", "receipt", "commerce:quotation"),
            _optional(_("Orders to fulfil"), "commerce:order_list", "truck", "commerce:order"),
            _optional(_("Group purchases"), "commerce:group_purchase_list", "people",
                      "commerce:group_purchase"),
            _optional(_("Our projects"), "projects:project_list", "flag", "projects:"),
            _optional(_("Complaints"), "commerce:complaint_list", "bell", "commerce:complaint")
            if role == Role.SUPPLIER_USER else None,
        ]
    # Triage is the commerce deputy's work; everyone organization-wide follows the board.
    triage = role in (Role.ORG_ADMIN, Role.COMMERCE_OFFICER)
    return [
        _optional(_("Triage queue"), "needs:triage_queue", "inbox", "needs:triage") if triage else None,
        _optional(_("Needs board"), "needs:board", "grid", "needs:board"),
        _optional(_("Overdue"), "needs:overdue", "clock", "needs:overdue"),
        _optional(_("Capability gaps"), "needs:capability_gaps", "alert", "needs:capability_gaps")
        if role in (Role.ORG_ADMIN, Role.COMMERCE_OFFICER, Role.EXECUTIVE) else None,
        _optional(_("Opportunities"), "insights:opportunities", "city", "insights:opportunities")
        if role in (Role.ORG_ADMIN, Role.COMMERCE_OFFICER, Role.EXECUTIVE) else None,
        _optional(_("Service levels"), "needs:service_levels", "clock", "needs:service_levels")
        if role == Role.ORG_ADMIN else None,
        _optional(_("Quotations"), "commerce:quotation_list", "receipt", "commerce:quotation"),
        _optional(_("Orders"), "commerce:order_list", "truck", "commerce:order"),
        _optional(_("Group purchases"), "commerce:group_purchase_list", "people",
                  "commerce:group_purchase"),
        _optional(_("Project portfolio"), "projects:project_list", "flag", "projects:"),
        _optional(_("Complaints"), "commerce:complaint_list", "bell", "commerce:complaint"),
    ]


def _finance_items(role: Role) -> list[NavItem | None]:
    """Billing: a municipality sees its own invoices and statement; finance, admins and executives all."""
    if role == Role.MUNICIPALITY_USER:
        return [
            _optional(_("Invoices"), "finance:invoice_list", "receipt", "finance:invoice"),
            _optional(_("Our statement"), "finance:statement_mine", "file", "finance:statement"),
        ]
    if role == Role.SUPPLIER_USER:
        return [_optional(_("Commissions"), "finance:commission_list", "percent", "finance:commission")]
    if role in (Role.ORG_ADMIN, Role.FINANCE_OFFICER, Role.EXECUTIVE):
        return [
            _optional(_("Invoices"), "finance:invoice_list", "receipt", "finance:invoice"),
            _optional(_("Statements"), "finance:statement_list", "file", "finance:statement"),
            _optional(_("Commissions"), "finance:commission_list", "percent", "finance:commission"),
        ]
    return []


def _insights_items(role: Role) -> list[NavItem | None]:
    """The municipalities' verdict on the organization: a municipality answers it, management reads it."""
    if role == Role.MUNICIPALITY_USER:
        return [_optional(_("Our verdict"), "insights:survey", "check", "insights:survey")]
    return [_optional(_("Municipalities' verdict"), "insights:survey_results", "check", "insights:survey")]


def nav_items(membership: Membership | None, view_name: str = "") -> list[NavItem]:
    if membership is None:
        return []
    role = Role(membership.role)
    items = [NavItem(pgettext_lazy("navigation", "Home"), reverse("web:home"), "home", "web:home")]
    if role in access.DASHBOARD_READERS and role != Role.EXECUTIVE:  # the executive's home is the dashboard
        items.append(NavItem(_("Executive dashboard"), reverse("insights:dashboard"), "grid",
                             "insights:dashboard"))
    if role == Role.MUNICIPALITY_USER:
        items.append(NavItem(_("My municipality"),
                             reverse("directory:municipality_detail", args=[membership.municipality_id]),
                             "city", "directory:municipality"))
        items.append(NavItem(_("Assets"), reverse("directory:asset_list"), "tree", "directory:asset"))
        dashboard = _optional(_("Our dashboard"), "insights:municipality_dashboard", "grid",
                              "insights:municipality_dashboard")
        if dashboard:
            items.append(dashboard)
    elif role in access.MUNICIPALITY_READERS:
        items.append(NavItem(_("Municipalities"), reverse("directory:municipality_list"), "city",
                             "directory:municipality"))
        items.append(NavItem(_("Assets"), reverse("directory:asset_list"), "tree", "directory:asset"))
    if role in (Role.SUPPLIER_USER, Role.PROJECT_MANAGER):
        items.append(NavItem(_("Our profile"),
                             reverse("directory:provider_detail", args=[membership.provider_id]),
                             "building", "directory:provider"))
    else:
        items.append(NavItem(_("Providers"), reverse("directory:provider_list"), "building",
                             "directory:provider"))
    catalog = _optional(_("Catalog"), "catalog:item_list", "box", "catalog:")
    if catalog:
        items.append(catalog)
    items.extend(i for i in _work_items(role) if i is not None)
    items.extend(i for i in _finance_items(role) if i is not None)
    items.extend(i for i in _insights_items(role) if i is not None)
    if role in access.AGREEMENT_READERS:
        items.append(NavItem(_("Agency agreements"), reverse("directory:agreement_list"), "file",
                             "directory:agreement"))
    scorecards = _optional(_("Provider scorecards"), "commerce:scorecard_list", "percent",
                           "commerce:scorecard")
    if scorecards:  # shown to the roles its page lets in (below)
        items.append(scorecards)
    if role in access.CAPABILITY_MAP_READERS:
        items.append(NavItem(_("Capability map"), reverse("directory:capability_map"), "grid",
                             "directory:capability"))
    if role in access.USER_ADMINS:
        items.append(NavItem(_("Users"), reverse("accounts:user_list"), "people", "accounts:user"))
    if role in access.API_TOKEN_HOLDERS:
        items.append(NavItem(_("API tokens"), reverse("accounts:token_list"), "key", "accounts:token"))
    # The signed export of the audit log: the page lets in only the org admin and the executive.
    items.append(NavItem(_("Audit log"), reverse("web:audit_export"), "check", "web:audit"))
    if role == Role.ORG_ADMIN:  # what the organization publishes (OCDS) is its admin's choice
        items.append(NavItem(_("Publication"), reverse("transparency:policy"), "globe",
                             "transparency:policy"))
    # The menu offers only what opens: each item is checked against its page's own role set.
    return [
        NavItem(i.label, i.url, i.icon, i.section, active=bool(view_name) and view_name.startswith(i.section))
        for i in items if access.opens_for_role(role, i.url)
    ]
