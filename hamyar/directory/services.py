"""Every write to the directory: who may make it, with what, and its audit record.

Views and API endpoints pass plain field values; foreign keys arrive as objects
the caller fetched through a scoped selector, and are checked again here.
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser as User  # accounts' User: a layer above
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from hamyar.core.audit import audit_record, snapshot
from hamyar.core.changes import announce
from hamyar.core.errors import InvalidInput, NotFound
from hamyar.core.roles import Role
from hamyar.core.scoping import in_scope, require_role
from hamyar.core.services import invalid_from, save_audited
from hamyar.core.text import normalize, search_key
from hamyar.core.validators import clean_digits, normalize_mobile

from .choices import ProviderKind
from .models import (
    AgencyAgreement,
    Capability,
    MunicipalAsset,
    Municipality,
    Organization,
    Provider,
    ServiceDomain,
)

DIRECTORY_EDITORS = (Role.ORG_ADMIN, Role.COMMERCE_OFFICER)
ASSET_EDITORS = (Role.ORG_ADMIN, Role.COMMERCE_OFFICER, Role.MUNICIPALITY_USER)

_TEXT_FIELDS = {"name", "name_en", "county", "contact_name", "address", "city",
                "number", "capacity_unit", "population_source"}
_MULTILINE_FIELDS = {"description", "notes"}
_DIGIT_FIELDS = {"legal_id", "postal_code", "phone"}


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """Normalize Persian text and digits the same way for every writer."""
    cleaned = {}
    for key, value in data.items():
        if key in _TEXT_FIELDS and isinstance(value, str):
            value = normalize(value)
        elif key in _MULTILINE_FIELDS and isinstance(value, str):
            value = normalize(value, multiline=True)
        elif key in _DIGIT_FIELDS and isinstance(value, str):
            value = clean_digits(value)
        elif key == "mobile" and isinstance(value, str):
            value = normalize_mobile(value) if value.strip() else ""
        elif key == "sheba" and isinstance(value, str):
            value = clean_digits(value).upper()
        elif key == "email" and isinstance(value, str):
            value = value.strip().lower()
        cleaned[key] = value
    return cleaned


def _require_visible(obj: Model | None, acting_user: User) -> None:
    if obj is not None and not in_scope(obj, acting_user):
        raise NotFound()


def _apply(obj: Model, data: dict[str, Any]) -> None:
    for key, value in _clean(data).items():
        setattr(obj, key, value)
    if isinstance(obj, Municipality | MunicipalAsset | Provider):  # the models searched by name
        obj.search_name = search_key(obj.name)


def municipality_create(*, acting_user: User, data: dict[str, Any]) -> Municipality:
    membership = require_role(acting_user, Role.ORG_ADMIN)
    _require_visible(data.get("parent"), acting_user)
    municipality = Municipality(organization=membership.organization)
    _apply(municipality, data)
    return save_audited(municipality, acting_user=acting_user, action="municipality.create")


def municipality_update(
    *, municipality: Municipality, acting_user: User, data: dict[str, Any]
) -> Municipality:
    require_role(acting_user, Role.ORG_ADMIN)
    _require_visible(municipality, acting_user)
    parent = data.get("parent")
    _require_visible(parent, acting_user)
    node = parent
    while node is not None:
        if node.pk == municipality.pk:
            raise InvalidInput(_("A municipality cannot be placed under itself or one of its districts."))
        node = node.parent
    before = snapshot(municipality)
    _apply(municipality, data)
    return save_audited(municipality, acting_user=acting_user, action="municipality.update", before=before)


def asset_create(*, acting_user: User, data: dict[str, Any]) -> MunicipalAsset:
    membership = require_role(acting_user, *ASSET_EDITORS)
    municipality = data.get("municipality")
    if municipality is None:
        raise InvalidInput(_("Choose the municipality of the asset."))
    _require_visible(municipality, acting_user)
    asset = MunicipalAsset(organization=membership.organization)
    _apply(asset, data)
    return save_audited(asset, acting_user=acting_user, action="asset.create")


def asset_update(*, asset: MunicipalAsset, acting_user: User, data: dict[str, Any]) -> MunicipalAsset:
    require_role(acting_user, *ASSET_EDITORS)
    _require_visible(asset, acting_user)
    _require_visible(data.get("municipality"), acting_user)
    before = snapshot(asset)
    _apply(asset, data)
    return save_audited(asset, acting_user=acting_user, action="asset.update", before=before)


def provider_create(*, acting_user: User, data: dict[str, Any]) -> Provider:
    membership = require_role(acting_user, *DIRECTORY_EDITORS)
    provider = Provider(organization=membership.organization)
    _apply(provider, data)
    _check_provider(provider)
    return save_audited(provider, acting_user=acting_user, action="provider.create")


def provider_update(*, provider: Provider, acting_user: User, data: dict[str, Any]) -> Provider:
    require_role(acting_user, *DIRECTORY_EDITORS)
    _require_visible(provider, acting_user)
    before = snapshot(provider)
    _apply(provider, data)
    _check_provider(provider)
    return save_audited(provider, acting_user=acting_user, action="provider.update", before=before)


def _check_provider(provider: Provider) -> None:
    if provider.kind != ProviderKind.STAFF_UNIT and not provider.legal_id:
        raise InvalidInput(
            _("A company or supplier needs its 11-digit national legal ID."),
            extra={"fields": {"legal_id": [str(_("This field is required."))]}},
        )


def domain_create(*, acting_user: User, data: dict[str, Any]) -> ServiceDomain:
    membership = require_role(acting_user, *DIRECTORY_EDITORS)
    _require_visible(data.get("parent"), acting_user)
    domain = ServiceDomain(organization=membership.organization)
    _apply(domain, data)
    return save_audited(domain, acting_user=acting_user, action="domain.create")


def domain_update(*, domain: ServiceDomain, acting_user: User, data: dict[str, Any]) -> ServiceDomain:
    require_role(acting_user, *DIRECTORY_EDITORS)
    _require_visible(domain, acting_user)
    parent = data.get("parent", domain.parent)
    _require_visible(parent, acting_user)
    # Refuse a cycle: the new parent must not be the domain or one of its descendants.
    node = parent
    while node is not None:
        if node.pk == domain.pk:
            raise InvalidInput(_("A domain cannot be placed under itself or its own sub-domain."))
        node = node.parent
    before = snapshot(domain)
    _apply(domain, data)
    with transaction.atomic():
        saved = save_audited(domain, acting_user=acting_user, action="domain.update", before=before)
        if saved.parent_id != before.get("parent_id"):
            announce(ServiceDomain, [saved.pk])  # the service levels it inherits may have changed
    return saved


def capability_create(*, acting_user: User, data: dict[str, Any]) -> Capability:
    membership = require_role(acting_user, *DIRECTORY_EDITORS)
    for key in ("provider", "domain"):
        if data.get(key) is None:
            raise InvalidInput(_("Choose the provider and the service domain."))
        _require_visible(data[key], acting_user)
    capability = Capability(organization=membership.organization)
    _apply(capability, data)
    return save_audited(capability, acting_user=acting_user, action="capability.create")


def capability_update(*, capability: Capability, acting_user: User, data: dict[str, Any]) -> Capability:
    require_role(acting_user, *DIRECTORY_EDITORS)
    _require_visible(capability, acting_user)
    for key in ("provider", "domain"):
        _require_visible(data.get(key), acting_user)
    before = snapshot(capability)
    _apply(capability, data)
    return save_audited(capability, acting_user=acting_user, action="capability.update", before=before)


def agreement_create(*, acting_user: User, data: dict[str, Any]) -> AgencyAgreement:
    membership = require_role(acting_user, *DIRECTORY_EDITORS)
    data = dict(data)
    domains = data.pop("domains", [])
    _check_agreement_refs(data.get("supplier"), domains, acting_user, required=True)
    agreement = AgencyAgreement(organization=membership.organization)
    _apply(agreement, data)
    _check_agreement_dates(agreement)
    return save_audited(
        agreement, acting_user=acting_user, action="agreement.create", m2m={"domains": domains}
    )


def agreement_update(
    *, agreement: AgencyAgreement, acting_user: User, data: dict[str, Any]
) -> AgencyAgreement:
    require_role(acting_user, *DIRECTORY_EDITORS)
    _require_visible(agreement, acting_user)
    data = dict(data)
    domains = data.pop("domains", None)
    _check_agreement_refs(data.get("supplier"), domains or [], acting_user, required=False)
    before = snapshot(agreement)
    _apply(agreement, data)
    _check_agreement_dates(agreement)
    m2m = {"domains": domains} if domains is not None else None
    return save_audited(agreement, acting_user=acting_user, action="agreement.update", before=before, m2m=m2m)


def _check_agreement_refs(supplier: Provider | None, domains: Iterable[ServiceDomain], acting_user: User, *,
                          required: bool) -> None:
    if supplier is None:
        if required:
            raise InvalidInput(_("Choose the supplier of the agreement."))
    else:
        _require_visible(supplier, acting_user)
        if supplier.kind != ProviderKind.SUPPLIER:
            raise InvalidInput(_("Agency agreements are made with represented suppliers only."))
    for domain in domains:
        _require_visible(domain, acting_user)


def _check_agreement_dates(agreement: AgencyAgreement) -> None:
    if agreement.starts_on and agreement.ends_on and agreement.ends_on < agreement.starts_on:
        raise InvalidInput(
            _("The end date of the agreement must not be before its start date."),
            extra={"fields": {"ends_on": [str(_("Must be on or after the start date."))]}},
        )


@transaction.atomic
def organization_create(*, name: str, slug: str, province: str, name_en: str = "") -> Organization:
    """Set up a new tenant (from the command line or the demo loader)."""
    organization = Organization(
        name=normalize(name), slug=slug, province=normalize(province), name_en=name_en
    )
    try:
        organization.full_clean()
    except DjangoValidationError as error:
        raise invalid_from(error) from None
    organization.save()
    audit_record(actor=None, action="organization.create", obj=organization,
                 organization=organization, after=snapshot(organization))
    return organization
