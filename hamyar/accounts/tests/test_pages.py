"""Sign-in, lockout, sign-out, the users page, API tokens and the accounts admin."""

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import reverse

from conftest import PASSWORD
from hamyar.accounts.models import ApiToken
from hamyar.accounts.services import api_token_authenticate, api_token_create, notify

LOGIN = "/accounts/login/"


def attempt(client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


# --- sign-in and lockout ------------------------------------------------------------------------

def test_login_page_is_persian_and_right_to_left(client, db):
    html = client.get(LOGIN).content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    assert "ورود" in html and "نام کاربری" in html and "گذرواژه" in html


def test_login_page_in_english_when_chosen(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(LOGIN).content.decode()
    assert '<html lang="en" dir="ltr">' in html and "Username" in html


def test_signing_in_lands_on_home(client, tenant):
    response = attempt(client, tenant.users["district9"].username, PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("web:home")
    assert client.get(reverse("web:home")).context["user"] == tenant.users["district9"]


def test_signing_in_returns_to_the_page_asked_for(client, tenant):
    target = reverse("directory:provider_list")
    response = client.post(f"{LOGIN}?next={target}", {"username": tenant.users["commerce"].username,
                                                      "password": PASSWORD, "next": target})
    assert response["Location"] == target


def test_wrong_password_shows_a_persian_error(client, tenant):
    response = attempt(client, tenant.users["district9"].username, "wrong")
    assert response.status_code == 200
    assert "نام کاربری یا گذرواژه درست نیست" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_five_failed_logins_lock_the_account_even_against_the_right_password(client, tenant):
    username = tenant.users["district9"].username
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, username, "wrong").status_code == 200
    locked = attempt(client, username, "wrong")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert 'id="locked"' in html and "قفل" in html and "۱۵ دقیقه" in html
    assert '<html lang="fa" dir="rtl">' in html
    again = attempt(client, username, PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lockout_leaves_another_user_at_another_address_free(client, tenant):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, tenant.users["district9"].username, "wrong")
    response = client.post(LOGIN, {"username": tenant.users["district10"].username, "password": PASSWORD},
                           REMOTE_ADDR="192.0.2.44")
    assert response.status_code == 302


def test_signing_out_is_a_post_and_returns_to_login(client, tenant):
    client.force_login(tenant.users["district9"])
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert client.get(reverse("web:home")).status_code == 302


# --- users page ---------------------------------------------------------------------------------

def test_org_admin_sees_only_its_organizations_users(client, tenant, other_tenant):
    client.force_login(tenant.users["admin"])
    rows = client.get(reverse("accounts:user_list")).context["object_list"]
    assert {m.user.username for m in rows} == {u.username for u in tenant.users.values()} | {"kr-d9-mayor"}


def test_users_page_filters_by_role_and_searches(client, tenant):
    client.force_login(tenant.users["admin"])
    rows = client.get(reverse("accounts:user_list"), {"role": "municipality_user"}).context["object_list"]
    assert {m.user.username for m in rows} == {"kr-d9", "kr-d9-mayor", "kr-d10"}
    rows = client.get(reverse("accounts:user_list"), {"q": "d10"}).context["object_list"]
    assert [m.user.username for m in rows] == ["kr-d10"]


@pytest.mark.parametrize("who", ["commerce", "finance", "executive", "project_manager", "supplier",
                                 "district9"])
def test_users_page_is_for_org_admins_only(client, tenant, who):
    client.force_login(tenant.users[who])
    assert client.get(reverse("accounts:user_list")).status_code == 403


def test_anonymous_is_sent_to_login_from_account_pages(client, tenant):
    for path in (reverse("accounts:user_list"), reverse("accounts:token_list")):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)


# --- API tokens ---------------------------------------------------------------------------------

def test_new_token_secret_is_shown_once_and_works(client, tenant):
    client.force_login(tenant.users["supplier"])
    response = client.post(reverse("accounts:token_list"), {"name": "نرم‌افزار انبار", "days": "30"})
    assert response.status_code == 201
    secret = response.context["secret"]
    assert secret in response.content.decode()
    assert api_token_authenticate(secret) == tenant.users["supplier"]
    token = ApiToken.objects.get(user=tenant.users["supplier"])
    assert token.expires_at is not None and secret not in (token.key_hash, token.prefix)
    assert secret not in client.get(reverse("accounts:token_list")).content.decode()


def test_token_without_a_name_answers_422_and_makes_nothing(client, tenant):
    client.force_login(tenant.users["supplier"])
    response = client.post(reverse("accounts:token_list"), {"name": "", "days": ""})
    assert response.status_code == 422 and response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_revoked_token_no_longer_opens_the_api(client, tenant):
    user = tenant.users["supplier"]
    token, secret = api_token_create(acting_user=user, name="گزارش")
    client.force_login(user)
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert api_token_authenticate(secret) is None
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_nobody_lists_or_revokes_another_persons_token(client, tenant, other_tenant):
    token, secret = api_token_create(acting_user=tenant.users["supplier"], name="گزارش")
    for user in (tenant.users["commerce"], tenant.users["admin"], other_tenant.users["supplier"]):
        client.force_login(user)
        assert token not in client.get(reverse("accounts:token_list")).context["tokens"]
        assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    assert api_token_authenticate(secret) == tenant.users["supplier"]


def test_revoking_is_a_post(client, tenant):
    token, _ = api_token_create(acting_user=tenant.users["supplier"], name="گزارش")
    client.force_login(tenant.users["supplier"])
    assert client.get(reverse("accounts:token_revoke", args=[token.pk])).status_code == 405


# --- admin --------------------------------------------------------------------------------------

ACCOUNTS_ADMINS = [m for m in admin.site._registry if m._meta.app_label == "accounts"]


def test_every_accounts_model_is_in_the_admin():
    from django.apps import apps

    assert set(ACCOUNTS_ADMINS) == set(apps.get_app_config("accounts").get_models())


@pytest.mark.parametrize("model", ACCOUNTS_ADMINS, ids=lambda m: m.__name__)
def test_accounts_admin_changelist_search_and_filters_answer(admin_client, tenant, model):
    api_token_create(acting_user=tenant.users["supplier"], name="گزارش")
    notify(organization_id=tenant.org.pk, recipients=[tenant.users["district9"]], subject="پیش‌فاکتور")
    model_admin = admin.site._registry[model]
    assert len(model_admin.list_display) > 1 and model_admin.search_fields and model_admin.list_filter
    base = reverse(f"admin:accounts_{model._meta.model_name}_changelist")
    assert admin_client.get(base).status_code == 200
    assert admin_client.get(base, {"q": "kr"}).status_code == 200
    obj = model.objects.exclude(username="admin").first() if model._meta.model_name == "user" else (
        model.objects.first())
    assert admin_client.get(reverse(f"admin:accounts_{model._meta.model_name}_change",
                                    args=[obj.pk])).status_code == 200


def test_api_tokens_cannot_be_added_in_the_admin(admin_client, db):
    assert admin_client.get(reverse("admin:accounts_apitoken_add")).status_code == 403
