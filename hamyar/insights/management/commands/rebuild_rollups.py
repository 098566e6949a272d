"""Recompute every rollup of every organization (or of one) from its orders and needs."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hamyar.directory.models import Organization
from hamyar.insights.services import rebuild


class Command(BaseCommand):
    help = "Rebuild the dashboards' rollups from scratch."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization", type=int, help="Only this organization's id.")

    def handle(self, *args: Any, organization: int | None = None, **options: Any) -> None:
        organizations = Organization.objects.order_by("pk")
        if organization is not None:
            organizations = organizations.filter(pk=organization)
        for org in organizations:
            counts = rebuild(org.pk)
            self.stdout.write(f"{org.name}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
