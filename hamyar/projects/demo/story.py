"""The demo's projects as data: who carries out what, where, with which milestones, reports,
constraints, changes and documents."""

from dataclasses import dataclass, field

from ..choices import ConstraintKind, ConstraintStatus, DocumentKind, ProjectStatus

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
