"""What the catalog's writes share: who may write a provider's catalog, and the provider's write lock."""

from hamyar.accounts.models import Membership, User
from hamyar.core.errors import NotFound
from hamyar.core.roles import PROVIDER_ROLES, Role
from hamyar.core.scoping import in_scope, require_role
from hamyar.directory.models import Organization, Provider


def provider_membership(acting_user: User, provider: Provider | None, roles: tuple[Role, ...]) -> Membership:
    """The actor's membership if it may write this provider's catalog: officers any provider of
    their organization, a provider's own user only its own (another provider's is 404, not 403)."""
    membership = require_role(acting_user, *roles)
    if provider is None or not in_scope(provider, acting_user):
        raise NotFound()
    if membership.role in PROVIDER_ROLES and membership.provider_id != provider.pk:
        raise NotFound()
    return membership


def lock_provider(provider: Provider) -> None:
    """One writer per provider's prices at a time: a second import waits, it cannot interleave.

    The organization row is locked first, because every audited write locks it too
    (the audit chain): taking organization then provider in every path means two
    writers never hold one each and wait for the other.
    """
    Organization.objects.select_for_update().filter(pk=provider.organization_id).exists()
    Provider.objects.select_for_update().filter(pk=provider.pk).exists()
