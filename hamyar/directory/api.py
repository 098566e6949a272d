"""The directory over HTTP: municipalities, assets, providers, domains, capabilities, agreements.

Six resources of one shape, each declared once (`resource_router`): list (keyset pages,
filtered by its query), get, create and update. Each endpoint validates the shape of its
input, reads through a scoped selector, calls one service and serialises; who may do what
is the services' decision.
"""

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import StrictBool, StrictInt

from hamyar.core.apikit import (
    MAX_TEXT,
    DateInput,
    Id,
    InputSchema,
    PageQuery,
    PathId,
    Ref,
    decimal_input,
    describe,
    jalali_text,
    page_of,
    paginate,
    partial,
    resolve_refs,
    text,
    text_of,
)
from hamyar.core.filters import ListFilter
from hamyar.core.roles import Role
from hamyar.core.scoping import require_role

from . import selectors, services
from .choices import AssetKind, MunicipalityKind, ProviderKind
from .filters import (
    AgreementFilter,
    AssetFilter,
    CapabilityFilter,
    DomainFilter,
    MunicipalityFilter,
    ProviderFilter,
)
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


def resource_router(
    *, name: str, plural: str, model: type[Model], out: type[Schema], create_in: type[InputSchema],
    filters: type[ListFilter], selector_list: Callable[..., QuerySet], selector_get: Callable[..., Model],
    create: Callable[..., Model], update: Callable[..., Model], editors: tuple[Role, ...],
    refs: Mapping[str, Callable[..., Model]] | None = None,
) -> Router:
    """A router with the list, get, create and update of one resource, from its declaration.

    `name` names the update service's keyword and, with `plural`, the operations
    (list_<plural>, get_<name>, create_<name>, update_<name>); the list's query is its filter's
    (filters.py), passed to the selector as `filters`, and the page's cursor; `refs` maps a body
    field holding ids to the scoped getter that resolves them. The role is checked
    before the references are resolved: the service checks again, but checking first makes
    a wrong role a 403 even when the input also names objects the user cannot see (which
    would otherwise be a 422).
    """
    router = Router(tags=[plural])
    refs = dict(refs or {})
    patch_in = partial(create_in)
    query = filters.query_schema()
    extra = describe(model)

    def list_view(request: HttpRequest, filters: Query[query], page: Query[PageQuery]) -> Any:  # type: ignore[valid-type]
        return paginate(selector_list(user=request.auth, filters=filters.model_dump()), page)

    def get_view(request: HttpRequest, id: int = PathId) -> Any:
        return selector_get(user=request.auth, pk=id)

    def create_view(request: HttpRequest, payload: create_in) -> Any:  # type: ignore[valid-type]
        require_role(request.auth, *editors)
        data = resolve_refs(request.auth, payload.model_dump(), **refs)
        return Status(201, create(acting_user=request.auth, data=data))

    def update_view(request: HttpRequest, payload: patch_in, id: int = PathId) -> Any:  # type: ignore[valid-type]
        obj = selector_get(user=request.auth, pk=id)
        require_role(request.auth, *editors)
        data = resolve_refs(request.auth, payload.model_dump(exclude_unset=True), **refs)
        return update(**{name: obj}, acting_user=request.auth, data=data)

    operations = [
        ("GET", "", f"list_{plural}", list_view, {200: page_of(out)}),
        ("GET", "/{id}", f"get_{name}", get_view, {200: out}),
        ("POST", "", f"create_{name}", create_view, {201: out}),
        ("PATCH", "/{id}", f"update_{name}", update_view, {200: out}),
    ]
    for method, path, operation, view, response in operations:
        view.__name__ = view.__qualname__ = operation  # the operation's id, summary and URL name
        router.add_api_operation(path, [method], view, response=response, openapi_extra=extra)
    return router


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


municipalities = resource_router(
    name="municipality", plural="municipalities", model=Municipality, out=MunicipalityOut,
    create_in=MunicipalityIn, filters=MunicipalityFilter, selector_list=selectors.municipality_list,
    selector_get=selectors.municipality_get, create=services.municipality_create,
    update=services.municipality_update, editors=MUNICIPALITY_EDITORS,
    refs={"parent": selectors.municipality_get},
)


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


assets = resource_router(
    name="asset", plural="assets", model=MunicipalAsset, out=AssetOut, create_in=AssetIn, filters=AssetFilter,
    selector_list=selectors.asset_list, selector_get=selectors.asset_get, create=services.asset_create,
    update=services.asset_update, editors=services.ASSET_EDITORS,
    refs={"municipality": selectors.municipality_get},
)


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


providers = resource_router(
    name="provider", plural="providers", model=Provider, out=ProviderOut, create_in=ProviderIn,
    filters=ProviderFilter, selector_list=selectors.provider_list, selector_get=selectors.provider_get,
    create=services.provider_create, update=services.provider_update, editors=services.DIRECTORY_EDITORS,
)


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


domains = resource_router(
    name="domain", plural="domains", model=ServiceDomain, out=DomainOut, create_in=DomainIn,
    filters=DomainFilter,
    selector_list=selectors.domain_list, selector_get=selectors.domain_get, create=services.domain_create,
    update=services.domain_update, editors=services.DIRECTORY_EDITORS,
    refs={"parent": selectors.domain_get},
)


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


capabilities = resource_router(
    name="capability", plural="capabilities", model=Capability, out=CapabilityOut, create_in=CapabilityIn,
    filters=CapabilityFilter, selector_list=selectors.capability_list, selector_get=selectors.capability_get,
    create=services.capability_create, update=services.capability_update, editors=services.DIRECTORY_EDITORS,
    refs={"provider": selectors.provider_get, "domain": selectors.domain_get},
)


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
    def resolve_starts_on_jalali(obj: AgencyAgreement) -> str | None:
        return jalali_text(obj.starts_on)

    @staticmethod
    def resolve_ends_on_jalali(obj: AgencyAgreement) -> str | None:
        return jalali_text(obj.ends_on)

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


agreements = resource_router(
    name="agreement", plural="agreements", model=AgencyAgreement, out=AgreementOut, create_in=AgreementIn,
    filters=AgreementFilter, selector_list=selectors.agreement_list, selector_get=selectors.agreement_get,
    create=services.agreement_create, update=services.agreement_update, editors=services.DIRECTORY_EDITORS,
    refs={"supplier": selectors.provider_get, "domains": selectors.domain_get},
)


router.add_router("/municipalities", municipalities)
router.add_router("/assets", assets)
router.add_router("/providers", providers)
router.add_router("/domains", domains)
router.add_router("/capabilities", capabilities)
router.add_router("/agreements", agreements)
