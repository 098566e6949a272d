"""The shell and the role home pages."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from hamyar.accounts.models import User
from hamyar.core.jalali import format_jalali_date
from hamyar.directory.models import AgencyAgreement

HOME = "/"


def home_html(client, user) -> str:
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


# --- the shell ----------------------------------------------------------------------------------

def test_shell_is_persian_right_to_left_with_todays_jalali_date(client, tenant):
    html = home_html(client, tenant.users["district9"])
    assert '<html lang="fa" dir="rtl">' in html
    assert format_jalali_date(timezone.localdate(), long=True) in html
    for asset in ("vendor/vazirmatn/Vazirmatn-font-face.css", "vendor/bootstrap/css/bootstrap.rtl.min.css",
                  "vendor/htmx/htmx.min.js", "web/hamyar.css"):
        assert f"/static/{asset}" in html
    assert "http://" not in html.replace('xmlns="http://', "") and "https://" not in html  # no CDN


def test_shell_shows_who_is_signed_in_and_a_logout_button(client, tenant):
    user = tenant.users["district9"]
    user.first_name, user.last_name = "زهرا", "احمدی"
    user.save()
    html = home_html(client, user)
    assert "زهرا احمدی" in html
    assert "کاربر شهرداری" in html  # the role
    assert "منطقه ۹ مشهد" in html and tenant.org.name in html
    assert f'action="{reverse("accounts:logout")}"' in html


def test_english_shell_is_left_to_right(client, tenant):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = home_html(client, tenant.users["commerce"])
    assert '<html lang="en" dir="ltr">' in html
    assert "vendor/bootstrap/css/bootstrap.min.css" in html and "bootstrap.rtl" not in html
    assert "Sign out" in html and "Commerce officer" in html


def test_language_switch_goes_through_set_language(client, tenant):
    client.force_login(tenant.users["commerce"])
    response = client.post(reverse("set_language"), {"language": "en", "next": HOME})
    assert response.status_code == 302 and response["Location"] == HOME
    assert '<html lang="en" dir="ltr">' in client.get(HOME).content.decode()
    client.post(reverse("set_language"), {"language": "fa", "next": HOME})
    assert '<html lang="fa" dir="rtl">' in client.get(HOME).content.decode()


def nav_urls(client, user) -> list[str]:
    client.force_login(user)
    return [item.url for item in client.get(HOME).context["nav"]]


def test_navigation_follows_the_role(client, tenant):
    cmap = reverse("directory:capability_map")
    municipalities = reverse("directory:municipality_list")
    d9 = nav_urls(client, tenant.users["district9"])
    assert reverse("directory:municipality_detail", args=[tenant.district9.pk]) in d9
    assert cmap not in d9 and municipalities not in d9
    assert cmap in nav_urls(client, tenant.users["commerce"])
    assert reverse("accounts:user_list") in nav_urls(client, tenant.users["admin"])
    supplier = nav_urls(client, tenant.users["supplier"])
    assert reverse("directory:provider_detail", args=[tenant.supplier.pk]) in supplier
    assert municipalities not in supplier


@pytest.mark.parametrize("who", ["admin", "commerce", "finance", "executive", "project_manager", "supplier",
                                 "district9", "district10"])
def test_every_navigation_link_opens_for_its_user(client, tenant, who):
    for link in nav_urls(client, tenant.users[who]):
        assert client.get(link).status_code == 200, link


def test_not_found_page_is_persian_inside_the_shell(client, tenant):
    client.force_login(tenant.users["district9"])
    response = client.get(reverse("directory:municipality_detail", args=[tenant.district10.pk]))
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="fa" dir="rtl">' in html and "پیدا نشد" in html


# --- role home pages ----------------------------------------------------------------------------

def test_municipality_user_home_shows_its_work_and_links_its_profile(client, tenant, other_tenant):
    """The home is the municipality's work (its queues, a "new need" button); its facts and assets are
    on its profile, one link away, and no other municipality's appear on either."""
    html = home_html(client, tenant.users["district9"])
    assert "منطقه ۹ مشهد" in html and 'id="new-need"' in html
    profile = reverse("directory:municipality_detail", args=[tenant.district9.pk])
    assert profile in html
    assert "بوستان خیام" not in html and "منطقه ۱۰" not in html
    page = client.get(profile).content.decode()
    assert "پارک وکیل‌آباد" in page and "۳۶۵٬۰۰۰" in page
    assert "بوستان خیام" not in page
    assert reverse("directory:asset_create", args=[tenant.district9.pk]) in page


def test_commerce_home_shows_its_queues_expiring_agreements_and_gaps(client, tenant, other_tenant):
    today = timezone.localdate()
    AgencyAgreement.objects.create(organization=tenant.org, supplier=tenant.supplier, number="kr-A9",
                                   commission_percent=5, starts_on=today - dt.timedelta(days=300),
                                   ends_on=today + dt.timedelta(days=12))
    client.force_login(tenant.users["commerce"])
    response = client.get(HOME)
    assert [a.number for a in response.context["expiring"]] == ["kr-A9"]
    assert [d.pk for d in response.context["coverage"]["gaps"]] == [tenant.lighting.pk]
    html = response.content.decode()
    assert "kr-A۹" in html and "۱۲ روز مانده" in html
    assert "kj-A" not in html


def test_supplier_home_shows_its_own_profile_capabilities_and_agreement_validity(client, tenant):
    html = home_html(client, tenant.users["supplier"])
    assert "نیمکت‌سازان توس" in html and "مبلمان شهری" in html
    assert "kr-A۱" in html and "معتبر" in html
    assert "kr-A۲" not in html and "روشنایی پارس" not in html


def test_project_manager_home_shows_its_companys_capabilities(client, tenant):
    html = home_html(client, tenant.users["project_manager"])
    assert "شرکت فضای سبز همیار" in html and "فضای سبز" in html


def test_executive_home_is_the_executive_dashboard(client, tenant, other_tenant):
    """The CEO's first screen is the dashboard (its figures: insights/tests/test_dashboard.py)."""
    client.force_login(tenant.users["executive"])
    response = client.get(HOME)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="headline"' in html and 'id="chart-months"' in html and 'id="table-domains"' in html
    assert response.context["first_month"] <= response.context["last_month"]
    # the other readers reach it from the menu; the executive's home already is it
    client.force_login(tenant.users["commerce"])
    assert 'href="/insights/"' in client.get(HOME).content.decode()


def test_finance_home_shows_commission_of_valid_agreements(client, tenant):
    client.force_login(tenant.users["finance"])
    response = client.get(HOME)
    assert [a.number for a in response.context["valid_agreements"]] == ["kr-A1"]
    assert "۵٪" in response.content.decode()


def test_org_admin_home_lists_its_users(client, tenant, other_tenant):
    html = home_html(client, tenant.users["admin"])
    assert "kr-d9" in html and "kj-d9" not in html


def test_user_without_a_role_is_told_to_ask_for_one(client, db):
    user = User.objects.create_user(username="orphan", password="x-Very-Long-1405")
    html = home_html(client, user)
    assert 'id="main"' in html and "نقشی" in html
