"""The organization's commerce policy as a read: the stored row, or the defaults until its admin sets them."""

from ..models import CommercePolicy

__all__ = ["commerce_policy_get"]


def commerce_policy_get(*, organization_id: int) -> CommercePolicy:
    """The thresholds in force; an unsaved row with the model's defaults when none is stored, because a read
    never writes (`commerce_policy_update` creates the row)."""
    stored = CommercePolicy.objects.filter(organization_id=organization_id).first()
    return stored if stored is not None else CommercePolicy(organization_id=organization_id)
