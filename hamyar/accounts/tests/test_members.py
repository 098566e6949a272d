"""Adding and editing users, with the municipal post of a municipality user (page, API and service)."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from hamyar.accounts import services
from hamyar.accounts.models import Membership, User
from hamyar.core.errors import InvalidInput
from hamyar.core.roles import MunicipalPost, Role
from hamyar.core.testing import nothing_written, one_audit_event

NEW_PASSWORD = "Golestan-Park-1405"


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# ---------------------------------------------------------------- services


def test_a_municipality_user_is_created_with_its_post(tenant):
    with one_audit_event("user.create") as audit:
        user = services.user_create(acting_user=tenant.users["admin"], username="d9-mayor-2",
                                    password=NEW_PASSWORD, role=Role.MUNICIPALITY_USER,
                                    municipality=tenant.district9, post=MunicipalPost.MAYOR)
    assert user.membership.post == MunicipalPost.MAYOR
    assert audit.event.after["post"] == MunicipalPost.MAYOR


def test_a_municipality_user_without_a_post_is_the_procurement_clerk(tenant):
    user = services.user_create(acting_user=tenant.users["admin"], username="d9-clerk", password=NEW_PASSWORD,
                                role=Role.MUNICIPALITY_USER, municipality=tenant.district9)
    assert user.membership.post == MunicipalPost.PROCUREMENT


@pytest.mark.parametrize("role", [Role.COMMERCE_OFFICER, Role.EXECUTIVE])
def test_another_role_is_refused_a_post(tenant, role):
    with nothing_written("accounts"), pytest.raises(InvalidInput) as refused:
        services.user_create(acting_user=tenant.users["admin"], username="officer", password=NEW_PASSWORD,
                             role=role, post=MunicipalPost.MAYOR)
    assert "post" in refused.value.extra["fields"]


def test_an_unknown_post_is_refused(tenant):
    with nothing_written("accounts"), pytest.raises(InvalidInput):
        services.user_create(acting_user=tenant.users["admin"], username="d9-x", password=NEW_PASSWORD,
                             role=Role.MUNICIPALITY_USER, municipality=tenant.district9, post="treasurer")


def test_changing_the_post_of_a_municipality_user(tenant):
    membership = tenant.users["district9"].membership
    with one_audit_event("membership.change_role") as audit:
        services.membership_change_role(membership=membership, acting_user=tenant.users["admin"],
                                        role=Role.MUNICIPALITY_USER, municipality=tenant.district9,
                                        post=MunicipalPost.FINANCE)
    membership.refresh_from_db()
    assert membership.post == MunicipalPost.FINANCE
    assert (audit.event.before["post"], audit.event.after["post"]) == ("procurement", "finance")


def test_a_role_change_without_a_post_keeps_it_and_leaving_the_municipality_drops_it(tenant):
    membership = tenant.district9_mayor.membership
    admin = tenant.users["admin"]
    services.membership_change_role(membership=membership, acting_user=admin, role=Role.MUNICIPALITY_USER,
                                    municipality=tenant.district9)
    membership.refresh_from_db()
    assert membership.post == MunicipalPost.MAYOR
    services.membership_change_role(membership=membership, acting_user=admin, role=Role.EXECUTIVE)
    membership.refresh_from_db()
    assert membership.post == ""


# ---------------------------------------------------------------- pages


def form_data(tenant, **overrides):
    return {"username": "d9-finance", "password": NEW_PASSWORD, "first_name": "مریم", "last_name": "کاظمی",
            "email": "", "role": Role.MUNICIPALITY_USER, "municipality": tenant.district9.pk,
            "post": MunicipalPost.FINANCE, "provider": "", "title": "", **overrides}


def test_the_admin_adds_a_municipality_user_with_a_post(tenant):
    client = session(tenant.users["admin"])
    assert client.get(reverse("accounts:user_create")).status_code == 200
    response = client.post(reverse("accounts:user_create"), form_data(tenant))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:user_list")
    assert User.objects.get(username="d9-finance").membership.post == MunicipalPost.FINANCE


def test_the_form_refuses_a_post_for_another_role_in_persian(tenant):
    client = session(tenant.users["admin"])
    with nothing_written("accounts"):
        response = client.post(reverse("accounts:user_create"),
                               form_data(tenant, role=Role.COMMERCE_OFFICER, municipality=""))
    assert response.status_code == 422
    assert "سمت" in response.content.decode()


def test_the_form_cannot_bind_a_user_to_another_tenants_municipality(tenant, other_tenant):
    client = session(tenant.users["admin"])
    with nothing_written("accounts"):
        response = client.post(reverse("accounts:user_create"),
                               form_data(tenant, municipality=other_tenant.district9.pk))
    assert response.status_code == 422


def test_the_admin_edits_a_users_post(tenant):
    membership = tenant.users["district9"].membership
    client = session(tenant.users["admin"])
    assert client.get(reverse("accounts:user_edit", args=[membership.pk])).status_code == 200
    response = client.post(reverse("accounts:user_edit", args=[membership.pk]),
                           {"role": Role.MUNICIPALITY_USER, "municipality": tenant.district9.pk,
                            "post": MunicipalPost.MAYOR, "title": "شهردار منطقه"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.post, membership.title) == (MunicipalPost.MAYOR, "شهردار منطقه")


def test_the_users_list_shows_the_post(tenant):
    html = session(tenant.users["admin"]).get(reverse("accounts:user_list")).content.decode()
    assert "شهردار" in html and "کارپرداز" in html


@pytest.mark.parametrize("who", ["commerce", "district9", "supplier"])
def test_only_the_admin_adds_or_edits_users(tenant, who):
    client = session(tenant.users[who])
    assert client.get(reverse("accounts:user_create")).status_code == 403
    membership = tenant.users["district10"].membership
    assert client.post(reverse("accounts:user_edit", args=[membership.pk]),
                       {"role": Role.ORG_ADMIN}).status_code == 403
    membership.refresh_from_db()
    assert membership.role == Role.MUNICIPALITY_USER


def test_another_tenants_user_cannot_be_edited(tenant, other_tenant):
    membership = other_tenant.users["district9"].membership
    client = session(tenant.users["admin"])
    assert client.get(reverse("accounts:user_edit", args=[membership.pk])).status_code == 404


# ---------------------------------------------------------------- API


def api_post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def test_the_api_creates_a_municipality_user_with_a_post(tenant):
    body = {"username": "d9-mayor-api", "password": NEW_PASSWORD, "role": "municipality_user",
            "municipality": tenant.district9.pk, "post": "mayor"}
    response = api_post(session(tenant.users["admin"]), "/api/v1/members", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["post"] == "mayor" and data["post_label"] == "شهردار"
    assert data["municipality"]["id"] == tenant.district9.pk


def test_the_api_refuses_a_post_for_another_role(tenant):
    body = {"username": "ops", "password": NEW_PASSWORD, "role": "commerce_officer", "post": "mayor"}
    client = session(tenant.users["admin"])
    with nothing_written("accounts"):
        response = api_post(client, "/api/v1/members", body)
    assert response.status_code == 422 and "post" in response.json()["fields"]


def test_the_api_changes_a_post(tenant):
    membership = tenant.users["district9"].membership
    client = session(tenant.users["admin"])
    response = client.patch(f"/api/v1/members/{membership.pk}", json.dumps({"post": "finance"}),
                            content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["post"] == "finance"
    membership.refresh_from_db()
    assert membership.post == MunicipalPost.FINANCE and membership.municipality == tenant.district9


def test_the_api_refuses_members_to_other_roles(tenant):
    membership = tenant.users["district9"].membership
    client = session(tenant.users["commerce"])
    response = client.patch(f"/api/v1/members/{membership.pk}", json.dumps({"post": "mayor"}),
                            content_type="application/json")
    assert response.status_code == 403
    assert Membership.objects.get(pk=membership.pk).post == MunicipalPost.PROCUREMENT
