"""API tokens belong to the roles that use the API, and every door says the same: the menu, the tokens
page, the tokens API, the service and the bearer authentication."""

import pytest
from django.test import Client
from django.urls import reverse

from hamyar.accounts.models import ApiToken, Membership
from hamyar.accounts.services import api_token_authenticate, api_token_create, membership_change_role
from hamyar.core.errors import PermissionDenied
from hamyar.core.models import AuditEvent
from hamyar.core.roles import API_TOKEN_ROLES, Role
from hamyar.core.scoping import membership_of
from hamyar.web.navigation import nav_items

WHO = ["admin", "commerce", "finance", "executive", "project_manager", "supplier", "district9"]


def test_every_role_is_tested_and_clerks_hold_no_tokens():
    assert {Role.MUNICIPALITY_USER, Role.PROJECT_MANAGER}.isdisjoint(API_TOKEN_ROLES)
    assert Role.ORG_ADMIN in API_TOKEN_ROLES and Role.SUPPLIER_USER in API_TOKEN_ROLES


@pytest.mark.parametrize("who", WHO)
def test_menu_page_api_service_and_authentication_agree(tenant, who):
    user = tenant.users[who]
    holds = user.membership.role in API_TOKEN_ROLES
    tokens_url = reverse("accounts:token_list")
    assert any(item.url == tokens_url for item in nav_items(user.membership)) is holds
    client = Client()
    client.force_login(user)
    assert client.get(tokens_url).status_code == (200 if holds else 403)
    assert client.get("/api/v1/tokens").status_code == (200 if holds else 403)
    created = client.post("/api/v1/tokens", {"name": "ادغام"}, content_type="application/json")
    assert created.status_code == (201 if holds else 403)
    if holds:
        assert api_token_authenticate(created.json()["secret"]) == user
    else:
        with pytest.raises(PermissionDenied):
            api_token_create(acting_user=user, name="ادغام")
        assert not ApiToken.objects.filter(user=user).exists()


def test_a_token_kept_after_a_move_to_a_clerks_role_opens_nothing(tenant):
    user = tenant.users["supplier"]
    _token, secret = api_token_create(acting_user=user, name="انبار")
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    Membership.objects.filter(user=user).update(role=Role.PROJECT_MANAGER, provider=tenant.affiliate)
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_a_change_of_role_revokes_the_members_tokens_for_good(tenant):
    """Moved from supplier to project manager and later to commerce officer, the old token never opens again:
    it ended with the role it was made under (and the audit log says so)."""
    user, admin = tenant.users["supplier"], tenant.users["admin"]
    token, secret = api_token_create(acting_user=user, name="انبار")
    membership = membership_of(user)
    membership_change_role(membership=membership, acting_user=admin, role=Role.PROJECT_MANAGER,
                           provider=tenant.affiliate)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="api_token.revoke", object_id=str(token.pk)).count() == 1
    membership_change_role(membership=membership_of(user), acting_user=admin, role=Role.COMMERCE_OFFICER)
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_a_new_title_alone_keeps_the_members_tokens(tenant):
    user, admin = tenant.users["commerce"], tenant.users["admin"]
    token, secret = api_token_create(acting_user=user, name="گزارش")
    membership_change_role(membership=membership_of(user), acting_user=admin, role=Role.COMMERCE_OFFICER,
                           title="کارشناس ارشد")
    token.refresh_from_db()
    assert token.revoked_at is None
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
