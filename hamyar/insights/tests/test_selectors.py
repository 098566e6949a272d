"""The rollups read only what their user could open one by one."""

import pytest

from hamyar.core.errors import NotFound, PermissionDenied
from hamyar.insights import selectors
from hamyar.needs.choices import NeedStatus
from hamyar.needs.models import Need
from hamyar.needs.tests.helpers import project_need


def test_scorecard_is_for_officers_and_the_provider_itself(tenant, other_tenant):
    assert selectors.provider_scorecard(user=tenant.users["supplier"], provider=tenant.supplier).rated == 0
    with pytest.raises(NotFound):
        selectors.provider_scorecard_get(user=tenant.users["supplier"], pk=tenant.affiliate.pk)
    with pytest.raises(NotFound):
        selectors.provider_scorecard_get(user=other_tenant.users["commerce"], pk=tenant.supplier.pk)
    with pytest.raises(PermissionDenied):
        selectors.provider_scorecard_get(user=tenant.users["district9"], pk=tenant.supplier.pk)


def _need(tenant, status: NeedStatus, *, gap: bool = False, municipality=None) -> Need:
    """A need of district 9 moved straight to `status` (the rollups read states, not how they came)."""
    need = project_need(tenant)
    Need.objects.filter(pk=need.pk).update(status=status, is_capability_gap=gap,
                                           municipality=municipality or tenant.district9)
    return need


def test_board_and_gaps_count_only_the_users_organization(tenant, other_tenant):
    _need(tenant, NeedStatus.SUBMITTED)
    _need(tenant, NeedStatus.REJECTED, gap=True, municipality=tenant.district10)
    _need(other_tenant, NeedStatus.SUBMITTED)
    board = selectors.need_board(user=tenant.users["commerce"])
    assert board["total"] == 2
    assert [c.count for c in board["columns"] if c.status == NeedStatus.SUBMITTED] == [1]
    assert [(r["domain__name"], r["n"]) for r in board["per_domain"]] == [(tenant.green.name, 1)]
    gaps = selectors.capability_gaps(user=tenant.users["commerce"])
    assert [(r["domain_id"], r["n"], r["municipalities"]) for r in gaps] == [(tenant.green.pk, 1, 1)]
    assert selectors.need_board(user=tenant.users["district9"])["total"] == 1  # its own need only
