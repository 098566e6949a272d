"""Downloading audit history: one object's, for whoever may open its page; a period's, for the org
admin and the executive. Both are signed JSON files `manage.py audit_check_export` verifies."""

import datetime as dt
import json
from typing import Any

from django import forms
from django.apps import apps
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.core import access
from hamyar.core.audit import audit_chain_heads
from hamyar.core.audit_export import export_object, export_period
from hamyar.core.errors import PermissionDenied
from hamyar.core.forms import JalaliDateField
from hamyar.core.history import history_events
from hamyar.core.pages import page
from hamyar.core.roles import Role
from hamyar.core.scoping import membership_of, role_of, scoped_get

# The objects whose history may be downloaded, and the page that shows each (its roles decide).
DETAIL_PAGES = {
    "needs.need": "needs:need_detail",
    "commerce.quotation": "commerce:quotation_detail",
    "commerce.order": "commerce:order_detail",
    "commerce.grouppurchase": "commerce:group_purchase_detail",
    "finance.invoice": "finance:invoice_detail",
    "projects.project": "projects:project_detail",
}
AUDIT_EXPORTERS = frozenset({Role.ORG_ADMIN, Role.EXECUTIVE})


def _download(document: dict[str, Any], filename: str) -> HttpResponse:
    body = json.dumps(document, ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@page()
def audit_object_export(request: HttpRequest, object_type: str, pk: int) -> HttpResponse:
    """One object's history as a signed file, for a user who may open the object's page."""
    if object_type not in DETAIL_PAGES:
        raise Http404
    model = apps.get_model(object_type)
    obj = scoped_get(model._default_manager.all(), request.user, pk=pk)
    if not access.opens_for_role(role_of(request.user), reverse(DETAIL_PAGES[object_type], args=[pk])):
        raise PermissionDenied()
    organization_id = membership_of(request.user).organization_id
    document = export_object(obj=obj, organization_id=organization_id,
                             events=history_events(user=request.user, obj=obj))
    return _download(document, f"audit-{object_type.replace('.', '-')}-{pk}.json")


class PeriodForm(forms.Form):
    start = JalaliDateField(label=_("From"))
    end = JalaliDateField(label=_("To (inclusive)"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end is before the start."))
        return data


def _midnight(day: dt.date) -> dt.datetime:
    """The start of a day in the site's time zone (Tehran), where a Jalali day begins."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


@page(roles=AUDIT_EXPORTERS)
def audit_export(request: HttpRequest) -> HttpResponse:
    """The form for a period's history, and the signed file when it is filled in."""
    membership = membership_of(request.user)
    form = PeriodForm(request.GET or None)
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        document = export_period(membership.organization_id, _midnight(start),
                                 _midnight(end + dt.timedelta(days=1)))
        return _download(document, f"audit-{start:%Y%m%d}-{end:%Y%m%d}.json")
    head = audit_chain_heads([membership.organization_id]).get(membership.organization_id)
    return render(request, "web/audit_export.html", {"form": form, "head": head})
