"""A deterministic Persian catalog for the search benchmark: what the demo suppliers really sell.

Names are written the way suppliers type them: Persian digits, ZWNJ in some
words and a space or nothing in others, "LED" in Latin or Persian letters.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass

FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def fa(value: object) -> str:
    return str(value).translate(FA_DIGITS)


@dataclass(frozen=True)
class Family:
    """One line of products: the domain it belongs to, who sells it, and how its names are made."""

    domain: str  # ServiceDomain code from hamyar.directory.demo.DOMAINS
    providers: tuple[str, ...]  # provider names from hamyar.directory.demo.PROVIDERS
    prefix: str  # item code prefix
    unit: str
    bases: tuple[str, ...]
    materials: tuple[str, ...]
    sizes: tuple[str, ...]
    size_label: str
    places: tuple[str, ...]
    features: tuple[str, ...]
    price_range: tuple[int, int]  # Rial


FURNITURE = "صنایع مبلمان شهری پارسه"
PLAY = "تولیدی تجهیزات بازی کودکان شادیار"
LIGHT = "روشنایی هوشمند نورگستر شرق"
BINS = "صنایع مخازن پسماند پاکسار"
FIRE = "ایمن‌خودرو آتش‌پاد"
WATER = "آبیاری نوین آب‌گستر شرق"
GREEN = "شرکت گسترش فضای سبز همیاران توس"
ASPHALT = "راه‌سازان آسفالت خراسان"
SIGNS = "تابلوسازی ایمن‌راه"
PAVING = "سنگ‌فرش و بتن رضوی"
BUILD = "شرکت عمران و ساختمان همیاران رضوی"

FAMILIES: tuple[Family, ...] = (
    Family(
        "urban-furniture-benches", (FURNITURE, BUILD), "BN", "piece",
        ("نیمکت پارک", "نیمکت پارکی دو نفره", "نیمکت سه‌نفره", "نیمکت بدون پشتی", "میز و نیمکت پیک‌نیک",
         "صندلی پارکی", "آلاچیق", "گلدان بتنی", "پایه دوچرخه", "سطل زباله پارکی"),
        ("فلزی", "چوبی", "بتنی", "کامپوزیت", "چدنی", "فولاد گالوانیزه", "پلاستیک بازیافتی"),
        ("۱۲۰ سانتی‌متر", "۱۵۰ سانتی‌متر", "۱۸۰ سانتی‌متر", "۲۰۰ سانتی‌متر", "۲۴۰ سانتی‌متر"),
        "ابعاد",
        ("پارک‌ها و بوستان‌ها", "پیاده‌راه‌ها", "میادین شهری", "ایستگاه‌های اتوبوس", "کوه‌پارک"),
        ("ضد زنگ با رنگ پودری الکترواستاتیک", "مقاوم در برابر آفتاب و باران", "با پیچ‌های ضد سرقت",
         "قابل نصب روی فونداسیون بتنی"),
        (18_000_000, 160_000_000),
    ),
    Family(
        "urban-furniture-playground", (PLAY,), "PG", "set",
        ("سرسره", "تاب دو نفره", "تاب حصیری", "الاکلنگ", "مجموعه بازی", "خانه بازی", "کفپوش ایمنی لاستیکی",
         "دستگاه بدنسازی پارکی", "تونل بازی", "صخره نوردی کودکان"),
        ("فلزی", "پلی‌اتیلن", "فایبرگلاس", "چوبی", "لاستیکی"),
        ("۳ تا ۶ سال", "۶ تا ۱۲ سال", "۲ تا ۱۴ سال", "بزرگسال"),
        "رده سنی",
        ("پارک‌های محله‌ای", "بوستان‌های شهری", "مهدکودک‌ها", "فضای بازی کودکان"),
        ("دارای استاندارد ملی ایمنی تجهیزات بازی", "لبه‌های گرد و بدون زائده", "رنگ‌آمیزی شاد و بادوام"),
        (25_000_000, 900_000_000),
    ),
    Family(
        "lighting-led", (LIGHT,), "LT", "device",
        ("چراغ خیابانی ال‌ای‌دی", "چراغ خیابانی ال ای دی", "چراغ خیابانی LED", "چراغ پارکی ال‌ای‌دی",
         "پروژکتور ال‌ای‌دی", "چراغ چمنی", "پایه چراغ روشنایی", "چراغ دیواری ضد آب", "لامپ ال‌ای‌دی",
         "چراغ خورشیدی"),
        ("آلومینیوم دایکست", "فولادی", "پلی‌کربنات", "چدنی"),
        ("۳۰ وات", "۵۰ وات", "۸۰ وات", "۱۰۰ وات", "۱۵۰ وات", "۲۰۰ وات"),
        "توان",
        ("معابر اصلی", "بلوارها", "پارک‌ها", "میادین", "کوچه‌ها"),
        ("با درایور ضد نوسان", "درجه حفاظت IP66", "بازده ۱۴۰ لومن بر وات", "قابل کنترل هوشمند"),
        (4_500_000, 95_000_000),
    ),
    Family(
        "waste-bins", (BINS,), "WB", "piece",
        ("سطل زباله", "سطل‌زباله پدالی", "مخزن زباله مکانیزه", "مخزن پسماند زیرزمینی",
         "سطل زباله دوقلو تفکیکی", "مخزن پسماند خشک", "سطل زباله چرخ‌دار"),
        ("پلاستیکی", "گالوانیزه", "فلزی", "پلی‌اتیلن"),
        ("۱۲۰ لیتری", "۲۴۰ لیتری", "۳۶۰ لیتری", "۶۶۰ لیتری", "۱۱۰۰ لیتری"),
        "ظرفیت",
        ("معابر شهری", "پارک‌ها", "مجتمع‌های مسکونی", "بازارها"),
        ("با درب ضد بو", "مقاوم در برابر ضربه و UV", "سازگار با خودروهای فشرده‌ساز"),
        (3_000_000, 450_000_000),
    ),
    Family(
        "fire-safety-equipment", (FIRE,), "FS", "piece",
        ("کپسول آتش‌نشانی پودری", "کپسول آتش نشانی CO2", "کپسول آتش‌نشانی آب و گاز", "جعبه آتش‌نشانی",
         "شیلنگ آتش‌نشانی", "لباس عملیاتی آتش‌نشانی", "کلاه ایمنی آتش‌نشان", "دستکش نسوز", "پتوی نسوز"),
        ("فولادی", "استیل", "آلومینیومی", "نومکس"),
        ("۱ کیلویی", "۴ کیلویی", "۶ کیلویی", "۱۲ کیلویی", "۲۵ کیلویی", "۵۰ کیلویی"),
        "ظرفیت",
        ("ایستگاه‌های آتش‌نشانی", "ساختمان‌های اداری", "پارکینگ‌ها", "انبارها"),
        ("دارای تأییدیه سازمان آتش‌نشانی", "با فشارسنج", "قابل شارژ مجدد"),
        (1_200_000, 120_000_000),
    ),
    Family(
        "green-space-irrigation", (WATER, GREEN), "IR", "m",
        ("لوله پلی‌اتیلن", "قطره‌چکان", "آبپاش بارانی", "شیر برقی آبیاری", "کنترلر آبیاری هوشمند",
         "اتصالات آبیاری", "نوار تیپ", "فیلتر دیسکی"),
        ("پلی‌اتیلن سنگین", "پی‌وی‌سی", "برنجی", "پلاستیکی"),
        ("۱۶ میلی‌متر", "۲۰ میلی‌متر", "۳۲ میلی‌متر", "۶۳ میلی‌متر", "۱ اینچ", "۲ اینچ"),
        "قطر",
        ("فضای سبز بلوارها", "پارک‌ها", "کمربند سبز شهر", "نهالستان"),
        ("مقاوم در برابر اشعه UV", "فشار کاری ۶ بار", "مناسب آب‌های سخت"),
        (90_000, 85_000_000),
    ),
    Family(
        "roads-asphalt", (ASPHALT, BUILD), "AS", "t",
        ("آسفالت گرم توپکا", "آسفالت بیندر", "قیر ۶۰/۷۰", "امولسیون قیر", "آسفالت سرد", "لکه‌گیری آسفالت",
         "روکش آسفالت معابر", "آسفالت متخلخل"),
        ("دانه‌بندی پیوسته", "دانه‌بندی ۰ تا ۱۲", "دانه‌بندی ۰ تا ۱۹", "پلیمری"),
        ("۵ سانتی‌متر", "۶ سانتی‌متر", "۸ سانتی‌متر", "۱۰ سانتی‌متر"),
        "ضخامت",
        ("معابر شریانی", "کوچه‌ها", "پیاده‌روها", "پارکینگ‌ها"),
        ("مطابق نشریه ۲۳۴", "با آزمایش مارشال", "اجرا با فینیشر"),
        (9_000_000, 60_000_000),
    ),
    Family(
        "roads-traffic-signs", (SIGNS,), "TS", "piece",
        ("تابلو ایست", "تابلو راهنمایی و رانندگی", "تابلو شبرنگ", "تابلو سرعت مجاز", "استوانه ترافیکی",
         "گل‌میخ شبرنگ", "رنگ ترافیکی خط‌کشی", "مخروط ترافیکی"),
        ("آلومینیومی", "گالوانیزه", "پلاستیکی", "شبرنگ مهندسی"),
        ("۶۰ سانتی‌متر", "۷۵ سانتی‌متر", "۹۰ سانتی‌متر", "۱۲۰ سانتی‌متر"),
        "اندازه",
        ("معابر شهری", "تقاطع‌ها", "مدارس", "بزرگراه‌ها"),
        ("شبرنگ درجه یک", "مطابق آیین‌نامه ایمنی راه‌ها", "پایه گالوانیزه"),
        (800_000, 40_000_000),
    ),
    Family(
        "construction-paving", (PAVING, BUILD), "PV", "m2",
        ("سنگ‌فرش بتنی", "جدول بتنی", "کانیو", "بلوک بتنی", "سنگ‌فرش گرانیتی", "موزاییک پرسی"),
        ("بتن پرسی", "گرانیت", "بتن رنگی", "سیمانی"),
        ("۶ سانتی‌متر", "۸ سانتی‌متر", "۱۰ سانتی‌متر", "۵۰ در ۵۰", "۴۰ در ۴۰"),
        "ضخامت",
        ("پیاده‌روها", "میادین", "پارک‌ها", "بازارها"),
        ("مقاوم در برابر یخ‌زدگی", "جذب آب کمتر از ۶ درصد", "مطابق استاندارد ملی"),
        (400_000, 6_500_000),
    ),
)

MODELS = (
    "آرامش", "بهار", "سپیدار", "نگین", "ستاره", "کوهسار", "الماس", "آفتاب", "پردیس", "مهتاب", "افرا", "نسیم",
    "سرو", "کاج", "شقایق", "یاس", "صدف", "توس", "رضوان", "آسمان", "دنا", "البرز", "زاگرس", "خلیج", "کویر",
    "مینا", "نارون", "چنار", "گلستان", "بامداد", "شفق", "رویا", "پرنیان", "ارغوان", "آتنا", "کیان",
    "سهند", "سبلان", "هامون", "نیلوفر",
)
COLORS = ("سبز", "مشکی", "طوسی", "قهوه‌ای", "آبی", "زرد", "قرمز", "سفید", "نقره‌ای")
WARRANTIES = ("۶ ماه", "۱۲ ماه", "۱۸ ماه", "۲۴ ماه", "۳۶ ماه")

# Provider ratings (1-5) for the benchmark; None: not rated yet, ranked last.
RATINGS: dict[str, float | None] = {
    FURNITURE: 4.6, PLAY: 4.1, LIGHT: 4.8, BINS: 3.9, FIRE: 4.4, WATER: None, GREEN: 4.2, ASPHALT: 3.5,
    SIGNS: 4.0, PAVING: None, BUILD: 3.8,
}


@dataclass(frozen=True)
class ItemRow:
    family: Family
    provider: str
    code: str
    name: str
    description: str
    unit: str
    lead_time_days: int
    attributes: dict[str, str]
    in_stock: bool
    current_price: int | None
    is_active: bool


def generate(count: int, *, seed: int = 1405) -> Iterator[ItemRow]:
    """`count` items, always the same ones for the same seed."""
    rng = random.Random(seed)
    serial: dict[str, int] = {}
    for _ in range(count):
        family = rng.choice(FAMILIES)
        provider = rng.choice(family.providers)
        base, material = rng.choice(family.bases), rng.choice(family.materials)
        size = rng.choice(family.sizes)
        model = f"{rng.choice(MODELS)} {fa(rng.randint(100, 999))}"
        name = f"{base} {material} مدل {model} {size}"
        code_key = f"{family.prefix}{family.providers.index(provider)}"
        serial[code_key] = serial.get(code_key, 0) + 1
        code = f"{code_key}-{serial[code_key]:07d}"
        description = (
            f"{base} {material}، مناسب {rng.choice(family.places)}؛ {rng.choice(family.features)}. "
            f"{family.size_label}: {size}."
        )
        attributes = {
            "جنس": material,
            family.size_label: size,
            "رنگ": rng.choice(COLORS),
            "گارانتی": rng.choice(WARRANTIES),
        }
        low, high = family.price_range
        price = None if rng.random() < 0.05 else rng.randrange(low, high, 10_000)
        yield ItemRow(
            family=family, provider=provider, code=code, name=name, description=description,
            unit=family.unit, lead_time_days=rng.choice((0, 0, 3, 7, 10, 14, 21, 30, 45, 60, 90)),
            attributes=attributes, in_stock=rng.random() < 0.8, current_price=price,
            is_active=rng.random() < 0.97,
        )
