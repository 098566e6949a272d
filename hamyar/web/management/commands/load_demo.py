"""`manage.py load_demo`: the demo organization of `hamyar.directory.demo`.

Everything goes through the services, so every row has its AuditEvent and passes
the same validation as a clerk's input. Rows are matched by their natural keys
(slug, name, code, number, username): a second run adds only what is missing and
changes nothing that exists.

Apps above the directory (catalog, needs, commerce…) add their own demo rows
without the directory importing them: after the directory and the users are in
place, every installed `hamyar.<app>` whose `demo` module defines
`load_<app>_demo(*, organization, acting_user) -> Counter` is called, in the order
of INSTALLED_APPS (which is the order of their dependencies), with the org admin
acting. Each must be idempotent too.
"""

import datetime as dt
import importlib
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from hamyar.accounts.models import User
from hamyar.accounts.services import user_create
from hamyar.core.errors import ApplicationError
from hamyar.core.text import normalize
from hamyar.directory import demo, services
from hamyar.directory.models import (
    AgencyAgreement,
    Capability,
    MunicipalAsset,
    Municipality,
    Organization,
    Provider,
    ServiceDomain,
)

T = TypeVar("T")


def app_demo_loaders() -> list[Callable[..., Counter[str]]]:
    """`load_<app>_demo` of every installed Hamyar app that has one, in INSTALLED_APPS order."""
    loaders = []
    for config in apps.get_app_configs():
        if not config.name.startswith("hamyar.") or config.label == "directory":
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.demo":
                raise  # the demo module exists but one of its imports is broken
            continue
        loader = getattr(module, f"load_{config.label}_demo", None)
        if callable(loader):
            loaders.append(loader)
    return loaders


class DemoLoader:
    """Creates what is missing of the demo organization and counts what it created."""

    def __init__(self) -> None:
        self.created: Counter[str] = Counter()
        self.today = timezone.localdate()

    def _ensure(self, label: str, existing: T | None, create: Callable[[], T]) -> T:
        if existing is not None:
            return existing
        obj = create()
        self.created[label] += 1
        return obj

    def load(self) -> Counter[str]:
        org = self._ensure(
            "organizations",
            Organization.objects.filter(slug=demo.ORGANIZATION["slug"]).first(),
            lambda: services.organization_create(**demo.ORGANIZATION),
        )
        users = {u["username"]: u for u in demo.USERS}
        admin_spec = next(u for u in demo.USERS if u["role"] == "org_admin")
        # The first org admin has no one to act for them; everything after acts as them.
        admin = self._user(org, admin_spec, acting_user=None)
        municipalities = self._municipalities(org, admin)
        self._assets(org, admin, municipalities)
        domains = self._domains(org, admin)
        providers = self._providers(org, admin, domains)
        for spec in users.values():
            if spec is not admin_spec:
                self._user(org, spec, acting_user=admin, municipalities=municipalities,
                           providers=providers)
        for load_app_demo in app_demo_loaders():
            self.created.update(load_app_demo(organization=org, acting_user=admin))
        return self.created

    def _user(self, org: Organization, spec: dict[str, Any], *, acting_user: User | None,
              municipalities: dict[str, Municipality] | None = None,
              providers: dict[str, Provider] | None = None) -> User:
        existing = User.objects.filter(username__iexact=spec["username"]).select_related(
            "membership").first()
        if existing is not None:
            membership = getattr(existing, "membership", None)
            if membership is None or membership.organization_id != org.pk:
                raise CommandError(
                    f"The username {spec['username']!r} is taken by someone outside the demo organization."
                )
            return existing
        municipality = (municipalities or {}).get(spec.get("municipality", ""))
        provider = (providers or {}).get(spec.get("provider", ""))
        user = user_create(
            acting_user=acting_user, organization=org, username=spec["username"],
            password=demo.DEMO_PASSWORD, role=spec["role"], first_name=spec["first_name"],
            last_name=spec["last_name"], email=spec["email"], title=spec["title"],
            municipality=municipality, provider=provider, post=spec.get("post", ""),
        )
        self.created["users"] += 1
        return user

    def _municipalities(self, org: Organization, admin: User) -> dict[str, Municipality]:
        """By English name, which the demo data uses as the key."""
        by_name_en: dict[str, Municipality] = {}
        for row in demo.municipality_rows():
            data = {**row, "parent": by_name_en[row["parent"]] if row["parent"] else None}
            by_name_en[row["name_en"]] = self._ensure(
                "municipalities",
                Municipality.objects.filter(organization=org, name=normalize(row["name"])).first(),
                lambda data=data: services.municipality_create(acting_user=admin, data=data),
            )
        return by_name_en

    def _assets(self, org: Organization, admin: User, municipalities: dict[str, Municipality]) -> None:
        for name_en, name, kind, area_ha, description in demo.ASSETS:
            municipality = municipalities[name_en]
            data = {"municipality": municipality, "name": name, "kind": kind, "area_ha": area_ha,
                    "description": description}
            self._ensure(
                "assets",
                MunicipalAsset.objects.filter(municipality=municipality, name=normalize(name)).first(),
                lambda data=data: services.asset_create(acting_user=admin, data=data),
            )

    def _domains(self, org: Organization, admin: User) -> dict[str, ServiceDomain]:
        by_code: dict[str, ServiceDomain] = {}
        for code, name, name_en, parent in demo.DOMAINS:
            data = {"code": code, "name": name, "name_en": name_en,
                    "parent": by_code[parent] if parent else None}
            by_code[code] = self._ensure(
                "domains",
                ServiceDomain.objects.filter(organization=org, code=code).first(),
                lambda data=data: services.domain_create(acting_user=admin, data=data),
            )
        return by_code

    def _providers(self, org: Organization, admin: User,
                   domains: dict[str, ServiceDomain]) -> dict[str, Provider]:
        """Providers with their capabilities and agency agreements, by name."""
        by_name: dict[str, Provider] = {}
        for spec in demo.PROVIDERS:
            data = {k: v for k, v in spec.items() if k not in {"capabilities", "agreement"}}
            provider = self._ensure(
                "providers",
                Provider.objects.filter(organization=org, name=normalize(spec["name"])).first(),
                lambda data=data: services.provider_create(acting_user=admin, data=data),
            )
            by_name[spec["name"]] = provider
            for code, level, capacity, unit in spec["capabilities"]:
                domain = domains[code]
                data = {"provider": provider, "domain": domain, "level": level,
                        "monthly_capacity": capacity, "capacity_unit": unit}
                self._ensure(
                    "capabilities",
                    Capability.objects.filter(provider=provider, domain=domain).first(),
                    lambda data=data: services.capability_create(acting_user=admin, data=data),
                )
            if "agreement" in spec:
                self._agreement(org, admin, provider, spec["agreement"], domains)
        return by_name

    def _agreement(self, org: Organization, admin: User, supplier: Provider, spec: dict[str, Any],
                   domains: dict[str, ServiceDomain]) -> None:
        data = {
            "supplier": supplier,
            "number": spec["number"],
            "starts_on": self.today + dt.timedelta(days=spec["starts"]),
            "ends_on": self.today + dt.timedelta(days=spec["ends"]),
            "commission_percent": spec["commission"],
            "domains": [domains[code] for code in spec["domains"]],
        }
        self._ensure(
            "agreements",
            AgencyAgreement.objects.filter(organization=org, number=normalize(spec["number"])).first(),
            lambda: services.agreement_create(acting_user=admin, data=data),
        )


class Command(BaseCommand):
    help = "Load the demo organization (Khorasan Razavi); running it again adds only what is missing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true",
            help="Do nothing when any organization exists (what `make run` uses).",
        )

    def handle(self, *args: Any, if_empty: bool = False, **options: Any) -> None:
        if if_empty and Organization.objects.exists():
            self.stdout.write("An organization exists already: the demo was not loaded.")
            return
        try:
            with transaction.atomic():
                created = DemoLoader().load()
        except ApplicationError as error:
            raise CommandError(f"The demo could not be loaded: {error.message} {error.extra or ''}") from None
        if not created:
            self.stdout.write("The demo organization is complete: nothing to add.")
            return
        summary = ", ".join(f"{label}: {count}" for label, count in created.items())
        self.stdout.write(self.style.SUCCESS(f"Demo organization loaded — created {summary}."))
