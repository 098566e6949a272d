"""The one scoping function every selector starts from.

An organization-wide role sees its whole tenant; a municipality user only what
its municipality reaches; a provider-bound user only what its provider reaches.
A model says how in `scope_paths` (see `TenantModel`). The public reader (no one
signed in, on a page or API route marked public) sees only the rows its model's
`published_filter` selects, and nothing of a model that declares none.
"""

from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from .errors import NotFound, PermissionDenied
from .roles import MUNICIPALITY_ROLES, ORGANIZATION_WIDE_ROLES, PROVIDER_ROLES, Role

M = TypeVar("M", bound=Model)
R = TypeVar("R")


def membership_of(user: Any) -> Any:
    """The acting user's membership (accounts.Membership) or None, cached on the user for the request.

    Read through the user's reverse relation so that this bottom layer names no app above it.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_hamyar_membership"):
        memberships = user._meta.get_field("membership").related_model._default_manager
        user._hamyar_membership = (
            memberships.select_related("organization", "municipality", "provider")
            .filter(user=user, user__is_active=True)
            .first()
        )
    return user._hamyar_membership


def role_of(user: Any) -> Role | None:
    membership = membership_of(user)
    return Role(membership.role) if membership else None


def scope(queryset: QuerySet[M, R], user: Any) -> QuerySet[M, R]:
    """Only the rows of `queryset` that `user` may read."""
    if not getattr(user, "is_authenticated", False):
        published = getattr(queryset.model, "published_filter", None)
        return queryset.none() if published is None else queryset.filter(published)
    membership = membership_of(user)
    if membership is None:
        return queryset.none()
    model: type[Model] = queryset.model
    if getattr(model, "is_tenant", False):  # the organization itself
        return queryset.filter(pk=membership.organization_id)
    queryset = queryset.filter(organization_id=membership.organization_id)
    role = Role(membership.role)
    if role in ORGANIZATION_WIDE_ROLES:
        return queryset
    paths: dict = getattr(model, "scope_paths", {})
    if role in MUNICIPALITY_ROLES:
        path, target = paths.get("municipality"), membership.municipality_id
    elif role in PROVIDER_ROLES:
        path, target = paths.get("provider"), membership.provider_id
    else:  # an unknown role sees nothing
        return queryset.none()
    if path is None:
        return queryset.none()
    if path == "*":
        return queryset
    return queryset.filter(**{path: target})


def scoped_get(queryset: QuerySet[M], user: Any, **lookup: Any) -> M:
    """One row the user may read, or NotFound: outside the scope looks like absent."""
    obj = scope(queryset, user).filter(**lookup).first()
    if obj is None:
        raise NotFound()
    return obj


def in_scope(obj: Model, user: Any) -> bool:
    return scope(type(obj)._default_manager.filter(pk=obj.pk), user).exists()


def require_role(user: Any, *roles: Role) -> Any:
    """The actor's membership if its role is one of `roles`; PermissionDenied otherwise."""
    membership = membership_of(user)
    if membership is None or membership.role not in roles:
        raise PermissionDenied()
    return membership
