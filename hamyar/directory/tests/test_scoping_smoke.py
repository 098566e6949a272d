from hamyar.directory import selectors


def test_district9_user_lists_only_district9(tenant, other_tenant):
    names = list(selectors.municipality_list(user=tenant.users["district9"]).values_list("name", flat=True))
    assert names == ["منطقه ۹ مشهد"]


def test_officer_lists_only_own_tenant(tenant, other_tenant):
    rows = selectors.municipality_list(user=tenant.users["commerce"])
    assert {m.organization_id for m in rows} == {tenant.org.pk}
    assert rows.count() == 4
