"""The demo organization and its places: the municipalities (census figures) and their assets."""

import csv
import io
from decimal import Decimal
from typing import Any

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
