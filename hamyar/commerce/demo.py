"""The demo organization's needs, quotations and orders: a few months of the commerce deputy's work.

Twenty needs of District 9 of Mashhad (Vakilabad Park's 40 benches among them), other Mashhad
districts and small towns (Shandiz, Torqabeh, Kariz, Sangan, Bajestan), one in each state a page can show:
a draft; submitted (one fresh, one past its triage target); triaged with a ranking; assigned;
quoted (awaiting the commerce deputy, awaiting the mayor, sent to the municipality); two offers
competing for one need; approved with its order in fulfilment (after a rejected first price and a
revision); partially delivered; delivered and awaiting receipt; received, closed and rated (one
after a rejected delivery, so the providers have scorecards); rejected with a reason; cancelled;
and two capability gaps (training, which no provider serves). With them, the service levels of
the main domains and the organization's approval thresholds.

Everything goes through the services, as the municipality's clerk and mayor, the commerce officer,
the supplier's user, the affiliate's project manager and the CEO (as commerce deputy) would act,
so every step has its AuditEvent and notification. The story happened over the past three months;
the services stamp their clocks with the moment of loading, so afterwards the clocks (and the
created/updated times of the rows) are set back to the story's moments with an ORM update —
presentation only: the audit log keeps when the demo was loaded, and is never rewritten. Deliveries
are recorded with their real (past) delivery dates, after their order's date was set back.

`load_commerce_demo` is idempotent: a need is matched by its municipality and title, and one that
exists is left as it is (with all that followed from it). Amounts are Rial, from the catalog
demo's price lists in force.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from hamyar.accounts.models import User
from hamyar.catalog.models import CatalogItem
from hamyar.core import clock
from hamyar.core.text import normalize
from hamyar.directory.models import MunicipalAsset, Municipality, Organization, Provider, ServiceDomain
from hamyar.needs import services as needs
from hamyar.needs.choices import NeedKind
from hamyar.needs.matching import rank_providers
from hamyar.needs.models import Assignment, Need, ServiceLevel

from . import services
from .choices import LIVE_STATUSES, QuotationStatus
from .models import CommercePolicy, Delivery, Order, Quotation, Rating, Receipt

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


class _Loader:
    def __init__(self, organization: Organization, acting_user: User):
        self.org = organization
        self.admin = acting_user
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.created: Counter = Counter()
        self.users = {
            u.username: u for u in User.objects.filter(membership__organization=organization)
        }
        self.municipalities = {m.name_en: m for m in Municipality.objects.filter(organization=organization)}
        self.domains = {d.code: d for d in ServiceDomain.objects.filter(organization=organization)}
        self.providers = {p.name: p for p in Provider.objects.filter(organization=organization)}
        self.items = {i.code: i for i in CatalogItem.objects.filter(organization=organization)}

    # ------------------------------------------------------------ settings

    def settings(self) -> None:
        if not CommercePolicy.objects.filter(organization=self.org).exists():
            services.commerce_policy_update(acting_user=self.admin, data=dict(POLICY))
            self.created["commerce policies"] += 1
        existing = set(ServiceLevel.objects.filter(organization=self.org)
                       .values_list("domain__code", flat=True))
        for code, (triage, quotation, delivery) in SERVICE_LEVELS.items():
            if code in existing or code not in self.domains:
                continue
            needs.service_level_set(acting_user=self.admin, domain=self.domains[code], triage_hours=triage,
                                    first_quotation_hours=quotation, delivery_days=delivery)
            self.created["service levels"] += 1

    # ------------------------------------------------------------ one story

    def ready(self, spec: DemoNeed) -> bool:
        """Everything the story names is in the organization (a partial demo skips what it lacks)."""
        usernames = {spec.author, spec.preparer, *(c[1] for c in spec.competitors)}
        return (spec.municipality in self.municipalities and usernames <= set(self.users)
                and all(code in self.items for code, _q in spec.lines)
                and (spec.domain is None or spec.domain in self.domains)
                and all(c[0] in self.providers for c in spec.competitors)
                and (spec.assign_to is None or spec.assign_to[0] in self.providers))

    def story(self, spec: DemoNeed) -> None:
        municipality = self.municipalities[spec.municipality]
        if Need.objects.filter(organization=self.org, municipality=municipality,
                               title=normalize(spec.title)).exists():
            return
        pace = {**PACE, **spec.pace}
        began = self.now - dt.timedelta(days=spec.started)

        def at(step: str, extra: float = 0) -> dt.datetime:
            return began + dt.timedelta(days=pace[step] + extra)

        author = self.users[spec.author]
        officer = self.users["commerce"]
        desired = began.date() + dt.timedelta(days=spec.desired_after) if spec.desired_after else None
        site = None
        if spec.site:
            site = MunicipalAsset.objects.get(municipality=municipality, name=normalize(spec.site))
        with clock.at(began):
            need = needs.need_create(
                acting_user=author, kind=spec.kind, title=spec.title,
                municipality=municipality if spec.author == "commerce" else None,
                domain=self.domains[spec.domain] if spec.domain else None, description=spec.description,
                site=site, budget_estimate=spec.budget,
                desired_date=desired if desired and desired >= self.today else None,
                lines=[{"item": self.items[code], "quantity": quantity} for code, quantity in spec.lines],
            )
        self.created["needs"] += 1
        stamps: dict[str, Any] = {"created_at": began}
        if desired and desired < self.today:
            stamps["desired_date"] = desired
        # Each step is audited at the story's time (clock.at), and its row stamped with the same time.
        if spec.reaches("submitted"):
            stamps["submitted_at"] = at("submit")
            with clock.at(stamps["submitted_at"]):
                needs.need_submit(need=need, acting_user=author)
        if spec.reaches("triaged"):
            stamps["triaged_at"] = at("triage")
            with clock.at(stamps["triaged_at"]):
                needs.need_triage(need=need, acting_user=officer)
        if spec.ending in ("cancel", "reject", "gap"):
            stamps["closed_at"] = at("end")
            with clock.at(stamps["closed_at"]):
                if spec.ending == "cancel":
                    needs.need_cancel(need=need, acting_user=author, reason=spec.reason)
                elif spec.ending == "reject":
                    needs.need_reject(need=need, acting_user=officer, reason=spec.reason)
                else:
                    needs.need_mark_gap(need=need, acting_user=officer, reason=spec.reason)
        elif spec.ending == "competing":
            stamps["assigned_at"] = at("assign")
            with clock.at(stamps["assigned_at"]):
                needs.need_request_competing(need=need, acting_user=officer, count=len(spec.competitors))
        if spec.reaches("assigned"):
            provider, reason = self._assignee(spec, need)
            stamps["assigned_at"] = at("assign")
            with clock.at(stamps["assigned_at"]):
                needs.need_assign(need=need, acting_user=officer, provider=provider, reason=reason)
        self._date_need(need, stamps)
        if spec.ending == "competing":
            self._competing(spec, need, at)
        if spec.reaches("quoted"):
            self._quotation(spec, need, at)

    def _assignee(self, spec: DemoNeed, need: Need) -> tuple[Provider | None, str]:
        """The story's provider, else the maker of the need's items (the officer says why when the
        ranking put another first), else the top match."""
        if spec.assign_to:
            return self.providers[spec.assign_to[0]], spec.assign_to[1]
        line = need.lines.select_related("item__provider").order_by("pk").first()
        if line is None or line.item is None:
            return None, ""
        top = rank_providers(need).top
        if top is not None and top.provider.pk == line.item.provider_id:
            return line.item.provider, ""
        return line.item.provider, ITEMS_MAKER_REASON

    def _date_need(self, need: Need, stamps: dict[str, Any]) -> None:
        last = max(v for v in stamps.values() if isinstance(v, dt.datetime))
        Need.objects.filter(pk=need.pk).update(**stamps, updated_at=last)
        if "assigned_at" in stamps:
            Assignment.objects.filter(need=need).update(created_at=stamps["assigned_at"],
                                                        updated_at=stamps["assigned_at"])

    def _stamp(self, model, pk: int, **stamps) -> None:
        stamps.setdefault("updated_at", max(v for v in stamps.values() if isinstance(v, dt.datetime)))
        model.objects.filter(pk=pk).update(**stamps)

    def _valid_until(self, quotation: Quotation, created: dt.datetime) -> dt.date:
        """The validity counted from the day the quotation was priced; one still waiting for an answer
        keeps a date to come (the expiry task would expire it otherwise)."""
        days = CommercePolicy.objects.get(organization=self.org).quotation_validity_days
        story = timezone.localtime(created).date() + dt.timedelta(days=days)
        quotation.refresh_from_db(fields=["status", "valid_until"])
        if quotation.status in LIVE_STATUSES and story < self.today:
            return quotation.valid_until
        return story

    # ------------------------------------------------------------ quotations

    def _competing(self, spec: DemoNeed, need: Need, at) -> None:
        lines = list(need.lines.order_by("pk"))
        for index, (name, username, price) in enumerate(spec.competitors):
            provider = self.providers[name]
            given = None if price is None else [services.LineInput(need_line=line, unit_price=price)
                                                for line in lines]
            created = at("quote", index * 0.8)
            with clock.at(created):
                quotation = services.quotation_create(need=need, acting_user=self.users[username],
                                                      provider=provider, lines=given, note=spec.quote_note)
                services.quotation_offer(quotation=quotation, acting_user=self.users[username])
            self.created["quotations"] += 1
            self._stamp(Quotation, quotation.pk, created_at=created,
                        valid_until=self._valid_until(quotation, created))

    def _quotation(self, spec: DemoNeed, need: Need, at) -> None:
        preparer = self.users[spec.preparer]
        clerk = self.users[spec.author] if spec.author != "commerce" else None
        with clock.at(at("quote")):
            quotation = services.quotation_create(need=need, acting_user=preparer, note=spec.quote_note)
        first_quoted = at("send")
        with clock.at(first_quoted):
            quotation = services.quotation_send(quotation=quotation, acting_user=preparer)
        self.created["quotations"] += 1
        Need.objects.filter(pk=need.pk).update(first_quoted_at=first_quoted, updated_at=first_quoted)
        stamps = {"created_at": at("quote")}
        if quotation.sent_at is not None:  # to the municipality; not yet when it awaits the deputy
            stamps["sent_at"] = first_quoted
        suffix = ""
        if spec.first_rejected:
            quotation, stamps = self._chain(spec, quotation, stamps, at, clerk, until="sent")
            stamps["decided_at"] = at("clerk")
            with clock.at(stamps["decided_at"]):
                services.quotation_reject(quotation=quotation, acting_user=clerk, reason=spec.first_rejected)
            self._stamp(Quotation, quotation.pk, **stamps,
                        valid_until=self._valid_until(quotation, stamps["created_at"]))
            price, reason = spec.revision
            lines = [services.LineInput(need_line=line, unit_price=price, price_reason=reason)
                     for line in need.lines.order_by("pk")]
            with clock.at(at("revise")):
                quotation = services.quotation_create(need=need, acting_user=preparer, lines=lines,
                                                      note=spec.quote_note)
            with clock.at(at("resend")):
                quotation = services.quotation_send(quotation=quotation, acting_user=preparer)
            self.created["quotations"] += 1
            stamps = {"created_at": at("revise")}
            if quotation.sent_at is not None:
                stamps["sent_at"] = at("resend")
            suffix = "2"
        quotation, stamps = self._chain(spec, quotation, stamps, at, clerk, suffix=suffix)
        self._stamp(Quotation, quotation.pk, **stamps,
                    valid_until=self._valid_until(quotation, stamps["created_at"]))
        if quotation.status == QuotationStatus.APPROVED:
            Need.objects.filter(pk=need.pk).update(approved_at=stamps["decided_at"],
                                                   updated_at=stamps["decided_at"])
            self._order(spec, quotation, stamps["decided_at"], at)

    def _chain(self, spec: DemoNeed, quotation: Quotation, stamps: dict, at, clerk, *, until: str = "",
               suffix: str = "") -> tuple[Quotation, dict]:
        """The approval chain as far as the story goes: deputy, clerk, mayor."""
        if quotation.status == QuotationStatus.AWAITING_DEPUTY:
            if not spec.reaches("awaiting_mayor") and not until:
                return quotation, stamps
            stamps["deputy_approved_at"] = stamps["sent_at"] = at(f"deputy{suffix}")
            with clock.at(stamps["deputy_approved_at"]):
                quotation = services.quotation_deputy_approve(quotation=quotation,
                                                              acting_user=self.users["ceo"])
        if until == "sent" or not spec.reaches("awaiting_mayor") or clerk is None:
            return quotation, stamps
        stamps["clerk_approved_at"] = at(f"clerk{suffix}")
        with clock.at(stamps["clerk_approved_at"]):
            quotation = services.quotation_approve(quotation=quotation, acting_user=clerk)
        if quotation.status == QuotationStatus.AWAITING_MAYOR:
            if not spec.reaches("approved"):
                return quotation, stamps
            mayor = self.users[f"{spec.author}-mayor"]
            stamps["mayor_approved_at"] = at(f"mayor{suffix}")
            with clock.at(stamps["mayor_approved_at"]):
                quotation = services.quotation_approve(quotation=quotation, acting_user=mayor)
        stamps["decided_at"] = max(v for v in stamps.values() if isinstance(v, dt.datetime))
        return quotation, stamps

    # ------------------------------------------------------------ orders

    def _order(self, spec: DemoNeed, quotation: Quotation, placed: dt.datetime, at) -> None:
        order = Order.objects.get(quotation=quotation)
        self.created["orders"] += 1
        # The promised lead time counted from the day of the approval, as order_place counts it from today.
        due = order.due_date and timezone.localtime(placed).date() + (order.due_date - self.today)
        self._stamp(Order, order.pk, created_at=placed, due_date=due)
        order.refresh_from_db()
        if not spec.reaches("in_fulfilment"):
            return
        recorder = self.users[spec.preparer]
        started = max(placed + dt.timedelta(hours=2), at("start"))
        with clock.at(started):
            services.order_start(order=order, acting_user=recorder)
        self._stamp(Order, order.pk, updated_at=started)
        began = at("submit", -PACE["submit"])
        clerk = self.users[spec.author]
        lines = list(order.lines.order_by("pk"))
        last_answer = None
        for step in spec.deliveries:
            moment = began + dt.timedelta(days=step.day)
            with clock.at(moment):
                delivery = services.delivery_record(
                    order=order, acting_user=recorder, delivered_on=timezone.localtime(moment).date(),
                    quantities={line.pk: quantity
                                for line, quantity in zip(lines, step.quantities, strict=True)},
                    note=step.note,
                )
            self.created["deliveries"] += 1
            self._stamp(Delivery, delivery.pk, created_at=moment)
            if step.answer is None:
                continue
            answered = moment + dt.timedelta(days=step.answered_after)
            with clock.at(answered):
                if step.answer == "receive":
                    services.receipt_confirm(delivery=delivery, acting_user=clerk)
                else:
                    services.receipt_reject(delivery=delivery, acting_user=clerk, reason=step.reason)
            receipt = Receipt.objects.get(delivery=delivery)
            self._stamp(Receipt, receipt.pk, created_at=answered)
            self._stamp(Delivery, delivery.pk, created_at=moment, updated_at=answered)
            last_answer = answered
        order.refresh_from_db()
        if order.closed_at is not None and last_answer is not None:
            self._stamp(Order, order.pk, closed_at=last_answer)
            Need.objects.filter(pk=order.need_id).update(closed_at=last_answer, updated_at=last_answer)
            if spec.rating and spec.reaches("rated"):
                score, comment = spec.rating
                rated = last_answer + dt.timedelta(days=spec.rated_after)
                with clock.at(rated):
                    rating = services.order_rate(order=order, acting_user=clerk, score=score, comment=comment)
                self.created["ratings"] += 1
                self._stamp(Rating, rating.pk, created_at=rated)


@transaction.atomic
def load_commerce_demo(*, organization: Organization, acting_user) -> Counter:
    """The needs, quotations, orders and ratings of the demo organization; what was created."""
    loader = _Loader(organization, acting_user)
    loader.settings()
    for spec in sorted(NEEDS, key=lambda s: -s.started):  # the oldest first: ratings feed later rankings
        if loader.ready(spec):
            loader.story(spec)
    return loader.created
