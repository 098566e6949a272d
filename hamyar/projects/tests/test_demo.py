"""The demo's projects: the article's District 9 sites and a small town, every state a page shows,
through the services (audited), and loading twice adds nothing."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from hamyar.accounts.models import User
from hamyar.core.audit import audit_verify_chain
from hamyar.core.models import AuditEvent
from hamyar.directory.models import Organization
from hamyar.directory.tests.test_demo import row_counts
from hamyar.projects import demo, selectors
from hamyar.projects.choices import ConstraintStatus, MilestoneStatus, ProjectStatus
from hamyar.projects.models import PaymentRequest, ProgressPhoto, Project


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="class")
def loaded_demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo loaded once for the class (photos in a temporary media folder), rolled back after."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")), django_db_blocker.unblock(), \
            transaction.atomic():
        run()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo_org(loaded_demo, db) -> Organization:
    return Organization.objects.get(slug="khorasan-razavi")


def _project(org, title) -> Project:
    rows = Project.objects.select_related("municipality", "site", "provider")
    return rows.get(organization=org, title=title)


class TestTheProjectsDemo:
    def test_each_projects_steps_are_audited_on_the_days_its_clocks_show(self, demo_org):
        clocks = {"project.contract": "contracted_at", "project.start": "started_at",
                  "project.complete": "completed_at", "project.hand_over": "handed_over_at"}
        checked = 0
        for project in Project.objects.filter(organization=demo_org):
            events = AuditEvent.objects.filter(object_type="projects.project", object_id=str(project.pk),
                                               action__in=clocks)
            for event in events:
                expected = getattr(project, clocks[event.action])
                assert abs(event.created_at - expected) < dt.timedelta(seconds=1), (project.title,
                                                                                     event.action)
                checked += 1
            for milestone in project.milestones.all():
                for event in AuditEvent.objects.filter(object_type="projects.milestone",
                                                       object_id=str(milestone.pk),
                                                       action__in=["milestone.start", "milestone.complete"]):
                    field = "started_at" if event.action == "milestone.start" else "completed_at"
                    assert abs(event.created_at - getattr(milestone, field)) < dt.timedelta(seconds=1)
                    checked += 1
        assert checked >= 10

    def test_every_demo_project_is_there_in_its_state(self, demo_org):
        states = dict(Project.objects.filter(organization=demo_org).values_list("title", "status"))
        assert states == {spec.title: spec.status for spec in demo.PROJECTS}
        assert set(states.values()) >= {ProjectStatus.IN_PROGRESS, ProjectStatus.HANDED_OVER,
                                        ProjectStatus.PLANNING}

    def test_vakilabad_park_is_in_progress_with_reports_a_photo_and_two_constraints(self, demo_org):
        project = _project(demo_org, "بازآفرینی پارک وکیل‌آباد")
        assert project.municipality.name_en == "Mashhad District 9" and project.site.name == "پارک وکیل‌آباد"
        assert project.provider.kind == "affiliate"
        assert project.reports.count() == 3
        assert ProgressPhoto.objects.filter(report__project=project).exists()
        assert set(project.constraints.values_list("status", flat=True)) == {
            ConstraintStatus.RESOLVED, ConstraintStatus.IN_PROGRESS}
        assert Decimal(0) < project.physical_progress < Decimal(100)
        # The approved change order raised the amount in force within the 25% limit.
        assert project.current_amount == project.contract_amount + 3_600_000_000
        first = project.milestones.order_by("sequence").first()
        assert first.status == MilestoneStatus.COMPLETED
        assert PaymentRequest.objects.filter(milestone=first, amount=first.amount).exists()
        assert first.started_at.date() < first.completed_at.date() < project.reports.last().reported_on

    def test_vakilabad_park_has_its_contract_as_a_pdf_on_its_page(self, demo_org):
        project = _project(demo_org, "بازآفرینی پارک وکیل‌آباد")
        document = project.documents.get()
        assert (document.kind, document.content_type) == ("contract", "application/pdf")
        with document.file.open("rb") as handle:
            data = handle.read()
        assert data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:] and len(data) == document.size
        district9 = User.objects.get(username="district9")
        client = Client()
        client.force_login(district9)
        page = client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()
        assert "قرارداد اجرای بازآفرینی پارک وکیل‌آباد" in page
        assert client.get(reverse("projects:document_download", args=[document.pk])).status_code == 200
        assert AuditEvent.objects.filter(action="project_document.add", object_id=str(document.pk)).exists()

    def test_kooh_park_special_project_is_blocked_on_land_ownership(self, demo_org):
        project = _project(demo_org, "ساماندهی و توسعه اراضی بایر کوه پارک")
        assert project.domain.code == "special-projects" and project.site.kind == "barren_land"
        blocking = project.constraints.get(status=ConstraintStatus.BLOCKING)
        assert blocking.kind == "land_ownership" and blocking.milestone is None
        admin = User.objects.get(username="orgadmin")
        assert list(selectors.project_list(user=admin, filters={"blocked": True})) == [project]

    def test_vafa_garden_was_handed_over_by_district9(self, demo_org):
        project = _project(demo_org, "اجرای آبیاری قطره‌ای بوستان وفا")
        assert project.status == ProjectStatus.HANDED_OVER
        assert project.handed_over_by.username == "district9"
        assert project.physical_progress == 100
        assert project.completed_at < project.handed_over_at
        assert project.payment_requests.count() == 3

    def test_a_small_towns_project_is_running_late(self, demo_org):
        project = _project(demo_org, "بهسازی و سنگ‌فرش بلوار ورودی شاندیز")
        assert project.municipality.kind == "town"
        shandiz = User.objects.get(username="shandiz")
        rows = list(selectors.project_list(user=shandiz))
        assert rows == [project] and rows[0].is_late

    def test_the_demo_users_see_their_projects_on_the_pages(self, demo_org):
        client = Client()
        expectations = {
            "ceo": ["بازآفرینی پارک وکیل‌آباد", "بهسازی و سنگ‌فرش بلوار ورودی شاندیز"],
            "district9": ["بازآفرینی پارک وکیل‌آباد", "اجرای آبیاری قطره‌ای بوستان وفا"],
            "projects": ["ساماندهی و توسعه اراضی بایر کوه پارک"],
            "shandiz": ["بهسازی و سنگ‌فرش بلوار ورودی شاندیز"],
        }
        for username, titles in expectations.items():
            client.force_login(User.objects.get(username=username))
            body = client.get(reverse("projects:project_list")).content.decode()
            assert all(title in body for title in titles), username
        client.force_login(User.objects.get(username="district9"))
        body = client.get(reverse("projects:project_list")).content.decode()
        assert "بهسازی و سنگ‌فرش بلوار ورودی شاندیز" not in body
        for project in Project.objects.filter(organization=demo_org,
                                              municipality__name_en="Mashhad District 9"):
            assert client.get(reverse("projects:project_detail", args=[project.pk])).status_code == 200

    def test_every_project_step_is_audited_and_the_chain_verifies(self, demo_org):
        for project in Project.objects.filter(organization=demo_org):
            actions = set(selectors.project_history(project=project).values_list("action", flat=True))
            assert {"project.create", "milestone.add"} <= actions
        assert AuditEvent.objects.filter(organization=demo_org, action="project.hand_over").count() == 1
        assert audit_verify_chain(demo_org.pk) is None

    def test_running_twice_changes_no_counts(self, demo_org):
        before = row_counts()
        run()
        assert row_counts() == before
