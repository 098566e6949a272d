"""The demo organization, as plain data: what `manage.py load_demo` loads.

Facts come from the source article (seeds/000_bc1ed591d00b6f53.txt: District 9 of
Mashhad, 4,400 ha, 365,000 residents, Vakilabad Park, Vafa Garden, Kooh Park,
barren land under development; 10+ represented domestic suppliers) and from the
shared municipalities CSV (census populations), embedded below because the shared
folder is not on every machine. Everything else — companies, people, IDs,
agreements — is fictional. Figures that are not facts are marked "illustrative";
an unknown area stays None and the pages show "—".
"""

import csv
import io
from decimal import Decimal
from typing import Any

DEMO_PASSWORD = "Hamyar-Demo-1405"

ORGANIZATION: dict[str, str] = {
    "name": "سازمان همیاری شهرداری‌های خراسان رضوی",
    "name_en": "Khorasan Razavi Municipalities Cooperation Organization",
    "slug": "khorasan-razavi",
    "province": "خراسان رضوی",
}

# A verbatim copy of shared/data/khorasan_razavi_municipalities.csv
# (a test checks it against the shared file when that file is present).
MUNICIPALITIES_CSV = """\
name_fa,name_en,parent,population,area_ha,source
مشهد,Mashhad,,3001184,,census 1395 (2016)
منطقه ۹ مشهد,Mashhad District 9,Mashhad,365000,4400,source article (seed)
منطقه ثامن مشهد,Mashhad Samen District,Mashhad,14000,366,approximate
نیشابور,Neyshabur,,264375,,census 1395 (2016)
سبزوار,Sabzevar,,243700,,census 1395 (2016)
تربت حیدریه,Torbat-e Heydarieh,,140019,,census 1395 (2016)
کاشمر,Kashmar,,102282,,census 1395 (2016)
قوچان,Quchan,,101604,,census 1395 (2016)
تربت جام,Torbat-e Jam,,100449,,census 1395 (2016)
تایباد,Taybad,,56562,,census 1395 (2016)
چناران,Chenaran,,53879,,census 1395 (2016)
سرخس,Sarakhs,,42179,,census 1395 (2016)
گناباد,Gonabad,,40773,,census 1395 (2016)
فریمان,Fariman,,39515,,census 1395 (2016)
گلبهار,Golbahar,,36877,,census 1395 (2016)
درگز,Dargaz,,36762,,census 1395 (2016)
خواف,Khaf,,33189,,census 1395 (2016)
بردسکن,Bardaskan,,28233,,census 1395 (2016)
طرقبه,Torqabeh,,20998,,census 1395 (2016)
فیض‌آباد,Feyzabad,,18120,,census 1395 (2016)
نقاب,Neqab,,14783,,census 1395 (2016)
شاندیز,Shandiz,,13987,,census 1395 (2016)
خرو,Kharv,,13535,,census 1395 (2016)
خلیل‌آباد,Khalilabad,,12751,,census 1395 (2016)
سنگان,Sangan,,12443,,census 1395 (2016)
بجستان,Bajestan,,11741,,census 1395 (2016)
کاریز,Kariz,,11102,,census 1395 (2016)
"""

# Counties (شهرستان) as at the 1395 census, the date of the populations above.
COUNTIES: dict[str, str] = {
    "Mashhad": "مشهد",
    "Neyshabur": "نیشابور",
    "Sabzevar": "سبزوار",
    "Torbat-e Heydarieh": "تربت حیدریه",
    "Kashmar": "کاشمر",
    "Quchan": "قوچان",
    "Torbat-e Jam": "تربت جام",
    "Taybad": "تایباد",
    "Chenaran": "چناران",
    "Sarakhs": "سرخس",
    "Gonabad": "گناباد",
    "Fariman": "فریمان",
    "Golbahar": "چناران",
    "Dargaz": "درگز",
    "Khaf": "خواف",
    "Bardaskan": "بردسکن",
    "Torqabeh": "بینالود",
    "Feyzabad": "مه‌ولات",
    "Neqab": "جوین",
    "Shandiz": "بینالود",
    "Kharv": "نیشابور",
    "Khalilabad": "خلیل‌آباد",
    "Sangan": "خواف",
    "Bajestan": "بجستان",
    "Kariz": "تایباد",
}

# Below this population a municipality is a small town (شهر کوچک).
TOWN_POPULATION_LIMIT = 50_000

ILLUSTRATIVE = "illustrative"
# What the pages show as a population's source: the CSV's English notes in the organization's language.
SOURCES_FA = {
    "census 1395 (2016)": "سرشماری عمومی ۱۳۹۵",
    "source article (seed)": "خبر منبع (دیدار مدیرعامل سازمان همیاری با شهردار منطقه ۹)",
    "approximate": "تقریبی",
    ILLUSTRATIVE: "نمونهٔ نمایشی",
}
# Mashhad's other districts: round, illustrative populations (not official
# figures) that add up, with District 9 and Samen, to about the city's census
# population; their areas are unknown.
MASHHAD_OTHER_DISTRICTS: list[tuple[int, int]] = [
    (1, 180_000), (2, 460_000), (3, 360_000), (4, 250_000), (5, 210_000), (6, 230_000),
    (7, 260_000), (8, 110_000), (10, 280_000), (11, 220_000), (12, 60_000),
]
_FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def municipality_rows() -> list[dict[str, Any]]:
    """Every demo municipality, parents before their districts, as service data (FKs by English name)."""
    rows: list[dict[str, Any]] = []
    for record in csv.DictReader(io.StringIO(MUNICIPALITIES_CSV)):
        population = int(record["population"]) if record["population"] else None
        parent = record["parent"] or None
        if record["name_en"] == "Mashhad":
            kind = "metropolis"
        elif parent:
            kind = "district"
        else:
            kind = "city" if (population or 0) >= TOWN_POPULATION_LIMIT else "town"
        rows.append({
            "name": record["name_fa"],
            "name_en": record["name_en"],
            "parent": parent,
            "county": COUNTIES[parent or record["name_en"]],
            "kind": kind,
            "population": population,
            "population_source": SOURCES_FA[record["source"]],
            "area_ha": Decimal(record["area_ha"]) if record["area_ha"] else None,
        })
    for number, population in MASHHAD_OTHER_DISTRICTS:
        rows.append({
            "name": f"منطقه {str(number).translate(_FA_DIGITS)} مشهد",
            "name_en": f"Mashhad District {number}",
            "parent": "Mashhad",
            "county": COUNTIES["Mashhad"],
            "kind": "district",
            "population": population,
            "population_source": SOURCES_FA[ILLUSTRATIVE],
            "area_ha": None,
        })
    rows.sort(key=lambda row: row["parent"] is not None)  # stable: cities first, then districts
    return rows


_ARTICLE = "از خبر دیدار مدیرعامل سازمان همیاری با شهردار منطقه ۹ مشهد؛ مساحت نامعلوم."
_SAMPLE = "نمونهٔ نمایشی؛ مساحت نامعلوم."

# (municipality English name, asset name, kind, area in ha or None, description)
ASSETS: list[tuple[str, str, str, Decimal | None, str]] = [
    ("Mashhad District 9", "پارک وکیل‌آباد", "park", None, _ARTICLE),
    ("Mashhad District 9", "بوستان وفا", "garden", None, _ARTICLE),
    ("Mashhad District 9", "کوه پارک", "mountain_park", None, _ARTICLE),
    ("Mashhad District 9", "اراضی بایر رو به توسعه", "barren_land", None, _ARTICLE),
    ("Shandiz", "بوستان مرکزی شاندیز", "park", None, _SAMPLE),
    ("Shandiz", "بلوار ورودی شاندیز", "road", None, _SAMPLE),
    ("Torqabeh", "میدان مرکزی طرقبه", "square", None, _SAMPLE),
    ("Kariz", "بوستان شهر کاریز", "park", None, _SAMPLE),
    ("Sangan", "کارگاه خدمات شهری سنگان", "facility", None, _SAMPLE),
    ("Bajestan", "بوستان شهر بجستان", "park", None, _SAMPLE),
]

# (code, Persian name, English name, parent code): parents before children.
DOMAINS: list[tuple[str, str, str, str | None]] = [
    ("green-space", "فضای سبز", "Green space", None),
    ("roads", "راه و معابر", "Roads and streets", None),
    ("waste", "پسماند", "Waste", None),
    ("fire-safety", "آتش‌نشانی و ایمنی", "Fire and safety", None),
    ("machinery", "ماشین‌آلات", "Machinery", None),
    ("lighting", "روشنایی", "Lighting", None),
    ("urban-furniture", "مبلمان شهری", "Urban furniture", None),
    ("construction", "عمران و ساختمان", "Construction", None),
    ("design-consulting", "طراحی و مشاوره", "Design and consulting", None),
    ("smart-city", "شهر هوشمند و فناوری اطلاعات", "Smart city and IT", None),
    ("training", "آموزش", "Training", None),
    ("special-projects", "پروژه‌های خاص", "Special projects", None),
    ("green-space-irrigation", "آبیاری", "Irrigation", "green-space"),
    ("green-space-plants", "نهال و گیاه", "Saplings and plants", "green-space"),
    ("roads-asphalt", "آسفالت و روکش معابر", "Asphalt and resurfacing", "roads"),
    ("roads-traffic-signs", "علائم و تابلوهای ترافیکی", "Traffic signs", "roads"),
    ("waste-bins", "مخازن پسماند", "Waste bins", "waste"),
    ("waste-compactors", "خودروهای فشرده‌ساز پسماند", "Waste compactor trucks", "waste"),
    ("waste-recycling", "بازیافت", "Recycling", "waste"),
    ("fire-safety-vehicles", "خودروهای آتش‌نشانی", "Fire trucks", "fire-safety"),
    ("fire-safety-equipment", "تجهیزات ایمنی و اطفا", "Safety and extinguishing equipment", "fire-safety"),
    ("lighting-led", "چراغ‌های LED معابر", "LED street lights", "lighting"),
    ("urban-furniture-benches", "نیمکت و مبلمان پارکی", "Benches and park furniture", "urban-furniture"),
    ("urban-furniture-playground", "تجهیزات بازی کودکان", "Playground equipment", "urban-furniture"),
    ("construction-paving", "سنگ‌فرش و جدول بتنی", "Paving stones and concrete curbs", "construction"),
]
# No provider serves these yet: the capability map shows them as gaps.
GAP_DOMAINS = ("training", "waste-recycling")

# Providers: staff units (no legal ID), affiliated companies and institutions,
# and represented suppliers. All companies, people, IDs, numbers and accounts are
# fictional; IDs, mobiles, postal codes and Sheba numbers pass their check digits.
# `capabilities`: (domain code, level 1-5, monthly capacity, unit).
# `agreement` (suppliers only): dates are days relative to the day of loading.
PROVIDERS: list[dict[str, Any]] = [
    {
        "name": "دفتر مدیرعامل", "kind": "staff_unit", "city": "مشهد",
        "description": "دفتر مدیرعامل سازمان همیاری شهرداری‌های خراسان رضوی.",
        "capabilities": [],
    },
    {
        "name": "معاونت بازرگانی", "kind": "staff_unit", "city": "مشهد",
        "description": "تأمین نیازمندی‌های شهرداری‌ها و نمایندگی تولیدکنندگان و تأمین‌کنندگان داخلی.",
        "capabilities": [],
    },
    {
        "name": "معاونت اداری و مالی", "kind": "staff_unit", "city": "مشهد",
        "description": "صورتحساب، دریافت و پرداخت، صورت‌وضعیت و کارمزد نمایندگی‌ها.",
        "capabilities": [],
    },
    {
        "name": "معاونت فنی و پروژه‌ها", "kind": "staff_unit", "city": "مشهد",
        "description": "برنامه‌ریزی و نظارت بر اجرای پروژه‌های مدیریت شهری.",
        "capabilities": [
            ("special-projects", 3, 2, "پروژه"),
            ("design-consulting", 2, 3, "پروژه"),
        ],
    },
    {
        "name": "شرکت گسترش فضای سبز همیاران توس", "kind": "affiliate", "legal_id": "10386383235",
        "contact_name": "مهندس کاوه رحیمی", "phone": "051-38412270", "mobile": "09151234876",
        "email": "info@hamyaran-toos.example", "address": "مشهد، بلوار وکیل‌آباد، وکیل‌آباد ۲۴",
        "postal_code": "9176953461", "sheba": "IR960170000000336115973057", "city": "مشهد",
        "description": "شرکت تابعه: احداث و نگهداری فضای سبز، تولید نهال.",
        "capabilities": [
            ("green-space", 5, 120, "هکتار نگهداری"),
            ("green-space-plants", 4, 20000, "اصله نهال"),
            ("green-space-irrigation", 3, 15, "هکتار"),
        ],
    },
    {
        "name": "شرکت عمران و ساختمان همیاران رضوی", "kind": "affiliate", "legal_id": "10383564803",
        "contact_name": "مهندس حمید نوروزی", "phone": "051-37615580", "mobile": "09153367120",
        "email": "info@omran-razavi.example", "address": "مشهد، بلوار سجاد، خیابان بهار ۱۲",
        "postal_code": "9194674993", "sheba": "IR240170000000498323140087", "city": "مشهد",
        "description": "شرکت تابعه: عمران، ابنیه، معابر و پروژه‌های خاص با محدودیت‌های شهری.",
        "capabilities": [
            ("construction", 4, 6, "پروژه"),
            ("construction-paving", 4, 8000, "مترمربع"),
            ("roads", 3, 5, "کیلومتر"),
            ("special-projects", 4, 2, "پروژه"),
        ],
    },
    {
        "name": "شرکت مهندسین مشاور شهرآرای همیار", "kind": "affiliate", "legal_id": "10386064544",
        "contact_name": "دکتر لیلا صادقی", "phone": "051-38781190", "mobile": "09157781432",
        "email": "office@shahrara-consult.example", "address": "مشهد، بلوار احمدآباد، پلاک ۸۸",
        "postal_code": "9154311997", "sheba": "IR320170000000747024036342", "city": "مشهد",
        "description": "مؤسسه تابعه: طراحی شهری، مطالعات و نظارت.",
        "capabilities": [
            ("design-consulting", 5, 6, "طرح"),
            ("special-projects", 3, 1, "پروژه"),
        ],
    },
    {
        "name": "مؤسسه فناوری شهر هوشمند همیار", "kind": "affiliate", "legal_id": "14101082110",
        "contact_name": "مهندس امید فرهادی", "phone": "051-35020140", "mobile": "09154402918",
        "email": "it@hamyar-smart.example", "address": "مشهد، پارک علم و فناوری خراسان",
        "postal_code": "9197734753", "sheba": "IR790170000000900995740695", "city": "مشهد",
        "description": "مؤسسه تابعه: سامانه‌های شهر هوشمند و پشتیبانی فناوری اطلاعات شهرداری‌ها.",
        "capabilities": [("smart-city", 4, 4, "سامانه")],
    },
    {
        "name": "صنایع مبلمان شهری پارسه", "kind": "supplier", "legal_id": "10381021151",
        "contact_name": "زهرا احمدی", "phone": "051-35413366", "mobile": "09155210347",
        "email": "sales@parseh-furniture.example", "address": "مشهد، شهرک صنعتی توس، فاز ۲",
        "postal_code": "9189353556", "sheba": "IR400170000000935371123063", "city": "مشهد",
        "description": "تولیدکننده نیمکت، سطل زباله پارکی، آلاچیق و مبلمان شهری.",
        "capabilities": [
            ("urban-furniture", 5, 600, "عدد"),
            ("urban-furniture-benches", 5, 400, "عدد"),
        ],
        "agreement": {"number": "KR-AG-001", "starts": -210, "ends": 520, "commission": "5.00",
                      "domains": ["urban-furniture", "urban-furniture-benches"]},
    },
    {
        "name": "تولیدی تجهیزات بازی کودکان شادیار", "kind": "supplier", "legal_id": "10383081618",
        "contact_name": "سعید یزدانی", "phone": "031-33865512", "mobile": "09131457729",
        "email": "info@shadyar-play.example", "address": "اصفهان، شهرک صنعتی محمودآباد، خیابان ۱۴",
        "postal_code": "8153697963", "sheba": "IR580170000000424319412535", "city": "اصفهان",
        "description": "تولیدکننده تجهیزات بازی کودکان و کفپوش ایمنی.",
        "capabilities": [("urban-furniture-playground", 4, 30, "مجموعه")],
        "agreement": {"number": "KR-AG-002", "starts": -150, "ends": 580, "commission": "6.00",
                      "domains": ["urban-furniture-playground"]},
    },
    {
        "name": "روشنایی هوشمند نورگستر شرق", "kind": "supplier", "legal_id": "10380890897",
        "contact_name": "مجید کریمی", "phone": "051-35431207", "mobile": "09159036641",
        "email": "sales@noorgostar.example", "address": "مشهد، شهرک صنعتی کلات، بلوار صنعت",
        "postal_code": "9186381791", "sheba": "IR520170000000974461725923", "city": "مشهد",
        "description": "تولیدکننده چراغ‌های LED معابر، پارکی و پایه‌های روشنایی.",
        "capabilities": [
            ("lighting", 4, 1500, "عدد"),
            ("lighting-led", 5, 1200, "چراغ"),
        ],
        "agreement": {"number": "KR-AG-003", "starts": -320, "ends": 410, "commission": "4.00",
                      "domains": ["lighting", "lighting-led"]},
    },
    {
        "name": "صنایع مخازن پسماند پاکسار", "kind": "supplier", "legal_id": "10383757876",
        "contact_name": "ناصر جعفری", "phone": "021-55271846", "mobile": "09121845530",
        "email": "info@paksar-bins.example", "address": "تهران، جاده قدیم کرج، خیابان صنعت",
        "postal_code": "1474813371", "sheba": "IR460170000000464663536739", "city": "تهران",
        "description": "تولیدکننده مخازن پلاستیکی و فلزی پسماند و مخازن زیرزمینی.",
        "capabilities": [
            ("waste", 3, 2000, "عدد"),
            ("waste-bins", 5, 1500, "مخزن"),
        ],
        "agreement": {"number": "KR-AG-004", "starts": -90, "ends": 640, "commission": "5.00",
                      "domains": ["waste", "waste-bins"]},
    },
    {
        "name": "ماشین‌سازی پاکبان توس", "kind": "supplier", "legal_id": "10389820670",
        "contact_name": "رسول قاسمی", "phone": "051-32403318", "mobile": "09152716684",
        "email": "sales@pakban-toos.example", "address": "مشهد، شهرک صنعتی توس، بلوار تلاش",
        "postal_code": "9188191654", "sheba": "IR120170000000817159588718", "city": "مشهد",
        "description": "سازنده خودروهای حمل و فشرده‌ساز پسماند و جاروب خیابانی.",
        "capabilities": [
            ("waste-compactors", 4, 6, "دستگاه"),
            ("machinery", 3, 4, "دستگاه"),
        ],
        "agreement": {"number": "KR-AG-005", "starts": -260, "ends": 470, "commission": "3.50",
                      "domains": ["waste-compactors", "machinery"]},
    },
    {
        "name": "ایمن‌خودرو آتش‌پاد", "kind": "supplier", "legal_id": "10383337420",
        "contact_name": "بهروز مرادی", "phone": "041-34291175", "mobile": "09141378802",
        "email": "info@atashpad.example", "address": "تبریز، شهرک صنعتی غرب، خیابان ۹",
        "postal_code": "5169316968", "sheba": "IR150170000000497591793811", "city": "تبریز",
        "description": "سازنده خودروهای آتش‌نشانی و تأمین‌کننده تجهیزات ایمنی و اطفای حریق.",
        "capabilities": [
            ("fire-safety", 3, 10, "سفارش"),
            ("fire-safety-vehicles", 4, 2, "دستگاه"),
            ("fire-safety-equipment", 4, 300, "قلم"),
        ],
        "agreement": {"number": "KR-AG-006", "starts": -60, "ends": 670, "commission": "3.00",
                      "domains": ["fire-safety", "fire-safety-vehicles", "fire-safety-equipment"]},
    },
    {
        "name": "آبیاری نوین آب‌گستر شرق", "kind": "supplier", "legal_id": "10381661810",
        "contact_name": "علیرضا توکلی", "phone": "051-33651294", "mobile": "09156642173",
        "email": "sales@abgostar.example", "address": "مشهد، بلوار آزادی، شهرک صنعتی چناران",
        "postal_code": "9173684783", "sheba": "IR590170000000552360055821", "city": "مشهد",
        "description": "تأمین‌کننده سامانه‌های آبیاری تحت فشار و هوشمند فضای سبز.",
        "capabilities": [("green-space-irrigation", 5, 40, "هکتار")],
        "agreement": {"number": "KR-AG-007", "starts": -120, "ends": 610, "commission": "7.00",
                      "domains": ["green-space-irrigation"]},
    },
    {
        "name": "راه‌سازان آسفالت خراسان", "kind": "supplier", "legal_id": "10389390778",
        "contact_name": "محسن شریفی", "phone": "051-36552810", "mobile": "09153820459",
        "email": "info@rahsazan-asphalt.example", "address": "مشهد، جاده سرخس، کیلومتر ۱۲",
        "postal_code": "9164656815", "sheba": "IR240170000000462877552377", "city": "مشهد",
        "description": "تولید آسفالت، روکش و لکه‌گیری معابر.",
        "capabilities": [
            ("roads", 3, 8, "کیلومتر"),
            ("roads-asphalt", 4, 6000, "تن"),
        ],
        "agreement": {"number": "KR-AG-008", "starts": -30, "ends": 700, "commission": "4.00",
                      "domains": ["roads", "roads-asphalt"]},
    },
    {
        "name": "ماشین‌آلات عمرانی توان‌صنعت", "kind": "supplier", "legal_id": "10384768649",
        "contact_name": "فرهاد نظری", "phone": "021-44981276", "mobile": "09122713386",
        "email": "sales@tavansanat.example", "address": "تهران، بزرگراه فتح، خیابان ۱۷",
        "postal_code": "1451388353", "sheba": "IR180170000000396030158170", "city": "تهران",
        "description": "تأمین‌کننده لودر، بیل مکانیکی، غلتک و ماشین‌آلات عمرانی.",
        "capabilities": [("machinery", 4, 5, "دستگاه")],
        "agreement": {"number": "KR-AG-009", "starts": -180, "ends": 550, "commission": "3.00",
                      "domains": ["machinery"]},
    },
    {
        "name": "تابلوسازی ایمن‌راه", "kind": "supplier", "legal_id": "10380836384",
        "contact_name": "مهدیه صالحی", "phone": "071-37284415", "mobile": "09171946637",
        "email": "info@imenrah.example", "address": "شیراز، شهرک صنعتی بزرگ، خیابان ۵",
        "postal_code": "7149864868", "sheba": "IR950170000000935781973915", "city": "شیراز",
        "description": "تولیدکننده تابلوها و علائم ترافیکی شبرنگ و خط‌کشی معابر.",
        "capabilities": [("roads-traffic-signs", 5, 2500, "تابلو")],
        # Expired: the agreement pages show it as needing renewal.
        "agreement": {"number": "KR-AG-010", "starts": -400, "ends": -35, "commission": "6.00",
                      "domains": ["roads-traffic-signs"]},
    },
    {
        "name": "نرم‌افزار شهرآوا", "kind": "supplier", "legal_id": "10388889330",
        "contact_name": "پریسا نیک‌نام", "phone": "021-88617243", "mobile": "09123368154",
        "email": "sales@shahrava.example", "address": "تهران، خیابان ولیعصر، کوچه ۳۱",
        "postal_code": "1514684364", "sheba": "IR100170000000868826078094", "city": "تهران",
        "description": "نرم‌افزار درآمد، شهرسازی و داشبوردهای شهر هوشمند.",
        "capabilities": [("smart-city", 3, 3, "سامانه")],
        # Expires within 30 days of loading: the pages warn about it.
        "agreement": {"number": "KR-AG-011", "starts": -347, "ends": 18, "commission": "8.00",
                      "domains": ["smart-city"]},
    },
    {
        "name": "سنگ‌فرش و بتن رضوی", "kind": "supplier", "legal_id": "10388165669",
        "contact_name": "یوسف حیدری", "phone": "051-34563308", "mobile": "09158827406",
        "email": "info@razavi-paving.example", "address": "مشهد، جاده قوچان، شهرک صنعتی فناوری",
        "postal_code": "9179854764", "sheba": "IR890170000000788868405633", "city": "مشهد",
        "description": "تولیدکننده سنگ‌فرش بتنی، جدول و کانیو.",
        "capabilities": [("construction-paving", 4, 12000, "مترمربع")],
        "agreement": {"number": "KR-AG-012", "starts": -75, "ends": 290, "commission": "5.00",
                      "domains": ["construction-paving"]},
    },
]

# One demo user per role, plus a small town's municipality user and District 9's mayor
# and finance officer (its approval chain and its bills). The executive and District 9's
# mayor are the people named in the source article; everyone else is fictional.
# `municipality` is an English municipality name, `provider` a provider name, `post` a
# municipality user's post (accounts.choices.MunicipalPost; procurement clerk if absent).
USERS: list[dict[str, Any]] = [
    {
        "username": "orgadmin", "role": "org_admin", "first_name": "سعید", "last_name": "کاظمی",
        "title": "مدیر فناوری اطلاعات", "email": "orgadmin@example.com",
        "sees_fa": "همه‌چیز سازمان؛ کاربران و نقش‌ها",
        "sees_en": "everything of the organization; users and roles",
    },
    {
        "username": "commerce", "role": "commerce_officer", "first_name": "مریم", "last_name": "حسینی",
        "title": "کارشناس معاونت بازرگانی", "email": "commerce@example.com",
        "sees_fa": "تأمین‌کنندگان، قراردادها، کالاها، پیش‌فاکتورها، سفارش‌ها، خرید تجمیعی",
        "sees_en": "suppliers, agreements, catalog, triage, quotes, orders, group purchases",
    },
    {
        "username": "finance", "role": "finance_officer", "first_name": "رضا", "last_name": "محمدی",
        "title": "کارشناس معاونت اداری و مالی", "email": "finance@example.com",
        "sees_fa": "صورتحساب‌ها، پرداخت‌ها، گردش حساب شهرداری‌ها، کارمزدها",
        "sees_en": "invoices, payments, statements, commissions",
    },
    {
        "username": "projects", "role": "project_manager", "first_name": "حمید", "last_name": "نوروزی",
        "title": "مدیر پروژه", "email": "projects@example.com",
        "provider": "شرکت عمران و ساختمان همیاران رضوی",
        "sees_fa": "نیازها و پروژه‌های ارجاع‌شده به شرکت عمران و ساختمان همیاران رضوی",
        "sees_en": "the needs and projects assigned to its affiliated construction company",
    },
    {
        "username": "supplier", "role": "supplier_user", "first_name": "زهرا", "last_name": "احمدی",
        "title": "مدیر فروش", "email": "supplier@example.com",
        "provider": "صنایع مبلمان شهری پارسه",
        "sees_fa": "کالاها، فهرست بها، سفارش‌ها و تحویل‌های صنایع مبلمان شهری پارسه",
        "sees_en": "its own catalog, price lists, orders and deliveries (an urban-furniture maker)",
    },
    {
        "username": "district9", "role": "municipality_user", "first_name": "فاطمه", "last_name": "موسوی",
        "title": "کارشناس تدارکات شهرداری منطقه ۹", "email": "district9@example.com",
        "municipality": "Mashhad District 9",
        "sees_fa": "فقط منطقه ۹ مشهد: نیازها، پیش‌فاکتورها، سفارش‌ها، پروژه‌ها، گردش حساب، رضایت‌سنجی",
        "sees_en": "District 9 of Mashhad only: needs, quotes, orders, projects, statement, ratings",
    },
    {
        "username": "district9-mayor", "role": "municipality_user", "post": "mayor",
        "first_name": "جواد", "last_name": "اصغری", "title": "شهردار منطقه ۹ مشهد",
        "email": "district9-mayor@example.com", "municipality": "Mashhad District 9",
        "sees_fa": "فقط منطقه ۹ مشهد؛ تأیید پیش‌فاکتورهای بالاتر از سقف تأیید شهردار",
        "sees_en": "District 9 of Mashhad only, as its mayor: approves quotations above his threshold",
    },
    {
        "username": "district9-finance", "role": "municipality_user", "post": "finance",
        "first_name": "نرگس", "last_name": "طاهری", "title": "کارشناس امور مالی شهرداری منطقه ۹",
        "email": "district9-finance@example.com", "municipality": "Mashhad District 9",
        "sees_fa": "فقط منطقه ۹ مشهد: صورتحساب‌ها، پرداخت‌ها و گردش حساب",
        "sees_en": "District 9 of Mashhad only, as its finance officer: invoices, payments, statement",
    },
    {
        "username": "shandiz", "role": "municipality_user", "first_name": "مهدی", "last_name": "عباسی",
        "title": "مسئول امور مالی شهرداری شاندیز", "email": "shandiz@example.com",
        "municipality": "Shandiz",
        "sees_fa": "فقط شهرداری شاندیز (شهر کوچک)",
        "sees_en": "the small town of Shandiz only",
    },
    {
        "username": "ceo", "role": "executive", "first_name": "محمد", "last_name": "سنجری",
        "title": "مدیرعامل", "email": "ceo@example.com",
        "sees_fa": "داشبوردهای کل سازمان، فقط خواندنی",
        "sees_en": "read-only dashboards of the whole organization",
    },
]
