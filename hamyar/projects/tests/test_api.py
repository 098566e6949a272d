"""The projects API: the whole path from contract to handover, refusals as JSON, and scope on every door."""

import datetime as dt
import io
import json

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from hamyar.core.models import AuditEvent
from hamyar.projects import services
from hamyar.projects.choices import ConstraintStatus, MilestoneStatus, ProjectStatus
from hamyar.projects.models import Milestone, PaymentRequest, ProgressPhoto, Project

from .project_data import full_project, sample_jpeg, vakilabad_project

API = "/api/v1/projects"
LIST = API


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, path: str, body=None):
    return client.post(path, json.dumps(body or {}), content_type="application/json")


def patch(client: Client, path: str, body=None):
    return client.patch(path, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def walk(client: Client, path: str, **params) -> list[int]:
    ids, cursor = [], None
    for _ in range(100):
        response = client.get(path, {"limit": 2, **params, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.content
        ids += [row["id"] for row in response.json()["items"]]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return ids
    raise AssertionError("the pages never end")


def test_a_vakilabad_project_goes_from_contract_to_handover_through_the_api(tenant, media):
    commerce, pm = session(tenant.users["commerce"]), session(tenant.users["project_manager"])
    start = timezone.localdate() - dt.timedelta(days=10)
    response = post(commerce, LIST, {
        "title": "بازآفرینی پارک وکیل‌آباد", "municipality": tenant.district9.pk, "site": tenant.vakilabad.pk,
        "domain": tenant.green.pk, "contract_amount": 20_000_000_000, "start_date": start.isoformat(),
        "end_date": (start + dt.timedelta(days=60)).isoformat()})
    assert response.status_code == 201, response.content
    project = response.json()
    assert project["status"] == "planning" and project["provider"]["id"] == tenant.affiliate.pk
    assert project["start_date_jalali"].count("/") == 2
    pid = project["id"]
    ids = []
    plan = [("طراحی", "40", 8_000_000_000, 0), ("اجرا", "60", 12_000_000_000, 20)]
    for title, weight, amount, offset in plan:
        response = post(commerce, f"{API}/{pid}/milestones", {
            "title": title, "weight": weight, "amount": amount,
            "planned_start": (start + dt.timedelta(days=offset)).isoformat(),
            "due_date": (start + dt.timedelta(days=offset + 30)).isoformat()})
        assert response.status_code == 201, response.content
        ids.append(response.json()["id"])
    assert post(commerce, f"{API}/{pid}/contract").json()["status"] == "contracted"
    assert post(commerce, f"{API}/{pid}/start").json()["status"] == "in_progress"
    assert post(pm, f"{API}/milestones/{ids[0]}/start").json()["status"] == "in_progress"

    response = post(pm, f"{API}/{pid}/reports", {"entries": [{"milestone": ids[0], "percent": "50"}],
                                                 "notes": "نقشه‌ها آماده شد"})
    assert response.status_code == 201, response.content
    assert response.json()["physical_progress"] == 20.0  # 40 × 50%
    response = pm.post(f"{API}/{pid}/reports", {
        "entries": json.dumps([{"milestone": ids[0], "percent": 90}]), "notes": "عکس کارگاه",
        "photos": [sample_jpeg()], "captions": ["ورودی پارک"]})
    assert response.status_code == 201, response.content
    report = response.json()
    assert report["physical_progress"] == 36.0
    [photo] = report["photos"]
    assert photo["caption"] == "ورودی پارک" and (photo["width"], photo["height"]) == (800, 600)

    district9 = session(tenant.users["district9"])
    image = district9.get(photo["url"])
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert b"Hamyar Test Camera" not in b"".join(image.streaming_content)
    thumbnail = district9.get(photo["thumbnail_url"])
    assert thumbnail.status_code == 200
    assert Image.open(io.BytesIO(b"".join(thumbnail.streaming_content))).size == (320, 240)

    for milestone in ids:
        if milestone != ids[0]:
            post(pm, f"{API}/milestones/{milestone}/start")
        response = post(pm, f"{API}/milestones/{milestone}/complete")
        assert response.status_code == 200 and response.json()["percent"] == 100.0
    requests = commerce.get(f"{API}/payment-requests", {"project": pid}).json()["items"]
    assert sorted(r["amount"] for r in requests) == [8_000_000_000, 12_000_000_000]
    assert post(commerce, f"{API}/{pid}/complete").json()["status"] == "completed"
    response = post(district9, f"{API}/{pid}/hand-over")
    assert response.status_code == 200, response.content
    detail = response.json()
    assert detail["status"] == "handed_over"
    assert detail["handed_over_by"]["id"] == tenant.users["district9"].pk
    assert detail["physical_progress"] == 100.0
    assert [p["actual"] for p in detail["schedule"]["points"] if p["is_report"]] == [36.0]
    assert [r["physical_progress"] for r in detail["reports"]] == [36.0, 20.0]
    assert len(detail["payment_requests"]) == 2


def test_the_detail_shows_the_planned_curve_and_the_schedule_variance(tenant):
    data = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS)  # started 30 days ago
    Milestone.objects.filter(pk=data.design.pk).update(status=MilestoneStatus.IN_PROGRESS, percent=50)
    Project.objects.filter(pk=data.project.pk).update(physical_progress=10)
    detail = session(tenant.users["executive"]).get(f"{API}/{data.project.pk}").json()
    # Today is the design's due date: 20 planned, 10 actual.
    assert detail["schedule"]["planned_today"] == 20.0
    assert detail["schedule"]["variance_today"] == -10.0
    assert [p["planned"] for p in detail["schedule"]["planned_curve"]] == [0.0, 20.0, 45.0, 85.0, 100.0]
    assert detail["change_limit"] == 6_250_000_000 and detail["change_total"] == 0


# ---------------------------------------------------------------- refusals


def test_a_blocking_constraint_answers_409_naming_it(tenant):
    data = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS)
    response = post(session(tenant.users["project_manager"]), f"{API}/{data.project.pk}/constraints", {
        "kind": "urban_planning", "title": "مصوبه کمیسیون ماده پنج", "owner": "شهرداری منطقه ۹",
        "status": "blocking", "milestone": data.design.pk})
    assert response.status_code == 201, response.content
    assert response.json()["milestone"] == data.design.pk
    constraint = response.json()["id"]
    listed = session(tenant.users["commerce"]).get(LIST, {"blocked": "true"}).json()["items"]
    assert [(p["id"], p["is_blocked"]) for p in listed] == [(data.project.pk, True)]
    response = post(session(tenant.users["project_manager"]), f"{API}/milestones/{data.design.pk}/start")
    assert response.status_code == 409
    assert response.json()["code"] == "blocked" and "مصوبه کمیسیون ماده پنج" in response.json()["detail"]
    response = patch(session(tenant.users["project_manager"]), f"{API}/constraints/{constraint}",
                     {"status": "resolved"})
    assert response.json()["status"] == ConstraintStatus.RESOLVED and response.json()["resolved_at"]
    started = post(session(tenant.users["project_manager"]), f"{API}/milestones/{data.design.pk}/start")
    assert started.status_code == 200


def test_the_25_percent_rule_through_the_api(tenant):
    project = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS).project
    response = post(session(tenant.users["commerce"]), f"{API}/{project.pk}/change-orders",
                    {"amount_change": 7_500_000_000, "reason": "توسعه فاز دوم",
                     "description": "۳ هکتار دیگر"})
    assert response.status_code == 201, response.content
    order = response.json()["id"]
    before = AuditEvent.objects.count()
    response = post(session(tenant.users["commerce"]), f"{API}/change-orders/{order}/approve",
                    {"decision_note": "تأیید", "beyond_limit": True})
    assert response.status_code == 409 and response.json()["code"] == "change_limit"
    assert "۲۵" in response.json()["detail"] or "25" in response.json()["detail"]
    assert AuditEvent.objects.count() == before
    response = post(session(tenant.users["executive"]), f"{API}/change-orders/{order}/approve",
                    {"decision_note": "مصوبه هیئت مدیره", "beyond_limit": True})
    assert response.status_code == 200, response.content
    assert response.json()["beyond_limit"] is True and response.json()["status"] == "approved"
    project.refresh_from_db()
    assert project.current_amount == 32_500_000_000


def test_bad_input_is_422_with_fields_and_nothing_written(tenant):
    client = session(tenant.users["commerce"])
    before = (Project.objects.count(), AuditEvent.objects.count())
    response = post(client, LIST, {"title": "x", "municipality": tenant.district9.pk,
                                   "site": tenant.neyshabur_park.pk,
                                   "domain": tenant.green.pk, "contract_amount": 10,
                                   "start_date": "2026-04-01", "end_date": "2026-03-01"})
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"site", "end_date"}
    unknown = post(client, LIST, {"title": "x", "colour": "red"})
    assert unknown.status_code == 422 and list(unknown.json()["fields"]) == ["colour"]
    assert post(client, LIST, {"start_date": "1405-01-01"}).status_code == 422
    assert (Project.objects.count(), AuditEvent.objects.count()) == before


def test_a_report_with_a_forged_photo_is_refused(tenant, media):
    data = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS)
    Milestone.objects.filter(pk=data.design.pk).update(status=MilestoneStatus.IN_PROGRESS)
    forged = io.BytesIO(b"%PDF-1.7 this is not a photo")
    forged.name = "site.jpg"
    response = session(tenant.users["project_manager"]).post(f"{API}/{data.project.pk}/reports", {
        "entries": json.dumps([{"milestone": data.design.pk, "percent": 10}]), "photos": [forged]})
    assert response.status_code == 422 and "photos" in response.json()["fields"]
    assert not ProgressPhoto.objects.exists() and not data.project.reports.exists()


def test_wrong_roles_are_403(tenant):
    project = vakilabad_project(tenant, status=ProjectStatus.CONTRACTED).project
    assert post(session(tenant.users["district9"]), f"{API}/{project.pk}/start").status_code == 403
    assert post(session(tenant.users["project_manager"]), LIST, {}).status_code == 403
    assert post(session(tenant.users["executive"]), f"{API}/{project.pk}/reports", {}).status_code == 403


# ---------------------------------------------------------------- scope


def _photo(tenant, municipality=None):
    data = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS, municipality=municipality)
    Milestone.objects.filter(pk=data.design.pk).update(status=MilestoneStatus.IN_PROGRESS)
    report = services.progress_report_create(project=data.project, acting_user=tenant.users["commerce"],
                                             entries=[{"milestone": data.design.pk, "percent": 10}],
                                             photos=[sample_jpeg()])
    return data.project, report.photos.get()


def test_district10_cannot_read_district9s_project_its_photo_or_its_parts(tenant, other_tenant, media):
    project, photo = _photo(tenant)
    PaymentRequest.objects.create(organization=tenant.org, project=project,
                                  milestone=project.milestones.first(),
                                  amount=1)
    paths = [f"{API}/{project.pk}", photo_url := f"{API}/photos/{photo.pk}", f"{photo_url}/thumbnail",
             f"{API}/milestones/{project.milestones.first().pk}", f"{API}/reports/{photo.report_id}",
             f"{API}/payment-requests/{project.payment_requests.get().pk}"]
    for user in (tenant.users["district10"], tenant.users["supplier"], other_tenant.users["admin"],
                 other_tenant.users["district9"]):
        client = session(user)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 404, (user, path)
            assert response.json()["code"] == "not_found"
        assert walk(client, LIST) == []
        assert walk(client, f"{API}/payment-requests") == []
    for user in (tenant.users["district9"], tenant.users["project_manager"], tenant.users["finance"]):
        client = session(user)
        assert all(client.get(path).status_code == 200 for path in paths), user


def test_each_user_lists_only_its_own_projects_page_by_page(tenant, other_tenant):
    mine = {vakilabad_project(tenant).project.pk for _ in range(3)}
    tenth = vakilabad_project(tenant, municipality=tenant.district10, provider=tenant.staff_unit).project.pk
    vakilabad_project(other_tenant)
    assert set(walk(session(tenant.users["district9"]), LIST)) == mine
    assert walk(session(tenant.users["district10"]), LIST) == [tenth]
    assert set(walk(session(tenant.users["project_manager"]), LIST)) == mine  # the affiliate executes these
    assert set(walk(session(tenant.users["executive"]), LIST)) == mine | {tenth}
    assert walk(session(tenant.users["executive"]), LIST, municipality=tenant.district10.pk) == [tenth]
    whole_city = walk(session(tenant.users["executive"]), LIST, municipality=tenant.mashhad.pk)
    assert set(whole_city) == mine | {tenth}
    assert walk(session(tenant.users["executive"]), LIST, status="in_progress") == []


def test_the_late_filter(tenant):
    late = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS,
                             start=timezone.localdate() - dt.timedelta(days=45)).project  # 15 days late
    on_time = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS,
                                start=timezone.localdate() - dt.timedelta(days=5)).project
    client = session(tenant.users["commerce"])
    assert walk(client, LIST, late="true") == [late.pk]
    assert walk(client, LIST, late="false") == [on_time.pk]
    assert client.get(f"{API}/{late.pk}").json()["schedule"]["late"] is True


# ---------------------------------------------------------------- every id route, with rows on both tenants


def _id_routes() -> list[tuple[str, str, str]]:
    from hamyar.accounts.tests.test_api import ID_ROUTES

    return [(m, p, label) for m, p, label in ID_ROUTES if p.startswith(f"{API}/")]


@pytest.mark.parametrize(("method", "path", "label"), _id_routes())
def test_every_projects_id_route_answers_404_outside_the_scope_and_changes_nothing(
        tenant, other_tenant, media, method, path, label):
    from django.apps import apps

    from hamyar.accounts.tests.test_api import call, in_scope

    full_project(tenant)
    full_project(tenant, municipality=tenant.district10, provider=tenant.staff_unit)
    full_project(other_tenant)
    model = apps.get_model(label)
    for user in (tenant.users["district10"], tenant.users["district9"], tenant.users["supplier"],
                 tenant.users["project_manager"], other_tenant.users["admin"]):
        outside = list(model.objects.exclude(pk__in=in_scope(label, user)).order_by("pk"))
        assert outside
        before = (AuditEvent.objects.count(), sorted(model.objects.values_list("pk", "updated_at")))
        client = session(user)
        for obj in outside:
            response = call(client, method, path.format(id=obj.pk))
            assert response.status_code == 404, (user, obj, response.content)
            assert response.json()["code"] == "not_found"
        assert before == (AuditEvent.objects.count(), sorted(model.objects.values_list("pk", "updated_at")))
    # Inside the scope an empty body is answered (done, refused for the role or state, invalid): never a 500.
    admin = session(tenant.users["admin"])
    for obj in model.objects.filter(organization=tenant.org).order_by("pk"):
        response = call(admin, method, path.format(id=obj.pk))
        assert response.status_code in {200, 201, 204, 403, 409, 422}, (obj, response.content)


def test_the_admin_lists_every_projects_model_read_only(tenant, media):
    from django.apps import apps
    from django.contrib import admin

    from hamyar.accounts.models import User

    full_project(tenant)
    client = Client()
    client.force_login(User.objects.create_superuser("root-projects", password="x"))
    for model in apps.get_app_config("projects").get_models():
        assert model in admin.site._registry, model
        name = model._meta.model_name
        assert client.get(f"/admin/projects/{name}/").status_code == 200, name
        assert client.get(f"/admin/projects/{name}/add/").status_code == 403, name


def test_the_portfolio_filter_reads_the_same_on_the_page_and_in_the_api(client, tenant):
    """One ProjectFilter: the page's "1"/"0" and the API's true/false pick the same projects, and a
    status neither knows is refused (the page with 400, the API with 422 naming the field)."""
    from django.urls import reverse

    blocked = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS).project
    free = vakilabad_project(tenant, municipality=tenant.district10, title="روشنایی بوستان").project
    blocked.constraints.create(organization=tenant.org, kind="legal_permit", title="مجوز", owner="حقوقی",
                               status=ConstraintStatus.BLOCKING)
    client.force_login(tenant.users["commerce"])
    for flag, expected in (("1", [blocked.pk]), ("0", [free.pk])):
        page = client.get(reverse("projects:project_list"), {"blocked": flag}).context["page_obj"]
        api = client.get(LIST, {"blocked": {"1": "true", "0": "false"}[flag]}).json()["items"]
        assert [p.pk for p in page] == [p["id"] for p in api] == expected
    by_municipality = client.get(LIST, {"municipality": tenant.mashhad.pk}).json()["items"]
    assert {p["id"] for p in by_municipality} == {blocked.pk, free.pk}  # a metropolis holds its districts
    assert client.get(reverse("projects:project_list"), {"status": "nonsense"}).status_code == 400
    response = client.get(LIST, {"status": "nonsense"})
    assert response.status_code == 422 and "status" in json.dumps(response.json())
