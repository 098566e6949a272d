"""The organization's approval thresholds and quotation validity: changed by its admin only, audited."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import Membership, User
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.errors import InvalidInput
from hamyar.core.roles import Role
from hamyar.core.scoping import require_role

from ..models import CommercePolicy
from .pricing import MAX_PRICE, MAX_VALIDITY_DAYS

__all__ = ["POLICY_EDITORS", "commerce_policy_editor", "commerce_policy_update"]

POLICY_EDITORS = (Role.ORG_ADMIN,)
FIELDS = ("deputy_approval_above", "mayor_approval_above", "quotation_validity_days")


def commerce_policy_editor(*, acting_user: User) -> Membership:
    """The actor's membership if it may change the policy (its org admin); PermissionDenied otherwise. A
    page asks before it judges a refused form, so a wrong role hears 403 first."""
    return require_role(acting_user, *POLICY_EDITORS)


def commerce_policy_update(*, acting_user: User, data: dict[str, Any]) -> CommercePolicy:
    """Set the thresholds given (the others stay); the row is created here on its first change."""
    membership = commerce_policy_editor(acting_user=acting_user)
    errors: dict[str, list[str]] = {}
    for name in ("deputy_approval_above", "mayor_approval_above"):
        value = data.get(name)
        if value is not None and not (0 <= int(value) <= MAX_PRICE * 1000):
            errors[name] = [str(_("Enter an amount of zero Rial or more."))]
    days = data.get("quotation_validity_days")
    if days is not None and not (1 <= int(days) <= MAX_VALIDITY_DAYS):
        errors["quotation_validity_days"] = [str(_("A quotation is valid for 1 to 365 days."))]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], extra={"fields": errors})
    with transaction.atomic():
        CommercePolicy.objects.get_or_create(organization_id=membership.organization_id)
        policy = CommercePolicy.objects.select_for_update().get(organization_id=membership.organization_id)
        before = snapshot(policy)
        for name in FIELDS:
            if data.get(name) is not None:
                setattr(policy, name, int(data[name]))
        policy.save()
        audit_record(actor=acting_user, action="commerce_policy.update", obj=policy, before=before,
                     after=snapshot(policy))
    return policy
