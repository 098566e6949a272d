"""`manage.py demo_logins`: who to sign in as, to see the demo from each role's side."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import translation

from hamyar.accounts.models import User
from hamyar.core.roles import Role
from hamyar.directory import demo

# Used while the accounts catalogue has no Persian translation of a role.
ROLE_FA = {
    Role.ORG_ADMIN: "مدیر سازمان",
    Role.COMMERCE_OFFICER: "کارشناس بازرگانی",
    Role.FINANCE_OFFICER: "کارشناس مالی",
    Role.PROJECT_MANAGER: "مدیر پروژه",
    Role.SUPPLIER_USER: "کاربر تأمین‌کننده",
    Role.MUNICIPALITY_USER: "کاربر شهرداری",
    Role.EXECUTIVE: "مدیر ارشد",
}


def role_labels(role: Role) -> tuple[str, str]:
    """The role's (Persian, English) names."""
    with translation.override("en"):
        english = str(role.label)
    with translation.override("fa"):
        persian = str(role.label)
    return (persian if persian != english else ROLE_FA[role]), english


def demo_login_rows() -> list[dict[str, str]]:
    """One row per demo user that exists in the database, in the order of the demo data."""
    present = set(
        User.objects.filter(username__in=[u["username"] for u in demo.USERS], is_active=True)
        .values_list("username", flat=True)
    )
    rows = []
    for spec in demo.USERS:
        if spec["username"] not in present:
            continue
        persian, english = role_labels(Role(spec["role"]))
        rows.append({
            "role_en": english, "role_fa": persian, "username": spec["username"],
            "password": demo.DEMO_PASSWORD, "sees_en": spec["sees_en"], "sees_fa": spec["sees_fa"],
        })
    return rows


class Command(BaseCommand):
    help = "Print the demo users: role, username, password and what each sees."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = demo_login_rows()
        if not rows:
            self.stdout.write("No demo users: run `manage.py load_demo` first.")
            return
        self.stdout.write(self.style.MIGRATE_HEADING("Hamyar demo logins — ورود به نسخهٔ نمایشی همیار"))
        header = {"role_en": "role", "role_fa": "نقش", "username": "username", "password": "password",
                  "sees_en": "sees", "sees_fa": "می‌بیند"}
        # Latin columns first so they line up; the Persian columns close the line,
        # where a right-to-left run cannot push the others around.
        widths = {key: max(len(row[key]) for row in [header, *rows])
                  for key in ("role_en", "username", "password", "role_fa")}
        for row in [header, *rows]:
            self.stdout.write(
                f"{row['role_en']:<{widths['role_en']}}  {row['username']:<{widths['username']}}  "
                f"{row['password']:<{widths['password']}}  {row['role_fa']:<{widths['role_fa']}}  "
                f"{row['sees_en']} | {row['sees_fa']}"
            )
