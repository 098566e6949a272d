"""Needs pages: every route's roles and scope, the need form with catalog lines, each step through the
page, the officer's ranking, and list query counts that stay flat as rows grow."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, get_resolver, reverse
from django.utils import timezone

from hamyar.catalog.tests.catalog_data import build_catalog
from hamyar.core.jalali import format_jalali_date
from hamyar.core.scoping import role_of, scope
from hamyar.core.testing import nothing_written
from hamyar.needs.choices import NeedStatus
from hamyar.needs.models import Assignment, Need

from .helpers import assigned, goods_need, project_need, submitted, triaged

ROUTES: list[URLPattern] = [p for p in get_resolver().url_patterns if getattr(p, "app_name", "") == "needs"][
    0].url_patterns


def _url(route: URLPattern, obj=None) -> str:
    if "<int:pk>" in str(route.pattern):
        return reverse(f"needs:{route.name}", args=[obj.pk if obj is not None else 1])
    return reverse(f"needs:{route.name}")


def _is_post_only(route: URLPattern) -> bool:
    return route.name in {"need_submit", "need_triage", "need_assign", "need_request_competing",
                          "need_reject",
                          "need_cancel", "need_mark_gap", "attachment_add", "attachment_remove"}


@pytest.fixture
def catalog(tenant):
    return build_catalog(tenant)


@pytest.fixture
def needs(tenant, other_tenant, catalog):
    """District 9: a draft, a submitted and an assigned need; District 10 one submitted; the other
    tenant one submitted."""
    other_catalog = build_catalog(other_tenant)
    return {
        "draft": goods_need(tenant, catalog, title="پیش‌نویس"),
        "submitted": submitted(tenant, goods_need(tenant, catalog, title="ثبت‌شده")),
        "assigned": assigned(tenant, goods_need(tenant, catalog, title="ارجاع‌شده")),
        "district10": submitted(tenant, goods_need(tenant, catalog, user=tenant.users["district10"],
                                                   site=None,
                                                   title="منطقه ده")),
        "other": submitted(other_tenant, goods_need(other_tenant, other_catalog, title="استان دیگر")),
    }


def test_every_route_declares_its_model_and_roles():
    assert len(ROUTES) >= 20
    for route in ROUTES:
        assert route.callback.page_model is not None, route.name
        assert route.callback.page_roles, route.name


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_anonymous_user_is_sent_to_login(client, db, route):
    response = (client.post if _is_post_only(route) else client.get)(_url(route))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_wrong_role_gets_403_on_every_route(client, tenant, needs, route):
    need = needs["submitted"]
    obj = need.attachments.first() if route.callback.page_model.__name__ == "NeedAttachment" else need
    refused = 0
    for key, user in tenant.users.items():
        if role_of(user) in route.callback.page_roles:
            continue
        client.force_login(user)
        if obj is None:  # no attachment: the role check comes before the lookup
            obj = need
        response = (client.post if _is_post_only(route) else client.get)(_url(route, obj))
        assert response.status_code == 403, (route.name, key)
        refused += 1
    assert refused or len(route.callback.page_roles) == 7


def test_need_page_answers_404_outside_the_scope(client, tenant, other_tenant, needs):
    expectations = {
        "district9": {"draft", "submitted", "assigned"},
        "district10": {"district10"},
        "supplier": {"assigned"},
        "project_manager": set(),
        "commerce": {"draft", "submitted", "assigned", "district10"},
        "executive": {"draft", "submitted", "assigned", "district10"},
    }
    for key, visible in expectations.items():
        client.force_login(tenant.users[key])
        for name, need in needs.items():
            status = client.get(reverse("needs:need_detail", args=[need.pk])).status_code
            assert status == (200 if name in visible else 404), (key, name)
    client.force_login(other_tenant.users["admin"])
    assert client.get(reverse("needs:need_detail", args=[needs["submitted"].pk])).status_code == 404
    assert client.get(reverse("needs:need_detail", args=[needs["other"].pk])).status_code == 200


def test_lists_show_exactly_the_rows_in_scope(client, tenant, other_tenant, needs):
    for t in (tenant, other_tenant):
        for key, user in t.users.items():
            client.force_login(user)
            response = client.get(reverse("needs:need_list"))
            if role_of(user) not in ROUTES[0].callback.page_roles:
                assert response.status_code == 403
                continue
            shown = {n.pk for n in response.context["object_list"]}
            assert shown == set(scope(Need.objects.all(), user).values_list("pk",
                                                                            flat=True)), (t.org.slug, key)
    client.force_login(tenant.users["district9"])
    html = client.get(reverse("needs:need_list")).content.decode()
    assert "منطقه ده" not in html and "استان دیگر" not in html


def test_the_triage_queue_and_the_work_queue(client, tenant, needs):
    client.force_login(tenant.users["commerce"])
    queue = client.get(reverse("needs:triage_queue")).context["object_list"]
    assert [n.pk for n in queue] == [needs["submitted"].pk, needs["district10"].pk]
    client.force_login(tenant.users["supplier"])
    response = client.get(reverse("needs:work_queue"))
    assert [n.pk for n in response.context["object_list"]] == [needs["assigned"].pk]
    assert "ارجاع‌شده" in response.content.decode()
    client.force_login(tenant.users["project_manager"])
    assert list(client.get(reverse("needs:work_queue")).context["object_list"]) == []


def test_the_board_overdue_and_gaps_pages_render_with_data(client, tenant, needs):
    Need.objects.filter(pk=needs["submitted"].pk).update(submitted_at=timezone.now() - dt.timedelta(days=3))
    gap = triaged(tenant, project_need(tenant, domain=tenant.lighting, title="روشنایی معابر"))
    client.force_login(tenant.users["commerce"])
    client.post(reverse("needs:need_mark_gap", args=[gap.pk]), {"reason": ""})
    board = client.get(reverse("needs:board"))
    assert board.status_code == 200
    columns = {c.status: c.count for c in board.context["columns"]}
    assert columns[NeedStatus.SUBMITTED] == 2 and columns[NeedStatus.ASSIGNED] == 1
    overdue = client.get(reverse("needs:overdue"))
    assert [r.need.pk for r in overdue.context["rows"]] == [needs["submitted"].pk]
    gaps = client.get(reverse("needs:capability_gaps"))
    assert [(r["domain_id"], r["n"]) for r in gaps.context["rows"]] == [(tenant.lighting.pk, 1)]
    assert "روشنایی" in gaps.content.decode()


# ---------------------------------------------------------------- the form


def test_the_create_form_renders_for_a_municipality_and_an_officer(client, tenant, catalog):
    client.force_login(tenant.users["district9"])
    html = client.get(reverse("needs:need_create")).content.decode()
    assert 'name="municipality"' not in html and "پارک وکیل‌آباد" in html and "بوستان خیام" not in html
    client.force_login(tenant.users["commerce"])
    assert 'name="municipality"' in client.get(reverse("needs:need_create")).content.decode()


def test_the_item_picker_finds_offered_items_as_typed_with_arabic_letters(client, tenant, catalog):
    client.force_login(tenant.users["district9"])
    html = client.get(reverse("needs:item_picker"), {"q": "نيمكت"}).content.decode()
    html = html.replace("<mark>", "").replace("</mark>", "")  # the matches are marked
    assert catalog.bench.name in html and catalog.lamp.name not in html
    assert catalog.lamp.name not in client.get(reverse("needs:item_picker"), {"q": "چراغ"}).content.decode()
    row = client.get(reverse("needs:line_row"), {"item": catalog.bench.pk})
    assert row.status_code == 200 and f'value="{catalog.bench.pk}"' in row.content.decode()
    assert client.get(reverse("needs:line_row"), {"item": catalog.lamp.pk}).status_code == 404


def _form(tenant, catalog, **extra):
    data = {"kind": "goods", "title": "نیمکت برای پارک وکیل‌آباد", "site": tenant.vakilabad.pk,
            "description": "", "budget_estimate": "۸٬۰۰۰٬۰۰۰٬۰۰۰",
            "desired_date": format_jalali_date(timezone.localdate() + dt.timedelta(days=30)),
            "line_item": [catalog.bench.pk], "line_quantity": ["۴۰"]}
    data.update(extra)
    return data


def test_district9_creates_a_need_with_catalog_lines_and_a_jalali_date(client, tenant, catalog):
    client.force_login(tenant.users["district9"])
    response = client.post(reverse("needs:need_create"), _form(tenant, catalog))
    assert response.status_code == 302, response.context and response.context["form"].errors
    need = Need.objects.get()
    assert (need.municipality, need.domain, need.budget_estimate) == (tenant.district9, tenant.furniture,
                                                                      8_000_000_000)
    assert need.desired_date == timezone.localdate() + dt.timedelta(days=30)
    assert [(line.item, line.quantity) for line in need.lines.all()] == [(catalog.bench, 40)]
    detail = client.get(response["Location"]).content.decode()
    assert "نیمکت پارکی فلزی دو متری" in detail and "۴۰" in detail


@pytest.mark.parametrize("change", [
    {"line_item": [], "line_quantity": []},
    {"line_quantity": ["چهل"]},
    {"desired_date": "1400/01/01"},
    {"desired_date": "1405/13/40"},
    {"site": "999999"},
    {"budget_estimate": "-5"},
])
def test_bad_form_input_is_a_422_with_nothing_written(client, tenant, catalog, change):
    client.force_login(tenant.users["district9"])
    with nothing_written("needs"):
        response = client.post(reverse("needs:need_create"), _form(tenant, catalog, **change))
    assert response.status_code == 422


def test_an_unoffered_item_smuggled_into_the_form_is_refused(client, tenant, catalog):
    client.force_login(tenant.users["district9"])
    with nothing_written("needs"):
        response = client.post(reverse("needs:need_create"), _form(tenant, catalog,
                                                                   line_item=[catalog.lamp.pk]))
    assert response.status_code == 422


def test_the_draft_is_edited_through_the_page(client, tenant, catalog):
    need = goods_need(tenant, catalog)
    client.force_login(tenant.users["district9"])
    assert client.get(reverse("needs:need_edit", args=[need.pk])).status_code == 200
    response = client.post(reverse("needs:need_edit", args=[need.pk]),
                           _form(tenant, catalog, title="نیمکت بیشتر", line_quantity=["60"]))
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.title == "نیمکت بیشتر" and need.lines.get().quantity == 60


# ---------------------------------------------------------------- steps through the pages


def test_the_whole_path_to_assignment_through_the_pages(client, tenant, catalog):
    need = goods_need(tenant, catalog)
    client.force_login(tenant.users["district9"])
    assert client.post(reverse("needs:need_submit", args=[need.pk])).status_code == 302
    client.force_login(tenant.users["commerce"])
    page = client.get(reverse("needs:need_detail", args=[need.pk]))
    assert 'id="triage-need"' in page.content.decode()
    assert client.post(reverse("needs:need_triage", args=[need.pk]), {"domain": ""}).status_code == 302
    page = client.get(reverse("needs:need_detail", args=[need.pk]))
    html = page.content.decode()
    assert page.context["ranking"].top.provider == tenant.supplier
    assert 'id="assign-top"' in html and "assign-row" in html and "نیمکت‌سازان توس" in html
    assert client.post(reverse("needs:need_assign", args=[need.pk]), {}).status_code == 302
    need.refresh_from_db()
    assert need.status == NeedStatus.ASSIGNED and need.provider == tenant.supplier
    with nothing_written("needs"):
        again = client.post(reverse("needs:need_assign", args=[need.pk]), {"provider": tenant.supplier.pk})
    assert again.status_code == 409 and 'id="step-error"' in again.content.decode()
    assert Assignment.objects.filter(need=need).count() == 1
    client.force_login(tenant.users["supplier"])
    html = client.get(reverse("needs:need_detail", args=[need.pk])).content.decode()
    assert 'id="ranking"' not in html and "نیمکت‌سازان توس" in html


def test_refused_steps_through_the_pages(client, tenant, catalog):
    need = submitted(tenant, goods_need(tenant, catalog))
    client.force_login(tenant.users["commerce"])
    with nothing_written("needs"):
        assert client.post(reverse("needs:need_reject", args=[need.pk]), {"reason": " "}).status_code == 422
        assert client.post(reverse("needs:need_cancel", args=[need.pk]), {"reason": "x"}).status_code == 403
    client.force_login(tenant.users["district10"])
    with nothing_written("needs"):
        assert client.post(reverse("needs:need_cancel", args=[need.pk]), {"reason": "x"}).status_code == 404
    client.force_login(tenant.users["district9"])
    assert client.post(reverse("needs:need_cancel", args=[need.pk]),
                       {"reason": "منصرف شدیم"}).status_code == 302
    need.refresh_from_db()
    assert need.status == NeedStatus.CANCELLED
    assert client.get(reverse("needs:need_submit", args=[need.pk])).status_code == 405


def test_the_service_levels_page_sets_and_clears_a_domains_targets(client, tenant):
    client.force_login(tenant.users["admin"])
    assert client.get(reverse("needs:service_levels")).status_code == 200
    data = {"domain": tenant.green.pk, "triage_hours": "۸", "first_quotation_hours": "48",
            "delivery_days": "20"}
    assert client.post(reverse("needs:service_levels"), data).status_code == 302
    level = tenant.green.service_levels.get()
    assert (level.triage_hours, level.delivery_days) == (8, 20)
    with nothing_written("needs"):
        bad = client.post(reverse("needs:service_levels"), {**data, "triage_hours": "0"})
    assert bad.status_code == 422
    assert client.post(reverse("needs:service_levels"), {"domain": tenant.green.pk,
                                                         "clear": "1"}).status_code == 302
    assert not tenant.green.service_levels.exists()


# ---------------------------------------------------------------- query counts


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(("who", "name"), [("district9", "need_list"), ("commerce", "need_list"),
                                           ("commerce", "triage_queue"), ("commerce", "board"),
                                           ("supplier", "work_queue"), ("commerce", "overdue")])
def test_list_query_counts_stay_flat_as_rows_grow(client, tenant, catalog, who, name):
    for _ in range(2):
        assigned(tenant, goods_need(tenant, catalog))
        submitted(tenant, goods_need(tenant, catalog))
    Need.objects.update(submitted_at=timezone.now() - dt.timedelta(days=5))  # overdue too
    client.force_login(tenant.users[who])
    url = reverse(f"needs:{name}")
    few = _queries(client, url)
    for _ in range(6):
        assigned(tenant, goods_need(tenant, catalog))
        submitted(tenant, goods_need(tenant, catalog))
    Need.objects.update(submitted_at=timezone.now() - dt.timedelta(days=5))
    assert _queries(client, url) == few


def test_the_assigned_supplier_and_officers_reach_the_quotation_form_from_the_need(client, tenant):
    from hamyar.commerce.tests.factories import assigned_need

    need = assigned_need(tenant)
    form = reverse("commerce:quotation_create", args=[need.pk])
    expected = [("supplier", True), ("commerce", True), ("district9", False), ("project_manager", False)]
    for who, sees in expected:
        client.force_login(tenant.users[who])
        response = client.get(reverse("needs:need_detail", args=[need.pk]))
        assert response.status_code in (200, 404)
        assert (form in response.content.decode()) is sees, who
    client.force_login(tenant.users["commerce"])
    listed = client.get(reverse("commerce:quotation_list"), {"need": need.pk})
    assert listed.status_code == 200
