"""The demo organization's projects: a few months of urban-management work from the source article.

- District 9 of Mashhad — the redevelopment of Vakilabad Park, in progress, with three progress
  reports (the last with a site photo), a resolved and an open constraint, a change order and its
  signed contract as a PDF document;
- District 9 — the development of the barren land of Kooh Park, a special project held up by a
  blocking land-ownership constraint (and an urban-planning approval still open);
- District 9 — drip irrigation of Vafa Garden, completed and handed over (signed off by District 9);
- Shandiz (a small town) — the entrance boulevard's paving, in progress and behind its schedule;
- Torqabeh (a small town) — the central square's redesign, still in planning.

The executing providers are the demo's affiliated companies (the construction company's project
manager is the demo user «projects»). Photos are drawn with Pillow and the contract PDF is made with
WeasyPrint (hamyar.core.pdf), never downloaded.

`load_projects_demo` goes through the services and is idempotent: a project is matched by its title
in the organization, and one that exists is left as it is. The services stamp their clocks (started,
completed, handed over) with the time of loading; the story happened over the past months, so those
clocks are then set back to the story's days (presentation only: the audit log keeps when the demo
was loaded).
"""

import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from PIL import Image, ImageDraw

from hamyar.accounts.models import Membership
from hamyar.core import clock
from hamyar.core.jalali import format_jalali_date
from hamyar.core.money import format_rial
from hamyar.core.pdf import html_to_pdf, pdf_fonts
from hamyar.core.roles import Role
from hamyar.core.text import normalize
from hamyar.directory.models import MunicipalAsset, Municipality, Organization, Provider, ServiceDomain

from . import services
from .choices import ConstraintKind, ConstraintStatus, DocumentKind, MilestoneStatus, ProjectStatus
from .models import Milestone, PaymentRequest, Project

GREEN_COMPANY = "شرکت گسترش فضای سبز همیاران توس"
BUILD_COMPANY = "شرکت عمران و ساختمان همیاران رضوی"
CONSULTING = "شرکت مهندسین مشاور شهرآرای همیار"


@dataclass(frozen=True)
class DemoMilestone:
    title: str
    weight: str
    amount: int
    begin: int  # planned start, days after the project's start
    due: int  # due date, days after the project's start
    started: int | None = None  # days after the project's start it actually started
    completed: int | None = None


@dataclass(frozen=True)
class DemoReport:
    day: int  # days after the project's start
    percents: dict[int, str]  # milestone index → percent
    notes: str
    photo: str | None = None  # a scene drawn by _photo
    caption: str = ""


@dataclass(frozen=True)
class DemoConstraint:
    kind: str
    title: str
    owner: str
    status: str
    due: int | None = None  # days after the project's start
    milestone: int | None = None  # index; None is the whole project
    notes: str = ""
    resolved: bool = False  # opened as it is, then resolved


@dataclass(frozen=True)
class DemoChange:
    reason: str
    description: str
    amount_change: int
    extra_days: int = 0
    note: str = ""


@dataclass(frozen=True)
class DemoDocument:
    kind: str
    title: str
    file_name: str  # a PDF made from the project's own facts (see _contract_pdf)


@dataclass(frozen=True)
class DemoProject:
    title: str
    municipality: str  # English name
    site: str | None
    domain: str
    provider: str
    amount: int
    start: int  # days from the day of loading (negative: in the past)
    days: int
    description: str
    status: str
    milestones: list[DemoMilestone]
    reports: list[DemoReport] = field(default_factory=list)
    constraints: list[DemoConstraint] = field(default_factory=list)
    changes: list[DemoChange] = field(default_factory=list)
    documents: list[DemoDocument] = field(default_factory=list)
    completed: int | None = None  # day after start it was completed
    handed_over: int | None = None


_M, _R, _C = DemoMilestone, DemoReport, DemoConstraint

PROJECTS: list[DemoProject] = [
    DemoProject(
        title="بازآفرینی پارک وکیل‌آباد", municipality="Mashhad District 9", site="پارک وکیل‌آباد",
        domain="construction", provider=BUILD_COMPANY, amount=48_000_000_000, start=-105, days=240,
        description="نوسازی مسیرهای پیاده‌روی و دوچرخه، سنگ‌فرش، کاشت درخت و چمن، آبیاری قطره‌ای، روشنایی و "
                    "مبلمان پارک وکیل‌آباد منطقه ۹ مشهد.",
        status=ProjectStatus.IN_PROGRESS,
        milestones=[
            _M("طراحی تفصیلی و اخذ مجوزها", "15", 6_000_000_000, 0, 30, started=0, completed=28),
            _M("سنگ‌فرش مسیرهای پیاده‌روی و دوچرخه", "35", 18_000_000_000, 25, 120, started=32),
            _M("کاشت درخت و چمن و آبیاری قطره‌ای", "30", 14_000_000_000, 60, 190, started=70),
            _M("روشنایی و مبلمان پارکی", "20", 10_000_000_000, 150, 240),
        ],
        reports=[
            _R(35, {0: "100", 1: "10"}, "طراحی تفصیلی به تأیید شهرداری منطقه ۹ رسید؛ تجهیز کارگاه و "
                                       "برچیدن سنگ‌فرش فرسوده ضلع شمالی آغاز شد."),
            _R(70, {1: "40", 2: "5"}, "۴۲۰۰ متر مربع سنگ‌فرش جدید در مسیر اصلی اجرا شد؛ گودبرداری چاله‌های "
                                     "درختان ضلع غربی.",
               photo="paving", caption="مسیر اصلی پیاده‌روی، ضلع شمالی"),
            _R(98, {1: "62", 2: "25"}, "کاشت ۳۸۰ اصله چنار و زبان‌گنجشک در ضلع غربی؛ لوله‌گذاری آبیاری "
                                      "قطره‌ای در دست اجرا.", photo="trees", caption="ردیف چنارهای ضلع غربی"),
        ],
        constraints=[
            _C(ConstraintKind.TRAFFIC, "مجوز تردد ماشین‌آلات سنگین در بلوار وکیل‌آباد", "پلیس راهور مشهد",
               ConstraintStatus.RESOLVED, due=20, milestone=1, resolved=True,
               notes="تردد فقط از ساعت ۲۲ تا ۶ صبح مجاز شد."),
            _C(ConstraintKind.ENVIRONMENTAL, "مجوز جابه‌جایی ۱۲ اصله درخت کهن مسیر دوچرخه",
               "سازمان پارک‌ها و فضای سبز مشهد", ConstraintStatus.IN_PROGRESS, due=125, milestone=2,
               notes="کارشناسی درختان انجام شده و پاسخ کمیسیون ماده ۷ در انتظار است."),
        ],
        changes=[DemoChange("افزایش طول مسیر دوچرخه به درخواست شهرداری منطقه ۹",
                            "۶۰۰ متر مسیر دوچرخه اضافه در ضلع جنوبی", 3_600_000_000, 20,
                            "در سقف ۲۵٪ قرارداد؛ تأیید معاونت.")],
        documents=[DemoDocument(DocumentKind.CONTRACT, "قرارداد اجرای بازآفرینی پارک وکیل‌آباد",
                                "gharardad-vakilabad.pdf")],
    ),
    DemoProject(
        title="ساماندهی و توسعه اراضی بایر کوه پارک", municipality="Mashhad District 9",
        site="اراضی بایر رو به توسعه", domain="special-projects", provider=BUILD_COMPANY,
        amount=120_000_000_000, start=-60, days=420,
        description="پروژه خاص: تبدیل اراضی بایر دامنه کوه پارک به بوستان کوهستانی با مسیرهای "
                    "کوه‌پیمایی، دیوار حائل و آبیاری؛ با محدودیت‌های مالکیت و طرح تفصیلی.",
        status=ProjectStatus.IN_PROGRESS,
        milestones=[
            _M("مطالعات، نقشه‌برداری و طراحی", "20", 15_000_000_000, 0, 60, started=0, completed=52),
            _M("آزادسازی و تسطیح اراضی", "30", 40_000_000_000, 55, 180),
            _M("دیوار حائل و مسیرهای کوه‌پیمایی", "30", 40_000_000_000, 150, 330),
            _M("کاشت و آبیاری", "20", 25_000_000_000, 300, 420),
        ],
        reports=[
            _R(30, {0: "55"}, "نقشه‌برداری ۱۸ هکتار انجام شد؛ مطالعات ژئوتکنیک دامنه در جریان است."),
            _R(50, {0: "100"}, "طرح مفهومی و نقشه‌های اجرایی تحویل شد.", photo="barren",
               caption="دامنه کوه پارک پیش از آزادسازی"),
        ],
        constraints=[
            _C(ConstraintKind.LAND_OWNERSHIP, "ادعای مالکیت خصوصی بر ۴ هکتار از اراضی",
               "حقوقی شهرداری منطقه ۹",
               ConstraintStatus.BLOCKING, due=90,
               notes="پرونده در کمیسیون ماده ۱۲؛ تا تعیین تکلیف، هیچ عملیاتی در اراضی آغاز نمی‌شود."),
            _C(ConstraintKind.URBAN_PLANNING, "تغییر کاربری در طرح تفصیلی (کمیسیون ماده ۵)",
               "معاونت شهرسازی شهرداری مشهد", ConstraintStatus.OPEN, due=150, milestone=2),
        ],
    ),
    DemoProject(
        title="اجرای آبیاری قطره‌ای بوستان وفا", municipality="Mashhad District 9", site="بوستان وفا",
        domain="green-space-irrigation", provider=GREEN_COMPANY, amount=9_500_000_000, start=-160, days=120,
        description="جایگزینی آبیاری غرقابی با آبیاری قطره‌ای و هوشمندسازی ایستگاه پمپاژ بوستان وفا.",
        status=ProjectStatus.HANDED_OVER,
        milestones=[
            _M("طراحی شبکه و تأمین لوازم", "25", 2_500_000_000, 0, 30, started=0, completed=26),
            _M("لوله‌گذاری و نصب قطره‌چکان‌ها", "55", 5_200_000_000, 25, 95, started=27, completed=100),
            _M("ایستگاه پمپاژ هوشمند و راه‌اندازی", "20", 1_800_000_000, 80, 120, started=85,
               completed=118),
        ],
        reports=[
            _R(28, {0: "100", 1: "5"}, "لوازم آبیاری تحویل کارگاه شد."),
            _R(65, {1: "60"}, "لوله‌گذاری نیمه شمالی بوستان پایان یافت.", photo="irrigation",
               caption="لوله‌گذاری نیمه شمالی"),
            _R(110, {1: "100", 2: "70"}, "نصب قطره‌چکان‌ها کامل شد؛ تابلوی کنترل ایستگاه پمپاژ نصب شد."),
        ],
        changes=[DemoChange("افزودن شیرهای برقی هوشمند به درخواست شهرداری", "۲۴ شیر برقی با کنترل از راه دور",
                            700_000_000, 0, "در سقف ۲۵٪ قرارداد.")],
        completed=118, handed_over=125,
    ),
    DemoProject(
        title="بهسازی و سنگ‌فرش بلوار ورودی شاندیز", municipality="Shandiz", site="بلوار ورودی شاندیز",
        domain="construction-paving", provider=BUILD_COMPANY, amount=14_000_000_000, start=-95, days=130,
        description="سنگ‌فرش پیاده‌روها، جدول‌گذاری و ساماندهی رفوژ میانی بلوار ورودی شهر شاندیز.",
        status=ProjectStatus.IN_PROGRESS,
        milestones=[
            _M("برچیدن و جدول‌گذاری", "40", 5_600_000_000, 0, 60, started=3),
            _M("سنگ‌فرش پیاده‌روها", "45", 6_300_000_000, 45, 115, started=50),
            _M("ساماندهی رفوژ میانی", "15", 2_100_000_000, 100, 130),
        ],
        reports=[
            _R(40, {0: "50"}, "جدول‌گذاری ضلع شرقی بلوار انجام شد."),
            _R(80, {0: "80", 1: "20"}, "کمبود جدول بتنی در بازار؛ کار ضلع غربی با تأخیر ادامه دارد.",
               photo="paving", caption="پیاده‌روی ضلع شرقی بلوار"),
        ],
        constraints=[
            _C(ConstraintKind.TRAFFIC, "طرح ترافیکی موقت ورودی شهر در ایام زیارتی", "شهرداری شاندیز",
               ConstraintStatus.OPEN, due=110),
        ],
    ),
    DemoProject(
        title="طراحی و ساماندهی میدان مرکزی طرقبه", municipality="Torqabeh", site="میدان مرکزی طرقبه",
        domain="design-consulting", provider=CONSULTING, amount=3_200_000_000, start=20, days=150,
        description="طراحی منظر، مبلمان و روشنایی میدان مرکزی شهر طرقبه.",
        status=ProjectStatus.PLANNING,
        milestones=[
            _M("مطالعات وضع موجود", "30", 900_000_000, 0, 45),
            _M("طرح پیشنهادی منظر و روشنایی", "70", 2_300_000_000, 40, 150),
        ],
    ),
]


def _photo(scene: str) -> SimpleUploadedFile:
    """A site photo drawn for the demo: paving, trees, barren slope or irrigation pipes."""
    image = Image.new("RGB", (1024, 683), (150, 196, 232))
    draw = ImageDraw.Draw(image)
    if scene == "barren":
        slope = [(0, 683), (0, 330), (300, 200), (620, 290), (1024, 150), (1024, 683)]
        draw.polygon(slope, fill=(176, 146, 104))
        for x in range(40, 1024, 90):
            draw.ellipse([x, 520 - (x % 70), x + 16, 532 - (x % 70)], fill=(120, 104, 80))
    else:
        draw.rectangle([0, 380, 1024, 683], fill=(96, 160, 74))
    if scene == "paving":
        draw.polygon([(380, 683), (470, 380), (560, 380), (660, 683)], fill=(190, 186, 178))
        for y in range(400, 683, 28):
            draw.line([(300, y), (740, y)], fill=(160, 156, 150), width=2)
    if scene == "trees":
        for x in range(60, 1024, 140):
            draw.rectangle([x - 7, 300, x + 7, 400], fill=(105, 72, 40))
            draw.ellipse([x - 55, 200, x + 55, 320], fill=(38, 118, 52))
    if scene == "irrigation":
        for y in range(420, 683, 50):
            draw.line([(0, y), (1024, y - 30)], fill=(30, 30, 30), width=5)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82)
    return SimpleUploadedFile(f"{scene}.jpg", buffer.getvalue(), content_type="image/jpeg")


def _contract_pdf(project: Project, officer) -> bytes:
    """A one-page Persian contract summary of the project (its parties, amount and dates), as a PDF."""
    fonts = pdf_fonts()
    rows = [
        ("شماره قرارداد", project.number),
        ("کارفرما", project.municipality.name),
        ("مجری", project.provider.name),
        ("محل اجرا", project.site.name if project.site else "—"),
        ("مبلغ قرارداد", format_rial(project.contract_amount)),
        ("مدت", f"{format_jalali_date(project.start_date)} تا {format_jalali_date(project.end_date)}"),
        ("تنظیم‌کننده", officer.display_name),
    ]
    cells = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    html = f"""<!doctype html><html lang="fa" dir="rtl"><head><meta charset="utf-8"><style>
@font-face {{ font-family: Vazirmatn; src: url("{fonts['font_regular']}"); }}
@font-face {{ font-family: Vazirmatn; font-weight: bold; src: url("{fonts['font_bold']}"); }}
@page {{ size: A5; margin: 16mm; }}
body {{ font-family: Vazirmatn, sans-serif; direction: rtl; font-size: 10pt; }}
th {{ text-align: right; padding: 3pt 8pt; }} td {{ padding: 3pt 8pt; }}
</style></head><body><h1 style="font-size: 14pt">{escape(project.title)}</h1>
<p>{escape(project.description)}</p><table>{cells}</table></body></html>"""
    return html_to_pdf(html)


def _at(day: dt.date) -> dt.datetime:
    """Ten in the morning of a day, Tehran time (never later than now: today's step has happened)."""
    return min(timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0))), timezone.now())


class _Loader:
    def __init__(self, organization: Organization, acting_user) -> None:
        self.org = organization
        self.admin = acting_user
        self.today = timezone.localdate()
        self.created: Counter[str] = Counter()

    def _user(self, role: Role, **bound):
        membership = (Membership.objects.select_related("user")
                      .filter(organization=self.org, role=role, user__is_active=True, **bound)
                      .order_by("pk").first())
        return membership.user if membership else None

    def load(self) -> Counter[str]:
        for spec in PROJECTS:
            if Project.objects.filter(organization=self.org, title=normalize(spec.title)).exists():
                continue
            with transaction.atomic():
                self._project(spec)
        return self.created

    def _project(self, spec: DemoProject) -> None:
        org = self.org
        municipality = Municipality.objects.get(organization=org, name_en=spec.municipality)
        site = (MunicipalAsset.objects.get(municipality=municipality, name=normalize(spec.site))
                if spec.site else None)
        provider = Provider.objects.get(organization=org, name=normalize(spec.provider))
        domain = ServiceDomain.objects.get(organization=org, code=spec.domain)
        start = self.today + dt.timedelta(days=spec.start)

        def day(offset: int) -> dt.date:
            return start + dt.timedelta(days=offset)

        officer = self._user(Role.COMMERCE_OFFICER) or self.admin
        worker = self._user(Role.PROJECT_MANAGER, provider=provider) or officer
        # Every step is audited on the story's day (clock.at); _set_clocks stamps the rows the same.
        with clock.at(_at(day(-7))):
            project, milestones, constraints = self._plan(spec, project_args={
                "title": spec.title, "municipality": municipality, "site": site, "domain": domain,
                "provider": provider, "start": start}, officer=officer, day=day)
        if spec.status == ProjectStatus.PLANNING:
            return
        with clock.at(_at(day(-7))):
            self._contract(spec, project, officer)
        with clock.at(_at(day(0))):
            self._start(spec, project, constraints, officer, worker)
        self._work(spec, project, milestones, worker, day)
        # A blocking constraint is recorded last: it stops the milestones it holds up.
        last = max([0, *(m.started or 0 for m in spec.milestones),
                    *(m.completed or 0 for m in spec.milestones), *(r.day for r in spec.reports)])
        with clock.at(_at(day(last))):
            for c, row in constraints:
                if c.status == ConstraintStatus.BLOCKING and row.status != ConstraintStatus.BLOCKING:
                    services.constraint_update(constraint=row, acting_user=officer,
                                               status=ConstraintStatus.BLOCKING)
        if spec.completed is not None:
            with clock.at(_at(day(spec.completed))):
                services.project_complete(project=project, acting_user=officer)
        if spec.handed_over is not None:
            signer = self._user(Role.MUNICIPALITY_USER, municipality=municipality)
            if signer is not None:
                with clock.at(_at(day(spec.handed_over))):
                    services.project_hand_over(project=project, acting_user=signer)
        self._set_clocks(spec, project, milestones, day)

    def _plan(self, spec: DemoProject, *, project_args: dict, officer, day) -> tuple[Project, list, list]:
        """The project, its milestones and its constraints, as planned."""
        start = project_args.pop("start")
        project = services.project_create(
            acting_user=officer, **project_args, contract_amount=spec.amount, start_date=start,
            end_date=day(spec.days), description=spec.description,
        )
        self.created["projects"] += 1
        milestones = [
            services.milestone_add(project=project, acting_user=officer, title=m.title,
                                   weight=Decimal(m.weight), amount=m.amount, planned_start=day(m.begin),
                                   due_date=day(m.due))
            for m in spec.milestones
        ]
        self.created["milestones"] += len(milestones)
        constraints = []
        for c in spec.constraints:
            # A blocking one is recorded open first and blocks once the story's work is done (below).
            later = c.resolved or c.status == ConstraintStatus.BLOCKING
            status = ConstraintStatus.OPEN if later else c.status
            constraints.append((c, services.constraint_add(
                project=project, acting_user=officer, kind=c.kind, title=c.title, owner=c.owner,
                status=status,
                milestone=milestones[c.milestone] if c.milestone is not None else None,
                due_date=day(c.due) if c.due is not None else None, notes=c.notes,
            )))
        self.created["constraints"] += len(constraints)
        return project, milestones, constraints

    def _contract(self, spec: DemoProject, project: Project, officer) -> None:
        services.project_contract(project=project, acting_user=officer)
        for document in spec.documents:
            services.project_document_add(
                project=project, acting_user=officer, kind=document.kind, title=document.title,
                file=SimpleUploadedFile(document.file_name, _contract_pdf(project, officer),
                                        content_type="application/pdf"))
            self.created["documents"] += 1

    def _start(self, spec: DemoProject, project: Project, constraints: list, officer, worker) -> None:
        services.project_start(project=project, acting_user=officer)
        for c, row in constraints:
            if c.resolved:
                services.constraint_update(constraint=row, acting_user=officer,
                                           status=ConstraintStatus.RESOLVED)
        for change in spec.changes:
            order = services.change_order_propose(
                project=project, acting_user=worker, reason=change.reason, description=change.description,
                amount_change=change.amount_change,
                new_end_date=(project.end_date + dt.timedelta(days=change.extra_days)
                              if change.extra_days else None),
            )
            services.change_order_approve(change_order=order, acting_user=officer, decision_note=change.note)
            self.created["change orders"] += 1

    def _work(self, spec: DemoProject, project: Project, milestones: list[Milestone], worker, day) -> None:
        """Start the milestones, file the reports and complete the milestones, in the story's order."""
        events: list[tuple[int, int, str, object]] = []
        for index, m in enumerate(spec.milestones):
            if m.started is not None:
                events.append((m.started, 0, "start", index))
            if m.completed is not None:
                events.append((m.completed, 2, "complete", index))
        for report in spec.reports:
            events.append((report.day, 1, "report", report))
        for when, _order, kind, item in sorted(events, key=lambda e: (e[0], e[1])):
            with clock.at(_at(day(when))):
                self._step(project, milestones, worker, day, when, kind, item)

    def _step(self, project: Project, milestones: list[Milestone], worker, day, when: int, kind: str,
              item) -> None:
        if kind == "start":
            services.milestone_start(milestone=milestones[item], acting_user=worker)
        elif kind == "complete":
            services.milestone_complete(milestone=milestones[item], acting_user=worker)
            self.created["payment requests"] += 1
        else:
            photos = [{"file": _photo(item.photo), "caption": item.caption}] if item.photo else []
            percents = {milestones[i].pk: Decimal(p) for i, p in item.percents.items()
                        if milestones[i].status != MilestoneStatus.COMPLETED}
            for m in milestones:
                m.refresh_from_db()
            services.progress_report_create(project=project, acting_user=worker, reported_on=day(when),
                                            percents=percents, notes=item.notes, photos=photos)
            self.created["progress reports"] += 1
            self.created["photos"] += len(photos)

    def _set_clocks(self, spec: DemoProject, project: Project, milestones: list[Milestone], day) -> None:
        """The clocks of the story's days (see the module's docstring)."""
        for m, row in zip(spec.milestones, milestones, strict=True):
            stamps = {}
            if m.started is not None:
                stamps["started_at"] = _at(day(m.started))
            if m.completed is not None:
                stamps["completed_at"] = _at(day(m.completed))
                PaymentRequest.objects.filter(milestone=row).update(created_at=_at(day(m.completed)))
            if stamps:
                Milestone.objects.filter(pk=row.pk).update(**stamps)
        clocks = {"contracted_at": _at(day(-7)), "started_at": _at(day(0))}
        if spec.completed is not None:
            clocks["completed_at"] = _at(day(spec.completed))
        if spec.handed_over is not None and project.handed_over_by_id:
            clocks["handed_over_at"] = _at(day(spec.handed_over))
        Project.objects.filter(pk=project.pk).update(**clocks)


def load_projects_demo(*, organization: Organization, acting_user) -> Counter[str]:
    """Create the demo projects that are missing (see the module's docstring); count what was created."""
    return _Loader(organization, acting_user).load()
