"""The demo's users: one per role, with what each sees."""

from typing import Any

DEMO_PASSWORD = "Hamyar-Demo-1405"

# One demo user per role, plus small towns' municipality users (Shandiz; Torqabeh and Kariz, who
# joined the group purchases of benches) and District 9's mayor and finance officer (its approval
# chain and its bills). The executive and District 9's
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
        "username": "torqabeh", "role": "municipality_user", "first_name": "علی", "last_name": "رضایی",
        "title": "کارشناس تدارکات شهرداری طرقبه", "email": "torqabeh@example.com",
        "municipality": "Torqabeh",
        "sees_fa": "فقط شهرداری طرقبه (شهر کوچک): خرید تجمیعی نیمکت، سفارش و صرفه‌جویی آن",
        "sees_en": "the small town of Torqabeh only: its group purchases, orders and savings",
    },
    {
        "username": "kariz", "role": "municipality_user", "first_name": "سمیه", "last_name": "کریمی",
        "title": "کارشناس تدارکات شهرداری کاریز", "email": "kariz@example.com",
        "municipality": "Kariz",
        "sees_fa": "فقط شهرداری کاریز (شهر کوچک): خریدهای تجمیعی و سفارش‌ها",
        "sees_en": "the small town of Kariz only: its group purchases and orders",
    },
    {
        "username": "ceo", "role": "executive", "first_name": "محمد", "last_name": "سنجری",
        "title": "مدیرعامل", "email": "ceo@example.com",
        "sees_fa": "داشبوردهای کل سازمان، فقط خواندنی",
        "sees_en": "read-only dashboards of the whole organization",
    },
]
