"""The public face of the organization: what it has published, for anyone, signed in or not.

Nothing is published yet (no model declares a `published_filter`), so the page says so; the
contracting records in the Open Contracting Data Standard will be listed here once they are.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hamyar.core.pages import page

from .audit_head import published_audit_heads


@page(public=True)
def published(request: HttpRequest) -> HttpResponse:
    """What the organization has published: nothing yet."""
    return render(request, "transparency/published.html", {"audit_heads": published_audit_heads()})
