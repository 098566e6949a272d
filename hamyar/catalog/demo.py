"""The demo organization's catalog: what each provider offers, with a price history.

Every represented supplier, affiliated company and staff unit of the demo
(`hamyar.directory.demo`) gets realistic Persian items and two price lists: an
older one kept as history, and the one in force, with quantity tiers. Companies
and prices are illustrative (Rial, about the level of 1404). The supplier whose
agency agreement has expired (تابلوسازی ایمن‌راه) has items too, so officers
see them marked and municipality users do not see them at all.

`load_catalog_demo` goes through the services and is idempotent: items are
matched by (provider, code); a provider that has any price list gets none.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from hamyar.core.text import normalize
from hamyar.directory.models import Organization, Provider, ServiceDomain

from .models import CatalogItem, PriceList, SearchSynonym
from .search.synonyms import synonym_key
from .services import PriceRow, item_create, price_list_publish, synonym_create


@dataclass(frozen=True)
class DemoItem:
    code: str
    name: str
    domain: str  # a demo domain code
    unit: str
    price: int  # Rial, base tier of the price list in force
    lead_time_days: int = 14
    description: str = ""
    attributes: dict[str, str] = field(default_factory=dict)
    in_stock: bool = True


_D = DemoItem

CATALOG: dict[str, list[DemoItem]] = {
    "صنایع مبلمان شهری پارسه": [
        _D("PRS-BN-01", "نیمکت پارکی فلزی-چوبی دو متری", "urban-furniture-benches", "piece", 195_000_000, 21,
           "بدنه پروفیل فولادی گالوانیزه با رنگ الکترواستاتیک و نشیمن چوب ترمووود؛ "
           "مناسب پارک وکیل‌آباد و بوستان‌های محله‌ای.",
           {"طول": "۲۰۰ سانتی‌متر", "جنس نشیمن": "چوب ترمووود", "ضمانت": "۲ سال"}),
        _D("PRS-BN-02", "نیمکت بتنی پیش‌ساخته با نشیمن چوبی", "urban-furniture-benches", "piece",
           148_000_000, 18, "پایه بتن مسلح اکسپوز، نشیمن چوب روسی؛ مقاوم در برابر تخریب.",
           {"طول": "۱۸۰ سانتی‌متر", "وزن": "۳۲۰ کیلوگرم"}),
        _D("PRS-BN-03", "نیمکت دایره‌ای دور درخت", "urban-furniture-benches", "set", 420_000_000, 30,
           "شش قطعه‌ای، قطر داخلی ۱۲۰ سانتی‌متر؛ برای درختان کهن پارک‌ها و میدان‌ها.",
           {"قطر بیرونی": "۲۸۰ سانتی‌متر"}),
        _D("PRS-UF-01", "آلاچیق چوبی شش‌ضلعی", "urban-furniture", "set", 1_850_000_000, 35,
           "سازه چوبی با سقف شینگل و شش نیمکت؛ نصب در محل.", {"قطر": "۴ متر"}, in_stock=False),
        _D("PRS-UF-02", "سطل زباله پارکی دوقلو تفکیکی", "urban-furniture", "piece", 68_000_000, 10,
           "دو مخزن ۵۰ لیتری خشک و تر با پایه فولادی.", {"حجم": "۲×۵۰ لیتر"}),
        _D("PRS-UF-03", "میز و نیمکت پیک‌نیک خانوادگی", "urban-furniture", "set", 265_000_000, 21,
           "میز و دو نیمکت یکپارچه برای شش نفر؛ پایه فلزی، رویه چوبی."),
        _D("PRS-UF-04", "گلدان بتنی دکوراتیو", "urban-furniture", "piece", 32_000_000, 7,
           "بتن الیافی با پوشش ضدخزه؛ برای پیاده‌روها و میدان‌ها.", {"ابعاد": "۸۰×۸۰×۶۰ سانتی‌متر"}),
    ],
    "تولیدی تجهیزات بازی کودکان شادیار": [
        _D("SHD-PL-01", "مجموعه بازی ترکیبی کودکان ۳ تا ۱۲ سال", "urban-furniture-playground", "set",
           6_400_000_000, 45, "دو برج، سه سرسره، تونل و دیواره صخره‌نوردی؛ استاندارد EN 1176.",
           {"گروه سنی": "۳ تا ۱۲ سال", "مساحت لازم": "۱۲۰ مترمربع"}),
        _D("SHD-PL-02", "تاب دونفره فلزی", "urban-furniture-playground", "set", 310_000_000, 20,
           "پایه لوله فولادی گالوانیزه، نشیمن لاستیکی ایمن."),
        _D("SHD-PL-03", "سرسره فایبرگلاس سه متری", "urban-furniture-playground", "piece", 275_000_000, 25),
        _D("SHD-PL-04", "الاکلنگ فنری", "urban-furniture-playground", "piece", 98_000_000, 14),
        _D("SHD-PL-05", "کفپوش گرانولی ایمنی ۴ سانتی‌متری", "urban-furniture-playground", "m2", 5_200_000, 10,
           "لاستیک بازیافتی با چسب پلی‌یورتان؛ جذب ضربه از ارتفاع ۱/۵ متر.", {"ضخامت": "۴۰ میلی‌متر"}),
    ],
    "روشنایی هوشمند نورگستر شرق": [
        _D("NGS-LD-01", "چراغ خیابانی LED ۱۵۰ وات", "lighting-led", "device", 128_000_000, 15,
           "بدنه آلومینیوم دایکاست، درایور با حفاظت برق‌گرفتگی؛ برای بزرگراه‌ها و بلوارها.",
           {"توان": "۱۵۰ وات", "شار نوری": "۲۱۰۰۰ لومن", "درجه حفاظت": "IP66"}),
        _D("NGS-LD-02", "چراغ خیابانی LED ۱۰۰ وات", "lighting-led", "device", 96_000_000, 15,
           "برای معابر فرعی و محله‌ای.", {"توان": "۱۰۰ وات", "درجه حفاظت": "IP66"}),
        _D("NGS-LD-03", "چراغ پارکی LED ۶۰ وات با پایه ۳/۵ متری", "lighting", "set", 145_000_000, 20,
           "مناسب مسیرهای پیاده پارک‌ها و بوستان‌ها.", {"ارتفاع پایه": "۳/۵ متر"}),
        _D("NGS-LD-04", "پایه روشنایی گالوانیزه ۹ متری تک‌بازو", "lighting", "piece", 185_000_000, 25,
           "گالوانیزه گرم، با فونداسیون پیچ‌ومهره‌ای."),
        _D("NGS-LD-05", "چراغ خورشیدی LED پارکی", "lighting-led", "device", 112_000_000, 30,
           "پنل خورشیدی و باتری لیتیومی؛ برای بوستان‌های شهرهای کوچک بی‌نیاز از کابل‌کشی.",
           {"توان": "۴۰ وات", "باتری": "لیتیوم فسفات"}, in_stock=False),
    ],
    "صنایع مخازن پسماند پاکسار": [
        _D("PKS-WB-01", "مخزن پلاستیکی پسماند ۱۱۰۰ لیتری چرخ‌دار", "waste-bins", "piece", 285_000_000, 12,
           "پلی‌اتیلن تزریقی مقاوم در برابر UV، چهار چرخ با ترمز؛ سازگار با بالابر خودروهای فشرده‌ساز.",
           {"حجم": "۱۱۰۰ لیتر", "رنگ": "سبز یا خاکستری"}),
        _D("PKS-WB-02", "مخزن فلزی گالوانیزه ۱۱۰۰ لیتری", "waste-bins", "piece", 240_000_000, 14),
        _D("PKS-WB-03", "مخزن زیرزمینی پسماند ۳ مترمکعبی", "waste-bins", "set", 1_450_000_000, 40,
           "مخزن بتنی با سطل داخلی و درب پدالی؛ اجرا و نصب در محل.", {"حجم": "۳ مترمکعب"}),
        _D("PKS-WB-04", "سطل زباله ۱۲۰ لیتری چرخ‌دار", "waste-bins", "piece", 38_000_000, 7),
    ],
    "ماشین‌سازی پاکبان توس": [
        _D("PKB-CM-01", "خودرو فشرده‌ساز پسماند ۱۲ مترمکعبی", "waste-compactors", "device", 70_000_000_000,
           90, "روی شاسی ۱۸ تن، بالابر هیدرولیک مخازن ۱۱۰۰ لیتری.", {"حجم مخزن": "۱۲ مترمکعب"}),
        _D("PKB-CM-02", "جاروب خیابانی مکانیزه ۴ مترمکعبی", "waste-compactors", "device", 52_000_000_000, 120,
           "مکنده با برس‌های جانبی، مناسب بلوارها و میدان‌ها."),
        _D("PKB-MC-01", "خدمات تعمیر و نگهداری خودروهای فشرده‌ساز", "machinery", "month", 450_000_000, 3,
           "سرویس دوره‌ای و تعمیرات در کارگاه شهرداری، هر دستگاه در ماه."),
    ],
    "ایمن‌خودرو آتش‌پاد": [
        _D("ATP-FE-01", "کپسول آتش‌نشانی پودر و گاز ۶ کیلوگرمی", "fire-safety-equipment", "piece",
           24_500_000, 5,
           "دارای استاندارد ملی و برچسب شارژ؛ برای ساختمان‌ها و خودروهای شهرداری.",
           {"ظرفیت": "۶ کیلوگرم", "نوع": "پودر و گاز"}),
        _D("ATP-FE-02", "کپسول دی‌اکسید کربن ۶ کیلوگرمی", "fire-safety-equipment", "piece", 58_000_000, 7),
        _D("ATP-FE-03", "جعبه آتش‌نشانی دوقلو با قرقره", "fire-safety-equipment", "set", 86_000_000, 10),
        _D("ATP-FE-04", "لباس عملیاتی آتش‌نشانی", "fire-safety-equipment", "set", 145_000_000, 20,
           "کاپشن و شلوار سه‌لایه نسوز با کلاه و دستکش.", {"استاندارد": "EN 469"}),
        _D("ATP-FV-01", "خودرو آتش‌نشانی نیمه‌سنگین ۴۰۰۰ لیتری", "fire-safety-vehicles", "device",
           185_000_000_000, 150, "مخزن آب ۴۰۰۰ لیتر و کف ۴۰۰ لیتر، پمپ دوطبقه.", in_stock=False),
    ],
    "آبیاری نوین آب‌گستر شرق": [
        _D("ABG-IR-01", "اجرای آبیاری قطره‌ای فضای سبز", "green-space-irrigation", "m2", 1_450_000, 20,
           "طراحی و اجرای شبکه قطره‌ای با لوله و قطره‌چکان تنظیم‌شونده؛ هر مترمربع."),
        _D("ABG-IR-02", "کنترلر هوشمند آبیاری ۱۲ ایستگاهه", "green-space-irrigation", "device",
           165_000_000, 15,
           "با حسگر رطوبت خاک و کنترل از راه دور.", {"ایستگاه": "۱۲"}),
        _D("ABG-IR-03", "لوله پلی‌اتیلن ۳۲ میلی‌متری ۱۰ اتمسفر", "green-space-irrigation", "m", 1_150_000, 5),
        _D("ABG-IR-04", "آبپاش پاپ‌آپ چرخشی", "green-space-irrigation", "piece", 4_800_000, 5),
    ],
    "راه‌سازان آسفالت خراسان": [
        _D("RSA-AS-01", "آسفالت گرم توپکا، تولید و پخش", "roads-asphalt", "t", 42_000_000, 7,
           "بتن آسفالتی گرم با قیر ۶۰/۷۰، حمل تا ۳۰ کیلومتر و پخش با فینیشر.", {"دانه‌بندی": "۰ تا ۱۲/۵"}),
        _D("RSA-AS-02", "لکه‌گیری و ترمیم آسفالت معابر", "roads-asphalt", "m2", 3_900_000, 5,
           "برش، تخریب، قیرپاشی و پخش آسفالت گرم؛ هر مترمربع."),
        _D("RSA-AS-03", "روکش آسفالت ۵ سانتی‌متری با تراش", "roads-asphalt", "m2", 6_800_000, 10),
    ],
    "ماشین‌آلات عمرانی توان‌صنعت": [
        _D("TVS-MC-01", "لودر چرخ‌دار ۳ مترمکعبی", "machinery", "device", 210_000_000_000, 120),
        _D("TVS-MC-02", "اجاره روزانه بیل مکانیکی با راننده", "machinery", "day", 180_000_000, 2,
           "بیل زنجیری ۲۱ تن با راننده و سوخت، هر روز کاری ۸ ساعت."),
        _D("TVS-MC-03", "غلتک ویبره ۱۰ تنی", "machinery", "device", 165_000_000_000, 100),
    ],
    # Its agency agreement has expired: hidden from municipalities, marked for officers.
    "تابلوسازی ایمن‌راه": [
        _D("IMR-TS-01", "تابلو ترافیکی شبرنگ دایره‌ای ۶۰ سانتی‌متری", "roads-traffic-signs", "piece",
           14_500_000, 10, "ورق آلومینیوم ۲ میلی‌متری با شبرنگ درجه مهندسی.", {"قطر": "۶۰ سانتی‌متر"}),
        _D("IMR-TS-02", "تابلو راهنمای مسیر بزرگراهی", "roads-traffic-signs", "m2", 38_000_000, 25),
        _D("IMR-TS-03", "خط‌کشی ترافیکی با رنگ سرد", "roads-traffic-signs", "m2", 1_650_000, 5),
        _D("IMR-TS-04", "پایه تابلو گالوانیزه ۳ متری", "roads-traffic-signs", "piece", 6_800_000, 7),
    ],
    "نرم‌افزار شهرآوا": [
        _D("SHA-IT-01", "سامانه یکپارچه درآمد شهرداری", "smart-city", "service", 3_600_000_000, 60,
           "عوارض، پروانه و نوسازی؛ مجوز یک‌ساله با استقرار و آموزش کاربران."),
        _D("SHA-IT-02", "داشبورد مدیریتی شهر هوشمند", "smart-city", "service", 1_900_000_000, 45),
        _D("SHA-IT-03", "پشتیبانی ماهانه نرم‌افزار", "smart-city", "month", 180_000_000, 1),
    ],
    "سنگ‌فرش و بتن رضوی": [
        _D("RZP-PV-01", "سنگ‌فرش بتنی ۶ سانتی‌متری ذوزنقه‌ای", "construction-paving", "m2", 2_950_000, 10,
           "پرسی ویبره با مقاومت ۳۵۰ کیلوگرم بر سانتی‌مترمربع.", {"ضخامت": "۶ سانتی‌متر", "رنگ": "طوسی"}),
        _D("RZP-PV-02", "جدول بتنی پیش‌ساخته ۱۵×۳۰", "construction-paving", "m", 1_250_000, 10),
        _D("RZP-PV-03", "کانیو بتنی", "construction-paving", "m", 980_000, 10),
    ],
    "شرکت گسترش فضای سبز همیاران توس": [
        _D("HTS-GR-01", "کاشت نهال زبان‌گنجشک ۲ تا ۳ متری", "green-space-plants", "piece", 9_500_000, 10,
           "تأمین نهال، گودبرداری، کود و خاک‌برگ و آبیاری تا استقرار؛ مناسب کوه پارک و اراضی رو به توسعه.",
           {"ارتفاع": "۲ تا ۳ متر", "ضمانت استقرار": "۶ ماه"}),
        _D("HTS-GR-02", "درختکاری نهال کاج تهران ۱/۵ متری", "green-space-plants", "piece", 6_200_000, 10),
        _D("HTS-GR-03", "نگهداری ماهانه فضای سبز پارک، هر هکتار", "green-space", "month", 420_000_000, 7,
           "آبیاری، هرس، چمن‌زنی، وجین و پاکسازی؛ با نیروی انسانی و ماشین‌آلات."),
        _D("HTS-GR-04", "چمن‌کاری با بذر اسپرت", "green-space", "m2", 1_100_000, 14),
        _D("HTS-IR-01", "اجرای آبیاری تحت فشار بارانی", "green-space-irrigation", "m2", 1_300_000, 20),
    ],
    "شرکت عمران و ساختمان همیاران رضوی": [
        _D("OHR-CN-01", "اجرای پیاده‌رو با سنگ‌فرش بتنی", "construction-paving", "m2", 7_800_000, 20,
           "زیرسازی، بستر ماسه و سنگ‌فرش با جدول‌گذاری؛ هر مترمربع."),
        _D("OHR-CN-02", "احداث سرویس بهداشتی پارکی پیش‌ساخته", "construction", "set", 4_800_000_000, 60),
        _D("OHR-RD-01", "بهسازی و آسفالت معابر محلی", "roads", "m2", 9_200_000, 30),
    ],
    "شرکت مهندسین مشاور شهرآرای همیار": [
        _D("SHR-DC-01", "طراحی منظر و معماری پارک محله‌ای", "design-consulting", "service", 2_400_000_000, 60,
           "مطالعات پایه، طرح مفهومی، نقشه‌های اجرایی و برآورد؛ تا ۵ هکتار."),
        _D("SHR-DC-02", "مطالعات امکان‌سنجی پروژه‌های شهری", "design-consulting", "service", 1_600_000_000, 45),
        _D("SHR-DC-03", "نظارت کارگاهی پروژه عمرانی", "design-consulting", "month", 320_000_000, 7),
    ],
    "مؤسسه فناوری شهر هوشمند همیار": [
        _D("HSC-IT-01", "استقرار سامانه پایش هوشمند روشنایی معابر", "smart-city", "service",
           2_800_000_000, 50),
        _D("HSC-IT-02", "پشتیبانی فناوری اطلاعات شهرداری‌های کوچک", "smart-city", "month", 95_000_000, 3),
    ],
    "دفتر مدیرعامل": [
        _D("CEO-SV-01", "مشاوره راهبردی مدیریت شهری برای شهرداری‌های کوچک", "design-consulting", "service",
           650_000_000, 30),
    ],
    "معاونت بازرگانی": [
        _D("COM-SV-01", "برآورد و کارشناسی نیاز تجهیزات شهری", "design-consulting", "service", 120_000_000, 7,
           "بازدید، برآورد مقادیر و مشخصات فنی برای خرید یا خرید تجمیعی."),
    ],
    "معاونت اداری و مالی": [
        _D("FIN-SV-01", "تهیه صورت‌وضعیت و اسناد مالی پروژه", "design-consulting", "service", 85_000_000, 10),
    ],
    "معاونت فنی و پروژه‌ها": [
        _D("TEC-SV-01", "مدیریت طرح پروژه‌های خاص شهری", "special-projects", "month", 540_000_000, 14,
           "برنامه‌ریزی، کنترل پروژه و هماهنگی با دستگاه‌ها در پروژه‌های با محدودیت قانونی یا شهری."),
        _D("TEC-SV-02", "نظارت عالیه بر اجرای پروژه", "design-consulting", "month", 260_000_000, 7),
    ],
}

# Quantity tiers (from quantity, percent off) by unit; services and rentals have one price.
_TIERS = {
    "piece": [(1, 0), (10, 4), (50, 8)],
    "set": [(1, 0), (5, 3), (20, 6)],
    "device": [(1, 0), (10, 4), (50, 7)],
    "m": [(1, 0), (1000, 5), (5000, 9)],
    "m2": [(1, 0), (1000, 5), (5000, 9)],
    "t": [(1, 0), (500, 4), (2000, 8)],
}
# Very costly machines: a discount from the third one only.
_COSTLY = 10_000_000_000
# The older list's prices, before this year's rise (percent of today's).
_HISTORY_PERCENT = 78


def _round(amount: float) -> int:
    """Price lists quote round figures: to 10,000 Rial (1,000 Toman), or 1,000 Rial below that."""
    step = 10_000 if amount >= 1_000_000 else 1_000
    return int(round(amount / step) * step)


def tiers(item: DemoItem, *, percent: int = 100) -> list[tuple[int, int]]:
    """(from quantity, unit price) of the item; `percent` scales the base price (history)."""
    base = item.price * percent / 100
    if item.price >= _COSTLY:
        steps = [(1, 0), (3, 3)]
    else:
        steps = _TIERS.get(item.unit, [(1, 0)])
    return [(quantity, _round(base * (100 - off) / 100)) for quantity, off in steps]


def _items(org: Organization, acting_user, provider: Provider, specs: list[DemoItem],
           domains: dict[str, ServiceDomain], created: Counter) -> list[tuple[CatalogItem, DemoItem]]:
    existing = {i.code: i for i in CatalogItem.objects.filter(provider=provider)}
    pairs = []
    for spec in specs:
        item = existing.get(spec.code)
        if item is None:
            item = item_create(acting_user=acting_user, data={
                "provider": provider, "domain": domains[spec.domain], "code": spec.code,
                "name": spec.name, "description": spec.description, "unit": spec.unit,
                "lead_time_days": spec.lead_time_days, "attributes": dict(spec.attributes),
                "in_stock": spec.in_stock,
            })
            created["catalog items"] += 1
        pairs.append((item, spec))
    return pairs


def _price_lists(acting_user, provider: Provider, pairs: list[tuple[CatalogItem, DemoItem]],
                 created: Counter) -> None:
    if PriceList.objects.filter(provider=provider).exists():
        return
    today = timezone.localdate()
    old_from, new_from = today - dt.timedelta(days=400), today - dt.timedelta(days=180)
    # The older list priced only the first items: later ones were added this year.
    history = pairs[: max(1, len(pairs) - 1)]
    price_list_publish(
        acting_user=acting_user, provider=provider, title=f"فهرست بهای سال گذشته — {provider.name}",
        valid_from=old_from, valid_until=new_from - dt.timedelta(days=1),
        rows=[PriceRow(item, q, p) for item, spec in history
              for q, p in tiers(spec, percent=_HISTORY_PERCENT)[:2]],
    )
    price_list_publish(
        acting_user=acting_user, provider=provider, title=f"فهرست بهای جاری — {provider.name}",
        valid_from=new_from, valid_until=today + dt.timedelta(days=185),
        rows=[PriceRow(item, q, p) for item, spec in pairs for q, p in tiers(spec)],
    )
    created["price lists"] += 2


# Common transliterations and abbreviations a clerk types for what suppliers write in Latin
# letters (the organization's search synonyms; editable on the catalog's synonyms page).
SYNONYMS: list[tuple[str, list[str]]] = [
    ("LED", ["ال ای دی"]),
    ("CCTV", ["سی سی تی وی"]),
    ("PVC", ["پی وی سی"]),
    ("UPVC", ["یو پی وی سی"]),
    ("GPS", ["جی پی اس"]),
    ("GIS", ["جی آی اس"]),
    ("UPS", ["یو پی اس"]),
    ("LCD", ["ال سی دی"]),
]


def _synonyms(organization: Organization, acting_user, created: Counter) -> None:
    have = set(SearchSynonym.objects.filter(organization=organization).values_list("term_key", flat=True))
    for term, equivalents in SYNONYMS:
        if synonym_key(term) not in have:
            synonym_create(acting_user=acting_user, term=term, equivalents=equivalents)
            created["search synonyms"] += 1


@transaction.atomic
def load_catalog_demo(*, organization: Organization, acting_user) -> Counter:
    """Items and price lists of every demo provider present in `organization`; what was created."""
    created: Counter = Counter()
    _synonyms(organization, acting_user, created)  # first: the items are indexed with them on write
    domains = {d.code: d for d in ServiceDomain.objects.filter(organization=organization)}
    providers = {p.name: p for p in Provider.objects.filter(organization=organization)}
    for name, specs in CATALOG.items():
        provider = providers.get(normalize(name))
        if provider is None or any(spec.domain not in domains for spec in specs):
            continue
        pairs = _items(organization, acting_user, provider, specs, domains, created)
        _price_lists(acting_user, provider, pairs, created)
    return created
