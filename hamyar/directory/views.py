"""Directory pages: municipalities, assets, providers, agreements and the capability map.

Each view reads through a scoped selector and writes through a service; a list
view answers an HTMX live search with its results fragment only.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hamyar.core import access
from hamyar.core.errors import InvalidInput
from hamyar.core.pages import page, render_list
from hamyar.core.scoping import role_of

from . import selectors, services
from .filters import AgreementFilter, AssetFilter, MunicipalityFilter, ProviderFilter
from .forms import AssetForm
from .models import AgencyAgreement, MunicipalAsset, Municipality, Provider


@page(roles=access.MUNICIPALITY_READERS, model=Municipality)
def municipality_list(request: HttpRequest) -> HttpResponse:
    form = MunicipalityFilter(request.GET, page=True)
    rows = selectors.municipality_list(user=request.user, filters=form.values())
    return render_list(request, template="directory/municipality_list.html",
                       fragment="directory/partials/municipality_results.html", rows=rows,
                       context={"filter_form": form})


@page(roles=access.MUNICIPALITY_READERS, model=Municipality)
def municipality_detail(request: HttpRequest, pk: int) -> HttpResponse:
    context = selectors.municipality_profile(user=request.user, pk=pk)
    context["can_add_asset"] = role_of(request.user) in access.ASSET_EDITORS
    return render(request, "directory/municipality_detail.html", context)


@page(roles=access.ASSET_READERS, model=MunicipalAsset)
def asset_list(request: HttpRequest) -> HttpResponse:
    form = AssetFilter(request.GET, page=True)
    rows = selectors.asset_list(user=request.user, filters=form.values())
    return render_list(request, template="directory/asset_list.html",
                       fragment="directory/partials/asset_results.html", rows=rows,
                       context={"filter_form": form})


@page(roles=access.ASSET_READERS, model=MunicipalAsset)
def asset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    asset = selectors.asset_get(user=request.user, pk=pk)
    return render(request, "directory/asset_detail.html", {"asset": asset})


@page(roles=access.ASSET_EDITORS, model=Municipality)
def asset_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new asset of one municipality; bad input answers 422 with the form and writes nothing."""
    municipality = selectors.municipality_get(user=request.user, pk=pk)
    form = AssetForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                asset = services.asset_create(
                    acting_user=request.user, data={**form.cleaned_data, "municipality": municipality}
                )
            except InvalidInput as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("The asset was added."))
                return redirect("directory:asset_detail", pk=asset.pk)
        return render(request, "directory/asset_form.html",
                      {"form": form, "municipality": municipality}, status=422)
    return render(request, "directory/asset_form.html", {"form": form, "municipality": municipality})


@page(roles=access.PROVIDER_READERS, model=Provider)
def provider_list(request: HttpRequest) -> HttpResponse:
    form = ProviderFilter(request.GET, page=True)
    rows = selectors.provider_list(user=request.user, filters=form.values())
    return render_list(request, template="directory/provider_list.html",
                       fragment="directory/partials/provider_results.html", rows=rows,
                       context={"filter_form": form})


@page(roles=access.PROVIDER_READERS, model=Provider)
def provider_detail(request: HttpRequest, pk: int) -> HttpResponse:
    provider = selectors.provider_get(user=request.user, pk=pk)
    show_agreements = role_of(request.user) in access.AGREEMENT_READERS
    return render(request, "directory/provider_detail.html", {
        "provider": provider,
        "capabilities": selectors.capability_list(user=request.user, provider_id=provider.pk),
        "show_agreements": show_agreements,
        "agreements": selectors.agreement_list(user=request.user, supplier_id=provider.pk)
        if show_agreements else [],
    })


@page(roles=access.AGREEMENT_READERS, model=AgencyAgreement)
def agreement_list(request: HttpRequest) -> HttpResponse:
    form = AgreementFilter(request.GET, page=True)
    rows = selectors.agreement_list(user=request.user, filters=form.values())
    return render_list(request, template="directory/agreement_list.html",
                       fragment="directory/partials/agreement_results.html", rows=rows,
                       context={"filter_form": form})


@page(roles=access.CAPABILITY_MAP_READERS, model=Provider)
def capability_map(request: HttpRequest) -> HttpResponse:
    overview = selectors.capability_overview(user=request.user)
    return render(request, "directory/capability_map.html",
                  {**overview, "object_list": [row["provider"] for row in overview["rows"]]})
