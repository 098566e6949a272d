"""The public face of the organization: what it has published, for anyone, signed in or not.

Nothing is published yet (no model declares a `published_filter`), so the page says so; the
contracting records in the Open Contracting Data Standard will be listed here once they are.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hamyar.core.pages import page
from hamyar.directory.models import Organization
from hamyar.insights.models import CRITERIA
from hamyar.insights.selectors import verdict_trend

from .audit_head import published_audit_heads


@page(public=True)
def published(request: HttpRequest) -> HttpResponse:
    """What the organization has published, the municipalities' verdict on it (averages only) and the
    head of its audit chain (so that a rewritten history shows)."""
    verdicts = [(organization, rows) for organization in Organization.objects.order_by("name")
                if (rows := verdict_trend(organization_id=organization.pk))]
    return render(request, "transparency/published.html", {
        "verdicts": verdicts, "criteria": CRITERIA, "audit_heads": published_audit_heads()})
