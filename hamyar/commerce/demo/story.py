"""The demo's commerce story as data: the thresholds, the service levels, and each need with how far
it goes (quotations, orders, deliveries, receipts, ratings) and when."""

from dataclasses import dataclass, field

from hamyar.needs.choices import NeedKind

# Approval thresholds (Rial): above 3 billion (300 million Toman) the commerce deputy approves a
# quotation before it is sent; above 8 billion (800 million Toman) the mayor approves after the
# municipality's procurement clerk. Vakilabad Park's 40 benches (about 8.2 billion with VAT) go
# through the whole chain.
POLICY = {"deputy_approval_above": 3_000_000_000, "mayor_approval_above": 8_000_000_000,
          "quotation_validity_days": 15}

# Per main domain: (hours to triage, hours to the first quotation, days to delivery). Sub-domains
# inherit their parent's.
SERVICE_LEVELS: dict[str, tuple[int, int, int]] = {
    "green-space": (48, 120, 30),
    "roads": (48, 168, 45),
    "waste": (24, 96, 30),
    "fire-safety": (24, 72, 21),
    "machinery": (48, 168, 90),
    "lighting": (48, 120, 30),
    "urban-furniture": (48, 120, 35),
    "construction": (72, 240, 90),
    "design-consulting": (72, 240, 60),
    "smart-city": (72, 240, 75),
    "training": (72, 240, 45),
    "special-projects": (120, 336, 180),
}

ITEMS_MAKER_REASON = "کالاهای این نیاز از کاتالوگ همین ارائه‌دهنده انتخاب شده و فهرست بهای آن معتبر است."

PARSEH = "صنایع مبلمان شهری پارسه"
PAKSAR = "صنایع مخازن پسماند پاکسار"
NOORGOSTAR = "روشنایی هوشمند نورگستر شرق"
GREEN_COMPANY = "شرکت گسترش فضای سبز همیاران توس"
RAZAVI_PAVING = "سنگ‌فرش و بتن رضوی"
BUILD_COMPANY = "شرکت عمران و ساختمان همیاران رضوی"

# How far a story goes along the main path (each stage includes the ones before it).
STAGES = ("draft", "submitted", "triaged", "assigned", "quoted", "awaiting_mayor", "approved",
          "in_fulfilment", "delivering", "rated")


@dataclass(frozen=True)
class DemoDelivery:
    day: int  # days after the story began
    quantities: tuple[int, ...]  # per order line
    answer: str | None = None  # "receive", "reject" or None (awaiting receipt)
    answered_after: int = 1  # days after the delivery
    reason: str = ""  # of a rejection
    note: str = ""


@dataclass(frozen=True)
class DemoNeed:
    municipality: str  # English name
    author: str  # demo username: the municipality's clerk, or the commerce officer on its behalf
    title: str
    started: float  # days ago the need was written
    until: str  # a stage of STAGES
    kind: str = NeedKind.GOODS
    lines: tuple[tuple[str, int], ...] = ()  # (catalog code, quantity)
    domain: str | None = None  # domain code (services and projects)
    site: str | None = None  # one of the municipality's assets
    description: str = ""
    budget: int | None = None
    desired_after: int | None = None  # days after the need was written
    # Where the path turns off: "cancel", "reject", "gap" or "competing", after `until`.
    ending: str | None = None
    reason: str = ""  # of the ending
    # The provider the officer assigns, with the reason, when it is not the top match.
    assign_to: tuple[str, str] | None = None
    preparer: str = "commerce"  # who prices the quotation (the provider's user or the officer)
    quote_note: str = ""
    # The municipality rejects the first price (reason); the revision gives this unit price, with its reason.
    first_rejected: str = ""
    revision: tuple[int, str] | None = None
    # Competing quotations: (provider name, preparer username, unit price or None for the list price).
    competitors: tuple[tuple[str, str, int | None], ...] = ()
    deliveries: tuple[DemoDelivery, ...] = ()
    rating: tuple[int, str] | None = None
    rated_after: int = 1  # days after the last receipt
    # Days after the story began at which each step was taken.
    pace: dict[str, float] = field(default_factory=dict)

    def reaches(self, stage: str) -> bool:
        return STAGES.index(self.until) >= STAGES.index(stage)


# The default pace, in days after the need was written.
PACE = {"submit": 0.05, "triage": 1, "assign": 1.05, "quote": 2, "send": 2.1, "deputy": 3,
        "clerk": 4, "mayor": 5, "start": 6, "end": 1.2}

_D9 = "Mashhad District 9"

NEEDS: list[DemoNeed] = [
    DemoNeed(
        _D9, "district9", "نیمکت پارکی برای مسیرهای پیاده پارک وکیل‌آباد", 84, "rated",
        lines=(("PRS-BN-01", 40),), site="پارک وکیل‌آباد", budget=8_500_000_000, desired_after=60,
        description="۴۰ نیمکت فلزی-چوبی دو متری برای مسیرهای پیاده‌روی و محوطه بازی پارک وکیل‌آباد؛ "
                    "نصب روی فونداسیون موجود با پیمانکار منطقه.",
        preparer="supplier", quote_note="حمل تا پارک وکیل‌آباد و تخلیه با جرثقیل به عهده فروشنده است.",
        deliveries=(DemoDelivery(20, (25,), "receive", note="مرحله اول: ۲۵ نیمکت، ضلع شمالی پارک."),
                    DemoDelivery(25, (15,), "receive", note="مرحله دوم: ۱۵ نیمکت باقی‌مانده.")),
        rating=(5, "نیمکت‌ها سالم، به‌موقع و مطابق نمونه تحویل شد؛ هماهنگی نصب بسیار خوب بود."),
    ),
    DemoNeed(
        "Shandiz", "shandiz", "چراغ خورشیدی برای بوستان مرکزی شاندیز", 70, "rated",
        lines=(("NGS-LD-05", 24),), site="بوستان مرکزی شاندیز", budget=3_000_000_000,
        description="روشنایی مسیرهای بوستان مرکزی بدون کابل‌کشی؛ شبکه برق بوستان ظرفیت ندارد.",
        deliveries=(DemoDelivery(36, (24,), "reject", reason="پنل خورشیدی دو چراغ شکسته است و باتری "
                                                             "یکی شارژ نمی‌گیرد؛ محموله کامل برگشت داده شد."),
                    DemoDelivery(44, (24,), "receive", note="محموله جایگزین پس از بازبینی کارخانه.")),
        rating=(4, "کیفیت چراغ‌ها خوب است، اما محموله اول معیوب بود و تحویل نهایی دیرتر از موعد شد."),
    ),
    DemoNeed(
        _D9, "district9", "چراغ پارکی LED برای مسیرهای پارک وکیل‌آباد", 46, "delivering",
        lines=(("NGS-LD-03", 30),), site="پارک وکیل‌آباد", budget=4_800_000_000, desired_after=50,
        description="۳۰ دستگاه چراغ پارکی با پایه ۳/۵ متری برای مسیرهایی که شب‌ها تاریک است.",
        deliveries=(DemoDelivery(24, (12,), "receive", note="۱۲ دستگاه برای مسیر اصلی."),
                    DemoDelivery(37, (6,), None, note="۶ دستگاه برای ضلع غربی؛ بقیه در راه است.")),
        pace={"end": 0.5},
    ),
    DemoNeed(
        "Shandiz", "shandiz", "مخزن پسماند ۱۱۰۰ لیتری برای محله‌های شاندیز", 32, "delivering",
        lines=(("PKS-WB-01", 12),), budget=3_800_000_000, desired_after=40,
        description="جایگزینی مخازن فرسوده محله‌های مرکزی؛ سازگار با بالابر خودرو فشرده‌ساز شهرداری.",
        deliveries=(DemoDelivery(24, (12,), None, note="هر ۱۲ مخزن در انبار شهرداری تخلیه شد."),),
    ),
    DemoNeed(
        _D9, "district9", "مخزن پسماند ۱۱۰۰ لیتری برای محله‌های منطقه ۹", 22, "in_fulfilment",
        lines=(("PKS-WB-01", 20),), budget=5_800_000_000, desired_after=45,
        description="۲۰ مخزن چرخ‌دار برای محله‌های اطراف بوستان وفا و بلوار وکیل‌آباد.",
        first_rejected="قیمت از خرید تجمیعی سال گذشته بالاتر است؛ با تخفیف دوباره پیشنهاد دهید.",
        revision=(262_000_000, "تخفیف ویژه تأمین‌کننده برای خرید منطقه ۹ پس از مذاکره معاونت بازرگانی"),
        pace={"deputy": 2.5, "clerk": 3, "revise": 5, "resend": 5.2, "deputy2": 6, "clerk2": 7, "start": 8},
    ),
    DemoNeed(
        _D9, "district9", "تجهیزات بازی کودکان برای بوستان وفا", 9, "awaiting_mayor",
        lines=(("SHD-PL-01", 2),), site="بوستان وفا", budget=15_000_000_000, desired_after=75,
        description="دو مجموعه بازی ترکیبی برای گروه سنی ۳ تا ۱۲ سال، با کفپوش ایمنی موجود بوستان.",
    ),
    DemoNeed(
        _D9, "district9", "درختکاری اراضی رو به توسعه منطقه ۹", 5, "quoted",
        lines=(("HTS-GR-01", 600),), site="اراضی بایر رو به توسعه", budget=6_000_000_000, desired_after=60,
        description="کاشت ۶۰۰ اصله زبان‌گنجشک در کمربند سبز اراضی رو به توسعه، با آبیاری تا استقرار.",
        pace={"send": 2.2},
    ),
    DemoNeed(
        "Mashhad District 10", "commerce", "کپسول آتش‌نشانی برای ساختمان‌های اداری منطقه ۱۰", 6, "quoted",
        lines=(("ATP-FE-01", 120),), budget=3_000_000_000, desired_after=30,
        description="به درخواست تلفنی واحد ایمنی منطقه ۱۰: شارژ و جایگزینی کپسول‌های ساختمان‌های اداری.",
    ),
    DemoNeed(
        _D9, "district9", "سنگ‌فرش مسیرهای پیاده پارک وکیل‌آباد", 10, "triaged", ending="competing",
        lines=(("RZP-PV-01", 1500),), site="پارک وکیل‌آباد", budget=4_500_000_000, desired_after=70,
        description="۱۵۰۰ مترمربع سنگ‌فرش بتنی برای بازسازی مسیرهای پیاده ضلع جنوبی پارک.",
        competitors=((RAZAVI_PAVING, "commerce", None), (BUILD_COMPANY, "projects", 2_750_000)),
    ),
    DemoNeed(
        "Mashhad District 1", "commerce", "لکه‌گیری آسفالت معابر محلی منطقه ۱", 3, "assigned",
        lines=(("RSA-AS-02", 1800),), budget=7_000_000_000, desired_after=40,
        description="ترمیم ۱۸۰۰ مترمربع خرابی آسفالت کوچه‌های محله‌های قدیمی، پیش از بارش‌های پاییزه.",
    ),
    DemoNeed(
        "Torqabeh", "commerce", "نیمکت بتنی برای میدان مرکزی طرقبه", 1.5, "assigned",
        lines=(("PRS-BN-02", 16),), site="میدان مرکزی طرقبه", budget=2_500_000_000, desired_after=50,
        description="۱۶ نیمکت مقاوم برای حاشیه میدان مرکزی، هماهنگ با طرح بازآرایی میدان.",
        pace={"triage": 0.3, "assign": 0.35},
    ),
    DemoNeed(
        _D9, "district9", "بهسازی و آسفالت کوچه‌های اطراف بوستان وفا", 16, "in_fulfilment",
        lines=(("OHR-RD-01", 300),), site="بوستان وفا", budget=3_200_000_000, desired_after=45,
        description="۳۰۰ مترمربع زیرسازی و آسفالت کوچه‌های دسترسی بوستان وفا که پس از حفاری فاضلاب "
                    "رها شده است.",
        assign_to=(BUILD_COMPANY, "زیرسازی و آسفالت با هم اجرا می‌شود و شرکت تابعه در منطقه ۹ "
                                  "کارگاه فعال دارد."),
        preparer="projects", quote_note="اجرا پس از هماهنگی با پلیس راهور و در ساعات کم‌تردد.",
    ),
    DemoNeed(
        "Bajestan", "commerce", "کنترلر هوشمند آبیاری برای بوستان شهر بجستان", 2, "triaged",
        lines=(("ABG-IR-02", 4),), site="بوستان شهر بجستان", budget=800_000_000, desired_after=45,
        description="کم‌آبی تابستان: آبیاری شبانه با حسگر رطوبت خاک برای چهار قطعه بوستان.",
    ),
    DemoNeed(
        _D9, "district9", "جعبه آتش‌نشانی دوقلو برای ساختمان‌های اداری منطقه ۹", 4, "submitted",
        lines=(("ATP-FE-03", 15),), budget=1_500_000_000, desired_after=30,
        description="الزام بازرسی ایمنی: جعبه آتش‌نشانی با قرقره برای ۱۵ طبقه ساختمان‌های اداری.",
    ),
    DemoNeed(
        "Mashhad Samen District", "commerce", "نگهداری فضای سبز بوستان‌های منطقه ثامن", 0.15, "submitted",
        kind=NeedKind.SERVICE, domain="green-space", budget=2_500_000_000, desired_after=20,
        description="نگهداری شش‌ماهه حدود ۶ هکتار بوستان محله‌ای اطراف حرم: آبیاری، هرس، چمن‌زنی و پاکسازی.",
        pace={"submit": 0.02},
    ),
    DemoNeed(
        _D9, "district9", "سطل زباله تفکیکی برای بوستان وفا", 1, "draft",
        lines=(("PRS-UF-02", 30),), site="بوستان وفا", desired_after=40,
        description="سطل‌های دوقلوی خشک و تر در ورودی‌ها و کنار آلاچیق‌ها.",
    ),
    DemoNeed(
        "Kariz", "commerce", "احداث سرویس بهداشتی پیش‌ساخته در بوستان شهر کاریز", 25, "submitted",
        ending="reject", lines=(("OHR-CN-02", 2),), site="بوستان شهر کاریز", budget=9_000_000_000,
        description="دو سرویس بهداشتی پیش‌ساخته برای بوستان شهر.",
        reason="احداث سرویس بهداشتی در بوستان مجوز شهرسازی و نقشه محل نصب لازم دارد؛ پس از اخذ مجوز "
               "کمیسیون ماده ۵، نیاز را با پیوست مجوز دوباره ثبت کنید.",
    ),
    DemoNeed(
        "Shandiz", "shandiz", "تاب و سرسره برای بوستان مرکزی شاندیز", 40, "submitted", ending="cancel",
        lines=(("SHD-PL-02", 2), ("SHD-PL-03", 1)), site="بوستان مرکزی شاندیز", budget=1_000_000_000,
        reason="اعتبار این خرید در بودجه امسال شهر تصویب نشد؛ سال آینده دوباره درخواست می‌کنیم.",
        pace={"end": 3},
    ),
    DemoNeed(
        _D9, "district9", "آموزش شهروندی تفکیک پسماند از مبدأ", 15, "triaged", ending="gap",
        kind=NeedKind.SERVICE, domain="training", budget=900_000_000, desired_after=45,
        description="ده کارگاه آموزشی در مدارس و سراهای محله منطقه ۹ برای تفکیک پسماند خشک و تر.",
        reason="سازمان هنوز ارائه‌دهنده‌ای در حوزه آموزش ندارد؛ این تقاضا برای ورود به این حوزه ثبت شد.",
    ),
    DemoNeed(
        "Sangan", "commerce", "دوره آموزشی رانندگان ماشین‌آلات خدمات شهری سنگان", 35, "triaged",
        ending="gap", kind=NeedKind.SERVICE, domain="training", budget=400_000_000, desired_after=30,
        description="دوره ایمنی و نگهداری برای ۱۲ راننده لودر و خودرو فشرده‌ساز کارگاه خدمات شهری.",
    ),
]


# ---------------------------------------------------------------- group purchases


@dataclass(frozen=True)
class DemoJoin:
    municipality: str  # English name
    username: str  # its municipality user, who joins
    quantity: int
    day: float  # days after the pool opened


@dataclass(frozen=True)
class DemoPool:
    """A pool of the represented supplier's items: who the officer invited, who joined and when; a pool
    with `closed_after` was closed by the officer that day (ordered and allocated at once), and each
    `deliveries` entry is one share's order delivered in full (days after the close) and received."""

    title: str
    items: tuple[str, ...]  # catalog codes
    opened: int  # days ago
    window: int  # days from opening to the last day of the window
    minimum: int
    target: int  # a tier of the price list
    invited: tuple[str, ...]  # English names, invited on the day the pool opened
    joins: tuple[DemoJoin, ...]
    description: str = ""
    per_thousand_residents: str | None = None
    cap: int | None = None
    closed_after: float | None = None  # days after opening
    deliveries: tuple[tuple[str, float, str], ...] = ()  # (municipality, day after the close, note)


# The supplier with the agency agreement (پارسه, KR-AG-001) sells its two-metre park bench at
# 195,000,000 Rial from 1, 187,200,000 from 10 and 179,400,000 from 50 (the tiers of its price list in
# force). Alone, each small town buys fewer than ten and pays the first price; pooled, all pay the second.
POOLS: list[DemoPool] = [
    DemoPool(
        "نیمکت پارکی برای بوستان‌های شهرهای کوچک — نوبت پاییز", ("PRS-BN-01",), 40, 28, 10, 50,
        invited=("Mashhad District 9", "Shandiz", "Torqabeh", "Kariz", "Sangan"),
        joins=(DemoJoin("Mashhad District 9", "district9", 8, 2), DemoJoin("Shandiz", "shandiz", 6, 5),
               DemoJoin("Torqabeh", "torqabeh", 5, 10), DemoJoin("Kariz", "kariz", 4, 20)),
        description="خرید تجمیعی نیمکت فلزی-چوبی دو متری برای بوستان‌های شهرهای کوچک استان و منطقه ۹؛ "
                    "با رسیدن مجموع به ۱۰ عدد، همه به قیمت پله دوم فهرست بها می‌خرند.",
        per_thousand_residents="0.25", closed_after=28,
        deliveries=(("Shandiz", 8, "هر ۶ نیمکت در انبار شهرداری شاندیز تخلیه شد."),),
    ),
    DemoPool(
        "نیمکت پارکی برای بوستان‌ها — نوبت زمستان", ("PRS-BN-01",), 6, 15, 10, 50,
        invited=("Mashhad District 9", "Kariz", "Shandiz", "Torqabeh", "Sangan", "Bajestan"),
        joins=(DemoJoin("Mashhad District 9", "district9", 12, 2), DemoJoin("Kariz", "kariz", 4, 4)),
        description="نوبت دوم خرید تجمیعی نیمکت پارکی؛ با ۵۰ عدد همه به قیمت پله سوم فهرست بها می‌خرند.",
        per_thousand_residents="0.25", cap=60,
    ),
]
