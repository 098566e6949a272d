"""A Vakilabad Park project of District 9 goes from contract to handover in a browser.

The commerce officer creates the project, plans two milestones, signs the contract and starts the
work; the affiliated company's project manager starts the milestones, files two progress reports
(the second with a site photo) and completes the milestones; the officer completes the project;
District 9 signs off the handover. Every page is checked, and screenshots are saved.
"""

import datetime as dt
import io
import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone, translation
from PIL import Image, ImageDraw

from conftest import PASSWORD
from hamyar.core.jalali import format_jalali_date
from hamyar.projects.choices import MilestoneStatus, ProjectStatus
from hamyar.projects.models import PaymentRequest, ProgressPhoto, Project
from hamyar.projects.views import HISTORY_LABELS

# Playwright's sync API runs an event loop in this thread; the ORM calls of the
# fixtures happen outside it, so Django's async-safety check does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(settings.BASE_DIR) / "test-output" / "browser"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"Chromium is not installed at {CHROMIUM}"),
]


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fa-IR")
        yield context.new_page()
        context.close()
        browser.close()


def _jalali(day: dt.date) -> str:
    return format_jalali_date(day, persian_digits=False)


def _site_photo(path: Path) -> Path:
    """A drawn photo of the park: sky, grass and a row of young trees (no downloaded file)."""
    image = Image.new("RGB", (960, 640), (135, 190, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 400, 960, 640], fill=(70, 150, 60))
    for x in range(80, 960, 160):
        draw.rectangle([x - 6, 330, x + 6, 420], fill=(110, 75, 40))
        draw.ellipse([x - 50, 240, x + 50, 350], fill=(40, 120, 50))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    path.write_bytes(buffer.getvalue())
    return path


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"projects-{name}.png"), full_page=True)


def _sign_in(page, base: str, user) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{base}/")


def _fa(text) -> str:
    with translation.override("fa"):
        return str(translation.gettext(str(text)) if isinstance(text, str) else text)


def test_vakilabad_park_project_from_contract_to_handover(live_server, tenant, page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    base = live_server.url
    today = timezone.localdate()
    start = today - dt.timedelta(days=20)

    # ---- the commerce officer creates the project for District 9 at Vakilabad Park
    _sign_in(page, base, tenant.users["commerce"])
    page.goto(f"{base}/projects/")
    assert _fa("Project portfolio") in page.inner_text("h1")
    page.click("#new-project")
    page.wait_for_url(f"{base}/projects/new/")
    page.fill("#id_title", "بازآفرینی پارک وکیل‌آباد")
    page.select_option("#id_municipality", str(tenant.district9.pk))
    page.select_option("#id_site", str(tenant.vakilabad.pk))
    page.select_option("#id_domain", str(tenant.green.pk))
    page.select_option("#id_provider", str(tenant.affiliate.pk))
    page.fill("#id_contract_amount", "۲۰٬۰۰۰٬۰۰۰٬۰۰۰")
    page.fill("#id_start_date", _jalali(start))
    page.fill("#id_end_date", _jalali(start + dt.timedelta(days=90)))
    page.fill("#id_description", "نوسازی مسیرهای پیاده‌روی و کاشت درخت در پارک وکیل‌آباد")
    _shot(page, "1-create")
    page.click("#project-save")
    page.wait_for_url("**/projects/*/")
    project = Project.objects.get(title="بازآفرینی پارک وکیل‌آباد")
    assert project.status == ProjectStatus.PLANNING and project.site == tenant.vakilabad
    assert project.contract_amount == 20_000_000_000
    facts = page.inner_text("#project-facts")
    assert "منطقه ۹ مشهد" in facts and "پارک وکیل‌آباد" in facts and tenant.affiliate.name in facts
    assert "۲٬۰۰۰٬۰۰۰٬۰۰۰" in page.inner_text("#contract-amount")  # the Toman figure beside the Rial

    # ---- two milestones, 40% + 60%
    for title, weight, amount, begin, due in (("طراحی و تسطیح", "40", "8000000000", 0, 40),
                                              ("کاشت و آبیاری", "60", "12000000000", 30, 90)):
        page.click("#milestone-box summary")
        page.fill("#id_title", title)
        page.fill("#id_weight", weight)
        page.fill("#id_amount", amount)
        page.fill("#id_planned_start", _jalali(start + dt.timedelta(days=begin)))
        page.fill("#id_due_date", _jalali(start + dt.timedelta(days=due)))
        page.click("#milestone-submit")
        page.wait_for_load_state("networkidle")
        assert title in page.inner_text("#milestones")
    assert "۱۰۰" in page.inner_text("#weight-total")
    assert page.locator("#timeline svg .tl-row").count() == 2
    _shot(page, "2-planned")

    # ---- contract and start
    page.click("#action-contract")
    page.wait_for_load_state("networkidle")
    project.refresh_from_db()
    assert project.status == ProjectStatus.CONTRACTED
    page.click("#action-start")
    page.wait_for_load_state("networkidle")
    project.refresh_from_db()
    assert project.status == ProjectStatus.IN_PROGRESS
    assert page.locator("#action-start").count() == 0
    design, planting = list(project.milestones.order_by("sequence"))

    # ---- the executing company's project manager starts the milestones and reports progress
    _sign_in(page, base, tenant.users["project_manager"])
    page.goto(f"{base}/projects/")
    assert "بازآفرینی پارک وکیل‌آباد" in page.inner_text("#results")
    page.click(f"#project-{project.pk} a")
    page.wait_for_url(f"**/projects/{project.pk}/")
    for _ in range(2):
        page.locator(".milestone-start").first.click()
        page.wait_for_load_state("networkidle")
    assert all(m.status == MilestoneStatus.IN_PROGRESS for m in project.milestones.all())

    page.click("#new-report")
    page.wait_for_url(f"**/projects/{project.pk}/reports/new/")
    page.fill(f"#id_percent_{design.pk}", "۶۰")
    page.fill(f"#id_percent_{planting.pk}", "10")
    page.fill("#id_notes", "تسطیح بخش شمالی پارک انجام شد.")
    _shot(page, "3-report-form")
    page.click("#report-submit")
    page.wait_for_url(f"**/projects/{project.pk}/")
    project.refresh_from_db()
    assert project.physical_progress == 30  # 40 × 60% + 60 × 10%
    assert "۳۰" in page.inner_text("#physical-progress")

    page.click("#new-report")
    page.fill(f"#id_percent_{design.pk}", "100")
    page.fill(f"#id_percent_{planting.pk}", "۴۵٫۵")
    page.fill("#id_notes", "کاشت ردیف اول درختان چنار در ضلع غربی.")
    page.set_input_files("#id_photo", str(_site_photo(tmp_path / "vakilabad-west.jpg")))
    page.fill("#id_caption", "ردیف درختان ضلع غربی")
    page.click("#report-submit")
    page.wait_for_url(f"**/projects/{project.pk}/")
    project.refresh_from_db()
    assert project.physical_progress == Decimal("67.30")  # 40 × 100% + 60 × 45.5%
    assert page.locator("#reports li.report").count() == 2
    thumb = page.locator("#reports img.photo-thumb")
    assert thumb.count() == 1
    assert thumb.evaluate("img => img.complete && img.naturalWidth > 0 && img.naturalWidth <= 320")
    photo = ProgressPhoto.objects.get(report__project=project)
    assert photo.width == 960 and photo.caption == "ردیف درختان ضلع غربی"
    assert page.locator("#actual-line").count() == 1 and page.locator("#planned-line").count() == 1
    _shot(page, "4-reports")

    for _ in range(2):
        page.locator(".milestone-complete").first.click()
        page.wait_for_load_state("networkidle")
    assert PaymentRequest.objects.filter(project=project).count() == 2
    assert "۸۰۰٬۰۰۰٬۰۰۰" in page.inner_text("#payment-requests")  # 8 billion Rial = 800 million Toman
    project.refresh_from_db()
    assert project.physical_progress == 100

    # ---- the officer completes the project
    _sign_in(page, base, tenant.users["commerce"])
    page.goto(f"{base}/projects/{project.pk}/")
    page.click("#action-complete")
    page.wait_for_load_state("networkidle")
    project.refresh_from_db()
    assert project.status == ProjectStatus.COMPLETED

    # ---- District 9 signs off the handover
    _sign_in(page, base, tenant.users["district9"])
    page.goto(f"{base}/projects/")
    assert _fa("Our projects") in page.inner_text("h1")
    page.click(f"#project-{project.pk} a")
    page.wait_for_url(f"**/projects/{project.pk}/")
    assert page.locator("#handover-prompt").count() == 1
    _shot(page, "5-handover-prompt")
    page.click("#action-hand-over")
    page.wait_for_load_state("networkidle")
    project.refresh_from_db()
    assert project.status == ProjectStatus.HANDED_OVER and project.handed_over_by == tenant.users["district9"]
    assert page.locator("#handed-over").count() == 1
    history = page.inner_text("#history")
    for action in ("project.create", "project.contract", "progress_report.create", "project.hand_over"):
        assert _fa(HISTORY_LABELS[action]) in history, action
    assert page.get_attribute("html", "dir") == "rtl"
    _shot(page, "6-handed-over")

    # The photo is District 9's to see, and nobody else's in the municipality list.
    response = page.request.get(f"{base}/projects/photos/{photo.pk}/")
    assert response.status == 200 and response.headers["content-type"] == "image/jpeg"
    _sign_in(page, base, tenant.users["district10"])
    assert page.request.get(f"{base}/projects/photos/{photo.pk}/").status == 404
    assert page.goto(f"{base}/projects/{project.pk}/").status == 404


def test_the_milestones_table_fits_the_page_with_its_buttons(live_server, tenant, page, settings, tmp_path):
    """Milestones with long titles, billions of Rial and a completed one (both actual dates): the
    Start/Complete buttons stay on the page, without scrolling the table sideways, at a laptop's width."""
    from hamyar.projects import services
    from hamyar.projects.models import Milestone

    from .project_data import vakilabad_project

    settings.MEDIA_ROOT = tmp_path / "media"
    data = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS, contract_amount=120_000_000_000)
    Milestone.objects.filter(pk=data.design.pk).update(title="مطالعات، نقشه‌برداری و طراحی تفصیلی مسیرها")
    for milestone in (data.design, data.planting):
        services.milestone_start(milestone=milestone, acting_user=tenant.users["commerce"])
    services.milestone_complete(milestone=data.design, acting_user=tenant.users["commerce"])
    base = live_server.url
    _sign_in(page, base, tenant.users["commerce"])
    page.goto(f"{base}/projects/{data.project.pk}/")
    assert page.locator(".milestone-complete").count() == 1 and page.locator(".milestone-start").count() == 1
    table = page.locator("#milestones .table-responsive")
    assert table.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), table.evaluate(
        "el => [el.scrollWidth, el.clientWidth]")
    box, card = page.locator(".milestone-complete").bounding_box(), table.bounding_box()
    assert card["x"] <= box["x"] and box["x"] + box["width"] <= card["x"] + card["width"]
    _shot(page, "milestones-table")
