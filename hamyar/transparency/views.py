"""The public face of the organization, and the org admin's choice of what it publishes.

Anyone, signed in or not, reads the published processes of each organization (searchable, each with
its timeline) and its headline figures; the same records are published in the Open Contracting Data
Standard at /api/v1/ocds/<organization>/…, as the publication policy chooses. The public pages are
rate-limited per address (core.throttle) and read through the cached `public_*` selectors.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamyar.core.errors import NotFound
from hamyar.core.pages import page, page_action, render_list
from hamyar.core.roles import ORGANIZATION_WIDE_ROLES, Role
from hamyar.core.scoping import membership_of
from hamyar.directory.models import Organization
from hamyar.insights.models import CRITERIA
from hamyar.insights.selectors import verdict_trend

from . import selectors, services, tasks
from .audit_head import published_audit_heads
from .forms import PublicationPolicyForm, PublicProcessFilter
from .models import PublicationPolicy

POLICY_READERS = ORGANIZATION_WIDE_ROLES


@page(public=True)
def published(request: HttpRequest) -> HttpResponse:
    """Each organization that publishes, with its headline figures; the municipalities' verdict on each
    (averages only) and the head of its audit chain (so that a rewritten history shows)."""
    organizations = [(organization, selectors.public_figures_of(organization=organization))
                     for organization in selectors.public_organizations()]
    verdicts = [(organization, rows) for organization in Organization.objects.order_by("name")
                if (rows := verdict_trend(organization_id=organization.pk))]
    return render(request, "transparency/published.html", {
        "organizations": organizations, "verdicts": verdicts, "criteria": CRITERIA,
        "audit_heads": published_audit_heads()})


def _publishing(slug: str) -> Organization:
    organization = selectors.published_organization(slug=slug)
    if organization is None or not selectors.public_policy(organization).kinds:
        raise NotFound(_("This organization publishes nothing here."))
    return organization


@page(public=True)
def processes(request: HttpRequest, slug: str) -> HttpResponse:
    """One organization's published processes: searched and filtered, the most recently changed first."""
    organization = _publishing(slug)
    summaries = selectors.public_summaries(organization=organization)
    form = PublicProcessFilter(request.GET or None, summaries=summaries)
    rows = selectors.public_processes(summaries, form.values() if form.is_bound else {})
    return render_list(request, template="transparency/processes.html",
                       fragment="transparency/partials/process_rows.html", rows=rows,
                       context={"filter_form": form, "organization": organization,
                                "figures": selectors.public_figures_of(organization=organization)})


@page(public=True)
def process(request: HttpRequest, slug: str, ocid: str) -> HttpResponse:
    """One published process and its timeline: each release as the step a reader follows."""
    organization = _publishing(slug)
    found = selectors.public_process(organization=organization, ocid=ocid)
    if found is None:
        raise NotFound(_("This process is not published."))
    return render(request, "transparency/process.html", {"organization": organization, "process": found})


@page(roles=POLICY_READERS, model=PublicationPolicy)
def publication_policy(request: HttpRequest) -> HttpResponse:
    """What the organization publishes (OCDS): read by its managers, changed by its admin (audited)."""
    membership = membership_of(request.user)
    organization = membership.organization
    policy = selectors.publication_policy_get(organization_id=organization.pk)
    can_edit = Role(membership.role) in services.POLICY_EDITORS
    initial = {"kinds": list(policy.kinds),
               "withheld_domains": list(policy.withheld_domains.all()) if policy.pk else []}
    form = PublicationPolicyForm(request.POST if request.method == "POST" else None, initial=initial,
                                 organization_id=organization.pk)
    context = {"form": form, "policy": policy, "can_edit": can_edit, "organization": organization,
               "kinds": [label for value, label in form.fields["kinds"].choices if value in policy.kinds],
               "withheld": initial["withheld_domains"],
               "export": selectors.ocds_export_latest(organization=organization)}
    if request.method != "POST":
        return render(request, "transparency/publication_policy.html", context)
    if not form.is_valid():
        services.publication_policy_editor(acting_user=request.user)  # a wrong role hears 403 first
        return render(request, "transparency/publication_policy.html", context, status=422)
    kinds, domains = form.cleaned_data["kinds"], [d.pk for d in form.cleaned_data["withheld_domains"]]
    return page_action(
        request, lambda: services.publication_policy_set(acting_user=request.user, kinds=kinds,
                                                         withheld_domain_ids=domains),
        redirect_to=reverse("transparency:policy"), forms=[form], success=_("What is published was saved."),
        show=lambda error: render(request, "transparency/publication_policy.html",
                                  {**context, "error": error}))


@require_POST
@page(roles=(Role.ORG_ADMIN,), model=PublicationPolicy)
def export_start(request: HttpRequest) -> HttpResponse:
    """Queue a new bulk file of every published release (the org admin)."""
    return page_action(
        request, lambda: tasks.ocds_export_start(acting_user=request.user),
        redirect_to=reverse("transparency:policy"),
        success=_("The bulk file is being built; it can be downloaded once it is ready."),
        show=lambda error: render(request, "transparency/publication_policy.html", {"error": error}))
