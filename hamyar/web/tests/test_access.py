"""A link is shown only where its page would open: web.access answers by the page's own role set."""

from django.urls import reverse, set_script_prefix

from hamyar.core.access import may_open, opens_for_role
from hamyar.core.roles import Role


def test_a_page_opens_for_the_roles_its_view_lets_in_and_no_other():
    triage = reverse("needs:triage_queue")
    assert opens_for_role(Role.COMMERCE_OFFICER, triage)
    assert not opens_for_role(Role.FINANCE_OFFICER, triage)
    assert not opens_for_role(Role.MUNICIPALITY_USER, triage)
    assert not opens_for_role(Role.COMMERCE_OFFICER, "/no/such/page/")


def test_a_site_served_under_a_sub_path_still_decides_its_links():
    set_script_prefix("/hamyar/")
    try:
        triage = reverse("needs:triage_queue")
        assert triage.startswith("/hamyar/")
        assert opens_for_role(Role.COMMERCE_OFFICER, triage + "?status=submitted")
        assert not opens_for_role(Role.FINANCE_OFFICER, triage)
    finally:
        set_script_prefix("/")


def test_no_page_opens_for_a_visitor_who_has_not_signed_in(tenant):
    from django.contrib.auth.models import AnonymousUser

    assert not may_open(AnonymousUser(), reverse("needs:triage_queue"))
    assert may_open(tenant.users["commerce"], reverse("needs:triage_queue"))
