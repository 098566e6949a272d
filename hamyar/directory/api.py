"""The directory over HTTP: municipalities, assets, providers, domains, capabilities, agreements.

Each endpoint validates the shape of its input, reads through a scoped selector,
calls one service and serialises; who may do what is the services' decision.
"""

from datetime import date
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from ninja.responses import Status
from pydantic import StrictBool, StrictInt

from hamyar.core.apikit import (
    MAX_ID,
    MAX_TEXT,
    DateInput,
    Id,
    InputSchema,
    PageQuery,
    Ref,
    decimal_input,
    describe,
    page_of,
    paginate,
    partial,
    resolve_refs,
    text,
    text_of,
    whole_input,
)
from hamyar.core.jalali import format_jalali_date
from hamyar.core.roles import Role
from hamyar.core.scoping import require_role

from . import selectors, services
from .choices import AssetKind, MunicipalityKind, ProviderKind
from .models import (
    AgencyAgreement,
    Capability,
    MunicipalAsset,
    Municipality,
    Provider,
    ServiceDomain,
)

router = Router()

MUNICIPALITY_EDITORS = (Role.ORG_ADMIN,)

PathId = Path(..., ge=1, le=MAX_ID)
QueryId = Field(None, ge=1, le=MAX_ID)


def _check_role(request: HttpRequest, roles: tuple[Role, ...]) -> None:
    # The service checks again; checking first makes a wrong role a 403 even when the
    # input also names objects the user cannot see (which would otherwise be a 422).
    require_role(request.auth, *roles)


def _jalali(value: date) -> str:
    return format_jalali_date(value, persian_digits=False)



# ---------------------------------------------------------------- municipalities


class MunicipalityOut(Schema):
    id: int
    name: str
    name_en: str
    kind: MunicipalityKind
    kind_label: str
    parent: Ref | None
    county: str
    population: int | None
    population_source: str
    area_ha: float | None
    grade: int | None
    residents_per_hectare: float | None

    @staticmethod
    def resolve_kind_label(obj: Municipality) -> str:
        return obj.get_kind_display()


class MunicipalityIn(InputSchema):
    name: text_of(Municipality, "name")
    name_en: text_of(Municipality, "name_en") = ""
    kind: MunicipalityKind
    parent: Id | None = None
    county: text_of(Municipality, "county") = ""
    population: StrictInt | None = Field(None, ge=0)
    population_source: text_of(Municipality, "population_source") = ""
    area_ha: decimal_input(gt=0, max_digits=10, decimal_places=1) | None = None
    grade: StrictInt | None = Field(None, ge=1, le=12)


MunicipalityPatch = partial(MunicipalityIn)


class MunicipalityQuery(PageQuery):
    q: text(200) | None = None
    kind: MunicipalityKind | None = None
    parent: int | None = QueryId


municipalities = Router(tags=["municipalities"])


@municipalities.get("", response={200: page_of(MunicipalityOut)},
                    openapi_extra=describe(Municipality))
def list_municipalities(request: HttpRequest, filters: Query[MunicipalityQuery]) -> Any:
    qs = selectors.municipality_list(user=request.auth, q=filters.q, kind=filters.kind,
                                     parent_id=filters.parent)
    return paginate(qs, filters)


@municipalities.get("/{id}", response={200: MunicipalityOut}, openapi_extra=describe(Municipality))
def get_municipality(request: HttpRequest, id: int = PathId) -> Any:
    return selectors.municipality_get(user=request.auth, pk=id)


@municipalities.post("", response={201: MunicipalityOut}, openapi_extra=describe(Municipality))
def create_municipality(request: HttpRequest, payload: MunicipalityIn) -> Any:
    _check_role(request, MUNICIPALITY_EDITORS)
    data = resolve_refs(request.auth, payload.model_dump(), parent=selectors.municipality_get)
    return Status(201, services.municipality_create(acting_user=request.auth, data=data))


@municipalities.patch("/{id}", response={200: MunicipalityOut},
                      openapi_extra=describe(Municipality))
def update_municipality(request: HttpRequest, payload: MunicipalityPatch, id: int = PathId) -> Any:
    municipality = selectors.municipality_get(user=request.auth, pk=id)
    _check_role(request, MUNICIPALITY_EDITORS)
    data = resolve_refs(request.auth, payload.model_dump(exclude_unset=True),
                        parent=selectors.municipality_get)
    return services.municipality_update(municipality=municipality, acting_user=request.auth, data=data)


# ---------------------------------------------------------------- assets


class AssetOut(Schema):
    id: int
    municipality: Ref
    name: str
    kind: AssetKind
    kind_label: str
    area_ha: float | None
    description: str

    @staticmethod
    def resolve_kind_label(obj: MunicipalAsset) -> str:
        return obj.get_kind_display()


class AssetIn(InputSchema):
    municipality: Id
    name: text_of(MunicipalAsset, "name")
    kind: AssetKind
    area_ha: decimal_input(gt=0, max_digits=10, decimal_places=2) | None = None
    description: text(MAX_TEXT) = ""


AssetPatch = partial(AssetIn)


class AssetQuery(PageQuery):
    q: text(200) | None = None
    kind: AssetKind | None = None
    municipality: int | None = QueryId


assets = Router(tags=["assets"])


@assets.get("", response={200: page_of(AssetOut)}, openapi_extra=describe(MunicipalAsset))
def list_assets(request: HttpRequest, filters: Query[AssetQuery]) -> Any:
    qs = selectors.asset_list(user=request.auth, municipality_id=filters.municipality, kind=filters.kind,
                              q=filters.q)
    return paginate(qs, filters)


@assets.get("/{id}", response={200: AssetOut}, openapi_extra=describe(MunicipalAsset))
def get_asset(request: HttpRequest, id: int = PathId) -> Any:
    return selectors.asset_get(user=request.auth, pk=id)


@assets.post("", response={201: AssetOut}, openapi_extra=describe(MunicipalAsset))
def create_asset(request: HttpRequest, payload: AssetIn) -> Any:
    _check_role(request, services.ASSET_EDITORS)
    data = resolve_refs(request.auth, payload.model_dump(), municipality=selectors.municipality_get)
    return Status(201, services.asset_create(acting_user=request.auth, data=data))


@assets.patch("/{id}", response={200: AssetOut}, openapi_extra=describe(MunicipalAsset))
def update_asset(request: HttpRequest, payload: AssetPatch, id: int = PathId) -> Any:
    asset = selectors.asset_get(user=request.auth, pk=id)
    _check_role(request, services.ASSET_EDITORS)
    data = resolve_refs(request.auth, payload.model_dump(exclude_unset=True),
                        municipality=selectors.municipality_get)
    return services.asset_update(asset=asset, acting_user=request.auth, data=data)


# ---------------------------------------------------------------- providers


class ProviderOut(Schema):
    id: int
    name: str
    kind: ProviderKind
    kind_label: str
    legal_id: str
    contact_name: str
    phone: str
    mobile: str
    email: str
    address: str
    postal_code: str
    sheba: str
    city: str
    description: str
    is_active: bool

    @staticmethod
    def resolve_kind_label(obj: Provider) -> str:
        return obj.get_kind_display()


class ProviderIn(InputSchema):
    name: text_of(Provider, "name")
    kind: ProviderKind
    # Identifiers are checked by the model (check digits); here only their size is bounded,
    # loosely, since Persian digits and separators are still to be cleaned.
    legal_id: text(40) = ""
    contact_name: text_of(Provider, "contact_name") = ""
    phone: text(40) = ""
    mobile: text(40) = ""
    email: text_of(Provider, "email") = ""
    address: text_of(Provider, "address") = ""
    postal_code: text(40) = ""
    sheba: text(60) = ""
    city: text_of(Provider, "city") = ""
    description: text(MAX_TEXT) = ""
    is_active: StrictBool = True


ProviderPatch = partial(ProviderIn)


class ProviderQuery(PageQuery):
    q: text(200) | None = None
    kind: ProviderKind | None = None
    domain: int | None = QueryId


providers = Router(tags=["providers"])


@providers.get("", response={200: page_of(ProviderOut)}, openapi_extra=describe(Provider))
def list_providers(request: HttpRequest, filters: Query[ProviderQuery]) -> Any:
    qs = selectors.provider_list(user=request.auth, q=filters.q, kind=filters.kind, domain_id=filters.domain)
    return paginate(qs, filters)


@providers.get("/{id}", response={200: ProviderOut}, openapi_extra=describe(Provider))
def get_provider(request: HttpRequest, id: int = PathId) -> Any:
    return selectors.provider_get(user=request.auth, pk=id)


@providers.post("", response={201: ProviderOut}, openapi_extra=describe(Provider))
def create_provider(request: HttpRequest, payload: ProviderIn) -> Any:
    _check_role(request, services.DIRECTORY_EDITORS)
    return Status(201, services.provider_create(acting_user=request.auth, data=payload.model_dump()))


@providers.patch("/{id}", response={200: ProviderOut}, openapi_extra=describe(Provider))
def update_provider(request: HttpRequest, payload: ProviderPatch, id: int = PathId) -> Any:
    provider = selectors.provider_get(user=request.auth, pk=id)
    _check_role(request, services.DIRECTORY_EDITORS)
    return services.provider_update(provider=provider, acting_user=request.auth,
                                    data=payload.model_dump(exclude_unset=True))


# ---------------------------------------------------------------- service domains


class DomainOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    parent: Ref | None


class DomainIn(InputSchema):
    code: text_of(ServiceDomain, "code")
    name: text_of(ServiceDomain, "name")
    name_en: text_of(ServiceDomain, "name_en") = ""
    parent: Id | None = None


DomainPatch = partial(DomainIn)


class DomainQuery(PageQuery):
    parent: int | None = QueryId


domains = Router(tags=["domains"])


@domains.get("", response={200: page_of(DomainOut)}, openapi_extra=describe(ServiceDomain))
def list_domains(request: HttpRequest, filters: Query[DomainQuery]) -> Any:
    return paginate(selectors.domain_list(user=request.auth, parent_id=filters.parent), filters)


@domains.get("/{id}", response={200: DomainOut}, openapi_extra=describe(ServiceDomain))
def get_domain(request: HttpRequest, id: int = PathId) -> Any:
    return selectors.domain_get(user=request.auth, pk=id)


@domains.post("", response={201: DomainOut}, openapi_extra=describe(ServiceDomain))
def create_domain(request: HttpRequest, payload: DomainIn) -> Any:
    _check_role(request, services.DIRECTORY_EDITORS)
    data = resolve_refs(request.auth, payload.model_dump(), parent=selectors.domain_get)
    return Status(201, services.domain_create(acting_user=request.auth, data=data))


@domains.patch("/{id}", response={200: DomainOut}, openapi_extra=describe(ServiceDomain))
def update_domain(request: HttpRequest, payload: DomainPatch, id: int = PathId) -> Any:
    domain = selectors.domain_get(user=request.auth, pk=id)
    _check_role(request, services.DIRECTORY_EDITORS)
    data = resolve_refs(request.auth, payload.model_dump(exclude_unset=True), parent=selectors.domain_get)
    return services.domain_update(domain=domain, acting_user=request.auth, data=data)


# ---------------------------------------------------------------- capabilities


class CapabilityOut(Schema):
    id: int
    provider: Ref
    domain: Ref
    level: int
    monthly_capacity: int
    capacity_unit: str
    notes: str


class CapabilityIn(InputSchema):
    provider: Id
    domain: Id
    level: StrictInt = Field(..., description="1 (can try) to 5 (the best).")
    monthly_capacity: StrictInt
    capacity_unit: text_of(Capability, "capacity_unit") = ""
    notes: text_of(Capability, "notes") = ""


CapabilityPatch = partial(CapabilityIn)


class CapabilityQuery(PageQuery):
    provider: int | None = QueryId
    domain: int | None = QueryId
    min_level: whole_input(ge=1, le=5) | None = None


capabilities = Router(tags=["capabilities"])


@capabilities.get("", response={200: page_of(CapabilityOut)}, openapi_extra=describe(Capability))
def list_capabilities(request: HttpRequest, filters: Query[CapabilityQuery]) -> Any:
    qs = selectors.capability_list(user=request.auth, provider_id=filters.provider,
                                   domain_id=filters.domain, min_level=filters.min_level)
    return paginate(qs, filters)


@capabilities.get("/{id}", response={200: CapabilityOut}, openapi_extra=describe(Capability))
def get_capability(request: HttpRequest, id: int = PathId) -> Any:
    return selectors.capability_get(user=request.auth, pk=id)


@capabilities.post("", response={201: CapabilityOut}, openapi_extra=describe(Capability))
def create_capability(request: HttpRequest, payload: CapabilityIn) -> Any:
    _check_role(request, services.DIRECTORY_EDITORS)
    data = resolve_refs(request.auth, payload.model_dump(), provider=selectors.provider_get,
                        domain=selectors.domain_get)
    return Status(201, services.capability_create(acting_user=request.auth, data=data))


@capabilities.patch("/{id}", response={200: CapabilityOut}, openapi_extra=describe(Capability))
def update_capability(request: HttpRequest, payload: CapabilityPatch, id: int = PathId) -> Any:
    capability = selectors.capability_get(user=request.auth, pk=id)
    _check_role(request, services.DIRECTORY_EDITORS)
    data = resolve_refs(request.auth, payload.model_dump(exclude_unset=True),
                        provider=selectors.provider_get, domain=selectors.domain_get)
    return services.capability_update(capability=capability, acting_user=request.auth, data=data)


# ---------------------------------------------------------------- agency agreements


class AgreementOut(Schema):
    id: int
    supplier: Ref
    number: str
    starts_on: date
    starts_on_jalali: str
    ends_on: date
    ends_on_jalali: str
    commission_percent: float
    domains: list[Ref]
    notes: str
    is_expired: bool

    @staticmethod
    def resolve_starts_on_jalali(obj: AgencyAgreement) -> str:
        return _jalali(obj.starts_on)

    @staticmethod
    def resolve_ends_on_jalali(obj: AgencyAgreement) -> str:
        return _jalali(obj.ends_on)

    @staticmethod
    def resolve_domains(obj: AgencyAgreement) -> list[ServiceDomain]:
        return list(obj.domains.all())


class AgreementIn(InputSchema):
    supplier: Id
    number: text_of(AgencyAgreement, "number")
    starts_on: DateInput
    ends_on: DateInput
    commission_percent: decimal_input(ge=0, le=100, max_digits=5, decimal_places=2)
    domains: list[Id] = Field(default_factory=list, max_length=200)
    notes: text(MAX_TEXT) = ""


AgreementPatch = partial(AgreementIn)


class AgreementQuery(PageQuery):
    supplier: int | None = QueryId
    status: Literal["valid", "expired", "upcoming"] | None = None


agreements = Router(tags=["agreements"])


@agreements.get("", response={200: page_of(AgreementOut)}, openapi_extra=describe(AgencyAgreement))
def list_agreements(request: HttpRequest, filters: Query[AgreementQuery]) -> Any:
    qs = selectors.agreement_list(user=request.auth, supplier_id=filters.supplier, status=filters.status)
    return paginate(qs, filters)


@agreements.get("/{id}", response={200: AgreementOut}, openapi_extra=describe(AgencyAgreement))
def get_agreement(request: HttpRequest, id: int = PathId) -> Any:
    return selectors.agreement_get(user=request.auth, pk=id)


@agreements.post("", response={201: AgreementOut}, openapi_extra=describe(AgencyAgreement))
def create_agreement(request: HttpRequest, payload: AgreementIn) -> Any:
    _check_role(request, services.DIRECTORY_EDITORS)
    data = resolve_refs(request.auth, payload.model_dump(), supplier=selectors.provider_get,
                        domains=selectors.domain_get)
    return Status(201, services.agreement_create(acting_user=request.auth, data=data))


@agreements.patch("/{id}", response={200: AgreementOut}, openapi_extra=describe(AgencyAgreement))
def update_agreement(request: HttpRequest, payload: AgreementPatch, id: int = PathId) -> Any:
    agreement = selectors.agreement_get(user=request.auth, pk=id)
    _check_role(request, services.DIRECTORY_EDITORS)
    data = resolve_refs(request.auth, payload.model_dump(exclude_unset=True),
                        supplier=selectors.provider_get, domains=selectors.domain_get)
    return services.agreement_update(agreement=agreement, acting_user=request.auth, data=data)


router.add_router("/municipalities", municipalities)
router.add_router("/assets", assets)
router.add_router("/providers", providers)
router.add_router("/domains", domains)
router.add_router("/capabilities", capabilities)
router.add_router("/agreements", agreements)
