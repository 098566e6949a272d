"""An approved project need becomes a project from the need's page (officers only, once)."""

import pytest
from django.urls import reverse

from hamyar.commerce.tests.factories import assigned_need
from hamyar.core.testing import nothing_written
from hamyar.needs.choices import NeedKind, NeedStatus
from hamyar.projects.models import Project


@pytest.fixture
def project_need(tenant):
    need = assigned_need(tenant, provider=tenant.affiliate, status=NeedStatus.APPROVED)
    need.kind, need.domain, need.title = NeedKind.PROJECT, tenant.green, "بازآفرینی پارک وکیل‌آباد"
    need.save(update_fields=["kind", "domain", "title"])
    return need


def test_an_officer_makes_the_approved_project_need_a_project(client, tenant, project_need):
    client.force_login(tenant.users["commerce"])
    page = client.get(reverse("needs:need_detail", args=[project_need.pk]))
    assert reverse("projects:from_need", args=[project_need.pk]) in page.content.decode()
    response = client.post(reverse("projects:from_need", args=[project_need.pk]))
    project = Project.objects.get(need=project_need)
    assert response.status_code == 302 and response["Location"] == reverse(
        "projects:project_detail", args=[project.pk])
    assert (project.municipality, project.site, project.provider) == (
        tenant.district9, tenant.vakilabad, tenant.affiliate)
    assert project.contract_amount == project_need.budget_estimate
    page = client.get(reverse("needs:need_detail", args=[project_need.pk]))
    assert project.number in page.content.decode()


def test_a_second_project_from_the_same_need_is_refused_with_a_message(client, tenant, project_need):
    client.force_login(tenant.users["commerce"])
    client.post(reverse("projects:from_need", args=[project_need.pk]))
    with nothing_written("projects", "needs"):
        response = client.post(reverse("projects:from_need", args=[project_need.pk]), follow=True)
    assert Project.objects.filter(need=project_need).count() == 1
    assert "پروژه" in response.content.decode()


def test_a_need_not_yet_approved_does_not_become_a_project(client, tenant, project_need):
    project_need.status = NeedStatus.QUOTED
    project_need.save(update_fields=["status"])
    client.force_login(tenant.users["commerce"])
    with nothing_written("projects", "needs"):
        response = client.post(reverse("projects:from_need", args=[project_need.pk]))
    assert response.status_code == 302
    assert not Project.objects.exists()


@pytest.mark.parametrize("who", ["district9", "supplier", "project_manager", "finance"])
def test_only_officers_make_projects_from_needs(client, tenant, project_need, who):
    client.force_login(tenant.users[who])
    with nothing_written("projects", "needs"):
        response = client.post(reverse("projects:from_need", args=[project_need.pk]))
    assert response.status_code in (403, 404)
    assert not Project.objects.exists()


def test_another_tenants_officer_gets_404(client, tenant, other_tenant, project_need):
    client.force_login(other_tenant.users["commerce"])
    assert client.post(reverse("projects:from_need", args=[project_need.pk])).status_code == 404
    assert not Project.objects.exists()
