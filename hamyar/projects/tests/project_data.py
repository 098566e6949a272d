"""A Vakilabad Park project of District 9 with three milestones, built with the ORM for tests.

The services are not used here, so tests of pages and of one transition can start in any state.
The milestones weigh 20 + 50 + 30 = 100 and cost 5 + 12 + 8 = 25 billion Rial, the contract amount.

    data = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS)
    data.project, data.design, data.planting, data.irrigation
"""

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from hamyar.core.numbering import next_number
from hamyar.core.tests import sample_files
from hamyar.projects import services
from hamyar.projects.choices import MilestoneStatus, ProjectStatus
from hamyar.projects.models import Milestone, PaymentRequest, Project

CONTRACT_AMOUNT = 25_000_000_000
DURATION_DAYS = 120

# (title, weight %, amount in Rial, planned start and due date as days after the project's start)
MILESTONES = [
    ("طراحی و اخذ مجوزها", Decimal("20"), 5_000_000_000, 0, 30),
    ("کاشت درختان و چمن‌کاری", Decimal("50"), 12_000_000_000, 30, 90),
    ("اجرای آبیاری قطره‌ای", Decimal("30"), 8_000_000_000, 60, 120),
]

# The clocks a project in each state has stamped.
_CLOCKS = {
    ProjectStatus.PLANNING: (),
    ProjectStatus.CONTRACTED: ("contracted_at",),
    ProjectStatus.IN_PROGRESS: ("contracted_at", "started_at"),
    ProjectStatus.SUSPENDED: ("contracted_at", "started_at"),
    ProjectStatus.COMPLETED: ("contracted_at", "started_at", "completed_at"),
    ProjectStatus.HANDED_OVER: ("contracted_at", "started_at", "completed_at", "handed_over_at"),
    ProjectStatus.TERMINATED: ("contracted_at",),
}


@dataclass
class ProjectData:
    """The project and its milestones in order."""

    project: Project
    milestones: list[Milestone]

    @property
    def design(self) -> Milestone:
        return self.milestones[0]

    @property
    def planting(self) -> Milestone:
        return self.milestones[1]

    @property
    def irrigation(self) -> Milestone:
        return self.milestones[2]


def vakilabad_project(tenant, *, status: str = ProjectStatus.PLANNING, start: dt.date | None = None,
                      municipality=None, site=None, provider=None, title: str = "بازآفرینی پارک وکیل‌آباد",
                      contract_amount: int = CONTRACT_AMOUNT, milestones: bool = True) -> ProjectData:
    """District 9's park renewal at Vakilabad Park, carried out by the affiliated green-space company.

    `start` defaults to 30 days ago (so an in-progress project has a planned curve to compare);
    `municipality`/`site`/`provider` put it elsewhere (e.g. District 10 with no site for scope tests).
    A completed or handed-over project has its milestones completed at 100%.
    """
    start = start or timezone.localdate() - dt.timedelta(days=30)
    municipality = municipality or tenant.district9
    if site is None and municipality == tenant.district9:
        site = tenant.vakilabad
    now = timezone.now()
    project = Project(
        organization=tenant.org, number=next_number(tenant.org.pk, "P"), title=title,
        description="نوسازی مسیرهای پیاده‌روی، کاشت درخت و چمن و آبیاری قطره‌ای در پارک وکیل‌آباد",
        municipality=municipality, site=site, domain=tenant.green, provider=provider or tenant.affiliate,
        status=status, contract_amount=contract_amount, current_amount=contract_amount, start_date=start,
        end_date=start + dt.timedelta(days=DURATION_DAYS), created_by=tenant.users["commerce"],
    )
    for clock in _CLOCKS[ProjectStatus(status)]:
        setattr(project, clock, now)
    if status == ProjectStatus.HANDED_OVER:
        project.handed_over_by = tenant.users["district9"]
    if status == ProjectStatus.SUSPENDED:
        project.reason = "توقف به دلیل بارندگی شدید"
    if status == ProjectStatus.TERMINATED:
        project.reason = "انصراف شهرداری"
    done = status in (ProjectStatus.COMPLETED, ProjectStatus.HANDED_OVER)
    if done:
        project.physical_progress = Decimal("100")
    project.save()
    rows = []
    if milestones:
        for sequence, (name, weight, amount, begin, due) in enumerate(MILESTONES, start=1):
            rows.append(Milestone.objects.create(
                organization=tenant.org, project=project, sequence=sequence, title=name, weight=weight,
                amount=amount * contract_amount // CONTRACT_AMOUNT,
                planned_start=start + dt.timedelta(days=begin), due_date=start + dt.timedelta(days=due),
                status=MilestoneStatus.COMPLETED if done else MilestoneStatus.PENDING,
                percent=Decimal("100") if done else Decimal("0"),
                started_at=now if done else None, completed_at=now if done else None,
            ))
    return ProjectData(project, rows)


# A file that passes the attachment checks as a PDF (its bytes start with the PDF signature).
SAMPLE_PDF = sample_files.pdf_bytes()


def sample_jpeg(size=(800, 600)) -> io.BytesIO:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Hamyar Test Camera"
    Image.new("RGB", size, "green").save(out, "JPEG", exif=exif.tobytes())
    out.seek(0)
    out.name = "IMG_0001.jpg"
    return out


def full_project(tenant, municipality=None, provider=None) -> Project:
    """A running project with a row of every kind: milestones, a constraint, a report with a photo, a change
    order, a payment request and a contract document."""
    data = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS, municipality=municipality,
                             provider=provider)
    Milestone.objects.filter(pk=data.design.pk).update(status=MilestoneStatus.IN_PROGRESS)
    services.progress_report_create(project=data.project, acting_user=tenant.users["commerce"],
                                    entries=[{"milestone": data.design.pk, "percent": 10}],
                                    photos=[sample_jpeg()])
    services.constraint_add(project=data.project, acting_user=tenant.users["commerce"], kind="traffic",
                            title="طرح ترافیک", owner="پلیس راهور")
    services.change_order_propose(project=data.project, acting_user=tenant.users["commerce"],
                                  amount_change=1_000_000, reason="افزایش")
    PaymentRequest.objects.create(organization=tenant.org, project=data.project, milestone=data.irrigation,
                                  amount=data.irrigation.amount)
    services.project_document_add(project=data.project, acting_user=tenant.users["commerce"], kind="contract",
                                  title="قرارداد", file=SimpleUploadedFile("contract.pdf", SAMPLE_PDF))
    return data.project
