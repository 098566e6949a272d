"""Users, memberships and API tokens: who may write them, their one audit event, and nothing on refusal."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.utils import timezone

from hamyar.accounts import services
from hamyar.accounts.models import ApiToken, Membership, User
from hamyar.core.errors import InvalidInput, NotFound, PermissionDenied
from hamyar.core.roles import Role
from hamyar.core.testing import nothing_written, one_audit_event

NEW_PASSWORD = "Golestan-Park-1405"


@contextmanager
def refused(*errors: type[Exception]) -> Iterator[pytest.ExceptionInfo]:
    """One of `errors` is raised, and no user, membership, token or audit event is written."""
    with nothing_written("accounts", "directory"), pytest.raises(errors) as info:
        yield info


def fresh(user: User) -> User:
    """The user as a new request would load it (no cached membership)."""
    return User.objects.get(pk=user.pk)


# user_create --------------------------------------------------------------------------------------


def test_admin_creates_a_municipality_user_with_its_membership(tenant):
    admin = tenant.users["admin"]
    with one_audit_event("user.create") as audit:
        user = services.user_create(
            acting_user=admin, username="d9-procurement", password=NEW_PASSWORD,
            role=Role.MUNICIPALITY_USER, municipality=tenant.district9, first_name="زهرا",
            last_name="رضایی", title="کارشناس تدارکات")
    membership = Membership.objects.get(user=user)
    assert (membership.organization, membership.role, membership.municipality) == (
        tenant.org, Role.MUNICIPALITY_USER, tenant.district9)
    assert user.check_password(NEW_PASSWORD)
    event = audit.event
    assert (event.actor, event.organization) == (admin, tenant.org)
    assert event.object_type == "accounts.membership"
    assert event.before is None
    assert event.after["username"] == "d9-procurement"
    assert event.after["role"] == Role.MUNICIPALITY_USER
    assert event.after["municipality_id"] == tenant.district9.pk
    assert "password" not in event.after
    assert user.password not in str(event.after)


def test_admin_creates_a_supplier_user_bound_to_its_provider(tenant):
    with one_audit_event("user.create"):
        user = services.user_create(acting_user=tenant.users["admin"], username="toos-sales",
                                    password=NEW_PASSWORD, role=Role.SUPPLIER_USER,
                                    provider=tenant.supplier)
    assert user.membership.provider == tenant.supplier


def test_the_command_line_creates_a_user_for_a_named_organization_as_system(tenant):
    with one_audit_event("user.create") as audit:
        services.user_create(acting_user=None, organization=tenant.org, username="ops",
                             password=NEW_PASSWORD, role=Role.ORG_ADMIN)
    assert (audit.event.actor, audit.event.actor_label) == (None, "system")
    assert audit.event.organization == tenant.org


def test_without_an_acting_user_the_organization_is_required(tenant):
    with refused(InvalidInput):
        services.user_create(acting_user=None, username="ops", password=NEW_PASSWORD, role=Role.ORG_ADMIN)


def test_without_an_acting_user_the_municipality_must_be_of_that_organization(tenant, other_tenant):
    with refused(NotFound):
        services.user_create(acting_user=None, organization=tenant.org, username="ops",
                             password=NEW_PASSWORD, role=Role.MUNICIPALITY_USER,
                             municipality=other_tenant.district9)


@pytest.mark.parametrize(
    "role", ["commerce", "finance", "executive", "district9", "supplier", "project_manager"]
)
def test_only_an_admin_creates_users(tenant, role):
    with refused(PermissionDenied):
        services.user_create(acting_user=tenant.users[role], username="newcomer", password=NEW_PASSWORD,
                             role=Role.EXECUTIVE)


def test_a_user_cannot_be_bound_to_another_organizations_municipality(tenant, other_tenant):
    with refused(NotFound):
        services.user_create(acting_user=tenant.users["admin"], username="spy", password=NEW_PASSWORD,
                             role=Role.MUNICIPALITY_USER, municipality=other_tenant.district9)


def test_a_user_cannot_be_bound_to_another_organizations_provider(tenant, other_tenant):
    with refused(NotFound):
        services.user_create(acting_user=tenant.users["admin"], username="spy", password=NEW_PASSWORD,
                             role=Role.SUPPLIER_USER, provider=other_tenant.supplier)


@pytest.mark.parametrize(
    ("role", "binding"),
    [
        (Role.MUNICIPALITY_USER, {}),  # a municipality user without a municipality
        (Role.SUPPLIER_USER, {}),
        (Role.PROJECT_MANAGER, {}),
        (Role.COMMERCE_OFFICER, {"municipality": "district9"}),  # an officer bound to a municipality
        (Role.MUNICIPALITY_USER, {"municipality": "district9", "provider": "supplier"}),
        (Role.EXECUTIVE, {"provider": "supplier"}),
        ("mayor", {}),  # no such role
    ],
)
def test_a_role_and_its_binding_must_agree(tenant, role, binding):
    bound = {key: getattr(tenant, name) for key, name in binding.items()}
    with refused(InvalidInput):
        services.user_create(acting_user=tenant.users["admin"], username="newcomer", password=NEW_PASSWORD,
                             role=role, **bound)


@pytest.mark.parametrize("username", ["kr-admin", "KR-Admin", "  kr-admin  ", "", "   "])
def test_a_username_must_be_new_and_not_empty(tenant, username):
    with refused(InvalidInput):
        services.user_create(acting_user=tenant.users["admin"], username=username, password=NEW_PASSWORD,
                             role=Role.EXECUTIVE)


@pytest.mark.parametrize("password", ["123", "password", "12345678901", "newcomer1"])
def test_a_weak_password_is_refused(tenant, password):
    with refused(InvalidInput):
        services.user_create(acting_user=tenant.users["admin"], username="newcomer", password=password,
                             role=Role.EXECUTIVE)



def test_a_users_name_in_arabic_letters_is_stored_in_persian(tenant):
    user = services.user_create(acting_user=tenant.users["admin"], username="ali", password=NEW_PASSWORD,
                                role=Role.EXECUTIVE, first_name="علي", last_name="كريمي ")
    assert (user.first_name, user.last_name) == ("علی", "کریمی")



@pytest.mark.parametrize(("username", "email"), [("newcomer", "not-an-email"), ("bad name!", "")])
def test_a_malformed_username_or_email_is_refused(tenant, username, email):
    with refused(InvalidInput):
        services.user_create(acting_user=tenant.users["admin"], username=username, password=NEW_PASSWORD,
                             role=Role.EXECUTIVE, email=email)


# membership_change_role ---------------------------------------------------------------------------


def test_admin_moves_a_user_to_another_role_and_the_event_has_before_and_after(tenant):
    admin = tenant.users["admin"]
    membership = tenant.users["district10"].membership
    with one_audit_event("membership.change_role") as audit:
        services.membership_change_role(membership=membership, acting_user=admin,
                                        role=Role.PROJECT_MANAGER, provider=tenant.staff_unit)
    membership.refresh_from_db()
    assert (membership.role, membership.municipality, membership.provider) == (
        Role.PROJECT_MANAGER, None, tenant.staff_unit)
    event = audit.event
    assert event.actor == admin
    assert event.before["role"] == Role.MUNICIPALITY_USER
    assert event.before["municipality_id"] == tenant.district10.pk
    assert event.after["role"] == Role.PROJECT_MANAGER
    assert event.after["provider_id"] == tenant.staff_unit.pk


def test_a_new_role_takes_effect_on_the_next_request(tenant):
    token = make_token(tenant, "supplier")
    services.membership_change_role(membership=tenant.users["finance"].membership,
                                    acting_user=tenant.users["admin"], role=Role.ORG_ADMIN)
    with one_audit_event("api_token.revoke"):
        services.api_token_revoke(token=token, acting_user=fresh(tenant.users["finance"]))


@pytest.mark.parametrize("role", ["commerce", "finance", "executive", "district9"])
def test_only_an_admin_changes_roles(tenant, role):
    with refused(PermissionDenied):
        services.membership_change_role(membership=tenant.users["district10"].membership,
                                        acting_user=tenant.users[role], role=Role.ORG_ADMIN)


def test_a_user_cannot_promote_themselves(tenant):
    user = tenant.users["commerce"]
    with refused(PermissionDenied):
        services.membership_change_role(membership=user.membership, acting_user=user, role=Role.ORG_ADMIN)


def test_another_organizations_membership_cannot_be_changed(tenant, other_tenant):
    with refused(NotFound):
        services.membership_change_role(membership=other_tenant.users["commerce"].membership,
                                        acting_user=tenant.users["admin"], role=Role.EXECUTIVE)


def test_a_role_change_must_bring_its_binding(tenant):
    with refused(InvalidInput):
        services.membership_change_role(membership=tenant.users["commerce"].membership,
                                        acting_user=tenant.users["admin"], role=Role.MUNICIPALITY_USER)



def test_a_role_change_cannot_bind_to_another_organizations_municipality(tenant, other_tenant):
    with refused(NotFound):
        services.membership_change_role(membership=tenant.users["commerce"].membership,
                                        acting_user=tenant.users["admin"], role=Role.MUNICIPALITY_USER,
                                        municipality=other_tenant.district9)


# API tokens ---------------------------------------------------------------------------------------


def make_token(tenant, role: str) -> ApiToken:
    token, _secret = services.api_token_create(acting_user=tenant.users[role], name="ادغام")
    return token


def test_a_user_creates_a_token_whose_secret_is_shown_once_and_stored_hashed(tenant):
    user = tenant.users["supplier"]
    expires = timezone.now() + dt.timedelta(days=30)
    with one_audit_event("api_token.create") as audit:
        token, secret = services.api_token_create(acting_user=user, name="سامانه انبار", expires_at=expires)
    assert secret.startswith(services.TOKEN_PREFIX) and len(secret) > 40
    assert token.prefix == secret[:12]
    assert secret not in str(list(ApiToken.objects.values()))
    assert (token.user, token.organization) == (user, tenant.org)
    event = audit.event
    assert (event.actor, event.object_id) == (user, str(token.pk))
    assert event.after == {"name": "سامانه انبار", "prefix": token.prefix,
                           "expires_at": expires.isoformat()}
    assert secret not in str(event.after) and token.key_hash not in str(event.after)


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_a_token_needs_a_short_name(tenant, name):
    with refused(InvalidInput):
        services.api_token_create(acting_user=tenant.users["commerce"], name=name)


@pytest.mark.parametrize("delta", [dt.timedelta(0), dt.timedelta(days=-1)])
def test_a_token_expiry_must_be_in_the_future(tenant, delta):
    with refused(InvalidInput):
        services.api_token_create(acting_user=tenant.users["commerce"], name="ادغام",
                                  expires_at=timezone.now() + delta)


def test_a_user_without_a_membership_cannot_create_tokens(db):
    loner = User.objects.create_user(username="loner", password=NEW_PASSWORD)
    with refused(NotFound):
        services.api_token_create(acting_user=loner, name="ادغام")


def test_a_user_revokes_their_own_token_once(tenant):
    token = make_token(tenant, "supplier")
    with one_audit_event("api_token.revoke") as audit:
        services.api_token_revoke(token=token, acting_user=tenant.users["supplier"])
    token.refresh_from_db()
    assert token.revoked_at is not None and not token.is_usable
    assert audit.event.after == {"revoked_at": token.revoked_at.isoformat()}
    # Revoking again is a no-op: no second event.
    with nothing_written("accounts"):
        services.api_token_revoke(token=token, acting_user=tenant.users["supplier"])


def test_an_admin_revokes_anyones_token_in_the_organization(tenant):
    token = make_token(tenant, "supplier")
    with one_audit_event("api_token.revoke") as audit:
        services.api_token_revoke(token=token, acting_user=tenant.users["admin"])
    assert audit.event.actor == tenant.users["admin"]


def test_a_user_cannot_revoke_someone_elses_token(tenant):
    token = make_token(tenant, "supplier")
    with refused(PermissionDenied):
        services.api_token_revoke(token=token, acting_user=tenant.users["commerce"])


def test_an_admin_cannot_revoke_another_organizations_token(tenant, other_tenant):
    token = make_token(other_tenant, "supplier")
    with refused(NotFound):
        services.api_token_revoke(token=token, acting_user=tenant.users["admin"])


def test_a_token_authenticates_its_user_without_writing_an_audit_event(tenant):
    _token, secret = services.api_token_create(acting_user=tenant.users["supplier"], name="ادغام")
    with nothing_written():
        assert services.api_token_authenticate(secret) == tenant.users["supplier"]


@pytest.mark.parametrize("secret", ["", "Bearer", "hmy_not-a-real-secret", "x" * 50])
def test_an_unknown_secret_authenticates_no_one(db, secret):
    assert services.api_token_authenticate(secret) is None


def test_a_revoked_or_expired_token_or_an_inactive_user_authenticates_no_one(tenant):
    revoked, revoked_secret = services.api_token_create(acting_user=tenant.users["supplier"], name="a")
    services.api_token_revoke(token=revoked, acting_user=tenant.users["supplier"])
    expired, expired_secret = services.api_token_create(acting_user=tenant.users["commerce"], name="b",
                                                        expires_at=timezone.now() + dt.timedelta(days=1))
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    _token, inactive_secret = services.api_token_create(acting_user=tenant.users["finance"], name="c")
    User.objects.filter(pk=tenant.users["finance"].pk).update(is_active=False)
    assert services.api_token_authenticate(revoked_secret) is None
    assert services.api_token_authenticate(expired_secret) is None
    assert services.api_token_authenticate(inactive_secret) is None
