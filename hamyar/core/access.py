"""Which roles may open which pages: one table shared by the views and the navigation.

The scoping function already limits the rows; these sets only keep a role away
from a page whose rows it could never see (403 instead of an empty page).
"""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from hamyar.core.roles import API_TOKEN_ROLES, ORGANIZATION_WIDE_ROLES, Role

ALL_ROLES = frozenset(Role)
MUNICIPALITY_READERS = ORGANIZATION_WIDE_ROLES | {Role.MUNICIPALITY_USER}
ASSET_READERS = MUNICIPALITY_READERS
ASSET_EDITORS = frozenset({Role.ORG_ADMIN, Role.COMMERCE_OFFICER, Role.MUNICIPALITY_USER})
PROVIDER_READERS = ALL_ROLES
AGREEMENT_READERS = frozenset(
    {Role.ORG_ADMIN, Role.COMMERCE_OFFICER, Role.FINANCE_OFFICER, Role.EXECUTIVE, Role.SUPPLIER_USER}
)
# The executive dashboard: the organization's management and the deputies who answer for its figures.
DASHBOARD_READERS = frozenset({Role.EXECUTIVE, Role.ORG_ADMIN, Role.COMMERCE_OFFICER, Role.FINANCE_OFFICER})
CAPABILITY_MAP_READERS = frozenset({Role.ORG_ADMIN, Role.COMMERCE_OFFICER, Role.EXECUTIVE})
USER_ADMINS = frozenset({Role.ORG_ADMIN})
API_TOKEN_HOLDERS = API_TOKEN_ROLES


def may_open(user: AbstractBaseUser | AnonymousUser | None, path: str) -> bool:
    """Whether `path` would open for `user` as far as roles go: the role set its page view was decorated
    with (web.pages.page), the same the view checks. Rows outside the user's scope are the selectors' to
    decide (a 404); a template links such a row only when its view has selected it for this user."""
    from hamyar.core.scoping import role_of

    if not getattr(user, "is_authenticated", False):
        return _opens_anonymously(path)
    return opens_for_role(role_of(user), path)


def _opens_anonymously(path: str) -> bool:
    """Whether the view at `path` is marked public (hamyar.core.pages.public)."""
    from django.urls import Resolver404, resolve

    from hamyar.core.pages import is_public

    try:
        return is_public(resolve(_unprefixed(path)).func)
    except Resolver404:
        return False


def opens_for_role(role: Role | None, path: str) -> bool:
    """Whether the page at `path` lets `role` in (a page with no role set lets every signed-in user in)."""
    from django.urls import Resolver404, resolve

    try:
        func = resolve(_unprefixed(path)).func
    except Resolver404:
        return False
    roles = getattr(func, "page_roles", None)
    return roles is None or role in roles


def _unprefixed(path: str) -> str:
    """The path as resolve() wants it: no query, and without the prefix of a site served under a
    sub-path, which reverse() put in front."""
    from django.urls import get_script_prefix

    path = path.split("?", 1)[0]
    prefix = get_script_prefix()
    if prefix != "/" and path.startswith(prefix):
        path = "/" + path[len(prefix):]
    return path
