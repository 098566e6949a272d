"""Project pages: who may open which route, scope (404 outside it), the forms' bad input and the
services' refusals shown on the page (never a 500), and list pages whose query count stays flat.
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from hamyar.commerce.tests.factories import assigned_need
from hamyar.core.jalali import format_jalali_date
from hamyar.core.roles import Role
from hamyar.core.testing import nothing_written
from hamyar.core.tests import sample_files
from hamyar.needs.choices import NeedKind, NeedStatus
from hamyar.projects import services
from hamyar.projects import urls as project_urls
from hamyar.projects.choices import (
    ChangeOrderStatus,
    ConstraintKind,
    ConstraintStatus,
    MilestoneStatus,
    ProjectStatus,
)
from hamyar.projects.models import (
    ChangeOrder,
    Milestone,
    ProgressPhoto,
    ProgressReport,
    Project,
    ProjectConstraint,
    ProjectDocument,
)

from .project_data import vakilabad_project

pytestmark = pytest.mark.django_db

USER_OF_ROLE = {
    Role.ORG_ADMIN: "admin",
    Role.COMMERCE_OFFICER: "commerce",
    Role.FINANCE_OFFICER: "finance",
    Role.EXECUTIVE: "executive",
    Role.PROJECT_MANAGER: "project_manager",
    Role.SUPPLIER_USER: "supplier",
    Role.MUNICIPALITY_USER: "district9",
}
ROUTES = list(project_urls.urlpatterns)
# Routes that only take a POST (an action); the others are pages.
POST_ONLY = {"milestone_add", "constraint_add", "change_order_propose", "project_transition",
             "milestone_start", "milestone_complete", "milestone_remove", "constraint_update",
             "change_order_decide", "from_need", "document_add", "document_remove"}


def jalali(day: dt.date) -> str:
    return format_jalali_date(day, persian_digits=False)


def jpeg(width=640, height=480) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (60, 140, 70)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def running(tenant):
    """District 9's project in progress: design started, a report with a photo, a constraint, a change
    order."""
    data = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS)
    pm = tenant.users["project_manager"]
    services.milestone_start(milestone=data.design, acting_user=pm)
    services.progress_report_create(
        project=data.project, acting_user=pm, percents={data.design.pk: Decimal("50")}, notes="شروع تسطیح",
        photos=[{"file": SimpleUploadedFile("site.jpg", jpeg(), content_type="image/jpeg"),
                 "caption": "ضلع شمالی"}],
    )
    services.constraint_add(project=data.project, acting_user=tenant.users["commerce"],
                            kind=ConstraintKind.TRAFFIC, title="مجوز ترافیکی ورود ماشین‌آلات",
                            owner="پلیس راهور")
    services.change_order_propose(project=data.project, acting_user=pm, reason="افزایش مساحت چمن‌کاری",
                                  amount_change=1_000_000_000)
    services.project_document_add(project=data.project, acting_user=tenant.users["commerce"],
                                  kind="contract", title="قرارداد",
                                  file=SimpleUploadedFile("contract.pdf", sample_files.pdf_bytes()))
    data.project.refresh_from_db()
    return data


def _project_need(tenant):
    """An approved project need of District 9, assigned to the affiliated company (for "from_need")."""
    need = assigned_need(tenant, provider=tenant.affiliate, status=NeedStatus.APPROVED)
    need.kind, need.domain = NeedKind.PROJECT, tenant.green
    need.save(update_fields=["kind", "domain"])
    return need


def _objects(data, tenant=None) -> dict:
    project = data.project
    return {
        "need": _project_need(tenant) if tenant is not None else None,
        Project: project,
        Milestone: data.design,
        ProjectConstraint: project.constraints.first(),
        ProgressPhoto: ProgressPhoto.objects.get(report__project=project),
        ChangeOrder: project.change_orders.first(),
        ProjectDocument: project.documents.first(),
    }


def _url(pattern, objects: dict | None = None) -> str:
    kwargs = {}
    if "pk" in pattern.pattern.converters:
        kwargs["pk"] = objects[pattern.callback.page_model].pk if objects else 1
    if "need_pk" in pattern.pattern.converters:
        kwargs["need_pk"] = objects["need"].pk if objects and objects["need"] else 1
    if "action" in pattern.pattern.converters:
        kwargs["action"] = "contract"
    if "decision" in pattern.pattern.converters:
        kwargs["decision"] = "approve"
    return reverse(f"projects:{pattern.name}", kwargs=kwargs)


def _call(client, pattern, url, data=None):
    return client.post(url, data or {}) if pattern.name in POST_ONLY else client.get(url)


# ---------------------------------------------------------------- roles and scope


def test_every_route_says_which_roles_and_rows_it_serves():
    for pattern in ROUTES:
        assert pattern.callback.page_roles, pattern.name
        assert pattern.callback.page_model is not None, pattern.name


@pytest.mark.parametrize("pattern", ROUTES, ids=[p.name for p in ROUTES])
def test_every_route_refuses_the_roles_it_does_not_serve(client, tenant, running, pattern):
    url = _url(pattern, _objects(running, tenant))
    for role, key in USER_OF_ROLE.items():
        if role in pattern.callback.page_roles:
            continue
        client.force_login(tenant.users[key])
        with nothing_written("projects"):
            assert _call(client, pattern, url).status_code == 403, (role, pattern.name)


@pytest.mark.parametrize("pattern", [p for p in ROUTES if "pk" in p.pattern.converters],
                         ids=[p.name for p in ROUTES if "pk" in p.pattern.converters])
def test_district10_and_another_tenant_get_404_for_district9_rows(client, tenant, other_tenant, running,
                                                                  pattern):
    url = _url(pattern, _objects(running))
    outsiders = [tenant.users["district10"], other_tenant.users["admin"], other_tenant.users["commerce"],
                 other_tenant.users["district9"], other_tenant.users["project_manager"]]
    for user in outsiders:
        client.force_login(user)
        with nothing_written("projects"):
            response = _call(client, pattern, url)
        expected = 404 if Role(user.membership.role) in pattern.callback.page_roles else 403
        assert response.status_code == expected, (user.username, pattern.name, response.status_code)


def test_the_project_page_and_photo_are_district9s_and_not_district10s(client, tenant, running):
    photo = ProgressPhoto.objects.get(report__project=running.project)
    client.force_login(tenant.users["district9"])
    page = client.get(reverse("projects:project_detail", args=[running.project.pk]))
    assert page.status_code == 200
    assert reverse("projects:photo_thumbnail", args=[photo.pk]) in page.content.decode()
    image = client.get(reverse("projects:photo", args=[photo.pk]))
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert image["X-Content-Type-Options"] == "nosniff"
    thumb = client.get(reverse("projects:photo_thumbnail", args=[photo.pk]))
    assert thumb.status_code == 200
    assert max(Image.open(io.BytesIO(b"".join(thumb.streaming_content))).size) <= 320

    client.force_login(tenant.users["district10"])
    assert client.get(reverse("projects:project_detail", args=[running.project.pk])).status_code == 404
    assert client.get(reverse("projects:photo", args=[photo.pk])).status_code == 404
    assert client.get(reverse("projects:photo_thumbnail", args=[photo.pk])).status_code == 404
    assert running.project.title not in client.get(reverse("projects:project_list")).content.decode()
    client.logout()
    assert client.get(reverse("projects:photo", args=[photo.pk])).status_code == 302  # to the sign-in page


def test_every_reader_sees_the_project_page(client, tenant, running):
    for key in ("admin", "commerce", "finance", "executive", "project_manager", "district9"):
        client.force_login(tenant.users[key])
        response = client.get(reverse("projects:project_detail", args=[running.project.pk]))
        assert response.status_code == 200, key
        body = response.content.decode()
        assert "مجوز ترافیکی ورود ماشین‌آلات" in body and 'id="timeline"' in body and "<polyline" in body


@pytest.mark.parametrize(("key", "action"), [
    ("district9", "contract"), ("project_manager", "suspend"), ("executive", "terminate"),
    ("commerce", "hand-over"), ("finance", "complete"),
])
def test_a_wrong_role_inside_the_scope_gets_403(client, tenant, running, key, action):
    client.force_login(tenant.users[key])
    url = reverse("projects:project_transition", args=[running.project.pk, action])
    with nothing_written("projects"):
        assert client.post(url, {"reason": "آزمایش"}).status_code == 403


def test_the_actions_shown_follow_the_role(client, tenant, running):
    url = reverse("projects:project_detail", args=[running.project.pk])
    client.force_login(tenant.users["commerce"])
    body = client.get(url).content.decode()
    assert 'id="open-suspend"' in body and 'id="new-report"' in body and 'id="action-hand-over"' not in body
    client.force_login(tenant.users["district9"])
    body = client.get(url).content.decode()
    assert 'id="open-suspend"' not in body and 'id="new-report"' not in body and "milestone-start" not in body
    client.force_login(tenant.users["executive"])
    body = client.get(url).content.decode()
    assert 'name="beyond_limit"' in body and 'id="open-suspend"' not in body


# ---------------------------------------------------------------- the lists


def test_portfolio_filters_and_totals(client, tenant, running):
    blocked = vakilabad_project(tenant, municipality=tenant.district10, title="ساماندهی کوه پارک").project
    ProjectConstraint.objects.create(organization=tenant.org, project=blocked,
                                     kind=ConstraintKind.LAND_OWNERSHIP, title="مالکیت زمین",
                                     status=ConstraintStatus.BLOCKING, owner="حقوقی")
    client.force_login(tenant.users["executive"])
    body = client.get(reverse("projects:project_list")).content.decode()
    assert running.project.title in body and blocked.title in body and "flag-blocked" in body
    only_blocked = client.get(reverse("projects:project_list"), {"blocked": "1"}).content.decode()
    assert blocked.title in only_blocked and running.project.title not in only_blocked
    d9 = client.get(reverse("projects:project_list"), {"municipality": tenant.district9.pk}).content.decode()
    assert running.project.title in d9 and blocked.title not in d9
    assert client.get(reverse("projects:project_list"), {"status": "nonsense"}).status_code == 400

    client.force_login(tenant.users["district9"])
    response = client.get(reverse("projects:project_list"))
    body = response.content.decode()
    assert running.project.title in body and blocked.title not in body
    assert 'name="municipality"' not in body  # a municipality sees only its own
    assert response.context["summary"].count == 1
    assert response.context["summary"].contract_amount == running.project.contract_amount


def test_provider_sees_its_work_only(client, tenant, running):
    other = vakilabad_project(tenant, provider=tenant.staff_unit, title="روشنایی بوستان").project
    client.force_login(tenant.users["project_manager"])
    body = client.get(reverse("projects:project_list")).content.decode()
    assert running.project.title in body and other.title not in body
    assert client.get(reverse("projects:project_detail", args=[other.pk])).status_code == 404


@pytest.mark.parametrize("key", ["commerce", "district9", "project_manager"])
def test_list_query_count_stays_flat_as_rows_grow(client, tenant, key):
    client.force_login(tenant.users[key])
    url = reverse("projects:project_list")
    vakilabad_project(tenant)
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for n in range(5):
        project = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS,
                                    start=timezone.localdate() - dt.timedelta(days=60 + n)).project
        ProjectConstraint.objects.create(organization=tenant.org, project=project,
                                         kind=ConstraintKind.TRAFFIC, title="ترافیک",
                                         status=ConstraintStatus.BLOCKING, owner="راهور")
    assert count() == few


def test_project_page_query_count_stays_flat_as_reports_grow(client, tenant, running):
    client.force_login(tenant.users["commerce"])
    url = reverse("projects:project_detail", args=[running.project.pk])
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    pm = tenant.users["project_manager"]
    for percent in (60, 70, 80):
        services.progress_report_create(project=running.project, acting_user=pm,
                                        percents={running.design.pk: Decimal(percent)}, notes="ادامه کار")
    assert count() == few


# ---------------------------------------------------------------- forms: bad input, nothing written


def _create_data(tenant, **extra) -> dict:
    today = timezone.localdate()
    return {"title": "احیای اراضی بایر", "municipality": tenant.district9.pk, "site": tenant.vakilabad.pk,
            "domain": tenant.green.pk, "provider": tenant.affiliate.pk, "contract_amount": "5000000000",
            "start_date": jalali(today), "end_date": jalali(today + dt.timedelta(days=60)), **extra}


def test_officer_creates_a_project_with_jalali_dates_and_persian_digits(client, tenant):
    client.force_login(tenant.users["commerce"])
    data = _create_data(tenant, contract_amount="۵٬۰۰۰٬۰۰۰٬۰۰۰", start_date="۱۴۰۵/۰۱/۱۵",
                        end_date="1405/03/20")
    response = client.post(reverse("projects:project_create"), data)
    assert response.status_code == 302
    project = Project.objects.get(title="احیای اراضی بایر")
    assert project.contract_amount == 5_000_000_000 and project.status == ProjectStatus.PLANNING
    assert project.start_date == dt.date(2026, 4, 4) and project.end_date == dt.date(2026, 6, 10)


@pytest.mark.parametrize(("change", "field"), [
    ({"start_date": "1405/13/40"}, "start_date"),
    ({"start_date": "not a date"}, "start_date"),
    ({"end_date": "1404/12/30"}, "end_date"),  # 1404 is not a leap year: no 30 Esfand
    ({"contract_amount": "-5"}, "contract_amount"),
    ({"contract_amount": "پنج میلیارد"}, "contract_amount"),
    ({"title": ""}, "title"),
    ({"site": "999999"}, "site"),
    ({"municipality": "", "site": ""}, "municipality"),
])
def test_project_form_bad_input_is_a_form_error_and_writes_nothing(client, tenant, change, field):
    client.force_login(tenant.users["commerce"])
    with nothing_written("projects"):
        response = client.post(reverse("projects:project_create"), _create_data(tenant, **change))
    assert response.status_code == 422
    assert response.context["form"].errors.get(field), response.context["form"].errors


def test_a_site_of_another_municipality_is_refused(client, tenant):
    client.force_login(tenant.users["commerce"])
    with nothing_written("projects"):
        response = client.post(reverse("projects:project_create"),
                               _create_data(tenant, municipality=tenant.district10.pk))
    assert response.status_code == 422 and response.context["form"].errors.get("site")


def test_end_before_start_is_refused(client, tenant):
    client.force_login(tenant.users["commerce"])
    today = timezone.localdate()
    with nothing_written("projects"):
        response = client.post(reverse("projects:project_create"), _create_data(
            tenant, end_date=jalali(today - dt.timedelta(days=1))))
    assert response.status_code == 422 and response.context["form"].errors.get("end_date")


@pytest.mark.parametrize(("change", "field"), [
    ({"amount": "-1000"}, "amount"),
    ({"weight": "0"}, "weight"),
    ({"weight": "120"}, "weight"),
    ({"due_date": "1405/02/31/1"}, "due_date"),
])
def test_milestone_form_bad_input_is_a_form_error_and_writes_nothing(client, tenant, change, field):
    project = vakilabad_project(tenant, milestones=False).project
    client.force_login(tenant.users["commerce"])
    data = {"title": "تسطیح", "weight": "50", "amount": "1000000",
            "planned_start": jalali(project.start_date),
            "due_date": jalali(project.start_date + dt.timedelta(days=10)), **change}
    with nothing_written("projects"):
        response = client.post(reverse("projects:milestone_add", args=[project.pk]), data)
    assert response.status_code == 422
    assert response.context["milestone_form"].errors.get(field)
    assert 'id="milestone-box" open' in response.content.decode()


def test_service_refusals_show_on_the_page_and_write_nothing(client, tenant):
    data = vakilabad_project(tenant)
    data.design.delete()  # the weights now add up to 80
    client.force_login(tenant.users["commerce"])
    with nothing_written("projects"):
        response = client.post(reverse("projects:project_transition", args=[data.project.pk, "contract"]))
    assert response.status_code == 409
    assert 'id="project-error"' in response.content.decode()


def test_a_blocking_constraint_stops_the_milestone_with_its_name(client, tenant, running):
    ProjectConstraint.objects.create(organization=tenant.org, project=running.project,
                                     milestone=running.design, kind=ConstraintKind.LAND_OWNERSHIP,
                                     title="اختلاف مالکیت قطعه شمالی", status=ConstraintStatus.BLOCKING,
                                     owner="حقوقی منطقه ۹")
    client.force_login(tenant.users["project_manager"])
    with nothing_written("projects"):
        response = client.post(reverse("projects:milestone_complete", args=[running.design.pk]))
    assert response.status_code == 409
    body = response.content.decode()
    assert "اختلاف مالکیت قطعه شمالی" in body and 'id="blocking-banner"' in body
    running.design.refresh_from_db()
    assert running.design.status == MilestoneStatus.IN_PROGRESS


def test_suspend_needs_a_reason(client, tenant, running):
    client.force_login(tenant.users["commerce"])
    url = reverse("projects:project_transition", args=[running.project.pk, "suspend"])
    with nothing_written("projects"):
        response = client.post(url, {"reason": "  "})
    assert response.status_code == 422 and response.context["reason_for"] == "suspend"
    assert client.post(url, {"reason": "بارندگی شدید"}).status_code == 302
    running.project.refresh_from_db()
    assert running.project.status == ProjectStatus.SUSPENDED and running.project.reason == "بارندگی شدید"


def test_over_the_limit_change_order_needs_an_executive(client, tenant, running):
    change = ChangeOrder.objects.create(organization=tenant.org, project=running.project, number=2,
                                        amount_change=running.project.contract_amount // 2, reason="توسعه",
                                        requested_by=tenant.users["commerce"])
    url = reverse("projects:change_order_decide", args=[change.pk, "approve"])
    client.force_login(tenant.users["commerce"])
    with nothing_written("projects"):
        response = client.post(url, {"decision_note": "تأیید"})
    assert response.status_code == 409 and "25" in response.content.decode().translate(
        str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))
    client.force_login(tenant.users["executive"])
    with nothing_written("projects"):
        assert client.post(url, {"beyond_limit": "on"}).status_code == 422  # the reason is required
    assert client.post(url, {"beyond_limit": "on", "decision_note": "ضرورت توسعه پارک"}).status_code == 302
    change.refresh_from_db()
    assert change.status == ChangeOrderStatus.APPROVED and change.beyond_limit


def test_change_order_form_takes_a_negative_amount(client, tenant, running):
    client.force_login(tenant.users["commerce"])
    response = client.post(reverse("projects:change_order_propose", args=[running.project.pk]),
                           {"amount_change": "-۱۰۰۰۰۰۰", "reason": "حذف بخشی از کار"})
    assert response.status_code == 302
    assert running.project.change_orders.filter(amount_change=-1_000_000).exists()
    with nothing_written("projects"):
        response = client.post(reverse("projects:change_order_propose", args=[running.project.pk]),
                               {"amount_change": "abc", "reason": "x"})
    assert response.status_code == 422


# ---------------------------------------------------------------- progress reports and photos


def _report_url(data) -> str:
    return reverse("projects:report_create", args=[data.project.pk])


def test_report_form_files_a_report_with_a_photo(client, tenant, running, media):
    client.force_login(tenant.users["project_manager"])
    assert client.get(_report_url(running)).status_code == 200
    response = client.post(_report_url(running), {
        "reported_on": jalali(timezone.localdate()), f"percent_{running.design.pk}": "۷۵",
        "notes": "تسطیح تمام شد", "caption": "نمای شمالی",
        "photo": SimpleUploadedFile("north.png", _png(), content_type="image/png"),
    })
    assert response.status_code == 302
    report = ProgressReport.objects.filter(project=running.project).latest("pk")
    assert report.physical_progress == Decimal("15.00")  # 20 × 75%
    assert report.photos.get().caption == "نمای شمالی"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (200, 180, 90)).save(buffer, "PNG")
    return buffer.getvalue()


def _files(media) -> list:
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


@pytest.mark.parametrize("case", ["forged", "oversized", "bad_percent", "future", "invalid_date", "empty"])
def test_report_form_bad_input_is_a_form_error_and_writes_nothing(client, tenant, running, media, settings,
                                                                  case):
    data = {"reported_on": jalali(timezone.localdate()), f"percent_{running.design.pk}": "60", "notes": ""}
    if case == "forged":
        data["photo"] = SimpleUploadedFile("site.jpg", b"<?php echo 'not a photo'; ?>" * 20,
                                           content_type="image/jpeg")
    elif case == "oversized":
        settings.HAMYAR_ATTACHMENT_MAX_BYTES = 1000
        data["photo"] = SimpleUploadedFile("big.jpg", jpeg(1600, 1200), content_type="image/jpeg")
    elif case == "bad_percent":
        data[f"percent_{running.design.pk}"] = "150"
    elif case == "future":
        data["reported_on"] = jalali(timezone.localdate() + dt.timedelta(days=3))
    elif case == "invalid_date":
        data["reported_on"] = "1405/07/31"  # Mehr has 30 days
    elif case == "empty":
        data[f"percent_{running.design.pk}"] = ""
    files = _files(media)
    client.force_login(tenant.users["project_manager"])
    with nothing_written("projects"):
        response = client.post(_report_url(running), data)
    assert response.status_code == 422, case
    form = response.context["form"]
    assert form.errors, case
    if case in ("forged", "oversized"):
        assert form.errors.get("photo"), form.errors
    assert _files(media) == files  # no stray file left behind


def test_a_report_on_a_project_not_in_progress_is_refused_on_the_form(client, tenant):
    data = vakilabad_project(tenant, status=ProjectStatus.SUSPENDED)
    client.force_login(tenant.users["project_manager"])
    with nothing_written("projects"):
        response = client.post(_report_url(data), {"reported_on": jalali(timezone.localdate()),
                                                   f"percent_{data.design.pk}": "10"})
    assert response.status_code == 409
    assert response.context["form"].non_field_errors()


def test_the_history_names_finances_steps_on_the_payment_requests_in_persian(client, tenant):
    """Invoicing a milestone's payment request (and voiding that invoice) shows in the project's history
    with a Persian label, never as the audit code."""
    from django.utils import translation

    from hamyar.finance.services import invoice_from_payment_request, invoice_void
    from hamyar.projects.views import HISTORY_LABELS

    data = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS)
    services.milestone_start(milestone=data.design, acting_user=tenant.users["commerce"])
    services.milestone_complete(milestone=data.design, acting_user=tenant.users["commerce"])
    invoice = invoice_from_payment_request(payment_request=data.design.payment_request,
                                           acting_user=tenant.users["finance"])
    invoice_void(invoice=invoice, acting_user=tenant.users["finance"], reason="مبلغ اشتباه ثبت شد")
    client.force_login(tenant.users["commerce"])
    page = client.get(reverse("projects:project_detail", args=[data.project.pk]))
    history = page.content.decode().split('id="history"', 1)[1]
    assert "payment_request." not in history
    with translation.override("fa"):
        for action in ("payment_request.invoice", "payment_request.reopen"):
            label = str(HISTORY_LABELS[action])
            assert label != action and label in history, action


def test_a_suspended_project_reads_suspended_as_a_status_and_blocked_as_blocked(client, tenant, running):
    """The status is «معلق», the history's step «تعلیق شد»; a blocking constraint reads «مسدود», not
    «متوقف» (which a clerk reads as suspended)."""
    services.project_suspend(project=running.project, acting_user=tenant.users["commerce"], reason="بارندگی")
    constraint = running.project.constraints.get()
    services.constraint_update(constraint=constraint, acting_user=tenant.users["commerce"],
                              status=ConstraintStatus.BLOCKING)
    client.force_login(tenant.users["commerce"])
    html = client.get(reverse("projects:project_detail", args=[running.project.pk])).content.decode()
    heading = html.split('id="project-heading"', 1)[1].split('id="project-facts"', 1)[0]
    assert "معلق" in heading and "مسدود" in heading
    history = html.split('id="history"', 1)[1]
    assert "تعلیق شد" in history
    assert "مسدود به دلیل محدودیت" in html
    assert "متوقف" not in html
    listing = client.get(reverse("projects:project_list"), {"blocked": "1"}).content.decode()
    assert "معلق" in listing and "متوقف" not in listing
